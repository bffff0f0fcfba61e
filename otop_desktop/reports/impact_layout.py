"""Layout pieces of the impact report: styles, tables, a chart beside its numbers.

Every style and table names the embedded font: ReportLab's defaults (Helvetica for cells,
bullets and cells that hold a flowable) would name a font the PDF does not embed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from otop_desktop.i18n import _, ngettext
from otop_desktop.i18n.formatting import first_upper
from otop_desktop.reports.doc_setup import plain_paragraph
from otop_desktop.reports.impact_charts import count_chart
from otop_desktop.reports.impact_format import ReportFormat

GREY = colors.Color(0.35, 0.35, 0.35)
RULE = colors.Color(0.7, 0.7, 0.7)
BOX = colors.Color(0.16, 0.42, 0.62)
CHART_SHARE = 0.56  # of the text width: the chart left, its table right


def style(font: str, size: float, **extra: Any) -> ParagraphStyle:
    """A paragraph style in the embedded font."""
    return ParagraphStyle(
        f"impact-{size}-{sorted(extra.items())}",
        fontName=font,
        fontSize=size,
        leading=size * 1.3,
        # Bullets too: ReportLab's default bullet font is an unembedded Helvetica.
        bulletFontName=font,
        **extra,
    )


para = plain_paragraph  # the impact modules' short name for it


def heading(text: str, font: str) -> Paragraph:
    """A part's heading, kept with what follows it."""
    return para(text, style(font, 13, spaceBefore=10, spaceAfter=5, textColor=BOX, keepWithNext=1))


def counted(fm: ReportFormat, n: int) -> str:
    """How many trainees a figure counts ("12 trainees")."""
    return ngettext("{count} trainee", "{count} trainees", n).format(count=fm.number(n))


def table(rows: list[list[Any]], widths: Sequence[float], font: str, **extra: Any) -> Table:
    """A plain table of figures: header in grey, numbers right-aligned."""
    grid = Table(rows, colWidths=list(widths), hAlign="LEFT", repeatRows=1, **extra)
    grid.setStyle(
        TableStyle(
            [
                # The table's own font for plain cells; else the PDF names Helvetica.
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("TEXTCOLOR", (0, 0), (-1, 0), GREY),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return grid


def side_by_side(chart: Flowable, numbers: Table, width: float, font: str) -> Table:
    """A chart with its numbers beside it, kept on one page."""
    left = width * CHART_SHARE
    outer = Table([[chart, numbers]], colWidths=[left, width - left], hAlign="LEFT")
    outer.setStyle(
        TableStyle(
            [
                # A cell holding a flowable is still set in the cell's font: never Helvetica.
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 10),
            ]
        )
    )
    return outer


def count_part(
    fm: ReportFormat,
    title: str,
    items: Sequence[tuple[str, int]],
    whole: int | None,
    font: str,
    width: float,
) -> Flowable:
    """A heading, the bar chart of `items` and its table (with shares of `whole` if given)."""
    # Labels are lower-case in the catalogs (sentences use them): a cell starts with a capital.
    items = [(first_upper(label), count) for label, count in items]
    chart = count_chart(items, font, width * CHART_SHARE - 6, fm.count_axis)
    head = [_("Group"), _("Count")] + ([_("Share")] if whole is not None else [])
    rows: list[list[Any]] = [head]
    small = style(font, 8.5)
    for label, count in items:
        row: list[Any] = [para(label, small), fm.number(count)]
        if whole is not None:
            row.append(fm.share(count, whole))
        rows.append(row)
    rest = width * (1 - CHART_SHARE) - 10
    widths = (
        [rest * 0.56, rest * 0.22, rest * 0.22] if whole is not None else [rest * 0.7, rest * 0.3]
    )
    title_para = para(title, style(font, 10, spaceBefore=6, spaceAfter=3))
    return KeepTogether([title_para, side_by_side(chart, table(rows, widths, font), width, font)])
