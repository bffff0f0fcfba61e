"""Settings: the passphrase typed twice, the laptop renamed, and what the window says at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from otop_desktop.services.clock_check import ClockStatus
from otop_desktop.services.context import AppContext
from otop_desktop.services.laptop import this_laptop
from otop_desktop.sync import crypto
from otop_desktop.ui import main_window as main_window_module
from otop_desktop.ui.dialogs.passphrase_dialog import PassphraseDialog
from otop_desktop.ui.dialogs.settings_dialog import SettingsDialog
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.sync_page import SyncPage
from otop_desktop.ui.tasks import TaskRunner
from tests.ui.sync_helpers import answer_save_dialog

LEFT = Qt.MouseButton.LeftButton


def _dialog(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> SettingsDialog:
    dialog = SettingsDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert runner.wait_idle(5000)
    return dialog


def test_mismatched_passphrases_are_refused_next_to_the_field(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    fields = dialog.passphrase
    assert fields.passphrase() == "" and fields.confirmation() == ""  # never prefilled
    assert fields.passphrase_edit.echoMode() == QLineEdit.EchoMode.Password

    qtbot.keyClicks(fields.passphrase_edit, "mangoes and bamboo")
    qtbot.keyClicks(fields.confirmation_edit, "mangoes and bambo")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert runner.wait_idle(5000)

    error = fields.errors["confirmation"]
    assert error.isVisibleTo(dialog)
    assert error.text() == "The two passphrases are not the same."
    assert not fields.errors["passphrase"].isVisibleTo(dialog)
    assert dialog.isVisible()
    assert not this_laptop(demo_ctx).has_passphrase

    fields.show_check.setChecked(True)
    assert fields.confirmation_edit.echoMode() == QLineEdit.EchoMode.Normal


def test_a_short_passphrase_is_refused_and_a_good_one_kept(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    fields = dialog.passphrase
    fields.passphrase_edit.setText("short")
    fields.confirmation_edit.setText("short")
    dialog.save()
    assert runner.wait_idle(5000)
    assert fields.errors["passphrase"].isVisibleTo(dialog)

    fields.passphrase_edit.setText("mangoes and bamboo")
    fields.confirmation_edit.setText("mangoes and bamboo")
    dialog.save()
    assert runner.wait_idle(5000)

    assert not dialog.isVisible()
    assert this_laptop(demo_ctx).has_passphrase


def test_renaming_the_laptop_updates_the_status_bar(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = window.open_settings()
    assert runner.wait_idle(5000)
    assert dialog.name_edit.text() == "test-laptop"
    assert dialog.fingerprint_edit.text() == this_laptop(demo_ctx).fingerprint
    assert dialog.fingerprint_edit.isReadOnly()

    dialog.name_edit.setText("Portátil de Copán")  # not ASCII: keyClicks would abort
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert runner.wait_idle(5000)

    assert this_laptop(demo_ctx).device_name == "Portátil de Copán"
    assert "Portátil de Copán" in window.laptop_label.text()
    assert not dialog.isVisible()


def test_an_empty_laptop_name_is_refused_next_to_the_field(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, demo_ctx, runner)
    dialog.name_edit.setText("   ")
    dialog.save()
    assert runner.wait_idle(5000)

    assert dialog.name_error.isVisibleTo(dialog)
    assert this_laptop(demo_ctx).device_name == "test-laptop"


def test_export_without_a_passphrase_asks_for_one_first(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    demo_ctx: AppContext,
    runner: TaskRunner,
) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)
    bundle = tmp_path / "demo.otop"
    answer_save_dialog(monkeypatch, bundle)
    page = SyncPage(demo_ctx, runner)
    qtbot.addWidget(page)
    page.show()
    assert runner.wait_idle(5000)

    page.send.export()
    assert runner.wait_idle(5000)
    [dialog] = page.findChildren(PassphraseDialog)
    assert dialog.isVisible() and dialog.isModal()
    assert not bundle.exists()

    dialog.passphrase.passphrase_edit.setText("mangoes and bamboo")
    dialog.passphrase.confirmation_edit.setText("mangoes and bamboo")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert runner.wait_idle(10_000)  # saves the passphrase, then exports

    assert this_laptop(demo_ctx).has_passphrase
    assert bundle.is_file()


def test_start_notices_say_the_database_was_copied_and_the_clock_is_behind(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    demo_ctx: AppContext,
    runner: TaskRunner,
) -> None:
    demo_ctx.events.append("new-replica-id")
    year_3000_ms = 32_503_680_000_000
    behind = ClockStatus(wall_ms=1_700_000_000_000, newest_ms=year_3000_ms)
    monkeypatch.setattr(main_window_module, "clock_status", lambda _ctx: behind)

    window.check_at_start()
    assert runner.wait_idle(5000)

    texts = window.notice_texts()
    assert len(texts) == 2
    assert "new laptop id" in texts[0]
    assert texts[1] == behind.message()
    assert QApplication.activeModalWidget() is None  # nothing waits for an answer


def test_start_page_can_be_named_in_the_environment(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    monkeypatch.setenv("OTOP_START_PAGE", "sync:conflicts")
    main = MainWindow(demo_ctx, runner, remember=False)
    qtbot.addWidget(main)
    page = next(p for p in main.pages if isinstance(p, SyncPage))
    assert isinstance(page, SyncPage)

    assert main.current_page_key() == "sync"
    assert page.current_tab_key() == "conflicts"
    assert runner.wait_idle(5000)


def test_a_language_chosen_in_settings_is_remembered_and_announced(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    from otop_desktop.ui.language import saved_language

    dialog = window.open_settings()
    assert runner.wait_idle(5000)
    assert dialog.language_combo.currentData() == "en"
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_Hant_TW"))

    with qtbot.waitSignal(window.language_changed, timeout=5000) as signal:
        qtbot.mouseClick(dialog.save_button, LEFT)

    assert signal.args == ["zh_Hant_TW"]
    assert saved_language() == "zh_Hant_TW"
    assert not dialog.isVisible()
