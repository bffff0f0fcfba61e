"""The dialog for a new workshop: the service validates, errors show next to their field."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
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

# Red that stays readable on the light and the dark Fusion palettes.
ERROR_STYLE = "color: #c62828;"
_FIELD_WIDTH = 380


class FieldError(QLabel):
    """The red message under a form field; hidden while there is nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


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
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, widget in self.fields.items():
            widget.setMinimumWidth(_FIELD_WIDTH)
            error = FieldError()
            self.errors[name] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(error)
            label = QLabel(labels[name])
            label.setBuddy(widget)
            form.addRow(label, box)
        # Errors that belong to no field (or to one not on this form).
        self.general_error = FieldError()

        buttons = QDialogButtonBox()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        cancel = QPushButton(_("Cancel"))
        cancel.setAutoDefault(False)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

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
        for error in self.errors.values():
            error.show_message("")
        self.general_error.show_message("")
        if exc is None:
            return
        target = self.errors.get(exc.field or "")
        if target is None:
            self.general_error.show_message(str(exc))
            return
        target.show_message(str(exc))
        self.fields[exc.field or ""].setFocus(Qt.FocusReason.OtherFocusReason)
