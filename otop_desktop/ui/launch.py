"""Starting the window: language, fonts, database (with a demo the first time), event loop."""

from __future__ import annotations

import argparse
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from otop_desktop import __version__
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, set_locale
from otop_desktop.services.context import AppContext, initialise, is_initialised, open_context
from otop_desktop.services.demo import DemoSummary, build_demo
from otop_desktop.services.laptop import mark_demo_offered, should_offer_demo
from otop_desktop.services.paths import APP_AUTHOR, APP_NAME, default_data_dir
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.qt_locale import qt_language
from otop_desktop.ui.resources import load_bundled_fonts
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner

log = logging.getLogger(__name__)

SCREENSHOT_ENV = "OTOP_SCREENSHOT"
# The screenshot waits for the pages to load, but not forever.
_SCREENSHOT_TIMEOUT_MS = 60_000
_SCREENSHOT_SETTLE_MS = 300


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


def open_database(options: argparse.Namespace) -> AppContext:
    """Open (create, upgrade) and initialise the database; OtopError when it cannot be used."""
    ctx = open_context(options.data_dir or default_data_dir(), options.database_url)
    try:
        if not is_initialised(ctx):
            initialise(ctx, socket.gethostname())
    except BaseException:
        ctx.close()
        raise
    return ctx


def add_demo_if_empty(
    ctx: AppContext, report: Callable[[int, int], None] | None = None
) -> DemoSummary | None:
    """The demo programme on a first start only, so the first start shows something.

    Offered once per database: a coordinator who deletes every workshop does not get the demo
    back (and sync it out to other laptops).
    """
    if not should_offer_demo(ctx):
        return None
    mark_demo_offered(ctx)
    return build_demo(ctx, progress=report)


def demo_added(runner: TaskRunner, summary: DemoSummary | None) -> None:
    """Let the pages show the demo, if one was added (else they have loaded all there is)."""
    if summary is not None:
        runner.changed.emit(WORKSHOPS)
        runner.changed.emit(TRAINEES)


def launch(argv: list[str]) -> int:
    """Open the main window; returns the exit code (1 when the database cannot be used)."""
    options = parse_options(argv)
    set_locale(options.lang)
    app = application(argv)
    load_bundled_fonts(app)
    with qt_language(app):
        try:
            ctx = open_database(options)
        except OtopError as exc:
            QMessageBox.critical(None, _("OTOP Field Desk"), str(exc))
            return 1
        runner = TaskRunner()
        window: MainWindow | None = None
        try:
            shot = os.environ.get(SCREENSHOT_ENV)
            # Screenshots for the docs use the default size, not the size the user left.
            window = MainWindow(ctx, runner, remember=not shot)
            runner.window = window
            window.show()
            runner.run(
                add_demo_if_empty,
                ctx,
                progress=True,
                title=_("Preparing a demo programme…"),
                cancellable=False,
                on_done=lambda summary: demo_added(runner, summary),
            )
            if shot:
                take_screenshot_when_ready(app, window, runner, Path(shot))
            else:
                # Banners, not dialogs: they block nothing; left out of the docs' screenshots.
                window.check_at_start()
            return int(app.exec())
        finally:
            runner.shutdown()
            if window is not None:
                window.close()
                window.deleteLater()
            # Closing the last window posts a Quit event that can outlive the loop it was
            # meant for, and end the next one (under tests, the next test's): drop it.
            QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
            ctx.close()


def take_screenshot_when_ready(
    app: QApplication, window: MainWindow, runner: TaskRunner, path: Path
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
