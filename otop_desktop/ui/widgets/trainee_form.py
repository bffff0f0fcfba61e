"""The fields of one trainee in two columns, each with its validation message under it."""

from __future__ import annotations

from typing import Any

from babel import Locale
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import Gender
from otop_desktop.i18n import SUPPORTED_LOCALES, _, formatting
from otop_desktop.i18n.catalogs import babel_locale
from otop_desktop.services.organisations import OrganisationInfo
from otop_desktop.services.trainees import TraineeInfo
from otop_desktop.ui.qt_locale import sorted_for_humans
from otop_desktop.ui.widgets.country_combo import CountryCombo
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.field_errors import FieldError, FieldErrors, field_box

# What the duplicate check compares: a change to one of these is checked again before saving.
IDENTITY_FIELDS = ("given_names", "family_names", "chinese_name", "phone", "town")
_FIELD_WIDTH = 260


class NotesEdit(QPlainTextEdit):
    """Notes on several lines where Enter saves the form (as in every other field) and
    Shift+Enter starts a new line; Tab moves on instead of typing a tab."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


def language_name(code: str) -> str:
    """A supported language named in the active one ("español", "中文 (繁體, 台灣)")."""
    name = Locale.parse(code).get_display_name(babel_locale()) or code
    return formatting.first_upper(str(name))


class TraineeForm(QWidget):
    """Names, person and contact on the left, place and organisation on the right, then
    consents and notes; `values()` is what `add_trainee`/`edit_trainee` take."""

    submitted = Signal()  # Enter in the notes: the dialog saves, as Enter does elsewhere

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.given_edit = QLineEdit()
        self.family_edit = QLineEdit()
        self.chinese_edit = QLineEdit()
        self.gender_combo = QComboBox()
        self.gender_combo.addItem("", None)
        for gender in Gender:
            self.gender_combo.addItem(formatting.first_upper(gender.label()), gender.value)
        self.birth_year_edit = QLineEdit()
        self.birth_year_edit.setMaxLength(4)
        self.birth_year_edit.setPlaceholderText(_("e.g. 1985"))
        self.language_combo = mark_data(QComboBox())  # names from CLDR (Babel)
        self.language_combo.addItem("", None)
        for code in SUPPORTED_LOCALES:
            self.language_combo.addItem(language_name(code), code)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(_("e.g. 9876-5432"))
        self.email_edit = QLineEdit()
        self.town_edit = QLineEdit()
        self.country_combo = CountryCombo()
        self.organisation_combo = mark_data(QComboBox())
        self.organisation_combo.addItem("", None)
        self.business_edit = QLineEdit()
        self.consent_data_check = QCheckBox(_("Agrees that their data is kept"))
        self.consent_photos_check = QCheckBox(_("Agrees to appear in photos"))
        consents = QWidget()
        consents_layout = QVBoxLayout(consents)
        consents_layout.setContentsMargins(0, 0, 0, 0)
        consents_layout.addWidget(self.consent_data_check)
        consents_layout.addWidget(self.consent_photos_check)
        self.notes_edit = NotesEdit()
        self.notes_edit.submitted.connect(self.submitted)

        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        self.general_error = self.field_errors.general
        left, right = QFormLayout(), QFormLayout()
        rows: tuple[tuple[QFormLayout, str, str, QWidget], ...] = (
            (left, "given_names", _("Given names"), self.given_edit),
            (left, "family_names", _("Family names"), self.family_edit),
            (left, "chinese_name", _("Name in Chinese characters"), self.chinese_edit),
            (left, "gender", _("Gender"), self.gender_combo),
            (left, "birth_year", _("Birth year"), self.birth_year_edit),
            (left, "preferred_language", _("Preferred language"), self.language_combo),
            (left, "consent_data", _("Consent"), consents),
            (right, "phone", _("Phone"), self.phone_edit),
            (right, "email", _("E-mail"), self.email_edit),
            (right, "town", _("Town"), self.town_edit),
            (right, "country", _("Country"), self.country_combo),
            (right, "organisation_id", _("Organisation"), self.organisation_combo),
            (right, "business_name", _("Business"), self.business_edit),
        )
        self.fields: dict[str, QWidget] = {}
        for form, name, label, widget in rows:
            widget.setMinimumWidth(_FIELD_WIDTH)
            self.fields[name] = widget
            self.field_errors.add_row(form, name, label, widget)
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Notes across the whole width, their label above them.
        notes_label = QLabel(_("Notes"))
        notes_label.setBuddy(self.notes_edit)
        notes_error = FieldError()
        self.field_errors.errors["notes"] = notes_error
        self.field_errors.fields["notes"] = self.notes_edit
        self.fields["notes"] = self.notes_edit
        columns = QHBoxLayout()
        # A gap between the columns, not setSpacing(): nested forms would take it up too.
        columns.addLayout(left, 1)
        columns.addSpacing(24)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(columns)
        layout.addWidget(notes_label)
        layout.addLayout(field_box(self.notes_edit, notes_error))
        layout.addWidget(self.general_error)
        # Down the left column, then down the right one, then consents and notes.
        order = [
            self.given_edit,
            self.family_edit,
            self.chinese_edit,
            self.gender_combo,
            self.birth_year_edit,
            self.language_combo,
            self.phone_edit,
            self.email_edit,
            self.town_edit,
            self.country_combo,
            self.organisation_combo,
            self.business_edit,
            self.consent_data_check,
            self.consent_photos_check,
            self.notes_edit,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def set_organisations(self, organisations: list[OrganisationInfo]) -> None:
        """Offer these organisations (by name), keeping the one chosen."""
        chosen = self.organisation_combo.currentData()
        self.organisation_combo.clear()
        self.organisation_combo.addItem("", None)
        for org_id, name in sorted_for_humans((o.id, o.name) for o in organisations):
            self.organisation_combo.addItem(name, org_id)
        self._choose(self.organisation_combo, chosen)

    @staticmethod
    def _choose(combo: QComboBox, value: Any) -> None:
        combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)

    def set_trainee(self, trainee: TraineeInfo) -> None:
        """Show the fields of `trainee`."""
        self.given_edit.setText(trainee.given_names or "")
        self.family_edit.setText(trainee.family_names or "")
        self.chinese_edit.setText(trainee.chinese_name or "")
        self._choose(self.gender_combo, trainee.gender)
        self.birth_year_edit.setText(str(trainee.birth_year) if trainee.birth_year else "")
        self._choose(self.language_combo, trainee.preferred_language)
        self.phone_edit.setText(trainee.phone or "")
        self.email_edit.setText(trainee.email or "")
        self.town_edit.setText(trainee.town or "")
        self.country_combo.set_code(trainee.country)
        if (
            trainee.organisation_id
            and self.organisation_combo.findData(trainee.organisation_id) < 0
        ):
            # Until the organisations arrive, the one of the trainee is kept by its id.
            self.organisation_combo.addItem("…", trainee.organisation_id)
        self._choose(self.organisation_combo, trainee.organisation_id)
        self.business_edit.setText(trainee.business_name or "")
        self.consent_data_check.setChecked(trainee.consent_data)
        self.consent_photos_check.setChecked(trainee.consent_photos)
        self.notes_edit.setPlainText(trainee.notes or "")

    def values(self) -> dict[str, Any]:
        """What the form holds, as `add_trainee` and `edit_trainee` take it."""
        return {
            "given_names": self.given_edit.text(),
            "family_names": self.family_edit.text(),
            "chinese_name": self.chinese_edit.text(),
            "gender": self.gender_combo.currentData(),
            "birth_year": self.birth_year_edit.text(),
            "phone": self.phone_edit.text(),
            "email": self.email_edit.text(),
            "town": self.town_edit.text(),
            "country": self.country_combo.code(),
            "organisation_id": self.organisation_combo.currentData(),
            "business_name": self.business_edit.text(),
            "preferred_language": self.language_combo.currentData(),
            "consent_data": self.consent_data_check.isChecked(),
            "consent_photos": self.consent_photos_check.isChecked(),
            "notes": self.notes_edit.toPlainText(),
        }

    def first_field(self) -> QWidget:
        return self.given_edit
