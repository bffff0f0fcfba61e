"""The dialog for one session of a workshop: its date, start time, hours and topic."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import SessionInfo, WorkshopInfo, add_session, edit_session
from otop_desktop.ui.qt_locale import date_edit_format, qt_locale
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors, FormSave

_FIELD_WIDTH = 320


class SessionDialog(QDialog):
    """A new session of `workshop` (or `session` edited); saved through the runner."""

    saved = Signal(object)  # the SessionInfo saved

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        workshop: WorkshopInfo,
        parent: QWidget | None = None,
        *,
        session: SessionInfo | None = None,
        day: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.workshop = workshop
        self.session = session
        title = _("Edit session") if session else _("New session")
        self.setWindowTitle(f"{title} — {workshop.title}")
        self.setLocale(qt_locale())

        start = (session.date if session else None) or day or dt.date.today()
        self.date_edit = QDateEdit(QDate(start.year, start.month, start.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(date_edit_format())
        self.date_edit.setLocale(qt_locale())
        self.time_edit = QLineEdit((session.start_time if session else None) or "")
        self.time_edit.setPlaceholderText(_("e.g. 09:30"))
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setLocale(qt_locale())
        self.hours_spin.setRange(0, 24)
        self.hours_spin.setSingleStep(0.5)
        self.hours_spin.setDecimals(1)
        # 0 stands for "not said": the service takes no hours rather than zero.
        self.hours_spin.setSpecialValueText(_("not set"))
        self.hours_spin.setValue((session.hours or 0) if session else 3)
        self.topic_edit = QLineEdit((session.topic if session else None) or "")
        self.topic_edit.setPlaceholderText(_("e.g. Costs and prices"))

        self.fields: dict[str, QWidget] = {
            "date": self.date_edit,
            "start_time": self.time_edit,
            "hours": self.hours_spin,
            "topic": self.topic_edit,
        }
        labels = {
            "date": _("Date"),
            "start_time": _("Start time"),
            "hours": _("Hours"),
            "topic": _("Topic"),
        }
        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        form = self.field_errors.form(self.fields, labels, _FIELD_WIDTH)
        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        self.saver = FormSave(self.field_errors, self.save_button, runner.run, runner.show_error)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.field_errors.general)
        layout.addWidget(buttons)
        self.date_edit.setFocus()

    def values(self) -> dict[str, Any]:
        """What the form holds, as `add_session` and `edit_session` take it."""
        day: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        hours = self.hours_spin.value()
        time = self.time_edit.text().strip()
        if len(time) == 4 and time[1] == ":":
            time = "0" + time  # "9:30", as people write it, is 09:30
        return {
            "date": day,
            "start_time": time,
            "hours": hours if hours > 0 else None,
            "topic": self.topic_edit.text(),
        }

    def save(self) -> None:
        """Save in the background; close when saved, else show what is wrong by its field."""
        values = self.values()
        if self.session is None:
            work = functools.partial(add_session, self._ctx, self.workshop.id, **values)
        else:
            work = functools.partial(edit_session, self._ctx, self.session.id, **values)
        self.saver.start(work, self._saved, (WORKSHOPS,))

    def _saved(self, session: SessionInfo) -> None:
        self.session = session
        self.saved.emit(session)
        self.accept()

    def show_errors(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field, or clear every message."""
        self.field_errors.show(exc)
