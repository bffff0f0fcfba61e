"""Help › Check the database and Help › Open log folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from otop_desktop import app_logging
from otop_desktop.services.check import CheckReport, Problem
from otop_desktop.services.context import AppContext
from otop_desktop.ui.dialogs import crash_dialog
from otop_desktop.ui.dialogs.check_dialog import CheckDialog, report_text
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.shell import MainWindowShell
from otop_desktop.ui.tasks import TaskRunner


def _check_dialogs() -> list[CheckDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CheckDialog)]


def test_checking_the_demo_says_all_is_in_order(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    assert window.check_action.isEnabled()

    window.check_action.trigger()
    assert runner.wait_idle(10_000)

    [dialog] = [d for d in window.findChildren(CheckDialog) if d.isVisible()]
    assert "in order" in dialog.summary_label.text()
    dialog.copy_button.click()
    assert "in order" in QGuiApplication.clipboard().text()


def test_a_damaged_photo_is_listed_with_what_to_do(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    from otop_desktop.services import photos
    from otop_desktop.services.products import save_product

    product = save_product(demo_ctx, {"name": "Hamaca"})
    photo = photos.add_photo_bytes(demo_ctx, product, _png(), name="hamaca.png")
    blob = demo_ctx.data_dir.blobs / photo.sha256[:2] / photo.sha256
    blob.write_bytes(b"damaged")

    window.check_database()
    assert runner.wait_idle(10_000)

    [dialog] = [d for d in window.findChildren(CheckDialog) if d.isVisible()]
    assert "1 problem" in dialog.summary_label.text()
    body = dialog.body.toPlainText()
    assert photo.id in body and "What to do" in body


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_check_waits_for_the_database(qtbot: QtBot) -> None:
    shell = MainWindowShell(remember=False)
    qtbot.addWidget(shell)

    assert not shell.check_action.isEnabled()
    assert shell.log_folder_action.isEnabled()


def test_open_log_folder_from_the_help_menu(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    class Desktop:
        @staticmethod
        def openUrl(url: object) -> bool:
            opened.append(url.toLocalFile())  # type: ignore[attr-defined]
            return True

    monkeypatch.setattr(crash_dialog, "QDesktopServices", Desktop)
    shell = MainWindowShell(remember=False)
    qtbot.addWidget(shell)
    log = app_logging.setup_logging(tmp_path)
    try:
        shell.log_folder_action.trigger()
    finally:
        app_logging.stop_logging()
    shell.log_folder_action.trigger()  # no log set up: said in the status bar

    assert opened == [str(log.parent)]
    assert shell.statusBar().currentMessage()


def test_report_text_lists_problems_and_notes(qtbot: QtBot) -> None:
    report = CheckReport(
        (Problem("The file of photo P1 is missing.", "Receive a bundle."),),
        ("2 photo files are used by no record.",),
        {"photos": 3},
    )
    dialog = CheckDialog(report)
    qtbot.addWidget(dialog)

    text = report_text(report)
    assert "1 problem" in text and "P1" in text and "Receive a bundle." in text
    assert "used by no record" in text and "photos: 3" in text
    assert "For information" in dialog.body.toPlainText()
