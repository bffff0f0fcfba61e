"""Qt fixtures: isolated window settings, a demo database, the runner, the main window."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from otop_desktop.services.context import AppContext, initialise, open_context  # noqa: E402
from otop_desktop.services.demo import build_demo  # noqa: E402
from otop_desktop.ui.main_window import MainWindow  # noqa: E402
from otop_desktop.ui.tasks import TaskRunner  # noqa: E402


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """As the app does (ui/gui_thread_gc.py): no collection in a runner's thread, where freeing
    a Qt object can deadlock with the GUI thread; one on this thread after each test."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _no_stray_quit() -> Iterator[None]:
    """A Quit event left posted by a test (a last window closed outside an event loop) would
    end the next test's event loop at once: none survives a test."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    app = QCoreApplication.instance()
    if app is not None:
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)


@pytest.fixture(autouse=True)
def _no_automatic_backups_by_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window test slowed down by a busy machine must not start an automatic backup at
    30 s; the tests of the backup timer give it their own delays."""
    from otop_desktop.ui import backup_timer

    monkeypatch.setattr(backup_timer, "START_DELAY_MS", 24 * 3_600_000)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """Window settings go to this test's folder, never to the developer's own."""
    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path / "qt-settings"
    folder.mkdir()
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def demo_ctx(tmp_path: Path) -> Iterator[AppContext]:
    """A fresh data dir holding the seeded demo: three workshops, 30 trainees, no photos."""
    ctx = open_context(tmp_path / "demo-data")
    initialise(ctx, "test-laptop")
    build_demo(ctx, trainees=30, photos=0)
    yield ctx
    ctx.close()


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    """The background runner; stopped before the database closes."""
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def window(qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner) -> MainWindow:
    """The main window on the demo, shown, with its first loads delivered."""
    main = MainWindow(demo_ctx, runner)
    runner.window = main
    qtbot.addWidget(main)
    main.show()
    assert runner.wait_idle(10_000)
    return main
