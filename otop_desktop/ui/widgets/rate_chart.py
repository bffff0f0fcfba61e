"""A small bar chart of the attendance rate of each session, drawn with QPainter.

One bar per session (0 to 100 %), its date under it; a dashed line at the workshop's minimum
rate for a certificate. A session with no marks yet has no bar, only its date.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from otop_desktop.i18n import formatting

_BAR = QColor("#2e7d32")
_LOW_BAR = QColor("#e65100")
_LINE = QColor("#c62828")


class RateChart(QWidget):
    """Bars of rates between 0 and 1, each with a short label; `threshold` is drawn as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[tuple[str, float | None]] = []
        self._threshold: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(140)

    def set_bars(self, bars: list[tuple[str, float | None]], threshold: float | None) -> None:
        """Show `bars` (label, rate or None) with the minimum rate `threshold`."""
        self._bars = list(bars)
        self._threshold = threshold
        self.update()

    def bars(self) -> list[tuple[str, float | None]]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        return QSize(360, 180)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        text = self.palette().color(QPalette.ColorRole.WindowText)
        grid = self.palette().color(QPalette.ColorRole.Mid)
        axis_width = metrics.horizontalAdvance(formatting.percent(1.0)) + 8
        area = QRectF(
            axis_width,
            metrics.height() / 2 + 4,
            self.width() - axis_width - 8,
            self.height() - 2 * metrics.height() - 12,
        )
        if area.width() <= 0 or area.height() <= 0:
            return
        painter.setPen(QPen(grid, 1))
        for share in (0.0, 0.5, 1.0):
            y = area.bottom() - share * area.height()
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, axis_width - 4, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                formatting.percent(share),
            )
            painter.setPen(QPen(grid, 1))
        if not self._bars:
            return
        slot = area.width() / len(self._bars)
        width = max(2.0, min(slot * 0.7, 48.0))
        # Labels are thinned out when they would overlap (a workshop of 30 sessions).
        label_width = max(metrics.horizontalAdvance(label) for label, _rate in self._bars) + 6
        every = max(1, int(label_width // slot) + 1)
        for n, (label, rate) in enumerate(self._bars):
            centre = area.left() + slot * (n + 0.5)
            if rate is not None:
                low = self._threshold is not None and rate < self._threshold
                height = max(0.0, min(rate, 1.0)) * area.height()
                painter.fillRect(
                    QRectF(centre - width / 2, area.bottom() - height, width, height),
                    _LOW_BAR if low else _BAR,
                )
            if n % every == 0:
                painter.setPen(text)
                painter.drawText(
                    QRectF(
                        centre - label_width / 2, area.bottom() + 4, label_width, metrics.height()
                    ),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    label,
                )
        if self._threshold is not None:
            y = area.bottom() - self._threshold * area.height()
            painter.setPen(QPen(_LINE, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
