"""`otop-desktop self-test`: a whole working day in a few seconds, to check an installation.

Used after installing and by the frozen app's smoke test in CI: it runs, in throw-away data
folders, what a trainer does with the app (open a database, add the demo, open the window, mark
attendance, print a certificate, send a bundle to a second laptop) and prints one line per step.
It checks the things a frozen build can miss: the migrations, the fonts, the translations,
Qt's platform plugin and catalogs, ReportLab's barcode modules, Babel's locale data.

Imported by the CLI only when the command is run (it imports Qt).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from otop_desktop.domain.errors import OtopError, ValidationError
from otop_desktop.i18n import N_, SUPPORTED_LOCALES, _, thread_locale
from otop_desktop.i18n.catalogs import DOMAIN, translations_dir
from otop_desktop.i18n.formatting import country_name, money
from otop_desktop.services.attendance import mark, marks_for_session
from otop_desktop.services.attendance_sheet import session_roster
from otop_desktop.services.certificates import write_certificate_batch
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.demo import build_demo
from otop_desktop.services.dump import dump_data
from otop_desktop.services.sync_bundles import export_bundle, import_bundle
from otop_desktop.services.workshops import list_sessions, list_workshops

# A passphrase for the two throw-away laptops only.
_PASSPHRASE = "self-test passphrase"
_WINDOW_WAIT_MS = 30_000
# Names as a reader sorts them: Taiwan by stroke count (一 1, 王 4 ... 蕭 17; code point order
# differs), Spanish with Ñ after N. Qt sorts with ICU, whose data the frozen app trims.
_SORTED_NAMES = {
    "zh_Hant_TW": ("一心", "王小明", "吳宗憲", "林志豪", "張家豪", "黃怡君", "劉德華", "蕭文華"),
    "es": ("Nube", "Nuñez", "Ñandú", "Oso"),
}


@dataclass(frozen=True)
class StepResult:
    """One step of the self-test: its key, its translated name, and how it went."""

    key: str
    name: str
    ok: bool
    seconds: float
    error: str = ""


class SelfTestFailed(OtopError):
    """A step found something wrong; the message says what."""


class _Run:
    """The state the steps share: the two data folders, the open databases, the window."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.first: AppContext | None = None
        self.second: AppContext | None = None
        self.window: object | None = None
        self.runner: object | None = None
        self.workshop_id = ""
        self.bundle = root / "laptop-a-to-b.otopsync"

    def ctx(self) -> AppContext:
        if self.first is None:
            raise SelfTestFailed(_("The database is not open."))
        return self.first

    # --- the steps ------------------------------------------------------------------------------

    def open_database(self) -> None:
        self.first = open_context(self.root / "laptop-a")
        initialise(self.first, "self-test-a")

    def languages(self) -> None:
        # The catalogs are .po files compiled at run time, the formats Babel's CLDR data.
        for locale in SUPPORTED_LOCALES:
            if locale == "en":
                continue
            po = translations_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
            if not po.is_file():
                raise SelfTestFailed(_("No translation file at {path}.").format(path=po))
            with thread_locale(locale):
                if _("Workshops") == "Workshops":
                    raise SelfTestFailed(
                        _("The translation into {locale} is empty.").format(locale=locale)
                    )
                if not money(1234.5, "HNL", "HN") or country_name("TW") == "TW":
                    raise SelfTestFailed(_("Babel's locale data is missing."))
        self.sorting()

    def sorting(self) -> None:
        from otop_desktop.ui.qt_locale import sorted_for_humans

        for locale, names in _SORTED_NAMES.items():
            with thread_locale(locale):
                pairs = sorted_for_humans((name, name) for name in reversed(names))
            if tuple(name for name, _text in pairs) != names:
                raise SelfTestFailed(
                    _("Names are sorted wrongly in {locale} (Qt's ICU data?).").format(
                        locale=locale
                    )
                )

    def add_demo(self) -> None:
        summary = build_demo(self.ctx(), trainees=12, sessions=3, photos=1)
        if summary.trainees == 0 or summary.sessions == 0:
            raise SelfTestFailed(_("The demo programme is empty."))
        self.workshop_id = list_workshops(self.ctx())[0].id

    def open_window(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QEventLoop, QLibraryInfo, QTranslator
        from PySide6.QtWidgets import QApplication

        from otop_desktop.ui.main_window import MainWindow
        from otop_desktop.ui.resources import load_bundled_fonts
        from otop_desktop.ui.tasks import TaskRunner

        app = QApplication.instance()
        if not isinstance(app, QApplication):
            app = QApplication(["otop-desktop"])
        if not load_bundled_fonts(app):
            raise SelfTestFailed(_("The bundled fonts could not be loaded."))
        translator = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load("qtbase_es", folder):
            raise SelfTestFailed(
                _("Qt's own translations are missing from {folder}.").format(folder=folder)
            )
        runner = TaskRunner()
        window = MainWindow(self.ctx(), runner, remember=False)
        runner.window = window
        self.runner, self.window = runner, window
        window.show()
        waited = QElapsedTimer()
        waited.start()

        def exposed() -> bool:
            handle = window.windowHandle()
            return handle is not None and handle.isExposed()

        while not exposed() and waited.elapsed() < _WINDOW_WAIT_MS:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not exposed():
            raise SelfTestFailed(_("The main window was never shown on the screen."))
        if not runner.wait_idle(_WINDOW_WAIT_MS):
            raise SelfTestFailed(_("The pages did not finish loading."))
        if len(window.pages) < 2 or window.grab().isNull():
            raise SelfTestFailed(_("The main window has no pages."))

    def mark_attendance(self) -> None:
        ctx = self.ctx()
        session = list_sessions(ctx, self.workshop_id)[0]
        roster = session_roster(ctx, session.id)
        if not roster.lines:
            raise SelfTestFailed(_("The demo session has nobody enrolled."))
        trainee = roster.lines[0].trainee_id
        status = "absent" if roster.lines[0].status == "present" else "present"
        # On the session's day: the demo's sessions may lie in the future.
        mark(ctx, session.id, trainee, status, today=session.date or dt.date.today())
        if marks_for_session(ctx, session.id)[trainee].status != status:
            raise SelfTestFailed(_("The attendance mark was not saved."))

    def write_certificate(self) -> None:
        out = self.root / "certificates.pdf"
        result = write_certificate_batch(
            self.ctx(), self.workshop_id, out, languages=("es", "zh_Hant_TW")
        )
        if result.count == 0 or not out.read_bytes().startswith(b"%PDF"):
            raise SelfTestFailed(_("The certificate PDF is empty."))

    def export_bundle(self) -> None:
        report = export_bundle(self.ctx(), self.bundle, full=True, passphrase=_PASSPHRASE)
        if report.changes == 0 or not self.bundle.is_file():
            raise SelfTestFailed(_("The bundle holds no changes."))

    def import_bundle(self) -> None:
        self.second = open_context(self.root / "laptop-b")
        initialise(self.second, "self-test-b")
        import_bundle(self.second, self.bundle, passphrase=_PASSPHRASE)
        if dump_data(self.second) != dump_data(self.ctx()):
            raise SelfTestFailed(_("The second laptop's data differ from the first's."))

    def close_window(self) -> None:
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        from otop_desktop.ui.main_window import MainWindow
        from otop_desktop.ui.tasks import TaskRunner

        window, runner = self.window, self.runner
        self.window = self.runner = None
        if isinstance(runner, TaskRunner):
            runner.shutdown()
        if isinstance(window, MainWindow):
            window.close()
            window.deleteLater()
        QApplication.processEvents()
        # Closing the last window posted a Quit event: it would end whatever event loop runs
        # next in this process (an app started after the self-test, or the next test).
        app = QApplication.instance()
        if app is not None:
            QApplication.removePostedEvents(app, QEvent.Type.Quit)
        self.close_databases()

    def close_databases(self) -> None:
        """Close whatever is still open (also after a failed step)."""
        from otop_desktop.ui.tasks import TaskRunner

        if isinstance(self.runner, TaskRunner):
            self.runner.shutdown()
        for ctx in (self.first, self.second):
            if ctx is not None:
                ctx.close()
        self.first = self.second = None


# The steps in order, each with the name printed for it.
STEPS: tuple[tuple[str, str, Callable[[_Run], None]], ...] = (
    ("database", N_("Create and upgrade a database"), _Run.open_database),
    ("languages", N_("Translations and formats"), _Run.languages),
    ("demo", N_("Add a demo programme"), _Run.add_demo),
    ("window", N_("Open the main window"), _Run.open_window),
    ("attendance", N_("Mark attendance"), _Run.mark_attendance),
    ("certificate", N_("Write a certificate PDF"), _Run.write_certificate),
    ("export", N_("Export a sync bundle"), _Run.export_bundle),
    ("import", N_("Import it on a second laptop"), _Run.import_bundle),
    ("close", N_("Close the window and the databases"), _Run.close_window),
)


def _error_text(exc: Exception) -> str:
    text = str(exc).strip().replace("\n", " ")
    return text or type(exc).__name__


def run_steps(root: Path, on_step: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Run the steps in the empty folder `root`, stopping at the first that fails."""
    results: list[StepResult] = []
    run = _Run(root)
    # As the app does (ui/gui_thread_gc.py): no garbage collection on a runner's thread.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for key, name, step in STEPS:
            started = time.perf_counter()
            try:
                step(run)
            except Exception as exc:  # a self-test reports whatever went wrong, and stops
                seconds = time.perf_counter() - started
                result = StepResult(key, _(name), False, seconds, _error_text(exc))
            else:
                result = StepResult(key, _(name), True, time.perf_counter() - started)
            results.append(result)
            if on_step is not None:
                on_step(result)
            if not result.ok:
                break
    finally:
        # After a failed step the window may still be open: it goes too (never left behind
        # in a process that goes on, such as the tests').
        if run.window is not None:
            run.close_window()
        run.close_databases()
        gc.collect()
        if gc_was_enabled:
            gc.enable()
    return results


def _marks(stream: TextIO) -> tuple[str, str]:
    """✓ and ✗, or plain letters where the console cannot show them (an old Windows one)."""
    encoding = getattr(stream, "encoding", None)
    if encoding is None:  # text kept in memory (tests): any character goes
        return "✓", "✗"
    try:
        "✓✗".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "+", "x"
    return "✓", "✗"


def _line(result: StepResult, stream: TextIO) -> str:
    ok, failed = _marks(stream)
    if result.ok:
        return f"{ok} {result.name}"
    return _("{mark} {step}: {error}").format(mark=failed, step=result.name, error=result.error)


def _prepare_folder(keep: Path | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="otop-self-test-"))
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise ValidationError(
            _("The folder {path} is not empty: give an empty or new folder.").format(path=keep),
            "keep",
        )
    keep.mkdir(parents=True, exist_ok=True)
    return keep


def self_test(keep: Path | None = None, *, as_json: bool = False, out: TextIO | None = None) -> int:
    """Run the self-test, printing a line per step (or JSON); 0 when all passed, else 1."""
    stream = out or sys.stdout
    if hasattr(stream, "reconfigure"):
        # Chinese step names on a console that cannot show them: replaced, not a crash.
        stream.reconfigure(errors="replace")
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        # No screen (a server, CI): Qt would abort on the missing display; draw offscreen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    root = _prepare_folder(keep)

    def show(result: StepResult) -> None:
        if not as_json:
            stream.write(_line(result, stream) + "\n")
            stream.flush()

    try:
        results = run_steps(root, show)
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    failed = next((r for r in results if not r.ok), None)
    if as_json:
        data = {"ok": failed is None, "steps": [asdict(r) for r in results]}
        stream.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    elif failed is not None:
        stream.write(_("Self-test failed at: {step}").format(step=failed.name) + "\n")
    else:
        stream.write(_("Self-test passed.") + "\n")
    return 0 if failed is None else 1
