"""Never a silent crash: an error in a slot or a thread is logged and shown, one at a time."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from otop_desktop import app_logging
from otop_desktop.i18n import set_locale
from otop_desktop.ui import crash_hooks
from otop_desktop.ui.crash_hooks import CrashHooks
from otop_desktop.ui.dialogs import crash_dialog
from otop_desktop.ui.dialogs.crash_dialog import CrashDialog
from otop_desktop.ui.launch import launch
from otop_desktop.ui.tasks import TaskRunner

# Our hooks are under test: pytest-qt's own capture of errors in slots stays out of the way.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = app_logging.setup_logging(tmp_path / "data")
    yield path
    app_logging.stop_logging()


@pytest.fixture
def hooks(qtbot: QtBot, log_file: Path) -> Iterator[CrashHooks]:
    quits: list[int] = []
    installed = CrashHooks(on_quit=lambda: quits.append(1))
    installed.install()
    yield installed
    installed.uninstall()
    installed.deleteLater()


def _crash_dialogs() -> list[CrashDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()
    ]


def cut_the_cloth() -> None:
    raise ZeroDivisionError("a bolt of cloth divided by zero")


def _raise_in_a_slot(qtbot: QtBot, fn: Callable[[], None] = cut_the_cloth) -> None:
    QTimer.singleShot(0, fn)
    qtbot.wait(50)


def test_an_error_in_a_slot_is_logged_and_shown(
    qtbot: QtBot, hooks: CrashHooks, log_file: Path
) -> None:
    _raise_in_a_slot(qtbot)
    qtbot.waitUntil(lambda: len(_crash_dialogs()) == 1)

    [dialog] = _crash_dialogs()
    assert "ZeroDivisionError: a bolt of cloth divided by zero" in dialog.error_line
    assert "Your data is safe" in dialog.explanation.text()
    assert not dialog.details.isVisible()
    dialog.details_button.click()
    assert dialog.details.isVisible()
    assert "cut_the_cloth" in dialog.details.toPlainText()
    text = log_file.read_text(encoding="utf-8")
    assert "Uncaught exception" in text and "cut_the_cloth" in text
    assert "Traceback (most recent call last)" in text


def test_copy_details_puts_the_traceback_on_the_clipboard(qtbot: QtBot, hooks: CrashHooks) -> None:
    _raise_in_a_slot(qtbot)
    qtbot.waitUntil(lambda: hooks.dialog is not None)
    assert hooks.dialog is not None

    hooks.dialog.copy_button.click()

    copied = QGuiApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied
    assert "cut_the_cloth" in copied and "OTOP Field Desk" in copied


def test_open_log_folder_opens_the_folder_of_the_log(
    qtbot: QtBot, hooks: CrashHooks, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    class Desktop:
        @staticmethod
        def openUrl(url: QUrl) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(crash_dialog, "QDesktopServices", Desktop)
    _raise_in_a_slot(qtbot)
    qtbot.waitUntil(lambda: hooks.dialog is not None)
    assert hooks.dialog is not None

    hooks.dialog.log_button.click()

    assert [Path(url.toLocalFile()) for url in opened] == [log_file.parent]


def test_the_same_error_again_is_counted_not_shown_twice(qtbot: QtBot, hooks: CrashHooks) -> None:
    _raise_in_a_slot(qtbot)
    _raise_in_a_slot(qtbot)
    _raise_in_a_slot(qtbot)
    qtbot.waitUntil(lambda: hooks.dialog is not None and hooks.dialog.repeats == 3)

    assert len(_crash_dialogs()) == 1
    assert hooks.dialog is not None
    assert "3 times" in hooks.dialog.repeat_label.text()

    # Closed, and at once the same again (a paint loop): logged, not shown again.
    hooks.dialog.close_button.click()
    _raise_in_a_slot(qtbot)
    qtbot.wait(50)
    assert _crash_dialogs() == []
    assert hooks.quieted == 1


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_error_in_a_thread_is_shown_on_the_gui_thread(
    qtbot: QtBot, hooks: CrashHooks, log_file: Path
) -> None:
    thread = threading.Thread(target=cut_the_cloth, name="importer")
    thread.start()
    thread.join()

    qtbot.waitUntil(lambda: len(_crash_dialogs()) == 1)
    assert "in thread importer" in log_file.read_text(encoding="utf-8")


def test_failed_work_with_no_handler_shows_the_crash_dialog(
    qtbot: QtBot, hooks: CrashHooks, runner: TaskRunner
) -> None:
    runner.run(cut_the_cloth)
    assert runner.wait_idle()

    [dialog] = _crash_dialogs()
    assert "cut_the_cloth" in dialog.details.toPlainText()


def test_quit_ends_through_the_given_callable(qtbot: QtBot, log_file: Path) -> None:
    quits: list[int] = []
    installed = CrashHooks(on_quit=lambda: quits.append(1))
    try:
        dialog = installed.report(ZeroDivisionError("x"), "details", log_it=True)
        assert dialog is not None
        dialog.quit_button.click()
    finally:
        installed.deleteLater()

    assert quits == [1]
    assert "Unexpected error" in log_file.read_text()


def test_launch_installs_the_hooks_and_puts_the_old_ones_back(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    (data_dir / "otop.sqlite3").write_bytes(b"not a database" * 100)
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.critical", lambda *args: 0)
    before, before_thread = sys.excepthook, threading.excepthook
    seen: list[object] = []
    QTimer.singleShot(0, lambda: seen.append(crash_hooks.installed()))

    assert launch(["--data-dir", str(data_dir), "--lang", "en"]) == 1

    assert isinstance(seen[0], CrashHooks)
    assert sys.excepthook is before and threading.excepthook is before_thread
    assert crash_hooks.installed() is None
    app_logging.stop_logging()


@pytest.mark.parametrize("locale", ["en", "es", "zh_Hant_TW"])
def test_the_dialog_fits_a_small_screen_in_every_language(
    qtbot: QtBot, log_file: Path, locale: str
) -> None:
    set_locale(locale)
    dialog = CrashDialog(ZeroDivisionError("x" * 500), "Traceback …")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.details_button.click()

    assert len(dialog.error_line) <= 160
    # Left open, it does not keep the app running once the main window is closed.
    assert not dialog.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)
    assert dialog.sizeHint().width() <= 1000 and dialog.sizeHint().height() <= 700
