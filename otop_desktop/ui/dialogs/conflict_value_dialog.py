"""The small dialog that settles a conflict with a value typed by hand."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from otop_desktop.i18n import _
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldError


class ConflictValueDialog(QDialog):
    """One line edit, prefilled with the shown value; `chosen` gives the value to keep.

    A whole number is asked for when both values are whole numbers (a birth year), since
    the field stores it as one.
    """

    chosen = Signal(object)

    def __init__(self, field: str, shown: Any, other: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in (shown, other))
        self.setWindowTitle(_("Type another value"))
        label = QLabel(_("New value of “{field}”:").format(field=field))
        self.value_edit = QLineEdit("" if shown is None else str(shown))
        self.value_edit.selectAll()
        label.setBuddy(self.value_edit)
        self.error = FieldError()
        buttons, _ok = accept_cancel_buttons(_("Use this value"), self.choose, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.value_edit)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.value_edit.setFocus()

    def value(self) -> Any:
        """The typed value as the field stores it; ValueError with a message when it cannot."""
        text = self.value_edit.text().strip()
        if not text:
            # The service takes "no value" as "nothing chosen": an empty field cannot be typed.
            raise ValueError(_("Type a value, or keep one of the two values shown."))
        if self._numbers:
            try:
                return int(text)
            except ValueError:
                raise ValueError(_("Type a whole number, such as 1985.")) from None
        return text

    def choose(self) -> None:
        try:
            value = self.value()
        except ValueError as exc:
            self.error.show_message(str(exc))
            self.value_edit.setFocus()
            return
        self.accept()
        self.chosen.emit(value)
