"""A table cell's text that shrinks to fit its width and, past a smallest size, wraps."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

LEADING = 1.2
MIN_SIZE = 5.0  # still readable on paper; below it the text wraps instead


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
        self.height = len(self.lines) * size * LEADING
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.drawn_size)
        self.canv.setFillColor(self.color)
        step = self.drawn_size * LEADING
        for index, line in enumerate(self.lines):
            # The baseline sits a little above the line's bottom, room for descenders.
            y = self.height - (index + 1) * step + step * 0.22
            if self.centred:
                self.canv.drawCentredString(self.width / 2, y, line)
            else:
                self.canv.drawString(0, y, line)
