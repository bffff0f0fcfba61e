"""The follow-ups due and overdue: who, which workshop, which period, by when.

Overdue lines say so in words and in red (not by colour alone). Enter or a double-click asks
for the form of the line (`open_requested`).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from otop_desktop.i18n import _, formatting, ngettext, pgettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import DueFollowUp, DueFollowUps, due_follow_ups
from otop_desktop.ui.dialogs.follow_up_dialog import FOLLOW_UPS, period_label
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import RECORD_ROLE, AnyIndex, Column, RowTableModel
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import table_view
from otop_desktop.ui.widgets.field_errors import ERROR_STYLE

# Follow-ups falling due within this many days are listed with the overdue ones.
DUE_WITHIN_DAYS = 14
_OVERDUE = QColor("#c62828")


def due_status(due: DueFollowUp, today: dt.date | None = None) -> str:
    """ "Overdue by 12 days", "Due today", "Due in 3 days"."""
    days = (due.due_on - (today or dt.date.today())).days
    if days < 0:
        return ngettext("Overdue by {n} day", "Overdue by {n} days", -days).format(
            n=formatting.number(-days)
        )
    if days == 0:
        return _("Due today")
    return ngettext("Due in {n} day", "Due in {n} days", days).format(n=formatting.number(days))


def due_columns() -> list[Column[DueFollowUp]]:
    return [
        Column(_("Trainee"), lambda d: d.trainee_name),
        Column(_("Workshop"), lambda d: d.workshop_title),
        Column(pgettext("follow-up", "Period"), lambda d: period_label(d.period)),
        Column(_("Due on"), lambda d: formatting.day(d.due_on), lambda d: d.due_on),
        Column(_("Status"), due_status, lambda d: d.due_on),
    ]


class DueTableModel(RowTableModel[DueFollowUp]):
    """Due follow-ups; overdue rows in red."""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            record = self.record(index.row())
            return QBrush(_OVERDUE) if record is not None and record.overdue else None
        return super().data(index, role)


class DueFollowUpsList(QWidget):
    """A heading with the counts, and the table of follow-ups to collect."""

    open_requested = Signal(object)  # the DueFollowUp

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(_("Due and overdue"))
        heading.setObjectName("sectionHeading")
        self.count_label = QLabel()
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet(ERROR_STYLE)
        self.model = DueTableModel(due_columns(), self)
        self.view = table_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.setToolTip(_("Double-click or press Enter to record the follow-up"))
        self.empty_label = QLabel(_("No follow-ups due in the next two weeks."))
        self.empty_label.hide()
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.count_label)
        top.addWidget(self.overdue_label)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.view, 1)
        self._load = LatestLoad(
            self,
            runner,
            (WORKSHOPS, TRAINEES, SYNC, FOLLOW_UPS),
            functools.partial(due_follow_ups, ctx, within_days=DUE_WITHIN_DAYS),
            on_loaded=self._loaded,
        )

    def reload(self) -> None:
        self._load.reload()

    def _loaded(self, due: DueFollowUps) -> None:
        self.model.set_rows(due)
        overdue = due.overdue
        self.count_label.setText(
            ngettext("{n} to collect", "{n} to collect", len(due)).format(
                n=formatting.number(len(due))
            )
        )
        self.overdue_label.setText(
            ngettext("{n} overdue", "{n} overdue", overdue).format(n=formatting.number(overdue))
            if overdue
            else ""
        )
        self.empty_label.setVisible(not due)
        self.view.setVisible(bool(due))

    def selected(self) -> DueFollowUp | None:
        index = self.view.currentIndex()
        return index.data(RECORD_ROLE) if index.isValid() else None

    def open_selected(self) -> None:
        due = self.selected()
        if due is not None:
            self.open_requested.emit(due)
