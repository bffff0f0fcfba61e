"""The labels of the closed lists: each member has its own."""

from __future__ import annotations

from otop_desktop.domain.enums import Gender, LabelledEnum, ProductCategory


def test_members_of_different_lists_with_the_same_key_keep_their_own_label() -> None:
    # Both are stored as "other"; as str enums they are equal, which once made them share a label.
    assert Gender.OTHER.label() == "other"
    assert ProductCategory.OTHER.label() == "other product"
    assert Gender.parse("other") is Gender.OTHER
    assert ProductCategory.parse("other product") is ProductCategory.OTHER


def test_every_member_of_every_list_has_a_label() -> None:
    for kind in LabelledEnum.__subclasses__():
        labels = [member.label() for member in kind]
        assert all(labels) and len(set(labels)) == len(labels), kind
