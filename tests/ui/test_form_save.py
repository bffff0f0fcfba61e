"""FormSave: one save at a time, the button off meanwhile, a failure shown under its field."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.domain.errors import ValidationError
from otop_desktop.ui.widgets.field_errors import FieldErrors, FormSave


class _Runner:
    """Keeps the callbacks, so the test says when the work ends."""

    def __init__(self) -> None:
        self.started: list[dict[str, Any]] = []
        self.shown: list[BaseException] = []

    def run(self, work: Any, **callbacks: Any) -> None:
        self.started.append({"work": work, **callbacks})


def _form(qtbot: QtBot) -> tuple[QWidget, FieldErrors, QPushButton, _Runner, FormSave]:
    widget = QWidget()
    qtbot.addWidget(widget)
    errors = FieldErrors()
    QFormLayout(widget)
    errors.form({"name": QLineEdit()}, {"name": "Name"})
    button = QPushButton("Save")
    runner = _Runner()
    return widget, errors, button, runner, FormSave(errors, button, runner.run, runner.shown.append)


def test_one_save_at_a_time_and_the_result_delivered(qtbot: QtBot) -> None:
    _widget, _errors, button, runner, saver = _form(qtbot)
    results: list[object] = []
    saver.start(lambda: "p1", results.append, ("products",))
    saver.start(lambda: "p2", results.append, ("products",))  # a second click while saving
    assert len(runner.started) == 1 and not button.isEnabled() and saver.busy
    assert runner.started[0]["changes"] == ("products",)
    runner.started[0]["on_done"]("p1")
    assert results == ["p1"] and not saver.busy


def test_a_failure_goes_under_its_field_or_to_the_error_box(qtbot: QtBot) -> None:
    _widget, errors, button, runner, saver = _form(qtbot)
    saver.start(lambda: None, print, ())
    runner.started[0]["on_error"](ValidationError("Name is required.", "name"))
    assert button.isEnabled() and not saver.busy
    assert errors.errors["name"].text() == "Name is required."
    saver.start(lambda: None, print, ())
    assert errors.errors["name"].text() == ""  # cleared when the next save starts
    broken = RuntimeError("disk")
    runner.started[1]["on_error"](broken)
    assert runner.shown == [broken] and button.isEnabled()
