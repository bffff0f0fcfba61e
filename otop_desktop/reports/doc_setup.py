"""What every ReportLab document of the app sets up the same way: the document with its
metadata and one body frame, cancellation between flowables, plain-text paragraphs, and the
label/value "facts" tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, TableStyle

from otop_desktop.domain.errors import OperationCancelled

# Han, kana, bopomofo, CJK punctuation and full-width forms: such text breaks between any two.
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


class CancellableDoc(BaseDocTemplate):  # type: ignore[misc]  # ReportLab has no type hints
    """A document that stops between two flowables when cancelled, and counts them to `report`
    when one is set (up to `total`)."""

    cancelled: Callable[[], bool] | None = None
    report: Callable[[int, int], None] | None = None
    total = 0
    done = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        if self.cancelled is not None and self.cancelled():
            raise OperationCancelled()
        if self.report is not None:
            self.done = min(self.done + 1, self.total)
            self.report(self.done, self.total)


def pdf_document(
    target: Path,
    size: tuple[float, float],
    font: str,
    margin: float,
    *,
    title: str,
    subject: str,
    locale: str,
    template: str,
    doc_class: type[BaseDocTemplate] = BaseDocTemplate,
) -> BaseDocTemplate:
    """A `doc_class` document at `target` with its metadata and one frame inside `margin`."""
    width, height = size
    doc = doc_class(
        str(target),
        pagesize=size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="OTOP Field Desk",
        subject=subject,
        lang=locale.replace("_", "-"),
        # Else every page names Helvetica, a font that is not embedded.
        initialFontName=font,
    )
    frame = Frame(
        margin, margin, width - 2 * margin, height - 2 * margin, id="body", showBoundary=0
    )
    doc.addPageTemplates([PageTemplate(id=template, frames=[frame])])
    return doc


def plain_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain `text` (escaped, line breaks kept) as a paragraph."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def wrapping_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain `text`; CJK text may wrap between any two characters."""
    if CJK.search(text):
        style = ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK")
    return plain_paragraph(text, style)


def facts_style(font: str, padding: float) -> TableStyle:
    """A label/value table's style: top-aligned, flush left, `padding` above and below."""
    return TableStyle(
        [
            # The table's own font, for empty cells; else the PDF names Helvetica.
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ]
    )
