"""QR codes drawn on a ReportLab canvas as one filled path, from segno's module matrix.

ReportLab's QR widget draws every module as its own rectangle through the graphics layer and
names Helvetica on the page; printing hundreds of certificates needs neither. segno computes
the matrix, cached per code, and dark modules next to each other in a row become one
rectangle of a single path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import segno
from reportlab.pdfgen.pathobject import PDFPathObject

# Modules of white around the symbol that a reader needs to find it (ISO/IEC 18004).
QUIET_ZONE = 4


@lru_cache(maxsize=4096)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix of `text` (error correction M), top row first, True = dark."""
    # boost_error=False: level M exactly, as agreed, whatever room the version has left.
    symbol = segno.make(text, error="m", micro=False, boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in symbol.matrix)


@lru_cache(maxsize=4096)
def qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The matrix size and its dark runs as (row, first column, length), row 0 at the top."""
    matrix = qr_matrix(text)
    runs: list[tuple[int, int, int]] = []
    for row_index, row in enumerate(matrix):
        start = -1
        for column, dark in enumerate((*row, False)):  # a light sentinel closes the last run
            if dark and start < 0:
                start = column
            elif not dark and start >= 0:
                runs.append((row_index, start, column - start))
                start = -1
    return len(matrix), tuple(runs)


@lru_cache(maxsize=1024)
def _path(text: str) -> PDFPathObject:
    """The dark runs of `text`'s symbol as one path in module units, origin at the bottom left."""
    count, runs = qr_runs(text)
    path = PDFPathObject()
    for row, column, length in runs:
        # Row 0 is the top of the symbol; ReportLab's y grows upwards.
        path.rect(column, count - 1 - row, length, 1)
    return path


def draw_qr(canvas: Any, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of `text` with its lower-left corner at (x, y), `size` points wide.

    `size` is the symbol without its quiet zone: keep QUIET_ZONE modules of blank paper
    around it (see quiet_zone_width).
    """
    count, _runs = qr_runs(text)
    canvas.saveState()
    # Whole-module coordinates scaled once: a reprint reuses the cached path as it is.
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(_path(text), stroke=0, fill=1)
    canvas.restoreState()


def quiet_zone_width(text: str, size: float) -> float:
    """The blank margin, in points, that a symbol of `text` drawn `size` wide needs around it."""
    count, _runs = qr_runs(text)
    return QUIET_ZONE * size / count
