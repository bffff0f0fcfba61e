"""The dialog for a new workshop: the service validates, errors show next to their field."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import WorkshopInfo, create_workshop
from otop_desktop.ui import formatting
from otop_desktop.ui.qt_locale import date_edit_format, qt_locale, sorted_for_humans
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors

_FIELD_WIDTH = 380


class WorkshopDialog(QDialog):
    """Title, category, place, dates, languages and trainers of a new workshop."""

    saved = Signal(object)  # the WorkshopInfo created

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        country: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._saving = False
        self.setWindowTitle(_("New workshop"))
        self.setLocale(qt_locale())

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("e.g. Bamboo furniture for beginners"))
        self.category_combo = QComboBox()
        self.category_combo.addItem("", None)
        for category in ProductCategory:
            self.category_combo.addItem(category.label(), category.value)
        self.country_combo = QComboBox()
        self.country_combo.addItem("", None)
        for code, name in sorted_for_humans(formatting.country_names().items()):
            self.country_combo.addItem(name, code)
        if country:
            self.country_combo.setCurrentIndex(max(0, self.country_combo.findData(country)))
        self.town_edit = QLineEdit()
        self.venue_edit = QLineEdit()
        today = QDate.currentDate()
        self.start_edit = self._date_edit(today)
        self.end_edit = self._date_edit(today)
        self.start_edit.dateChanged.connect(self._start_moved)
        self.languages_edit = QLineEdit()
        self.languages_edit.setPlaceholderText(_("e.g. Spanish, Q’eqchi’"))
        self.trainers_edit = QLineEdit()
        self.trainers_edit.setPlaceholderText(_("names, separated by commas"))

        self.fields: dict[str, QWidget] = {
            "title": self.title_edit,
            "category": self.category_combo,
            "country": self.country_combo,
            "town": self.town_edit,
            "venue": self.venue_edit,
            "start_date": self.start_edit,
            "end_date": self.end_edit,
            "languages": self.languages_edit,
            "trainers": self.trainers_edit,
        }
        labels = {
            "title": _("Title"),
            "category": _("Category"),
            "country": _("Country"),
            "town": _("Town"),
            "venue": _("Venue"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "languages": _("Languages"),
            "trainers": _("Trainers"),
        }
        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, widget in self.fields.items():
            widget.setMinimumWidth(_FIELD_WIDTH)
            self.field_errors.add_row(form, name, labels[name], widget)
        # Errors that belong to no field (or to one not on this form).
        self.general_error = self.field_errors.general

        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        self.save_button.setAutoDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.title_edit.setFocus()

    def _date_edit(self, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(date_edit_format())
        edit.setLocale(qt_locale())
        return edit

    def _start_moved(self, start: QDate) -> None:
        # Most workshops are planned start first: keep the end from falling before it.
        if self.end_edit.date() < start:
            self.end_edit.setDate(start)

    # --- saving -------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form holds, as `create_workshop` takes it."""
        start: dt.date = self.start_edit.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.end_edit.date().toPython()  # type: ignore[assignment]
        return {
            "title": self.title_edit.text(),
            "category": self.category_combo.currentData(),
            "country": self.country_combo.currentData(),
            "town": self.town_edit.text(),
            "venue": self.venue_edit.text(),
            "start_date": start,
            "end_date": end,
            "languages": self.languages_edit.text(),
            "trainers": self.trainers_edit.text(),
        }

    def save(self) -> None:
        """Create the workshop in the background; close when saved, else show what is wrong."""
        if self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.show_errors(None)
        self._runner.run(
            functools.partial(create_workshop, self._ctx, **self.values()),
            on_done=self._saved,
            on_error=self._failed,
            changes=(WORKSHOPS,),
        )

    def _saved(self, workshop: WorkshopInfo) -> None:
        self._saving = False
        self.saved.emit(workshop)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_errors(exc)
        else:
            self._runner.show_error(exc)

    def show_errors(self, exc: ValidationError | None) -> None:
        """Show `exc` next to its field (and focus that field), or clear every message."""
        self.field_errors.show(exc)
