"""The first start: the laptop named, the language chosen (applied at once), the demo if ticked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from otop_desktop.i18n import _, current_locale, set_locale
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.laptop import first_run_done, this_laptop
from otop_desktop.services.workshops import list_workshops
from otop_desktop.sync import crypto
from otop_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
from otop_desktop.ui.language import saved_language
from otop_desktop.ui.launch import launch
from otop_desktop.ui.shell import MainWindowShell
from otop_desktop.ui.tasks import TaskRunner


@pytest.fixture
def fresh_ctx(tmp_path: Path) -> AppContext:
    ctx = open_context(tmp_path / "fresh")
    initialise(ctx, "DESKTOP-4F2K9")
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True)
def _english_again() -> None:
    yield
    set_locale("en")


def _dialog(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> FirstRunDialog:
    dialog = FirstRunDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert runner.wait_idle(5000)
    return dialog


def test_the_name_is_offered_and_the_demo_is_added_when_ticked(
    qtbot: QtBot, fresh_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, fresh_ctx, runner)
    assert dialog.name_edit.text() == "DESKTOP-4F2K9"
    assert dialog.demo_check.isVisibleTo(dialog) and dialog.demo_check.isChecked()

    dialog.name_edit.setText("Portátil de Copán")
    dialog.save_button.click()
    assert runner.wait_idle(20_000)

    assert not dialog.isVisible()
    assert first_run_done(fresh_ctx)
    assert this_laptop(fresh_ctx).device_name == "Portátil de Copán"
    assert len(list_workshops(fresh_ctx)) == 3


def test_without_the_demo_and_with_a_passphrase(
    qtbot: QtBot, fresh_ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)
    dialog = _dialog(qtbot, fresh_ctx, runner)
    dialog.demo_check.setChecked(False)
    dialog.passphrase.passphrase_edit.setText("mangoes and bamboo")
    dialog.passphrase.confirmation_edit.setText("mangoes and bambo")

    dialog.save_button.click()
    assert runner.wait_idle(5000)

    assert dialog.isVisible()
    assert dialog.passphrase.errors["confirmation"].isVisibleTo(dialog)
    assert not first_run_done(fresh_ctx)

    dialog.passphrase.confirmation_edit.setText("mangoes and bamboo")
    dialog.save_button.click()
    assert runner.wait_idle(5000)

    assert first_run_done(fresh_ctx) and this_laptop(fresh_ctx).has_passphrase
    assert list_workshops(fresh_ctx) == []


def test_choosing_a_language_redoes_the_dialog_and_keeps_what_was_typed(
    qtbot: QtBot, fresh_ctx: AppContext, runner: TaskRunner
) -> None:
    set_locale("en")
    dialog = _dialog(qtbot, fresh_ctx, runner)
    dialog.name_edit.setText("陳美玲的筆電")
    dialog.demo_check.setChecked(False)

    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("es"))

    assert current_locale() == "es"
    assert dialog.name_edit.text() == "陳美玲的筆電"
    assert not dialog.demo_check.isChecked()
    assert dialog.language_combo.currentData() == "es"
    dialog.save_button.click()
    assert runner.wait_idle(5000)
    assert saved_language() == "es"
    assert this_laptop(fresh_ctx).device_name == "陳美玲的筆電"


def test_escape_leaves_everything_for_next_time(
    qtbot: QtBot, fresh_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, fresh_ctx, runner)
    dialog.name_edit.setText("Never kept")

    qtbot.keyClick(dialog.name_edit, "\x1b")  # Esc

    assert not dialog.isVisible()
    assert not first_run_done(fresh_ctx)
    assert this_laptop(fresh_ctx).device_name == "DESKTOP-4F2K9"


def _when(condition: Callable[[], bool], then: Callable[[], None], waited: list[int]) -> None:
    """Call `then` once `condition` holds (checked every 50 ms, inside the app's own loop)."""

    def check() -> None:
        waited[0] += 50
        if condition():
            then()
        elif waited[0] < 30_000:
            QTimer.singleShot(50, check)
        else:
            QApplication.instance().exit(3)  # type: ignore[union-attr]

    QTimer.singleShot(50, check)


def _top(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_a_first_start_asks_and_switches_the_window_to_the_language_chosen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data_dir = tmp_path / "new-laptop"
    waited = [0]
    seen: dict[str, object] = {}

    def fill() -> None:
        [dialog] = _top(FirstRunDialog)
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("es"))
        [window] = _top(MainWindowShell)
        seen["nav"] = [window.nav.item(i).text() for i in range(window.nav.count())]
        dialog.name_edit.setText("Portátil de Rabinal")
        dialog.demo_check.setChecked(False)
        dialog.save_button.click()
        _when(lambda: not _top(FirstRunDialog), finish, waited)

    def finish() -> None:
        [window] = _top(MainWindowShell)
        seen["title"] = window.windowTitle()
        window.close()

    _when(lambda: bool(_top(FirstRunDialog)), fill, waited)
    code = launch(["--data-dir", str(data_dir), "--lang", "en"])

    assert code == 0
    set_locale("es")
    spanish = [_("Workshops"), _("Attendance"), _("Follow-ups"), _("Trainees")]
    assert spanish != ["Workshops", "Attendance", "Follow-ups", "Trainees"]
    assert seen["nav"][:4] == spanish  # the window behind the dialog, made again in Spanish
    ctx = open_context(data_dir)
    try:
        assert first_run_done(ctx)
        assert this_laptop(ctx).device_name == "Portátil de Rabinal"
        assert list_workshops(ctx) == []
    finally:
        ctx.close()
    assert saved_language() == "es"
