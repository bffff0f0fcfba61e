"""ReportLab canvases that number pages "x / y" once the page count is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

GREY = colors.Color(0.35, 0.35, 0.35)

# Draws a page's furniture: (canvas, page number, number of pages).
Decorate = Callable[[Canvas, int, int], None]


def page_count_canvas(decorate: Decorate) -> Callable[..., Canvas]:
    """A canvas class that calls `decorate` on every page once the number of pages is known."""

    class PageCountCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            # Pages are kept until save(): only then is their number known.
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                decorate(self, self.getPageNumber(), total)
                self.restoreState()
                super().showPage()
            super().save()

    return PageCountCanvas


def numbered_canvas(
    font: str, page_text: str, running: str, footer: str, margin: float
) -> Callable[..., Canvas]:
    """A canvas class that writes `page_text` ({page}, {pages}) at the bottom right and
    `footer` at the bottom left of every page, and `running` atop every page after the first."""

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        width, height = canvas._pagesize
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        if footer:
            canvas.drawString(margin, margin / 2, footer)
        canvas.drawRightString(width - margin, margin / 2, page_text.format(page=page, pages=total))
        if page > 1 and running:
            canvas.drawString(margin, height - margin / 2 - 4, running)

    return page_count_canvas(decorate)
