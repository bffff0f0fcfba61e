"""Starting the window: language, fonts, the window at once, then the database and the pages.

What a start looks like on an old laptop with a spinning disk: the window (menus, navigation,
"Opening the database…" where the pages go) appears at once, and the pages fill in when the
database is open. So this module, like the shell, imports only Qt and the translations; once
the shell has painted, the runner's thread imports the service layer (`startup`, SQLAlchemy)
and opens the database while the window stays responsive; then the pages are attached and the
start goes on: the first-run set-up on a laptop nobody has named yet (its name, the language,
the passphrase, the demo if wanted), else the start notices. With `OTOP_SCREENSHOT` set (docs,
tests) nothing is asked: an empty database gets the demo and the window is saved as an image.

A language chosen at first run or in Settings applies at once: the window is made again in it
(its pages reload from the database, which stays open) and the old one goes once idle.

`launch()` takes the raw command line, so `app.main()` can call it without building the CLI's
parser (`fast_start.opens_window()` says when).
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from otop_desktop import __version__, app_logging
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, set_locale
from otop_desktop.ui.crash_hooks import CrashHooks
from otop_desktop.ui.gui_thread_gc import GuiThreadCollector
from otop_desktop.ui.language import AppLanguage, save_language, saved_language
from otop_desktop.ui.resources import load_bundled_fonts, resources_dir
from otop_desktop.ui.settings import APP_AUTHOR, APP_NAME
from otop_desktop.ui.shell import MainWindowShell
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner

if TYPE_CHECKING:
    from otop_desktop.services.context import AppContext
    from otop_desktop.services.demo import DemoSummary
    from otop_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
    from otop_desktop.ui.restore_reopen import Reopened

log = logging.getLogger(__name__)

SCREENSHOT_ENV = "OTOP_SCREENSHOT"
# The screenshot waits for the pages to load, but not forever.
_SCREENSHOT_TIMEOUT_MS = 60_000
_SCREENSHOT_SETTLE_MS = 300
# The database is opened once the shell has painted; should no paint come (a window started
# minimised), it is opened after this long all the same.
_PAINT_WAIT_LIMIT_MS = 1000
# A window replaced by one in another language is deleted once no work may call back into it.
_RETIRE_POLL_MS = 200


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
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "otop-desktop.png")))
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
        language: AppLanguage,
    ) -> None:
        self.app = app
        self.window = window
        self.language = language
        self.first_run: FirstRunDialog | None = None
        self._retired: list[MainWindowShell] = []
        self._retire_timer = QTimer()
        self._retire_timer.setInterval(_RETIRE_POLL_MS)
        self._retire_timer.timeout.connect(self._delete_retired)
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
        from otop_desktop.services.laptop import first_run_done
        from otop_desktop.ui.startup import add_demo_if_empty

        self.window.attach(ctx, self.runner)
        self.window.language_changed.connect(self.switch_language)
        self.window.database_changed.connect(self.reopen_database)
        self.window.restore_requested.connect(self.restore_backup)
        runner = self.runner
        if self.shot:
            # Nothing is asked of nobody: an empty database shows the demo in the image.
            runner.run(
                add_demo_if_empty,
                ctx,
                progress=True,
                title=_("Preparing a demo programme…"),
                cancellable=False,
                on_done=lambda summary: demo_added(runner, summary),
            )
            take_screenshot_when_ready(self.app, self.window, runner, self.shot)
        else:
            runner.run(first_run_done, ctx, on_done=self._first_run_checked)

    def _first_run_checked(self, done: bool) -> None:
        if done or self.ctx is None:
            # Banners, not dialogs: they block nothing; left out of the docs' screenshots.
            self.window.check_at_start()
            return
        from otop_desktop.ui.dialogs.first_run_dialog import FirstRunDialog

        # A window of its own (not a child of the main window), so that it stays while the
        # main window is made again in the language chosen in it.
        dialog = FirstRunDialog(self.ctx, self.runner, apply_language=self.switch_language)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.finished.connect(lambda _result: self._first_run_closed())
        self.first_run = dialog
        dialog.show()

    def _first_run_closed(self) -> None:
        # Closed without finishing: the app is usable as it is, and asks again next time.
        if not self._ended:
            self.window.check_at_start()

    def switch_language(self, locale: str) -> None:
        """Use `locale` from now on: remembered, and the main window made again in it."""
        if self._ended or self.ctx is None or locale == self.language.locale:
            return
        self.language.apply(locale)
        save_language(locale)
        self.app.setApplicationDisplayName(_("OTOP Field Desk"))
        old = self.window
        old.save_state()
        window = MainWindowShell(remember=not self.shot)
        window.attach(self.ctx, self.runner)
        window.show_page(old.current_page_key())
        window.language_changed.connect(self.switch_language)
        window.database_changed.connect(self.reopen_database)
        window.restore_requested.connect(self.restore_backup)
        self.runner.window = window
        self.window = window
        window.show()
        old.hide()
        self._retired.append(old)
        self._retire_timer.start()
        if self.first_run is not None and self.first_run.isVisible():
            self.first_run.raise_()
            self.first_run.activateWindow()

    def restore_backup(self, source: str) -> None:
        """Restore `source` (chosen in File › Backups…) and show the restored data in a new
        window; the old one is closed first, so nothing of it reads the database meanwhile."""
        if self._ended or self.ctx is None:
            return
        from otop_desktop.ui.restore_reopen import restore_and_reopen

        ctx = self._close_for_reopening()
        self.runner.run(
            restore_and_reopen,
            ctx,
            Path(source),
            self.options,
            progress=True,
            title=_("Restoring the backup…"),
            cancellable=False,
            on_done=self._reopened,
            on_error=self._failed,
        )

    def _close_for_reopening(self) -> AppContext:
        """Put an empty window in place of this one and close this one, so nothing of it reads
        the database any more; returns the database, now the caller's to close or replace."""
        assert self.ctx is not None
        old = self.window
        old.save_state()
        self.window = MainWindowShell(remember=not self.shot)
        self.window.show_page(old.current_page_key())
        self.runner.window = self.window
        self.window.show()
        old.close()
        self._retired.append(old)
        self._retire_timer.start()
        ctx, self.ctx = self.ctx, None
        return ctx

    def _reopened(self, reopened: Reopened) -> None:
        self.ctx = reopened.ctx
        if self._ended:
            return
        self.window.attach(reopened.ctx, self.runner)
        self.window.language_changed.connect(self.switch_language)
        self.window.database_changed.connect(self.reopen_database)
        self.window.restore_requested.connect(self.restore_backup)
        self.window.check_at_start()
        if reopened.error is not None:
            self.runner.show_error(reopened.error)

    def reopen_database(self) -> None:
        """Open the database the hub setting now names (chosen in Settings) in a new window;
        the old window is closed first, so nothing of it reads the old database meanwhile."""
        if self._ended or self.ctx is None:
            return
        if self.options.database_url:
            self.window.add_notice(
                _(
                    "The app was started with --database-url: the new database setting applies "
                    "when it is started without it."
                )
            )
            return
        locale = saved_language()
        if locale and locale != self.language.locale:
            self.language.apply(locale)
            self.app.setApplicationDisplayName(_("OTOP Field Desk"))
        ctx = self._close_for_reopening()
        self.runner.run(self._reopen, ctx, on_done=self._opened, on_error=self._failed)

    def _reopen(self, old: AppContext) -> AppContext:
        # On the runner's thread, after any work the old window had started.
        old.close()
        return self._open_database()

    def _delete_retired(self) -> None:
        # Work under way may still deliver to the old window's pages: wait until none is.
        if self.runner.busy:
            return
        self._retire_timer.stop()
        for window in self._retired:
            window.deleteLater()
        self._retired.clear()

    def _failed(self, exc: BaseException) -> None:
        app_logging.log_failure(exc)
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
        self._retire_timer.stop()
        # Waits for work under way, the opening included: a migration is never cut short.
        self.runner.shutdown()
        if self.first_run is not None:
            self.first_run.deleteLater()
        for window in [*self._retired, self.window]:
            window.close()
            window.deleteLater()
        self._retired.clear()
        # Closing the last window posts a Quit event that can outlive the loop it was
        # meant for, and end the next one (under tests, the next test's): drop it.
        QCoreApplication.removePostedEvents(self.app, QEvent.Type.Quit)
        if self.ctx is not None:
            self.ctx.close()


def launch(argv: list[str]) -> int:
    """Open the main window; returns the exit code (1 when the database cannot be used)."""
    options = parse_options(argv)
    # The command line first, then what this user chose last, then the system's language.
    requested = options.lang or saved_language()
    set_locale(requested)
    data_dir = options.data_dir or app_logging.default_data_dir()
    app_logging.setup_logging(data_dir)
    app_logging.log_start(
        "window",
        language=requested or "system",
        data_dir=data_dir,
        database_url=options.database_url,
    )
    app = application(argv)
    load_bundled_fonts(app)
    language = AppLanguage(app)
    language.apply(requested)
    collector = GuiThreadCollector(app)
    # Unexpected errors from here on are logged and shown, never lost.
    crashes = CrashHooks(on_quit=lambda: app.exit(1))
    crashes.install()
    try:
        shot = os.environ.get(SCREENSHOT_ENV)
        # Screenshots for the docs use the default size, not the size the user left.
        window = MainWindowShell(remember=not shot)
        start = _Start(app, window, options, Path(shot) if shot else None, language)
        try:
            start.begin_after_paint()
            window.show()
            code = int(app.exec())
        finally:
            start.close()
        if start.error is not None:
            raise start.error
        return code
    finally:
        collector.stop()
        collector.deleteLater()
        language.close()
        crashes.uninstall()
        crashes.deleteLater()


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
