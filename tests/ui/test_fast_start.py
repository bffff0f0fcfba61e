"""A fast start: the window's shell is on screen before the database layer is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop import __version__, cli
from otop_desktop.services import paths
from otop_desktop.services.context import AppContext
from otop_desktop.ui import launch as launch_module
from otop_desktop.ui import settings, startup
from otop_desktop.ui.fast_start import WINDOW_OPTIONS, opens_window
from otop_desktop.ui.launch import launch
from otop_desktop.ui.pages.sync_page import SyncPage
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.shell import PAGE_ENTRIES, MainWindowShell
from otop_desktop.ui.tasks import TaskRunner

ROOT = Path(__file__).resolve().parents[2]
# What the shell must not wait for: the database layer, the services, the CLI's parser.
SLOW_MODULES = (
    "sqlalchemy",
    "alembic",
    "otop_desktop.services",
    "otop_desktop.db",
    "otop_desktop.cli",
)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_shell_and_launch_import_no_service_layer() -> None:
    result = _python(
        "import sys\n"
        "import otop_desktop.ui.fast_start\n"
        "assert 'PySide6' not in sys.modules, 'fast_start imports Qt'\n"
        "import otop_desktop.ui.shell, otop_desktop.ui.launch\n"
        f"slow = sorted(m for m in sys.modules if m.startswith({SLOW_MODULES!r}))\n"
        "assert 'sqlalchemy' not in sys.modules, slow\n"
        "assert not slow, slow\n"
    )

    assert result.returncode == 0, result.stderr


def test_the_window_is_painted_before_the_service_layer_is_imported(tmp_path: Path) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    (data_dir / "otop.sqlite3").write_bytes(b"not a database\n" * 100)
    # At the first paint the probe notes what is imported and shown; the garbage database then
    # ends the start quickly (the message box answered at once).
    result = _python(
        "import json, sys\n"
        "from PySide6.QtWidgets import QMessageBox\n"
        "from otop_desktop.ui import shell\n"
        "from otop_desktop.ui.launch import launch\n"
        "seen = []\n"
        "QMessageBox.critical = lambda *args: seen.append({'message': args[2]}) or 0\n"
        "original = shell.MainWindowShell.__init__\n"
        "def init(self, *args, **kwargs):\n"
        "    original(self, *args, **kwargs)\n"
        "    self.first_painted.connect(lambda: seen.append({\n"
        "        'sqlalchemy': 'sqlalchemy' in sys.modules,\n"
        "        'visible': self.isVisible(),\n"
        "        'opening': self.stack.currentWidget() is self.opening_label,\n"
        "        'text': self.opening_label.text(),\n"
        "        'pages': len(self.pages),\n"
        "    }))\n"
        "shell.MainWindowShell.__init__ = init\n"
        f"code = launch(['--data-dir', {str(data_dir)!r}, '--lang', 'en'])\n"
        "print(json.dumps({'code': code, 'seen': seen}))\n"
    )

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 1
    painted, refused = outcome["seen"]
    assert painted == {
        "sqlalchemy": False,
        "visible": True,
        "opening": True,
        "text": "Opening the database…",
        "pages": 0,
    }
    assert "not an OTOP Field Desk database" in refused["message"]


def test_the_shell_shows_the_opening_state_until_the_pages_come(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    window = MainWindowShell(remember=False)
    qtbot.addWidget(window)
    runner.window = window
    with qtbot.waitSignal(window.first_painted, timeout=5000):
        window.show()

    assert window.stack.currentWidget() is window.opening_label
    assert window.opening_label.isVisible()
    assert window.pages == []
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Workshops",
        "Attendance",
        "Follow-ups",
        "Trainees",
        "Products",
        "Certificates",
        "Dashboard",
        "Organisations",
        "Sync",
    ]
    assert not window.settings_action.isEnabled()
    assert __version__ in window.about_text() and "Database" not in window.about_text()
    window.show_page("trainees")  # chosen while opening: shown when the pages come

    window.attach(demo_ctx, runner)
    assert runner.wait_idle(10_000)

    assert len(window.pages) == len(PAGE_ENTRIES)
    assert window.stack.indexOf(window.opening_label) == -1
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [page.title for page in window.pages]
    assert window.current_page_key() == "trainees"
    assert isinstance(window.stack.currentWidget(), TraineesPage)
    assert window.settings_action.isEnabled()
    assert "test-laptop" in window.laptop_label.text()
    assert str(demo_ctx.data_dir.database) in window.about_text()
    with pytest.raises(RuntimeError):
        window.attach(demo_ctx, runner)


def test_a_sync_tab_named_at_start_opens_when_the_pages_come(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    monkeypatch.setenv("OTOP_START_PAGE", "sync:laptops")
    window = MainWindowShell(remember=False)
    qtbot.addWidget(window)
    assert window.current_page_key() == "sync"

    window.attach(demo_ctx, runner)

    page = next(p for p in window.pages if isinstance(p, SyncPage))
    assert isinstance(page, SyncPage)
    assert window.stack.currentWidget() is page
    assert page.current_tab_key() == "laptops"
    assert runner.wait_idle(5000)


def test_launch_shows_the_shell_before_it_attaches_the_pages(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    states: list[tuple[bool, bool]] = []
    original = MainWindowShell.attach

    def attach(self: MainWindowShell, ctx: AppContext, runner: TaskRunner) -> None:
        states.append((self.isVisible(), self.stack.currentWidget() is self.opening_label))
        original(self, ctx, runner)

    monkeypatch.setattr(MainWindowShell, "attach", attach)
    monkeypatch.setenv("OTOP_SCREENSHOT", str(tmp_path / "shot.png"))

    assert launch(["--data-dir", str(tmp_path / "fresh"), "--lang", "en"]) == 0

    assert states == [(True, True)]
    assert (tmp_path / "shot.png").is_file()


def test_the_refusal_is_shown_over_the_opening_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    garbage = b"garbage" * 100
    (data_dir / "otop.sqlite3").write_bytes(garbage)
    shown: list[tuple[bool, str]] = []

    def critical(parent: QWidget | None, _title: str, text: str, *args: object) -> int:
        opening = isinstance(parent, MainWindowShell) and parent.opening_label.isVisible()
        shown.append((opening, text))
        return 0

    monkeypatch.setattr(QMessageBox, "critical", critical)

    assert launch(["--data-dir", str(data_dir), "--lang", "en"]) == 1

    [(opening, text)] = shown
    assert opening and "not an OTOP Field Desk database" in text
    assert (data_dir / "otop.sqlite3").read_bytes() == garbage


def test_an_unexpected_error_while_opening_is_raised(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_options: object) -> AppContext:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(startup, "open_database", broken)

    with pytest.raises(RuntimeError, match="disk on fire"):
        launch(["--data-dir", str(tmp_path / "data"), "--lang", "en"])


def test_the_database_is_opened_even_without_a_paint(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window started minimised is not painted: the opening starts after a while anyway.
    monkeypatch.setattr(MainWindowShell, "show", lambda self: None)
    monkeypatch.setattr(launch_module, "_PAINT_WAIT_LIMIT_MS", 50)
    monkeypatch.setenv("OTOP_SCREENSHOT", str(tmp_path / "shot.png"))

    assert launch(["--data-dir", str(tmp_path / "fresh"), "--lang", "en"]) == 0


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--data-dir", "/tmp/x"],
        ["--lang=es", "--database-url", "sqlite:///x.db"],
        ["--data-dir=/tmp/x", "--lang", "zh_Hant_TW"],
    ],
)
def test_global_options_alone_open_the_window(argv: list[str]) -> None:
    assert opens_window(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["workshop", "list"],
        ["--lang", "es", "demo"],
        ["--help"],
        ["-h"],
        ["--lang"],
        ["--data-dir", "--lang", "es"],
        ["--data", "/tmp/x"],
        ["-style", "fusion"],
    ],
)
def test_anything_else_goes_to_the_cli(argv: list[str]) -> None:
    assert not opens_window(argv)


def test_window_options_are_the_cli_global_options() -> None:
    parser = cli.build_parser()
    options = {
        name
        for action in parser._actions
        if action.option_strings and action.dest not in ("help", "version")
        for name in action.option_strings
    }

    assert options == WINDOW_OPTIONS


def test_window_settings_use_the_app_names() -> None:
    assert (settings.APP_NAME, settings.APP_AUTHOR) == (paths.APP_NAME, paths.APP_AUTHOR)
