"""Fitting text into a box width: smaller type first, then more lines, never wider.

Names and workshop titles on certificates come in every length ("陳美玲", or a 120-letter name
with four surnames); a line is shrunk to a floor size, then wrapped into two lines at the
floor (or smaller, for absurd lengths), so nothing runs past the border or is cut off.
Table cells (FitText) shrink to a smallest size, then wrap into as many lines as they need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from otop_desktop.reports.doc_setup import CJK

LEADING = 1.22  # line height as a multiple of the font size
CELL_LEADING = 1.2  # a table cell's line height: rows stay compact
MIN_SIZE = 5.0  # a table cell's text is still readable on paper; below it the text wraps


@dataclass(frozen=True)
class FittedText:
    """Text cut into lines that each fit the width at `size` points."""

    size: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        """The height the lines take, leading included."""
        return len(self.lines) * self.size * LEADING


def _breaks(text: str) -> list[tuple[int, int]]:
    """Where `text` may break: (end of the first line, start of the second), best first."""
    spaces = [(m.start(), m.end()) for m in re.finditer(r"\s+", text)]
    cjk = [
        (i, i)
        for i in range(1, len(text))
        if (CJK.match(text[i - 1]) or CJK.match(text[i])) and not text[i].isspace()
    ]
    candidates = [b for b in spaces + cjk if 0 < b[0] and b[1] < len(text)]
    if candidates:
        return candidates
    # One long word (a name without spaces, a code): break it anywhere rather than overflow.
    return [(i, i) for i in range(1, len(text))]


def _two_lines(text: str, font: str) -> tuple[str, str, float]:
    """The most balanced split of `text` in two and the width of its wider half at size 1."""
    widths = [stringWidth(ch, font, 1) for ch in text]
    prefix = [0.0]
    for width in widths:
        prefix.append(prefix[-1] + width)
    best: tuple[float, int, int] | None = None
    for end, start in _breaks(text):
        wider = max(prefix[end], prefix[-1] - prefix[start])
        if best is None or wider < best[0]:
            best = (wider, end, start)
    if best is None:  # a single character: nothing to break
        return text, "", prefix[-1]
    wider, end, start = best
    return text[:end].rstrip(), text[start:].lstrip(), wider


def fit_text(text: str, font: str, width: float, *, size: float, floor: float) -> FittedText:
    """`text` at the largest size up to `size` that fits `width` on one line, down to `floor`;
    below that, in two lines at `floor` (or smaller, when even two lines at the floor do not fit).
    """
    text = " ".join(text.split())
    if not text or width <= 0:
        return FittedText(size, (text,) if text else ())
    natural = stringWidth(text, font, 1)
    one_line = min(size, width / natural) if natural else size
    if one_line >= floor:
        return FittedText(one_line, (text,))
    first, second, wider = _two_lines(text, font)
    if not second:
        return FittedText(one_line, (text,))
    # Never larger than the floor: a longer name must not come out in bigger letters.
    return FittedText(min(floor, width / wider), (first, second))


# --- table cells ---------------------------------------------------------------------------


def break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width`: between words, else between characters (CJK)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines or [""]


class FitText(Flowable):  # type: ignore[misc]  # ReportLab has no type hints
    """`text` drawn at `size`, or smaller until it fits the cell; never past its edge."""

    def __init__(
        self,
        text: str,
        font: str,
        size: float,
        color: Any = colors.black,
        min_size: float = MIN_SIZE,
        centred: bool = False,
    ) -> None:
        super().__init__()
        self.text, self.font, self.size, self.color, self.min_size = (
            text,
            font,
            size,
            color,
            min_size,
        )
        self.centred = centred
        self.drawn_size = size
        self.lines = [text]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        size = self.size
        while size > self.min_size and stringWidth(self.text, self.font, size) > avail_width:
            size = max(self.min_size, size - 0.25)
        self.drawn_size = size
        if stringWidth(self.text, self.font, size) <= avail_width:
            self.lines = [self.text]
        else:
            self.lines = break_lines(self.text, self.font, size, avail_width)
        self.width = avail_width
        self.height = len(self.lines) * size * CELL_LEADING
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.drawn_size)
        self.canv.setFillColor(self.color)
        step = self.drawn_size * CELL_LEADING
        for index, line in enumerate(self.lines):
            # The baseline sits a little above the line's bottom, room for descenders.
            y = self.height - (index + 1) * step + step * 0.22
            if self.centred:
                self.canv.drawCentredString(self.width / 2, y, line)
            else:
                self.canv.drawString(0, y, line)
