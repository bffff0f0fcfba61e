"""The Summary tab of the attendance page: each session's counts, each trainee's rate, a chart.

Counted by the workshop's own rule (late counts, excused does not, unless the workshop says
otherwise), the same rule the certificates use. Export writes the workshop's attendance to an
Excel or CSV file. The summary is read again when marks change, but only while it is shown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, formatting, ngettext, pgettext
from otop_desktop.i18n.catalogs import babel_locale
from otop_desktop.services.attendance_export import export_attendance
from otop_desktop.services.attendance_summary import (
    SessionSummary,
    TraineeSummary,
    WorkshopSummary,
    workshop_summary,
)
from otop_desktop.services.context import AppContext
from otop_desktop.ui.dialogs.roster_texts import csv_type, xlsx_type
from otop_desktop.ui.file_chooser import FileChooser
from otop_desktop.ui.models.attendance_model import ATTENDANCE
from otop_desktop.ui.models.row_table import Column, RowTableModel
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import table_view
from otop_desktop.ui.widgets.rate_chart import RateChart

_LOW = QColor("#c62828")

AnyIndex = QModelIndex | QPersistentModelIndex


def short_day(value: dt.date | None) -> str:
    """A date short enough to go under a bar: "Sep 7", "7 sept", "9月7日"."""
    if value is None:
        return "?"
    return str(format_skeleton("MMMd", value, locale=babel_locale()))


def session_columns() -> list[Column[SessionSummary]]:
    def count(attr: str, title: str) -> Column[SessionSummary]:
        return Column(
            title,
            lambda s: formatting.number(getattr(s.counts, attr)),
            lambda s: getattr(s.counts, attr),
            numeric=True,
        )

    return [
        Column(
            _("Date"),
            lambda s: formatting.day(s.session.date),
            lambda s: s.session.date.toordinal() if s.session.date else 0,
        ),
        count("present", _("Present")),
        count("late", _("Late")),
        count("excused", _("Excused")),
        count("absent", _("Absent")),
        count("unmarked", _("Not marked")),
        Column(
            _("Rate"),
            lambda s: formatting.percent(s.rate),
            lambda s: -1.0 if s.rate is None else s.rate,
            numeric=True,
        ),
    ]


def _attended(summary: WorkshopSummary | None, trainee: TraineeSummary) -> int:
    if summary is None:
        return 0
    return sum(1 for s in summary.held if summary.rule.attended(trainee.statuses.get(s)))


def trainee_columns(
    summary: Callable[[], WorkshopSummary | None],
) -> list[Column[TraineeSummary]]:
    """Name, sessions attended of those held, rate; `summary` gives the one shown."""

    def held() -> int:
        current = summary()
        return len(current.held) if current is not None else 0

    return [
        Column(pgettext("person", "Name"), lambda t: t.name),
        Column(
            _("Attended"),
            lambda t: _("{n} of {held}").format(
                n=formatting.number(_attended(summary(), t)), held=formatting.number(held())
            ),
            lambda t: _attended(summary(), t),
            numeric=True,
        ),
        Column(
            _("Rate"),
            lambda t: formatting.percent(t.rate),
            lambda t: -1.0 if t.rate is None else t.rate,
            numeric=True,
        ),
    ]


class _TraineeRates(RowTableModel[TraineeSummary]):
    """Trainees' rates; those under the workshop's minimum in red."""

    min_rate: float | None = None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and self.min_rate is not None:
            trainee = self.record(index.row()) if index.isValid() else None
            if trainee is not None and trainee.rate is not None and trainee.rate < self.min_rate:
                return _LOW
            return None
        return super().data(index, role)


def rule_text(summary: WorkshopSummary) -> str:
    """What the rate counts, in words."""
    late = _("late counts as attended") if summary.rule.late_counts else _("late does not count")
    excused = (
        _("excused counts as attended")
        if summary.rule.excused_counts
        else _("excused does not count")
    )
    return _(
        "Workshop rate: {rate} · minimum for a certificate: {minimum} · {late}; {excused}."
    ).format(
        rate=formatting.percent(summary.rate) or "–",
        minimum=formatting.percent(summary.min_rate),
        late=late,
        excused=excused,
    )


class SummaryPanel(QWidget):
    """Counts per session with their chart, rates per trainee, and Export."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        chooser: FileChooser,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.chooser = chooser
        self.workshop_id: str | None = None
        self.summary: WorkshopSummary | None = None
        self._stale = True
        self._generation = 0
        self._boxes: list[QMessageBox] = []

        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setToolTip(_("Save this workshop's attendance to an Excel or CSV file"))
        self.export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(self.rule_label, 1)
        top.addWidget(self.export_button)

        self.sessions = RowTableModel(session_columns(), self)
        self.session_view = table_view(self.sessions)
        header = self.session_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.chart = RateChart()
        chart_label = QLabel(_("Attendance rate per session"))
        chart_label.setObjectName("sectionHeading")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.session_view, 3)
        left_layout.addWidget(chart_label)
        left_layout.addWidget(self.chart, 2)

        self.trainees = _TraineeRates(trainee_columns(lambda: self.summary), self)
        self.trainee_view = table_view(self.trainees)
        trainee_header = self.trainee_view.horizontalHeader()
        trainee_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        trainee_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.trainee_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        runner.changed.connect(self._on_changed)
        self.export_button.setEnabled(False)

    def set_workshop(self, workshop_id: str | None) -> None:
        """Summarise `workshop_id` (now if shown, else when next shown)."""
        if workshop_id != self.workshop_id:
            self.workshop_id = workshop_id
            self.summary = None
            self.sessions.set_rows([])
            self.trainees.set_rows([])
            self.chart.set_bars([], None)
            self.rule_label.clear()
        self.export_button.setEnabled(workshop_id is not None)
        self._stale = True
        self.refresh()

    def _on_changed(self, what: str) -> None:
        if what in (ATTENDANCE, WORKSHOPS, TRAINEES, SYNC):
            self._stale = True
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the summary again if it may have changed and is on screen."""
        if not self._stale or not self.isVisible() or self.workshop_id is None:
            return
        self._stale = False
        self._generation += 1
        generation, workshop_id = self._generation, self.workshop_id
        self._runner.run(
            workshop_summary,
            self._ctx,
            workshop_id,
            on_done=lambda summary: self._loaded(generation, summary),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _loaded(self, generation: int, summary: WorkshopSummary) -> None:
        if generation != self._generation:
            return
        self.summary = summary
        self.sessions.set_rows(summary.sessions)
        self.trainees.min_rate = summary.min_rate
        self.trainees.set_rows(summary.trainees)
        self.chart.set_bars(
            [(short_day(s.session.date), s.rate) for s in summary.sessions], summary.min_rate
        )
        self.rule_label.setText(rule_text(summary))

    def _failed(self, generation: int, exc: BaseException) -> None:
        # A workshop deleted meanwhile: the page's reload that follows chooses another.
        if generation == self._generation and not isinstance(exc, OtopError):
            self._runner.show_error(exc)

    def export(self) -> None:
        """Ask where, then write the workshop's attendance to .xlsx or .csv."""
        if self.workshop_id is None:
            return
        name = _("attendance-{date}").format(date=dt.date.today().isoformat())
        path = self.chooser.save_file(self, _("Export attendance"), name, [xlsx_type(), csv_type()])
        if path is None:
            return
        self._runner.run(
            functools.partial(export_attendance, self._ctx, self.workshop_id, path),
            on_done=lambda count: self._exported(path, count),
            progress=True,
            title=_("Exporting attendance…"),
        )

    def _exported(self, path: Path, count: int) -> None:
        text = ngettext(
            "The attendance of {n} trainee was saved to {path}.",
            "The attendance of {n} trainees was saved to {path}.",
            count,
        ).format(n=formatting.number(count), path=path)
        box = QMessageBox(
            QMessageBox.Icon.Information, _("OTOP Field Desk"), text, QMessageBox.StandardButton.Ok
        )
        box.setParent(self.window(), box.windowFlags())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self._boxes.append(box)
        box.finished.connect(lambda _result, b=box: self._forget(b))
        box.open()

    def _forget(self, box: QMessageBox) -> None:
        if box in self._boxes:
            self._boxes.remove(box)
        box.deleteLater()

    def boxes(self) -> list[QMessageBox]:
        """The messages still open (what an export saved)."""
        return list(self._boxes)
