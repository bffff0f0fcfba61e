"""The parts of the catalogue PDF that draw themselves: photo boxes, progress marks, page
numbers."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.i18n import _
from otop_desktop.reports.numbered_canvas import GREY, page_count_canvas

MARGIN = 1.5 * cm
DPI = 200  # photos are downscaled to this for their box: sharp in print, small PDF
JPEG_QUALITY = 85
BOX_FILL = colors.Color(0.94, 0.94, 0.94)
BOX_LINE = colors.Color(0.75, 0.75, 0.75)

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


# --- photos ------------------------------------------------------------------------------------


class ProgressMark(Flowable):  # type: ignore[misc]  # ReportLab has no type hints
    """Takes no room; when the page of product `index` is laid out, reports and may cancel."""

    def __init__(
        self, index: int, total: int, report: Report | None, cancelled: Cancelled | None
    ) -> None:
        super().__init__()
        self.index, self.total = index, total
        self.report, self.cancelled = report, cancelled

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.cancelled and self.cancelled():
            raise OperationCancelled(_("Cancelled; no catalogue was written."))
        if self.report:
            self.report(self.index, self.total)


class PhotoBox(Flowable):  # type: ignore[misc]  # ReportLab has no type hints
    """A photo fitted into a fixed box, upright, aspect kept; or a tidy box saying why not.

    The file is read only when the page is drawn, so a catalogue of hundreds of products
    never holds all its photos in memory at once.
    """

    def __init__(
        self,
        path: Path | None,
        width: float,
        height: float,
        font: str,
        size: float,
        *,
        has_photo: bool = True,
    ) -> None:
        super().__init__()
        self.path, self.has_photo = path, has_photo
        self.width, self.height = width, height
        self.font, self.size = font, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        if not self.has_photo:
            self._empty(_("No photo"))
            return
        if self.path is None or not self.path.is_file():
            self._empty(_("Photo missing on this laptop"))
            return
        try:
            reader, drawn_width, drawn_height = fitted_picture(self.path, self.width, self.height)
        except (OSError, ValueError, Image.DecompressionBombError):
            # One damaged photo must not stop the catalogue of a whole workshop.
            self._empty(_("This photo cannot be read"))
            return
        self.canv.drawImage(
            reader,
            (self.width - drawn_width) / 2,
            (self.height - drawn_height) / 2,
            drawn_width,
            drawn_height,
        )

    def _empty(self, text: str) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(BOX_FILL)
        canvas.setStrokeColor(BOX_LINE)
        canvas.roundRect(0, 0, self.width, self.height, 6, stroke=1, fill=1)
        canvas.setFillColor(GREY)
        canvas.setFont(self.font, self.size)
        size = self.size
        while size > 5 and stringWidth(text, self.font, size) > self.width - 8:
            size -= 0.5
        canvas.setFont(self.font, size)
        canvas.drawCentredString(self.width / 2, self.height / 2 - size / 3, text)
        canvas.restoreState()


def fitted_picture(
    path: Path, box_width: float, box_height: float
) -> tuple[ImageReader, float, float]:
    """The photo upright (EXIF orientation applied), fitted into the box and downscaled to
    DPI for it, as a JPEG reader; with the size it is drawn at, in points."""
    with Image.open(path) as image:
        longest = round(max(box_width, box_height) * DPI / 72)
        # JPEG decodes straight at 1/2, 1/4 or 1/8 size when that is still large enough.
        image.draft("RGB", (longest, longest))
        upright = ImageOps.exif_transpose(image).convert("RGB")
    scale = min(box_width / upright.width, box_height / upright.height)
    drawn_width, drawn_height = upright.width * scale, upright.height * scale
    pixels = (max(1, round(drawn_width * DPI / 72)), max(1, round(drawn_height * DPI / 72)))
    if pixels[0] < upright.width:
        upright = upright.resize(pixels, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # Saved without EXIF: the pixels are upright now, and no viewer may turn them again.
    upright.save(buffer, "JPEG", quality=JPEG_QUALITY)
    buffer.seek(0)
    # ReportLab embeds a JPEG as it is (DCT), not as raw pixels: the PDF stays small.
    return ImageReader(buffer), drawn_width, drawn_height


# --- page numbers ------------------------------------------------------------------------------


def numbered_canvas(font: str, page_text: str, running: str) -> Callable[..., Canvas]:
    """A canvas that writes the running title and "page x / y" under every page after the
    cover, once the number of pages is known."""

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        if page == 1:
            return  # the cover
        width, _height = canvas._pagesize
        canvas.setFont(font, 8)
        canvas.setFillColor(GREY)
        baseline = MARGIN / 2
        number = page_text.format(page=page, pages=total)
        canvas.drawRightString(width - MARGIN, baseline, number)
        room = width - 2 * MARGIN - stringWidth(number, font, 8) - 1 * cm
        text = running
        # A long title is shortened rather than run into the page number.
        while len(text) > 1 and stringWidth(text, font, 8) > room:
            text = text[:-2] + "…"
        if text:
            canvas.drawString(MARGIN, baseline, text)

    return page_count_canvas(decorate)
