"""What the follow-ups table starts from, and the question asked before unsaved edits go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from otop_desktop.domain.follow_up_dates import due_date, schedule_periods
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import FollowUpInfo, follow_up_trainees, list_follow_ups
from otop_desktop.services.workshops import WorkshopInfo, get_workshop


@dataclass(frozen=True)
class EntryData:
    """A workshop's trainees (id, name) and every follow-up recorded in it."""

    workshop: WorkshopInfo
    trainees: list[tuple[str, str]]
    follow_ups: list[FollowUpInfo]


def load_entry(ctx: AppContext, workshop_id: str) -> EntryData:
    """The trainees (not trainers, not withdrawn) of a workshop and its follow-ups."""
    workshop = get_workshop(ctx, workshop_id)
    trainees = follow_up_trainees(ctx, workshop_id)
    return EntryData(workshop, trainees, list_follow_ups(ctx, workshop_id=workshop_id))


def current_period(workshop: WorkshopInfo, today: dt.date) -> str:
    """The latest period of the workshop's schedule that has fallen due (else the baseline)."""
    periods = schedule_periods(workshop.follow_up_schedule)
    chosen = periods[0]
    for period in periods:
        due = due_date(period, workshop.start_date, workshop.end_date)
        if due is not None and due <= today:
            chosen = period
    return chosen


def unsaved_question(
    parent: QWidget, count: int
) -> tuple[QMessageBox, QAbstractButton, QAbstractButton]:
    """Save, Discard changes or Keep editing (Esc): a window-modal box, not shown yet; with
    its Save and Discard buttons."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Unsaved follow-ups"),
        ngettext(
            "The follow-up of {n} trainee is changed but not saved.",
            "The follow-ups of {n} trainees are changed but not saved.",
            count,
        ).format(n=formatting.number(count)),
        QMessageBox.StandardButton.NoButton,
    )
    box.setParent(parent, box.windowFlags())
    box.setWindowModality(Qt.WindowModality.WindowModal)
    save = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    back = box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(back)
    return box, save, discard
