"""One trainee's follow-up for one period (baseline, 3, 6 or 12 months) as a form.

The recorded values are loaded first (a follow-up is corrected in the same form); the service
checks everything, and its message shows under the field it names.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import FollowUpPeriod
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.prices import currency_of_country
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_up_values import field_labels
from otop_desktop.services.follow_ups import FollowUpInfo, list_follow_ups, save_follow_up
from otop_desktop.services.workshops import WorkshopInfo, get_workshop
from otop_desktop.ui.models.follow_up_table import EDIT_FIELDS, cell_text
from otop_desktop.ui.owned_tasks import OwnedTasks
from otop_desktop.ui.qt_locale import date_edit_format, qt_locale
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors, FormSave

# What the runner announces after follow-ups were saved or deleted: lists and counts reload.
FOLLOW_UPS = "follow-ups"
_FIELD_WIDTH = 300


@dataclass(frozen=True)
class FormData:
    """What the form starts from: the workshop and the follow-up recorded, if any."""

    workshop: WorkshopInfo
    stored: FollowUpInfo | None


def load_form(ctx: AppContext, workshop_id: str, trainee_id: str, period: str) -> FormData:
    """The workshop and the trainee's follow-up for `period` in it (None if not recorded)."""
    workshop = get_workshop(ctx, workshop_id)
    found = [
        f
        for f in list_follow_ups(ctx, workshop_id=workshop_id, trainee_id=trainee_id)
        if f.period == period
    ]
    return FormData(workshop, found[0] if found else None)


def period_label(period: str) -> str:
    """ "3 months", "baseline" as a heading starts ("Baseline")."""
    return formatting.first_upper(formatting.label_of(FollowUpPeriod, period))


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class FollowUpDialog(QDialog):
    """Date, income and currency, people employed, units sold, main price, markets, notes."""

    saved = Signal(str)  # the follow-up's id

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        workshop_id: str,
        trainee_id: str,
        period: str,
        trainee_name: str,
        workshop_title: str,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._tasks = OwnedTasks(self, runner)
        self.loaded = False
        self.workshop_id = workshop_id
        self.trainee_id = trainee_id
        self.period = period
        self.setWindowTitle(_("Follow-up"))
        self.setLocale(qt_locale())

        self.heading = mark_data(QLabel(f"{trainee_name} — {workshop_title}"))
        self.heading.setObjectName("sectionHeading")
        self.heading.setWordWrap(True)
        self.period_label = QLabel(_("Period: {period}").format(period=period_label(period)))
        self.state_label = QLabel(_("Loading…"))

        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(date_edit_format())
        self.date_edit.setLocale(qt_locale())
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.edits: dict[str, QLineEdit] = {}
        for name in EDIT_FIELDS:
            if name != "notes":
                self.edits[name] = QLineEdit()
        self.edits["currency"].setMaxLength(3)
        self.edits["currency"].setPlaceholderText(_("e.g. HNL, GTQ, TWD"))
        self.edits["monthly_income"].setPlaceholderText(_("leave empty if not known"))
        self.edits["new_markets"].setPlaceholderText(_("e.g. hotel shop in Copán, online"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().height() * 4 + 12)

        fields: dict[str, QWidget] = {
            "date": self.date_edit,
            **self.edits,
            "notes": self.notes_edit,
        }
        labels = field_labels()
        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        form = self.field_errors.form(fields, {k: labels[k] for k in fields}, _FIELD_WIDTH)
        self.general_error = self.field_errors.general

        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        self.saver = FormSave(
            self.field_errors, self.save_button, self._tasks.run, runner.show_error
        )
        self.save_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.period_label)
        layout.addWidget(self.state_label)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.edits["monthly_income"].setFocus()
        self._tasks.run(
            functools.partial(load_form, ctx, workshop_id, trainee_id, period),
            on_done=self._loaded,
        )

    def _loaded(self, data: FormData) -> None:
        workshop, stored = data.workshop, data.stored
        if workshop.start_date is not None:
            self.date_edit.setMinimumDate(_qdate(workshop.start_date))
        if stored is not None:
            for name, edit in self.edits.items():
                edit.setText(cell_text(name, getattr(stored, name)))
            self.notes_edit.setPlainText(stored.notes or "")
            if stored.date is not None:
                self.date_edit.setDate(_qdate(stored.date))
            self.state_label.setText(
                _("Recorded on {date}; saving corrects it.").format(
                    date=formatting.day(stored.date)
                )
            )
        else:
            self.state_label.setText(_("Not recorded yet."))
        if not self.edits["currency"].text():
            self.edits["currency"].setText(currency_of_country(workshop.country) or "")
        self.loaded = True
        self.save_button.setEnabled(True)

    def values(self) -> dict[str, object]:
        """What the form holds, as `save_follow_up` takes it."""
        day: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        out: dict[str, object] = {name: edit.text() for name, edit in self.edits.items()}
        out["currency"] = str(out["currency"]).strip().upper()
        out["notes"] = self.notes_edit.toPlainText()
        out["date"] = day
        return out

    def save(self) -> None:
        """Save in the background; close when saved, else show the message under its field."""
        if not self.loaded:
            return
        work = functools.partial(
            save_follow_up, self._ctx, self.workshop_id, self.trainee_id, self.period, self.values()
        )
        self.saver.start(work, self._saved, (FOLLOW_UPS,))

    def _saved(self, follow_up_id: str) -> None:
        self.saved.emit(follow_up_id)
        self.accept()

    def show_errors(self, exc: ValidationError | None) -> None:
        self.field_errors.show(exc)

    def done(self, result: int) -> None:
        self._tasks.close()
        super().done(result)
