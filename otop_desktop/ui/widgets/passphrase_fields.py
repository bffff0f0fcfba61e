"""The programme passphrase typed twice, hidden unless asked, with messages under each field."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit

from otop_desktop.i18n import _
from otop_desktop.ui.widgets.field_errors import FieldError, FieldErrors

# Wide enough for a passphrase of several words, as people are advised to choose.
_FIELD_WIDTH = 320


class PassphraseFields:
    """Adds "Programme passphrase", "Type it again" and a show toggle to a form.

    Their messages join the form's `FieldErrors` as "passphrase" and "confirmation".
    Never prefilled: the stored passphrase is not shown back, only replaced.
    """

    def __init__(self, form: QFormLayout, field_errors: FieldErrors) -> None:
        self.passphrase_edit = QLineEdit()
        self.confirmation_edit = QLineEdit()
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QLineEdit] = {
            "passphrase": self.passphrase_edit,
            "confirmation": self.confirmation_edit,
        }
        labels = {"passphrase": _("Programme passphrase"), "confirmation": _("Type it again")}
        for name, edit in self.fields.items():
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMinimumWidth(_FIELD_WIDTH)
            self.errors[name] = field_errors.add_row(form, name, labels[name], edit)
        self.show_check = QCheckBox(_("Show the passphrase"))
        self.show_check.toggled.connect(self._show)
        form.addRow("", self.show_check)

    def _show(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in self.fields.values():
            edit.setEchoMode(mode)

    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def confirmation(self) -> str:
        return self.confirmation_edit.text()

    def is_empty(self) -> bool:
        return not self.passphrase() and not self.confirmation()
