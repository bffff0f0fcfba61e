"""Fitting text into a width: shrink to a floor, then two lines, never wider than the box."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.text_fit import fit_text

NAME_120 = (
    "María de los Ángeles Guadalupe Fernández de la Santísima Trinidad "
    "López Reyes Castellanos y Martínez de Olancho Gutiérrez"
)[:120]


def _fits(lines: tuple[str, ...], size: float, width: float) -> bool:
    return all(stringWidth(line, pdf_font(), size) <= width + 1e-6 for line in lines)


def test_a_short_name_keeps_its_full_size() -> None:
    fitted = fit_text("陳美玲", pdf_font(), 300, size=30, floor=17)
    assert (fitted.size, fitted.lines) == (30, ("陳美玲",))


def test_a_longer_name_shrinks_on_one_line_down_to_the_floor() -> None:
    text = "María Fernanda López Reyes"
    natural = stringWidth(text, pdf_font(), 30)
    fitted = fit_text(text, pdf_font(), natural * 0.8, size=30, floor=17)
    assert fitted.lines == (text,)
    assert 17 <= fitted.size < 30
    assert _fits(fitted.lines, fitted.size, natural * 0.8)


@pytest.mark.parametrize("width", [150, 300, 420])
def test_a_120_letter_name_wraps_into_two_lines_that_fit(width: float) -> None:
    fitted = fit_text(NAME_120, pdf_font(), width, size=30, floor=17)
    assert len(fitted.lines) == 2
    assert fitted.size <= 17  # never bigger than a shorter name at the floor
    assert _fits(fitted.lines, fitted.size, width)
    assert " ".join(fitted.lines) == NAME_120  # nothing left out
    # Balanced: the shorter line is not a stub.
    widths = sorted(stringWidth(line, pdf_font(), 1) for line in fitted.lines)
    assert widths[0] > widths[1] * 0.6


def test_chinese_breaks_between_characters_and_a_long_word_anywhere() -> None:
    chinese = "國立臺灣工藝研究發展中心竹藝研習班結業證書" * 3
    fitted = fit_text(chinese, pdf_font(), 200, size=20, floor=12)
    assert len(fitted.lines) == 2 and "".join(fitted.lines) == chinese
    assert _fits(fitted.lines, fitted.size, 200)

    word = "Xochiquetzalcoatlicue" * 5
    fitted = fit_text(word, pdf_font(), 120, size=20, floor=12)
    assert "".join(fitted.lines) == word
    assert _fits(fitted.lines, fitted.size, 120)


def test_empty_text_has_no_lines_and_no_height() -> None:
    fitted = fit_text("   ", pdf_font(), 200, size=20, floor=12)
    assert fitted.lines == () and fitted.height == 0
