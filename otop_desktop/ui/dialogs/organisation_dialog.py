"""The dialog for a new or an existing partner organisation; errors show next to their field."""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import OrganisationKind
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import (
    OrganisationInfo,
    add_organisation,
    edit_organisation,
)
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.country_combo import CountryCombo
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors, FormSave

# What the runner announces after organisations change (the Organisations page reloads).
ORGANISATIONS = "organisations"
_FIELD_WIDTH = 340


class OrganisationDialog(QDialog):
    """Name, kind, place, contact person, phone, e-mail and notes of an organisation."""

    saved = Signal(object)  # the OrganisationInfo saved

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        organisation: OrganisationInfo | None = None,
        country: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.organisation = organisation
        self.setWindowTitle(_("Edit organisation") if organisation else _("New organisation"))

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("e.g. Cooperativa Flor de Café"))
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("", None)
        for kind in OrganisationKind:
            self.kind_combo.addItem(formatting.first_upper(kind.label()), kind.value)
        self.country_combo = CountryCombo()
        self.town_edit = QLineEdit()
        self.contact_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(_("e.g. 9876-5432"))
        self.email_edit = QLineEdit()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 4 + 12)

        self.fields: dict[str, QWidget] = {
            "name": self.name_edit,
            "org_kind": self.kind_combo,
            "country": self.country_combo,
            "town": self.town_edit,
            "contact_name": self.contact_edit,
            "phone": self.phone_edit,
            "email": self.email_edit,
            "notes": self.notes_edit,
        }
        labels = {
            "name": _("Name"),
            "org_kind": _("Kind"),
            "country": _("Country"),
            "town": _("Town"),
            "contact_name": _("Contact person"),
            "phone": _("Phone"),
            "email": _("E-mail"),
            "notes": _("Notes"),
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
        if organisation is not None:
            self._fill(organisation)
        else:
            self.country_combo.set_code(country)
        self.name_edit.setFocus()

    def _fill(self, org: OrganisationInfo) -> None:
        self.name_edit.setText(org.name)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(org.org_kind)))
        self.country_combo.set_code(org.country)
        self.town_edit.setText(org.town or "")
        self.contact_edit.setText(org.contact_name or "")
        self.phone_edit.setText(org.phone or "")
        self.email_edit.setText(org.email or "")
        self.notes_edit.setPlainText(org.notes or "")

    def values(self) -> dict[str, Any]:
        """What the form holds, as `add_organisation` and `edit_organisation` take it."""
        return {
            "name": self.name_edit.text(),
            "org_kind": self.kind_combo.currentData(),
            "country": self.country_combo.code(),
            "town": self.town_edit.text(),
            "contact_name": self.contact_edit.text(),
            "phone": self.phone_edit.text(),
            "email": self.email_edit.text(),
            "notes": self.notes_edit.toPlainText(),
        }

    def save(self) -> None:
        """Save in the background; close when saved, else show what is wrong by its field."""
        if self.organisation is None:
            work = functools.partial(add_organisation, self._ctx, **self.values())
        else:
            work = functools.partial(
                edit_organisation, self._ctx, self.organisation.id, **self.values()
            )
        self.saver.start(work, self._saved, (ORGANISATIONS, WORKSHOPS))

    def _saved(self, organisation: OrganisationInfo) -> None:
        self.organisation = organisation
        self.saved.emit(organisation)
        self.accept()

    def show_errors(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field, or clear every message."""
        self.field_errors.show(exc)
