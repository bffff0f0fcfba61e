"""File › Backups…: the list, Back up now, to a USB folder, restore (the window reopens on the
restored data), and the timer of automatic backups."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.services import auto_backup, backup, demo, trainees
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.laptop import rename_laptop, this_laptop
from otop_desktop.services.paths import DataDir
from otop_desktop.services.trainees import search_trainees
from otop_desktop.ui import backup_timer
from otop_desktop.ui.backup_timer import BackupTimer
from otop_desktop.ui.dialogs.backups_dialog import BackupsDialog
from otop_desktop.ui.launch import launch
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.shell import MainWindowShell
from otop_desktop.ui.tasks import TaskRunner


def _open(window: MainWindow, runner: TaskRunner) -> BackupsDialog:
    dialog = window.open_backups()
    assert runner.wait_idle(10_000)
    return dialog


def _kinds(dialog: BackupsDialog) -> list[str]:
    return [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]


def test_the_list_and_back_up_now(
    window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    auto_backup.take_snapshot(demo_ctx)
    backup.write_backup(demo_ctx, demo_ctx.data_dir.backups / "earlier.zip")
    (demo_ctx.data_dir.backups / "killed.zip.partial").write_bytes(b"")
    dialog = _open(window, runner)
    assert sorted(_kinds(dialog)) == ["Automatic", "Backup file"]
    automatic = dialog.entries[[e.kind for e in dialog.entries].index("automatic")]
    assert automatic.trainees == 30 and automatic.workshops == 3
    assert not dialog.restore_button.isEnabled()
    dialog.now_button.click()
    assert runner.wait_idle(10_000)
    assert sorted(_kinds(dialog)) == ["Automatic", "Automatic", "Backup file"]
    assert "Backed up" in dialog.status_label.text()
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()


def test_back_up_to_a_usb_folder(
    window: MainWindow, runner: TaskRunner, demo_ctx: AppContext, tmp_path: Path
) -> None:
    usb = tmp_path / "USB DRIVE"
    usb.mkdir()
    dialog = _open(window, runner)
    dialog.folder_chooser = lambda parent, title: usb
    dialog.folder_button.click()
    assert runner.wait_idle(10_000)
    [written] = usb.iterdir()
    assert written.name.startswith("otop-backup-") and written.suffix == ".zip"
    with zipfile.ZipFile(written) as archive:
        assert "otop.sqlite3" in archive.namelist()
    assert str(written) in dialog.status_label.text()


def test_a_usb_drive_that_cannot_be_written_says_so(
    window: MainWindow, runner: TaskRunner, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    dialog = _open(window, runner)
    dialog.folder_chooser = lambda parent, title: blocked
    dialog.folder_button.click()
    assert runner.wait_idle(10_000)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert any("could not be written" in box.text() for box in boxes)
    for box in boxes:
        box.close()


def test_a_postgresql_hub_says_pg_dump_and_offers_nothing(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auto_backup, "available", lambda ctx: False)
    dialog = BackupsDialog(demo_ctx, runner)
    qtbot.addWidget(dialog)
    assert runner.wait_idle(10_000)
    assert "pg_dump" in dialog.intro.text()
    assert not dialog.now_button.isEnabled() and not dialog.folder_button.isEnabled()
    assert not BackupTimer(demo_ctx, dialog, dialog).enabled


def test_the_timer_backs_up_at_start_and_counts_only_time_awake(
    qtbot: QtBot, demo_ctx: AppContext
) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    timer = BackupTimer(demo_ctx, holder, holder, start_delay_ms=0, tick_ms=60_000)
    with qtbot.waitSignal(timer.backed_up, timeout=10_000) as blocker:
        pass
    assert blocker.args[0].snapshot is not None
    assert len(auto_backup.list_snapshots(demo_ctx.data_dir)) == 1
    # A tick that comes ten hours late (the laptop slept) counts as one tick at most.
    timer._clock.restart = lambda: 10 * 3_600_000  # type: ignore[method-assign]
    timer._count()
    assert timer.used_ms() == 120_000
    backup_timer.save_backup_settings(3, 1)
    assert backup_timer.keep_setting() == 3 and backup_timer.every_hours_setting() == 1
    holder.close()
    assert not timer.enabled


# --- restore, through the running app ---------------------------------------------------------


def _when(ready: Callable[[], bool], then: Callable[[], None], waited: list[int]) -> None:
    def poll() -> None:
        waited[0] += 1
        if waited[0] > 600:
            for window in _top(MainWindowShell):
                window.close()
            return
        if ready():
            then()
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def _top(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _loaded_window() -> MainWindowShell | None:
    windows = [w for w in _top(MainWindowShell) if w.desk is not None]
    return windows[0] if len(windows) == 1 else None


def test_restoring_reopens_the_window_on_the_restored_data(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    ctx = open_context(data_dir)
    initialise(ctx, "Portátil de Copán")
    rename_laptop(ctx, "Portátil de Copán")  # set up already: no first-run questions
    demo.build_demo(ctx, trainees=8, photos=1)
    old_id = this_laptop(ctx).replica_id
    snapshot = auto_backup.take_snapshot(ctx).snapshot
    assert snapshot is not None
    trainees.add_trainee(ctx, given_names="María Fernanda", family_names="Después")
    ctx.close()
    waited = [0]
    seen: dict[str, object] = {}

    def open_dialog() -> None:
        window = _loaded_window()
        assert window is not None
        dialog = window.open_backups()
        _when(lambda: bool(dialog.entries), lambda: restore(dialog), waited)

    def restore(dialog: BackupsDialog) -> None:
        row = [e.path for e in dialog.entries].index(snapshot.path)
        dialog.table.selectRow(row)
        dialog.restore_button.click()
        box = dialog.confirm_box
        assert isinstance(box, QMessageBox)
        seen["question"] = box.text()
        [yes] = [b for b in box.buttons() if b.text() == "Restore"]
        yes.click()
        _when(reopened, finish, waited)

    def reopened() -> bool:
        window = _loaded_window()
        return window is not None and any("new laptop id" in t for t in window.notice_texts())

    def finish() -> None:
        window = _loaded_window()
        assert window is not None and window.desk is not None
        ctx = window.desk._ctx
        seen["names"] = [t.family_names for t in search_trainees(ctx)]
        seen["replica"] = this_laptop(ctx).replica_id
        window.close()

    _when(_loaded_window, open_dialog, waited)
    assert launch(["--data-dir", str(data_dir), "--lang", "en"]) == 0
    assert "before-restore" in str(seen["question"])
    assert "Después" not in seen["names"] and len(seen["names"]) == 8  # type: ignore[operator]
    assert seen["replica"] != old_id
    assert list(DataDir(data_dir).backups.glob("before-restore-*.sqlite3"))
