"""In the status bar, on every page: "5 follow-ups overdue, 3 due this week — Open".

Hidden while nothing is due; reloaded whenever workshops, trainees or follow-ups change.
"""

from __future__ import annotations

import datetime as dt
import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_up_due import (
    DueCounts,
    DueFollowUp,
    due_follow_up_counts,
)
from otop_desktop.ui.dialogs.follow_up_dialog import FOLLOW_UPS
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner

_WEEK = 7
_OVERDUE_STYLE = "color: #c62828; font-weight: bold;"


def due_summary(due: list[DueFollowUp], today: dt.date | None = None) -> str:
    """ "5 follow-ups overdue, 3 due this week", or "" when none is overdue or due soon."""
    day = today or dt.date.today()
    overdue = sum(1 for d in due if d.overdue)
    soon = sum(1 for d in due if not d.overdue and d.due_on <= day + dt.timedelta(days=_WEEK))
    return counts_summary(DueCounts(overdue, soon))


def counts_summary(counts: DueCounts) -> str:
    """ "5 follow-ups overdue, 3 due this week" for `counts`, or "" when both are zero."""
    overdue, soon = counts.overdue, counts.due_soon
    parts = []
    if overdue:
        parts.append(
            ngettext("{n} follow-up overdue", "{n} follow-ups overdue", overdue).format(
                n=formatting.number(overdue)
            )
        )
    if soon:
        parts.append(
            ngettext("{n} follow-up due this week", "{n} follow-ups due this week", soon).format(
                n=formatting.number(soon)
            )
        )
    return " · ".join(parts)


class FollowUpStatus(QWidget):
    """The count of follow-ups to collect, and a button to the Follow-ups page."""

    open_requested = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.open_button = QPushButton(_("Open follow-ups"))
        self.open_button.setFlat(True)
        self.open_button.setStyleSheet("text-decoration: underline;")
        self.open_button.clicked.connect(self.open_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.open_button)
        self.hide()
        self._load = LatestLoad(
            self,
            runner,
            (WORKSHOPS, TRAINEES, SYNC, FOLLOW_UPS),
            # Counts only: the lines themselves (50,000 in a big programme) are never built here.
            functools.partial(due_follow_up_counts, ctx, within_days=_WEEK),
            on_loaded=self._loaded,
        )
        self._load.reload()

    def _loaded(self, counts: DueCounts) -> None:
        text = counts_summary(counts)
        self.label.setText(text)
        self.label.setStyleSheet(_OVERDUE_STYLE if counts.overdue else "")
        self.setVisible(bool(text))
