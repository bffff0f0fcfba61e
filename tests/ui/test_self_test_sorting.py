"""The self-test's sorting check: Qt's collation (ICU) orders Taiwanese and Spanish names."""

from __future__ import annotations

from pathlib import Path

import pytest

from otop_desktop.i18n import set_locale
from otop_desktop.ui import qt_locale
from otop_desktop.ui import self_test as module


@pytest.fixture(autouse=True)
def _english() -> None:
    set_locale("en")


def test_the_expected_orders_are_not_code_point_order() -> None:
    # Else a collator without its data (plain code point order) would pass the check.
    for names in module._SORTED_NAMES.values():
        assert tuple(sorted(names)) != names


def test_qts_collation_gives_the_expected_orders(tmp_path: Path) -> None:
    module._Run(tmp_path).sorting()


def test_a_collator_without_its_locale_data_fails_the_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What ICU does when a language's collation data is missing: the root order.
    monkeypatch.setattr(qt_locale, "_QT_NAMES", {})
    monkeypatch.setattr(qt_locale, "current_locale", lambda: "C")
    with pytest.raises(module.SelfTestFailed, match="sorted wrongly in zh_Hant_TW"):
        module._Run(tmp_path).sorting()
