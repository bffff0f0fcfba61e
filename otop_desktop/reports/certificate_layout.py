"""Drawing one certificate page: border, one column per language, signatures and the QR.

Every column shows the same rows (heading, name, workshop...) at the same heights, so in a
bilingual certificate the Spanish and the Chinese name sit side by side. Each line is fitted
to its column (text_fit), and when the rows together are taller than the page the whole
column is set smaller; nothing is drawn past the border.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics

from otop_desktop.reports.certificate_text import CertificateText
from otop_desktop.reports.qr import draw_qr, quiet_zone_width
from otop_desktop.reports.text_fit import LEADING, FittedText, fit_text

INK = Color(0.1, 0.1, 0.12)
NAVY = Color(0.11, 0.22, 0.4)
GREY = Color(0.36, 0.36, 0.4)
GOLD = Color(0.66, 0.53, 0.24)

BORDER = 0.6 * cm  # outer frame line from the paper's edge
SIDE = 1.8 * cm  # text from the paper's left and right edges
TOP = 1.5 * cm
BOTTOM = 1.2 * cm
GUTTER = 1.2 * cm  # between two language columns
QR_SIZE = 2.2 * cm
CENTRE_BLOCK = 6.6 * cm  # QR, code and the verify note, between the two signatures
SIGNATURE_LINE = 6.5 * cm
SINGLE_COLUMN = 20 * cm  # one language: shorter lines read better than border-to-border ones
SMALLEST_SCALE = 0.45  # safety net for absurd text; real certificates stay at 1


@dataclass(frozen=True)
class _Row:
    """A row of every column: which text, its largest and floor size, colour, space above."""

    key: str
    size: float
    floor: float
    colour: Color
    gap: float


ROWS = (
    _Row("programme", 11, 8, GREY, 0),
    _Row("heading", 26, 15, NAVY, 6),
    _Row("intro", 12, 9, INK, 16),
    _Row("name", 30, 17, INK, 6),
    _Row("second_name", 18, 12, INK, 2),
    _Row("attended", 12, 9, INK, 12),
    _Row("title", 19, 12, NAVY, 4),
    _Row("place", 12, 9, INK, 10),
    _Row("dates", 12, 9, INK, 2),
    _Row("attendance", 12, 9, INK, 10),
    _Row("partners", 11, 8, GREY, 10),
    _Row("issued", 9.5, 7, GREY, 12),
)


@lru_cache(maxsize=8)
def _baseline_drop(font: str) -> float:
    """From the top of a line box to the baseline, per point of font size."""
    face = pdfmetrics.getFont(font).face
    ascent, descent = float(face.ascent) / 1000, -float(face.descent) / 1000
    return (LEADING - ascent - descent) / 2 + ascent


def _draw_lines(canvas: Any, font: str, fitted: FittedText, centre: float, top: float) -> None:
    drop = _baseline_drop(font) * fitted.size
    canvas.setFont(font, fitted.size)
    for index, line in enumerate(fitted.lines):
        canvas.drawCentredString(centre, top - drop - index * fitted.size * LEADING, line)


def _column_rows(
    columns: Sequence[CertificateText], font: str, width: float, scale: float
) -> list[tuple[_Row, list[FittedText], float]]:
    """The rows some column has text for, fitted at `scale`, with their heights."""
    rows = []
    for row in ROWS:
        texts = [str(getattr(column, row.key)) for column in columns]
        if not any(texts):
            continue
        fitted = [
            fit_text(t, font, width, size=row.size * scale, floor=row.floor * scale) for t in texts
        ]
        rows.append((row, fitted, max(f.height for f in fitted)))
    return rows


def _draw_columns(
    canvas: Any,
    font: str,
    columns: Sequence[CertificateText],
    left: float,
    right: float,
    top: float,
    bottom: float,
) -> None:
    count = len(columns)
    if count == 1 and right - left > SINGLE_COLUMN:
        left, right = (left + right - SINGLE_COLUMN) / 2, (left + right + SINGLE_COLUMN) / 2
    width = (right - left - (count - 1) * GUTTER) / count
    available = top - bottom
    scale = 1.0
    while True:
        rows = _column_rows(columns, font, width, scale)
        gaps = sum(row.gap for row, _f, _h in rows[1:]) * scale
        needed = sum(height for _r, _f, height in rows) + gaps
        if needed <= available or scale <= SMALLEST_SCALE:
            break
        scale *= 0.92
    spare = max(0.0, available - needed)
    # Spare room widens the gaps up to twice their size; the rest goes above and below.
    stretch = min(spare, gaps) / gaps if gaps else 0.0
    y = top - (spare - stretch * gaps) * 0.4
    centres = [left + width / 2 + i * (width + GUTTER) for i in range(count)]
    for index, (row, fitted, height) in enumerate(rows):
        if index:
            y -= row.gap * scale * (1 + stretch)
        canvas.setFillColor(row.colour)
        for centre, text in zip(centres, fitted, strict=True):
            _draw_lines(canvas, font, text, centre, y - (height - text.height) / 2)
        y -= height
        if row.key == "heading":
            canvas.setStrokeColor(GOLD)
            canvas.setLineWidth(0.8)
            rule_y = y - 7 * scale
            for centre in centres:
                canvas.line(centre - 1.4 * cm, rule_y, centre + 1.4 * cm, rule_y)
    if count > 1:
        canvas.setStrokeColor(GOLD)
        canvas.setLineWidth(0.5)
        for i in range(1, count):
            x = left + i * (width + GUTTER) - GUTTER / 2
            canvas.line(x, top - 0.5 * cm, x, bottom + 0.3 * cm)


def _draw_border(canvas: Any, width: float, height: float) -> None:
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(2.4)
    canvas.rect(BORDER, BORDER, width - 2 * BORDER, height - 2 * BORDER, stroke=1, fill=0)
    inner = BORDER + 0.22 * cm
    canvas.setLineWidth(0.6)
    canvas.rect(inner, inner, width - 2 * inner, height - 2 * inner, stroke=1, fill=0)


def _joined(labels: Sequence[str]) -> str:
    """Labels of the columns, each once: "Trainer / 講師"."""
    return " / ".join(dict.fromkeys(label for label in labels if label))


def _draw_signatures(
    canvas: Any,
    font: str,
    columns: Sequence[CertificateText],
    trainers: str | None,
    boxes: tuple[tuple[float, float], tuple[float, float]],
    bottom: float,
) -> None:
    blocks = []
    for (left, right), names, label in zip(
        boxes,
        (trainers or "", ""),
        (
            _joined([c.trainer_label for c in columns]),
            _joined([c.coordinator_label for c in columns]),
        ),
        strict=True,
    ):
        length = min(SIGNATURE_LINE, right - left)
        name = fit_text(names, font, length, size=10, floor=7)
        caption = fit_text(label, font, length, size=8.5, floor=6)
        blocks.append(((left + right) / 2, length, name, caption))
    line_y = bottom + max(name.height + caption.height for _c, _l, name, caption in blocks) + 4
    for centre, length, name, caption in blocks:
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(centre - length / 2, line_y, centre + length / 2, line_y)
        canvas.setFillColor(INK)
        _draw_lines(canvas, font, name, centre, line_y - 2)
        canvas.setFillColor(GREY)
        _draw_lines(canvas, font, caption, centre, line_y - 2 - name.height)


def _draw_qr_block(
    canvas: Any,
    font: str,
    code: str,
    columns: Sequence[CertificateText],
    centre: float,
    bottom: float,
) -> float:
    """The QR, its code and the verify note(s), centred on `centre`; returns the QR's top."""
    notes = [fit_text(c.verify_note, font, CENTRE_BLOCK, size=7, floor=5.5) for c in columns]
    code_text = fit_text(code, font, CENTRE_BLOCK, size=10, floor=7)
    y = bottom + sum(n.height for n in notes)
    canvas.setFillColor(GREY)
    top = y
    for note in notes:
        _draw_lines(canvas, font, note, centre, top)
        top -= note.height
    quiet = quiet_zone_width(code, QR_SIZE)
    code_top = y + code_text.height
    canvas.setFillColor(INK)
    _draw_lines(canvas, font, code_text, centre, code_top)
    # The code sits inside the lower quiet zone's outer half: readers need only its inner part.
    qr_y = code_top + quiet * 0.6
    draw_qr(canvas, code, centre - QR_SIZE / 2, qr_y, QR_SIZE)
    return float(qr_y + QR_SIZE)


def draw_certificate(
    canvas: Any,
    font: str,
    size: tuple[float, float],
    code: str,
    trainers: str | None,
    columns: Sequence[CertificateText],
) -> None:
    """Draw one certificate on the canvas's current page (`size` is the landscape page)."""
    width, height = size
    _draw_border(canvas, width, height)
    left, right = SIDE, width - SIDE
    centre = width / 2
    qr_top = _draw_qr_block(canvas, font, code, columns, centre, BOTTOM)
    half = CENTRE_BLOCK / 2 + 0.4 * cm
    boxes = ((left, centre - half), (centre + half, right))
    _draw_signatures(canvas, font, columns, trainers, boxes, BOTTOM)
    _draw_columns(canvas, font, columns, left, right, height - TOP, qr_top + 0.35 * cm)
