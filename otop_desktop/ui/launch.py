"""Starting the window: language, fonts, the window at once, then the database and the pages.

What a start looks like on an old laptop with a spinning disk: the window (menus, navigation,
"Opening the database…" where the pages go) appears at once, and the pages fill in when the
database is open. So this module, like the shell, imports only Qt and the translations; once
the shell has painted, the runner's thread imports the service layer (`startup`, SQLAlchemy)
and opens the database while the window stays responsive; then the pages are attached and the
start goes on as it always did (the demo on a first start, the start notices, the screenshot).

`launch()` takes the raw command line, so `app.main()` can call it without building the CLI's
parser (`fast_start.opens_window()` says when).
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from otop_desktop import __version__
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, set_locale
from otop_desktop.ui.qt_locale import qt_language
from otop_desktop.ui.resources import load_bundled_fonts
from otop_desktop.ui.settings import APP_AUTHOR, APP_NAME
from otop_desktop.ui.shell import MainWindowShell
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner

if TYPE_CHECKING:
    from otop_desktop.services.context import AppContext
    from otop_desktop.services.demo import DemoSummary

log = logging.getLogger(__name__)

SCREENSHOT_ENV = "OTOP_SCREENSHOT"
# The screenshot waits for the pages to load, but not forever.
_SCREENSHOT_TIMEOUT_MS = 60_000
_SCREENSHOT_SETTLE_MS = 300
# The database is opened once the shell has painted; should no paint come (a window started
# minimised), it is opened after this long all the same.
_PAINT_WAIT_LIMIT_MS = 1000


def parse_options(argv: list[str]) -> argparse.Namespace:
    """The global options of the command line; anything else (Qt's own options) is ignored."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--lang", default=None)
    options, _unknown = parser.parse_known_args(argv)
    return options


def application(argv: list[str]) -> QApplication:
    """The QApplication (the one that exists already, under tests)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["otop-desktop", *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(_("OTOP Field Desk"))
    return app


def demo_added(runner: TaskRunner, summary: DemoSummary | None) -> None:
    """Let the pages show the demo, if one was added (else they have loaded all there is)."""
    if summary is not None:
        runner.changed.emit(WORKSHOPS)
        runner.changed.emit(TRAINEES)


class _Start:
    """The steps of a start after the shell is shown, and what they leave to close."""

    def __init__(
        self,
        app: QApplication,
        window: MainWindowShell,
        options: argparse.Namespace,
        shot: Path | None,
    ) -> None:
        self.app = app
        self.window = window
        self.options = options
        self.shot = shot
        self.runner = TaskRunner()
        self.runner.window = window
        # Set on the runner's thread as soon as the database is open, so that close() closes
        # it even when the window was closed before the result was delivered.
        self.ctx: AppContext | None = None
        # An unexpected error, raised again by launch() once the event loop has ended.
        self.error: BaseException | None = None
        self._begun = False
        self._ended = False
        # A timer of our own, stopped in close(): a single-shot one could fire after launch()
        # has returned (in the next test's event loop) with this object gone.
        self._paint_wait = QTimer()
        self._paint_wait.setSingleShot(True)
        self._paint_wait.setInterval(_PAINT_WAIT_LIMIT_MS)
        self._paint_wait.timeout.connect(self.begin)

    def begin_after_paint(self) -> None:
        """Call begin() once the window has painted (or after a while without a paint)."""
        self.window.first_painted.connect(self.begin)
        self._paint_wait.start()

    def begin(self) -> None:
        """Open the database on the runner's thread; the window keeps painting meanwhile."""
        self._paint_wait.stop()
        if self._begun or self._ended:
            return
        self._begun = True
        self.runner.run(self._open_database, on_done=self._opened, on_error=self._failed)

    def _open_database(self) -> AppContext:
        # On the runner's thread. Importing `startup` imports the service layer: the slow part
        # of a start, while the window already says that the database is being opened.
        from otop_desktop.ui.startup import open_database

        self.ctx = open_database(self.options)
        return self.ctx

    def _opened(self, ctx: AppContext) -> None:
        try:
            self._fill(ctx)
        except BaseException as exc:
            # Escaping a slot, it would only be printed and leave the window opening forever.
            self._failed(exc)

    def _fill(self, ctx: AppContext) -> None:
        from otop_desktop.ui.startup import add_demo_if_empty

        self.window.attach(ctx, self.runner)
        runner = self.runner
        runner.run(
            add_demo_if_empty,
            ctx,
            progress=True,
            title=_("Preparing a demo programme…"),
            cancellable=False,
            on_done=lambda summary: demo_added(runner, summary),
        )
        if self.shot:
            take_screenshot_when_ready(self.app, self.window, runner, self.shot)
        else:
            # Banners, not dialogs: they block nothing; left out of the docs' screenshots.
            self.window.check_at_start()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, OtopError):
            # A database that cannot be used (not ours, newer, locked...): said, and the app
            # ends with 1, leaving the file as it was.
            QMessageBox.critical(self.window, _("OTOP Field Desk"), str(exc))
        else:
            self.error = exc
        self.app.exit(1)

    def close(self) -> None:
        self._ended = True
        self._paint_wait.stop()
        # Waits for work under way, the opening included: a migration is never cut short.
        self.runner.shutdown()
        self.window.close()
        self.window.deleteLater()
        # Closing the last window posts a Quit event that can outlive the loop it was
        # meant for, and end the next one (under tests, the next test's): drop it.
        QCoreApplication.removePostedEvents(self.app, QEvent.Type.Quit)
        if self.ctx is not None:
            self.ctx.close()


def launch(argv: list[str]) -> int:
    """Open the main window; returns the exit code (1 when the database cannot be used)."""
    options = parse_options(argv)
    set_locale(options.lang)
    app = application(argv)
    load_bundled_fonts(app)
    with qt_language(app):
        shot = os.environ.get(SCREENSHOT_ENV)
        # Screenshots for the docs use the default size, not the size the user left.
        window = MainWindowShell(remember=not shot)
        start = _Start(app, window, options, Path(shot) if shot else None)
        try:
            start.begin_after_paint()
            window.show()
            code = int(app.exec())
        finally:
            start.close()
        if start.error is not None:
            raise start.error
        return code


def take_screenshot_when_ready(
    app: QApplication, window: MainWindowShell, runner: TaskRunner, path: Path
) -> None:
    """Once the pages have loaded and painted, save the window to `path` and quit (docs)."""
    waited = QElapsedTimer()
    waited.start()

    def check() -> None:
        if runner.busy and waited.elapsed() < _SCREENSHOT_TIMEOUT_MS:
            QTimer.singleShot(100, check)
            return
        QTimer.singleShot(_SCREENSHOT_SETTLE_MS, shoot)

    def shoot() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path)):
            log.error("Could not save the screenshot to %s", path)
        app.quit()

    QTimer.singleShot(_SCREENSHOT_SETTLE_MS, check)
