"""PackedTexts behaves as the list of its texts, whatever the texts hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otop_desktop.domain.packed_texts import PackedTexts

texts = st.lists(st.text(alphabet="ab\x00é中😀", max_size=4), max_size=12)


@given(texts, st.text(alphabet="ab\x00é中😀", max_size=5))
def test_packed_texts_behave_as_their_list(items: list[str], probe: str) -> None:
    packed = PackedTexts(items)
    assert len(packed) == len(items)
    assert list(packed) == items
    assert [packed[i] for i in range(len(items))] == items
    assert [packed[-i] for i in range(1, len(items) + 1)] == [
        items[-i] for i in range(1, len(items) + 1)
    ]
    assert packed[1:-1] == items[1:-1] and packed[::2] == items[::2]
    assert (probe in packed) == (probe in items)
    assert packed.count(probe) == items.count(probe)
    if probe in items:
        assert packed.index(probe) == items.index(probe)
    else:
        with pytest.raises(ValueError):
            packed.index(probe)
    for start in range(-2, len(items) + 2):
        try:
            expected = items.index(probe, start)
        except ValueError:
            with pytest.raises(ValueError):
                packed.index(probe, start)
        else:
            assert packed.index(probe, start) == expected
    assert packed == PackedTexts(iter(items))


def test_out_of_range_and_other_types() -> None:
    packed = PackedTexts(["a", "bc"])
    with pytest.raises(IndexError):
        packed[2]
    with pytest.raises(IndexError):
        packed[-3]
    assert 3 not in packed  # type: ignore[comparison-overlap]
    assert PackedTexts() == PackedTexts([]) and len(PackedTexts()) == 0


def test_a_match_across_two_texts_is_not_a_text() -> None:
    packed = PackedTexts(["ab", "cd", "bc", "abcd"])
    assert packed.index("bc") == 2
    assert packed.index("abcd") == 3
    with pytest.raises(ValueError):
        packed.index("abc")
