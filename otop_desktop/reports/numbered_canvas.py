"""A ReportLab canvas that numbers pages "x / y" once the page count is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

GREY = colors.Color(0.35, 0.35, 0.35)


def numbered_canvas(
    font: str, page_text: str, running: str, footer: str, margin: float
) -> Callable[..., Canvas]:
    """A canvas class that writes `page_text` ({page}, {pages}) at the bottom right and
    `footer` at the bottom left of every page, and `running` atop every page after the first."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
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
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            page = self.getPageNumber()
            self.saveState()
            self.setFont(font, 7.5)
            self.setFillColor(GREY)
            if footer:
                self.drawString(margin, margin / 2, footer)
            self.drawRightString(
                width - margin, margin / 2, page_text.format(page=page, pages=total)
            )
            if page > 1 and running:
                self.drawString(margin, height - margin / 2 - 4, running)
            self.restoreState()

    return NumberedCanvas
