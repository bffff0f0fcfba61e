"""Settings › Coordinator hub: the connection test says what it found, Save keeps the hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.laptop import finish_first_run
from otop_desktop.ui.dialogs.settings_dialog import SettingsDialog
from otop_desktop.ui.launch import launch
from otop_desktop.ui.shell import MainWindowShell
from otop_desktop.ui.tasks import TaskRunner
from tests import pg_server


def _dialog(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> SettingsDialog:
    dialog = SettingsDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert runner.wait_idle(5000)
    dialog.tabs.setCurrentWidget(dialog.hub_tab)
    return dialog


def _fill(dialog: SettingsDialog, port: int, database: str, password: str = "") -> None:
    tab = dialog.hub_tab
    tab.hub_radio.setChecked(True)
    tab.host_edit.setText("127.0.0.1")
    tab.port_spin.setValue(port)
    tab.database_edit.setText(database)
    tab.user_edit.setText("otop")
    tab.password_edit.setText(password)


def test_the_laptop_database_is_chosen_and_the_fields_are_off(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    tab = dialog.hub_tab
    assert tab.local_radio.isChecked() and not tab.fields.isEnabled()
    assert not tab.test_button.isEnabled()
    tab.hub_radio.setChecked(True)
    tab.host_edit.setText("hub-pc")
    tab.password_edit.setText("secreto")
    assert tab.fields.isEnabled() and tab.test_button.isEnabled()
    assert tab.url_label.text() == "postgresql+psycopg://otop:***@hub-pc/otop_hub"
    tab.port_spin.setValue(5433)
    assert tab.url_label.text() == "postgresql+psycopg://otop:***@hub-pc:5433/otop_hub"


def test_a_server_that_does_not_answer_is_said_so(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    _fill(dialog, 1, "otop_hub")
    dialog.hub_tab.test_button.click()
    assert runner.wait_idle(15_000)
    text = dialog.hub_tab.result_label.text()
    assert "does not answer" in text and "port 1" in text
    assert dialog.hub_tab.test_button.isEnabled()


def test_the_real_server_is_found_empty_and_saving_keeps_it(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    server = pg_server.server()
    database = server.create_database("ui").rsplit("/", 1)[1]
    dialog = _dialog(qtbot, demo_ctx, runner)
    _fill(dialog, server.port, database)
    dialog.hub_tab.test_button.click()
    assert runner.wait_idle(15_000)
    assert "Connected to PostgreSQL" in dialog.hub_tab.result_label.text()
    assert "empty" in dialog.hub_tab.result_label.text()
    hub_file = demo_ctx.data_dir.hub_settings
    assert not hub_file.exists()  # a test saves nothing

    with qtbot.waitSignal(dialog.database_changed, timeout=15_000):
        dialog.save_button.click()
    saved = json.loads(hub_file.read_text(encoding="utf-8"))
    assert saved["database_url"] == server.url(database)
    assert not dialog.isVisible()


def test_a_hub_that_does_not_answer_is_not_saved(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    _fill(dialog, 1, "otop_hub")
    changed: list[bool] = []
    dialog.database_changed.connect(lambda: changed.append(True))
    dialog.save_button.click()
    assert runner.wait_idle(15_000)
    assert dialog.isVisible() and changed == []
    assert "does not answer" in dialog.hub_tab.field_errors.general.text()
    assert not demo_ctx.data_dir.hub_settings.exists()


def test_a_missing_server_name_is_shown_under_its_field(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    _fill(dialog, 5432, "otop_hub")
    dialog.hub_tab.host_edit.setText("")
    dialog.save_button.click()
    error = dialog.hub_tab.field_errors.errors["host"]
    assert error.isVisibleTo(dialog) and "hub computer" in error.text()
    assert dialog.isVisible()


def test_saving_a_hub_reopens_the_window_on_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = pg_server.server()
    url = server.create_database("reopen")
    data_dir = tmp_path / "laptop"
    for root, database in ((data_dir, None), (tmp_path / "hub-pc", url)):
        ctx = open_context(root, database)
        initialise(ctx, "Hub HN" if database else "Laptop")
        finish_first_run(ctx, "Hub HN" if database else "Laptop", None)
        ctx.close()
    seen: list[str] = []
    dialogs: list[SettingsDialog] = []

    def shells() -> list[MainWindowShell]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindowShell) and w.isVisible() and w.desk is not None
        ]

    def step() -> None:
        windows = shells()
        if not dialogs and windows:
            dialogs.append(windows[0].open_settings())
            _fill(dialogs[0], server.port, url.rsplit("/", 1)[1])
        elif not seen and dialogs and dialogs[0].save_button.isEnabled():
            seen.append("saving")  # once the dialog has read this laptop's settings
            dialogs[0].save_button.click()
        elif seen == ["saving"] and windows and "postgresql://" in windows[0].about_text():
            seen.append(windows[0].about_text())
            QApplication.instance().quit()  # type: ignore[union-attr]
            return
        QTimer.singleShot(100, step)

    QTimer.singleShot(100, step)
    # Generous: a loaded CI machine may take long to start; success quits at once.
    QTimer.singleShot(90_000, QApplication.instance().quit)  # type: ignore[union-attr]
    assert launch(["--data-dir", str(data_dir), "--lang", "en"]) == 0
    assert len(seen) == 2, seen
    assert f":{server.port}/" in seen[1]
