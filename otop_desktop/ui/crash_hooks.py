"""Never a silent crash: every unexpected error is logged, then shown in the crash dialog.

Three ways an error escapes: `sys.excepthook` (PySide sends exceptions raised in slots and in
overridden Qt methods there), `threading.excepthook` (a Python thread), and work on the
TaskRunner that failed with no handler of its own (`TaskRunner.show_error` hands it here).
Errors from other threads reach the dialog through a queued signal, on the GUI thread.

One dialog at a time: an error while it is open is counted in it (the same one in a paint
loop would otherwise open a dialog per paint), and the same error again within a few seconds
of closing it is only logged. `install()` keeps the hooks it replaces and `uninstall()` puts
them back (tests start the app many times in one process).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal

from otop_desktop.ui.dialogs.crash_dialog import CrashDialog

log = logging.getLogger(__name__)

# The same error again this soon after its dialog was closed is logged, not shown again.
QUIET_AFTER_CLOSE_S = 5.0

_installed: CrashHooks | None = None


def installed() -> CrashHooks | None:
    """The hooks in place (between launch()'s install and uninstall), if any."""
    return _installed


def _key(exc: BaseException) -> tuple[str, str, str]:
    """What makes two errors "the same": kind, message, and the line that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return (type(exc).__qualname__, str(exc)[:200], where)


class CrashHooks(QObject):
    """The hooks and the one crash dialog; lives on (and shows dialogs on) the GUI thread."""

    _reported = Signal(object, str)

    def __init__(
        self, on_quit: Callable[[], None] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._on_quit = on_quit
        self.dialog: CrashDialog | None = None
        self._last_key: object = None
        self._last_closed = 0.0
        self.quieted = 0
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        # Queued even on the GUI thread: the dialog opens after the event that failed (a paint,
        # a slot) has returned, never inside it.
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # --- the hooks ----------------------------------------------------------------------------

    def install(self) -> None:
        """Replace sys.excepthook and threading.excepthook, remembering the ones in place."""
        global _installed
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        _installed = self

    def uninstall(self) -> None:
        """Put the previous hooks back and close the dialog, if open."""
        global _installed
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._thread_excepthook:
            threading.excepthook = self._previous_thread_hook
        if _installed is self:
            _installed = None
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()

    def _excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
        self._reported.emit(exc, "".join(traceback.format_exception(exc_type, exc, tb)))
        # Still printed where it always was (a terminal, a test's own hook).
        self._previous_hook(exc_type, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        thread = args.thread.name if args.thread is not None else "?"
        log.critical(
            "Uncaught exception in thread %s",
            thread,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
        details = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        self._reported.emit(args.exc_value, details)
        self._previous_thread_hook(args)

    # --- the dialog ---------------------------------------------------------------------------

    def _show(self, exc: object, details: str) -> None:
        if not isinstance(exc, BaseException):
            return
        try:
            self.report(exc, details)
        except Exception:
            # Raised again from here, it would come back through the hook: a loop.
            log.exception("The crash dialog could not be shown")

    def report(
        self, exc: BaseException, details: str = "", *, log_it: bool = False
    ) -> CrashDialog | None:
        """Show `exc` in the crash dialog (on the GUI thread); the dialog, None when quieted.

        `log_it` logs it first (errors that did not come through a hook, which logs them).
        """
        if log_it:
            log.critical(
                "Unexpected error\n%s",
                details or "".join(traceback.format_exception(exc)),
            )
        key = _key(exc)
        if self.dialog is not None:
            self.dialog.happened_again(same=key == self.dialog.key)
            return self.dialog
        if key == self._last_key and time.monotonic() - self._last_closed < QUIET_AFTER_CLOSE_S:
            self.quieted += 1
            return None
        dialog = CrashDialog(exc, details, key=key, on_quit=self._on_quit)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _closed(self, _result: int) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        self._last_key = dialog.key
        self._last_closed = time.monotonic()
        self.dialog = None
        dialog.deleteLater()
