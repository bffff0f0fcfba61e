"""The impact report's charts: counts as horizontal bars, figures per follow-up period as columns.

Every string names the embedded font: ReportLab's chart labels default to Helvetica, which the
PDF would then name without embedding it. A figure nobody recorded gets no bar but the words
"no data" where its bar would be, so it never reads as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from otop_desktop.i18n import _

BAR = colors.Color(0.16, 0.42, 0.62)
BAR_DOWN = colors.Color(0.78, 0.36, 0.16)  # a fall (income lower than at the baseline)
AXIS = colors.Color(0.3, 0.3, 0.3)
GRID = colors.Color(0.86, 0.86, 0.86)
MISSING = colors.Color(0.45, 0.45, 0.45)
SIZE = 7.5
MAX_LABEL = 0.42  # of the drawing's width: the most a category name may take left of its bar

Format = Callable[[float], str]


def _drawing(width: float, height: float, font: str) -> Drawing:
    drawing = Drawing(width, height)
    # The renderer starts every drawing in Times-Roman unless told otherwise.
    drawing.initialFontName = font
    return drawing


def _note(drawing: Drawing, x: float, y: float, text: str, font: str) -> None:
    drawing.add(
        String(x, y, text, fontName=font, fontSize=SIZE, fillColor=MISSING, textAnchor="middle")
    )


def _shorten(text: str, font: str, width: float) -> str:
    """`text`, cut with "…" to fit `width` (long country and category names)."""
    if stringWidth(text, font, SIZE) <= width:
        return text
    while text and stringWidth(text + "…", font, SIZE) > width:
        text = text[:-1]
    return text + "…"


def count_chart(items: Sequence[tuple[str, int]], font: str, width: float, fmt: Format) -> Drawing:
    """One horizontal bar per (label, count), the first at the top; height follows the count."""
    rows = max(1, len(items))
    height = 16 + rows * 15
    drawing = _drawing(width, height, font)
    if not items or not any(count for _label, count in items):
        _note(drawing, width / 2, height / 2 - 3, _("no data"), font)
        return drawing
    longest = max(stringWidth(label, font, SIZE) for label, _count in items)
    room = min(longest + 6, width * MAX_LABEL)
    chart = HorizontalBarChart()
    chart.x, chart.y = room, 14
    chart.width, chart.height = width - room - 34, height - 18
    # The category axis runs bottom-up: reversed, the first item is drawn at the top.
    shown = list(reversed(items))
    chart.data = [[count for _label, count in shown]]
    chart.categoryAxis.categoryNames = [_shorten(label, font, room - 6) for label, _c in shown]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = SIZE
    chart.categoryAxis.strokeColor = AXIS
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SIZE - 0.5
    chart.valueAxis.labelTextFormat = fmt
    chart.valueAxis.strokeColor = AXIS
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.forceZero = True
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = SIZE - 0.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabelFormat = fmt
    drawing.add(chart)
    return drawing


def period_chart(
    points: Sequence[tuple[str, float | None]],
    font: str,
    width: float,
    height: float,
    fmt: Format,
    axis_fmt: Format,
) -> Drawing:
    """One column per (period label, value); values may be negative (a fall in income)."""
    drawing = _drawing(width, height, font)
    values = [value for _label, value in points]
    known = [v for v in values if v is not None]
    if not known:
        _note(drawing, width / 2, height / 2 - 3, _("no data"), font)
        return drawing
    axis_room = max(stringWidth(axis_fmt(v), font, SIZE - 0.5) for v in (min(known), max(known)))
    chart = VerticalBarChart()
    chart.x, chart.y = axis_room + 10, 30
    chart.width, chart.height = width - chart.x - 6, height - chart.y - 16
    chart.data = [values]
    chart.categoryAxis.categoryNames = [_shorten(label, font, 1e9) for label, _v in points]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = SIZE
    chart.categoryAxis.strokeColor = AXIS
    # Under the zero line, not under negative bars: the period names stay at the bottom.
    chart.categoryAxis.labelAxisMode = "low"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SIZE - 0.5
    chart.valueAxis.labelTextFormat = axis_fmt
    chart.valueAxis.strokeColor = AXIS
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.forceZero = True
    if min(known) < 0:
        # Room under the lowest bar for its label, clear of the period names.
        chart.valueAxis.valueMin = min(known) * 1.35
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    for index, value in enumerate(values):
        if value is not None and value < 0:
            chart.bars[(0, index)].fillColor = BAR_DOWN
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = SIZE - 0.5
    chart.barLabelFormat = fmt
    chart.barLabels.nudge = 7
    drawing.add(chart)
    step = chart.width / max(1, len(values))
    for index, value in enumerate(values):
        if value is None:
            x = chart.x + step * (index + 0.5)
            _note(drawing, x, chart.y + 6, _("no data"), font)
    return drawing
