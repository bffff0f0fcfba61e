"""Validation messages in red under form fields, and a ValidationError shown under its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from otop_desktop.domain.errors import ValidationError

# Red that stays readable on the light and the dark Fusion palettes.
ERROR_STYLE = "color: #c62828;"


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


def field_box(widget: QWidget, error: FieldError) -> QVBoxLayout:
    """A field with its error message right under it, as one form row holds them."""
    box = QVBoxLayout()
    box.setSpacing(2)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(widget)
    box.addWidget(error)
    return box


class FieldErrors:
    """The messages of one form: one under each field, by the service's field name, plus
    `general` for errors that belong to no field (or to one not on this form)."""

    def __init__(self) -> None:
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QWidget] = {}
        self.general = FieldError()

    def add_row(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> FieldError:
        """Add a labelled row holding `widget` and its message; returns the message."""
        error = FieldError()
        self.errors[name] = error
        self.fields[name] = widget
        label_widget = QLabel(label)
        label_widget.setBuddy(widget)
        form.addRow(label_widget, field_box(widget, error))
        return error

    def form(
        self, fields: dict[str, QWidget], labels: dict[str, str], min_width: int = 0
    ) -> QFormLayout:
        """A form with one labelled row (and its message) per field, fields growing to fit."""
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, widget in fields.items():
            if min_width:
                widget.setMinimumWidth(min_width)
            self.add_row(form, name, labels[name], widget)
        return form

    def show(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field (and focus that field), or clear every message."""
        for error in self.errors.values():
            error.show_message("")
        self.general.show_message("")
        if exc is None:
            return
        target = self.errors.get(exc.field or "")
        if target is None:
            self.general.show_message(str(exc))
            return
        target.show_message(str(exc))
        self.fields[exc.field or ""].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_failure(
        self, exc: BaseException, show_other: Callable[[BaseException], object]
    ) -> None:
        """A failed save: a ValidationError under its field, anything else through `show_other`
        (the task runner's error box)."""
        if isinstance(exc, ValidationError):
            self.show(exc)
        else:
            show_other(exc)


class FormSave:
    """A form's save in the background: one at a time, its Save button off meanwhile, the
    messages cleared first and a failure shown under its field (else through `show_error`)."""

    def __init__(
        self,
        errors: FieldErrors,
        button: QWidget,
        run: Callable[..., object],
        show_error: Callable[[BaseException], object],
    ) -> None:
        self.errors, self.button, self._run, self._show_error = errors, button, run, show_error
        self.busy = False

    def start(
        self, work: Callable[[], object], on_done: Callable[[Any], None], changes: tuple[str, ...]
    ) -> None:
        """Run `work` (a TaskRunner-style `run`) unless a save is under way; `on_done(result)`
        once it has saved."""
        if self.busy:
            return
        self.busy = True
        self.button.setEnabled(False)
        self.errors.show(None)

        def done(result: Any) -> None:
            self.busy = False
            on_done(result)

        self._run(work, on_done=done, on_error=self.failed, changes=changes)

    def failed(self, exc: BaseException) -> None:
        """The save failed: the button back on, the message under its field."""
        self.busy = False
        self.button.setEnabled(True)
        self.errors.show_failure(exc, self._show_error)
