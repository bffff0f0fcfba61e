"""The bar chart of a workshop's attendance rate per session, with the minimum-rate line."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from otop_desktop.i18n import _
from otop_desktop.i18n.formatting import percent
from otop_desktop.reports.attendance_data import AttendanceReportData

BAR = colors.Color(0.18, 0.49, 0.2)  # the attendance page's green for "present"
BAR_LOW = colors.Color(0.78, 0.16, 0.16)  # its red: under the minimum
MIN_LINE = colors.Color(0.78, 0.16, 0.16)
AXIS = colors.Color(0.3, 0.3, 0.3)
MAX_BAR_LABELS = 24  # more sessions than this and the labels over the bars would overlap
LABEL_ROOM = 70  # right of the plot: where the minimum line is named, clear of the bars


def rate_chart(data: AttendanceReportData, font: str, width: float, height: float) -> Drawing:
    """A drawing `width` × `height`: one bar per session (none when not held), in %.

    Every string names `font`: ReportLab's chart labels default to Helvetica, which the PDF
    would then name without embedding it.
    """
    drawing = Drawing(width, height)
    # The renderer starts every drawing in Times-Roman unless told otherwise.
    drawing.initialFontName = font
    chart = VerticalBarChart()
    chart.x, chart.y = 42, 36
    chart.width, chart.height = width - chart.x - LABEL_ROOM, height - chart.y - 24
    values = [s.rate * 100 if s.held and s.rate is not None else None for s in data.sessions]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [str(s.number) for s in data.sessions]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7 if len(values) > 20 else 8
    chart.categoryAxis.strokeColor = AXIS
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = lambda v: percent(v / 100)
    chart.valueAxis.strokeColor = AXIS
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    for index, value in enumerate(values):
        if value is not None and value < data.min_rate * 100:
            chart.bars[(0, index)].fillColor = BAR_LOW
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    if len(values) <= MAX_BAR_LABELS:
        chart.barLabelFormat = lambda v: percent(v / 100)
        chart.barLabels.nudge = 6
    drawing.add(chart)
    # The minimum: a dashed line across the plot at its height, named at its right end.
    y = chart.y + chart.height * data.min_rate
    line = Line(chart.x, y, chart.x + chart.width, y)
    line.strokeColor, line.strokeWidth, line.strokeDashArray = MIN_LINE, 1.2, [4, 3]
    drawing.add(line)
    drawing.add(
        String(
            chart.x + chart.width + 4,
            y - 3,
            _("Minimum {rate}").format(rate=percent(data.min_rate)),
            fontName=font,
            fontSize=8,
            fillColor=MIN_LINE,
            textAnchor="start",
        )
    )
    drawing.add(
        String(
            chart.x + chart.width / 2,
            4,
            _("Session"),
            fontName=font,
            fontSize=8,
            fillColor=AXIS,
            textAnchor="middle",
        )
    )
    return drawing
