"""The dashboard's charts (QtCharts): counts as horizontal bars, figures over time as lines.

A value nobody recorded is never drawn as zero: the line has a gap there, and the period's
label on the axis says "no data" (for which currency, when there are several). A chart with
nothing at all to draw says "no data" across its middle. Every chart sits in a `ChartPanel`
that copies it to the clipboard or saves it as a PNG ("Copy as image", "Save image…", also in
its context menu).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QMargins, QObject, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.atomic_file import replacing
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.dashboard import CountBy, MoneySeries, SeriesPoint
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser, FileType

# Distinct for readers with the commonest colour blindness (Okabe-Ito), one per line.
LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
_BAR_COLOUR = QColor("#2e7d32")
# Enough to show the longest bars with their numbers; more go into "others".
MAX_BARS = 12
IMAGE_FOLDER_KEY = "dashboard/images"
_MARKER = 4.0


@dataclass(frozen=True)
class Line:
    """One line of a chart over time: its name in the legend and a text for each value."""

    name: str
    points: Sequence[SeriesPoint]
    text: Callable[[float], str]


class _Overlay(QLabel):
    """The "no data" across the middle of an empty chart (part of its image when copied)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(_("no data"), parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("color: #666; font-size: 13pt; font-style: italic;")
        self.hide()


class _View(QChartView):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.overlay = _Overlay(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())


class ChartPanel(QWidget):
    """A chart with its "Copy as image" and "Save image…" buttons and context menu."""

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_name = file_name
        # Tests and the page swap these: where to save, and how to show a failure.
        self.chooser: FileChooser = DialogFileChooser(IMAGE_FOLDER_KEY)
        self.on_error: Callable[[BaseException], object] | None = None
        self.empty = True
        self.view = _View(self)
        self.view.setMinimumHeight(230)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.copy_button = QPushButton(_("Copy as image"))
        self.copy_button.setToolTip(_("Copy this chart to paste it into a document"))
        self.copy_button.clicked.connect(self.copy_image)
        self.save_button = QPushButton(_("Save image…"))
        self.save_button.setToolTip(_("Save this chart as a PNG picture"))
        self.save_button.clicked.connect(self.save_image)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.menu: QMenu | None = None

    def set_chart(self, chart: QChart, *, empty: bool) -> None:
        """Show `chart`; `empty` says "no data" over it."""
        old = self.view.chart()
        self.view.setChart(chart)
        # setChart() hands the old chart back to us: delete it rather than leak it.
        if old is not None and old is not chart:
            old.deleteLater()
        self.empty = empty
        self.view.overlay.setVisible(empty)

    def title(self) -> str:
        return self.view.chart().title()

    def image(self) -> QPixmap:
        """The chart as it is drawn now (with its "no data" when empty)."""
        return self.view.grab()

    def copy_image(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setPixmap(self.image())

    def save_image(self) -> Path | None:
        """Ask for a PNG file and write the chart to it; None when the user cancels."""
        out = self.chooser.save_file(
            self, _("Save the chart as an image"), self.file_name + ".png", [png_type()]
        )
        if out is None:
            return None
        try:
            write_png(self.image(), out)
        except ValidationError as exc:
            if self.on_error is None:
                raise
            self.on_error(exc)
            return None
        return out

    def _context_menu(self, position: QPoint) -> None:
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = QMenu(self)
        self.menu.addAction(_("Copy as image"), self.copy_image)
        self.menu.addAction(_("Save image…"), self.save_image)
        self.menu.popup(self.view.mapToGlobal(position))


def png_type() -> FileType:
    return FileType(_("PNG pictures"), (".png",))


def write_png(image: QPixmap, out: Path) -> None:
    """Write `image` to `out` as PNG through a temporary file: whole, or not at all."""
    try:
        with replacing(out, prefix=".part-", suffix=".png") as temporary:
            if not image.save(str(temporary), "PNG"):
                raise ValidationError(
                    _("The image could not be saved to {path}.").format(path=out), "path"
                )
    except OSError as exc:
        raise ValidationError(
            _("The image could not be saved to {path}: {reason}").format(
                path=out, reason=exc.strerror or exc
            )
        ) from exc


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    return chart


def count_chart(title: str, counts: Sequence[CountBy], *, limit: int = MAX_BARS) -> QChart:
    """Horizontal bars of `counts` in the order given (the first on top); beyond `limit` the
    rest are added up as "others" (counts of things, never amounts)."""
    shown = list(counts[:limit])
    rest = sum(c.count for c in counts[limit:])
    if len(counts) > limit:
        shown.append(CountBy("others", _("others"), rest))
    chart = _chart(title)
    chart.legend().hide()
    bars = QBarSet(title)
    bars.setColor(_BAR_COLOUR)
    bars.setLabelColor(QColor("#1f1f1f"))
    # Qt draws the first category at the bottom: reversed, so that the list reads downwards.
    for item in reversed(shown):
        bars.append(item.count)
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([formatting.first_upper(item.label) for item in reversed(shown)])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    values = QValueAxis()
    top = max((item.count for item in shown), default=0)
    # Room for the number after the longest bar.
    values.setRange(0, max(1.0, top * 1.18))
    values.applyNiceNumbers()
    values.setLabelFormat("%d")
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(values)
    return chart


def counts_empty(counts: Sequence[CountBy]) -> bool:
    return not any(c.count for c in counts)


def line_chart(title: str, lines: Sequence[Line], axis_title: str = "") -> QChart:
    """Lines over the periods of the first line's points; a missing value leaves a gap and
    the period's axis label says "no data" (naming the lines without data, if several)."""
    chart = _chart(title)
    periods = [p.label for p in lines[0].points] if lines else []
    missing: list[list[str]] = [[] for _p in periods]
    low = 0.0
    high = 0.0
    for n, line in enumerate(lines):
        colour = QColor(LINE_COLOURS[n % len(LINE_COLOURS)])
        runs: list[QLineSeries] = []
        current: QLineSeries | None = None
        for x, point in enumerate(line.points):
            if point.value is None:
                if x < len(missing):
                    missing[x].append(line.name)
                current = None
                continue
            if current is None:
                current = _line_series(line.name, colour)
                runs.append(current)
            current.append(float(x), point.value)
            current.setPointConfiguration(
                current.count() - 1,
                {
                    QXYSeries.PointConfiguration.LabelFormat: line.text(point.value),
                    QXYSeries.PointConfiguration.LabelVisibility: True,
                    QXYSeries.PointConfiguration.Size: _MARKER,
                },
            )
            low = min(low, point.value)
            high = max(high, point.value)
        if not runs:
            # Still named in the legend, so that a reader sees which line is missing.
            runs.append(_line_series(line.name, colour))
        for run in runs:
            chart.addSeries(run)
        # One legend entry per line, however many pieces the gaps cut it into.
        for run in runs[1:]:
            for marker in chart.legend().markers(run):
                marker.setVisible(False)
    chart.legend().setVisible(len(lines) > 1)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    categories = QBarCategoryAxis()
    categories.append(periods)
    values = QValueAxis()
    span = (high - low) or max(abs(high), 1.0)
    values.setRange(low - (span * 0.1 if low < 0 else 0), high + span * 0.2)
    values.applyNiceNumbers()
    values.setLabelFormat("%.0f" if span >= 10 else "%.1f")
    if axis_title:
        values.setTitleText(axis_title)
    # Nothing drawn: a scale of made-up numbers would only suggest there is something.
    values.setLabelsVisible(not lines_empty(lines))
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    for series in chart.series():
        series.attachAxis(categories)
        series.attachAxis(values)
        if isinstance(series, QLineSeries):
            # The theme sets its own marker size when the series is added.
            series.setMarkerSize(_MARKER)
    notes = [(x, _gap_text(names, len(lines))) for x, names in enumerate(missing) if names]
    if notes and not lines_empty(lines):
        _GapNotes(chart, notes)
    return chart


def _line_series(name: str, colour: QColor) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    series.setPen(QPen(colour, 2.5))
    series.setColor(colour)
    series.setPointsVisible(True)
    series.setMarkerSize(7)
    series.setPointLabelsVisible(True)
    series.setPointLabelsClipping(False)
    series.setPointLabelsColor(QColor("#1f1f1f"))
    return series


def _gap_text(missing: list[str], lines: int) -> str:
    if lines == 1:
        return _("no data")
    return _("no data: {names}").format(names=", ".join(missing))


class _GapNotes(QObject):
    """ "no data" written in the plot at each period with a missing value, kept in place as
    the chart is resized. A child of the chart, so it ends with it."""

    def __init__(self, chart: QChart, notes: list[tuple[int, str]]) -> None:
        super().__init__(chart)
        self._chart = chart
        self.texts = [text for _x, text in notes]
        self._items: list[tuple[int, QGraphicsSimpleTextItem]] = []
        font = QFont(chart.font())
        font.setItalic(True)
        for x, text in notes:
            item = QGraphicsSimpleTextItem(text, chart)
            item.setBrush(QColor("#555555"))
            item.setFont(font)
            self._items.append((x, item))
        chart.plotAreaChanged.connect(self._place)

    def _place(self, area: QRectF) -> None:
        series = self._chart.series()
        if not series:
            return
        for x, item in self._items:
            centre = self._chart.mapToPosition(QPointF(x, 0), series[0])
            box = item.boundingRect()
            item.setPos(centre.x() - box.width() / 2, area.bottom() - box.height() - 6)


def lines_empty(lines: Sequence[Line]) -> bool:
    return not any(p.value is not None for line in lines for p in line.points)


def money_lines(series: Sequence[MoneySeries]) -> list[Line]:
    """A line per currency, each value written as an amount of that currency."""

    # The legend names the currency: the labels stay short (amounts are whole units here).
    return [Line(s.currency, s.points, lambda v: formatting.number(round(v))) for s in series]
