"""The one background runner: every call to the services that may take time goes through it.

Work runs on a `QThreadPool`; its result or error comes back to the GUI thread through queued
signals, so work functions never touch a widget. When work ends, the runner announces what it
changed (`changed("workshops")`...) and the pages showing that data reload it.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QElapsedTimer,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _
from otop_desktop.memory_trim import request_trim

log = logging.getLogger(__name__)

# What the runner announces through `changed` after work that may have altered it.
WORKSHOPS = "workshops"
TRAINEES = "trainees"
# Bundles written or read, conflicts settled, laptops heard of: the Sync page reloads.
SYNC = "sync"
# This laptop's name or passphrase: the status bar and Settings reload.
LAPTOP = "laptop"

# Progress signals are throttled: a loop reporting every row must not flood the GUI thread.
_PROGRESS_INTERVAL_S = 0.05
# A progress dialog only appears for work that lasts longer than this.
_PROGRESS_DELAY_MS = 400

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


@dataclass
class _Task:
    id: int
    on_done: DoneCallback | None
    on_error: ErrorCallback | None
    changes: tuple[str, ...]
    cancel: threading.Event = field(default_factory=threading.Event)
    dialog: _ProgressDialog | None = None


class _ProgressDialog(QProgressDialog):
    """A progress dialog whose Esc and close button cancel only when the work can stop."""

    def __init__(self, title: str, cancellable: bool, parent: QWidget | None) -> None:
        super().__init__(title, _("Cancel"), 0, 0, parent)
        self._cancellable = cancellable
        if not cancellable:
            self.setCancelButton(None)
        self.setWindowTitle(_("OTOP Field Desk"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(_PROGRESS_DELAY_MS)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(360)

    def reject(self) -> None:
        if self._cancellable:
            self.canceled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._cancellable:
            super().closeEvent(event)
        else:
            event.ignore()


class _Job(QRunnable):
    """Runs one work function on a pool thread and posts the outcome back to the runner."""

    def __init__(
        self,
        runner: TaskRunner,
        task_id: int,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        super().__init__()
        self._runner = runner
        self._task_id = task_id
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:
            # Everything is caught, so that every task reaches the GUI thread and ends.
            self._runner._failed.emit(self._task_id, exc, traceback.format_exc())
        else:
            self._runner._finished.emit(self._task_id, result)


def _parameters(fn: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # some builtins have no signature
        return set()


class TaskRunner(QObject):
    """Runs work off the GUI thread and delivers results, errors and progress on it."""

    changed = Signal(str)

    # Emitted from pool threads; queued connections bring them to the GUI thread.
    _finished = Signal(int, object)
    _failed = Signal(int, object, str)
    _progressed = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 1) -> None:
        super().__init__(parent)
        # One thread by default: SQLite takes one writer at a time anyway, and the sync clock
        # of the context stamps changes in order only when writes do not overlap.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: dict[int, _Task] = {}
        self._ids = itertools.count(1)
        self._closing = False
        self._boxes: list[QMessageBox] = []
        self.window: QWidget | None = None
        self._finished.connect(self._deliver_result, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

    # --- running work -------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: DoneCallback | None = None,
        on_error: ErrorCallback | None = None,
        progress: bool = False,
        title: str = "",
        cancellable: bool = True,
        changes: Iterable[str] = (),
    ) -> int:
        """Run `fn(*args)` on the pool; returns a task id.

        `fn` gets `report(done, total)` and `cancelled()` as keyword arguments when its
        signature names them. `on_done(result)` runs on the GUI thread. Errors go to
        `on_error(exc)` when given, else they are shown in a message box. `changes` are
        announced through `changed` when the work ends, even when it failed, because work of
        several transactions may have saved part of itself.
        """
        task = _Task(next(self._ids), on_done, on_error, tuple(changes))
        params = _parameters(fn)
        kwargs: dict[str, Any] = {}
        if "report" in params:
            kwargs["report"] = self._reporter(task.id)
        if "cancelled" in params:
            kwargs["cancelled"] = task.cancel.is_set
        if progress:
            can_stop = cancellable and "cancelled" in params
            task.dialog = _ProgressDialog(title or _("Working…"), can_stop, self._parent_widget())
            task.dialog.canceled.connect(task.cancel.set)
            task.dialog.setValue(0)  # starts the delay after which the dialog shows
        self._tasks[task.id] = task
        self._pool.start(_Job(self, task.id, fn, args, kwargs))
        return task.id

    def _reporter(self, task_id: int) -> Callable[[int, int], None]:
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done >= total or now - last[0] >= _PROGRESS_INTERVAL_S:
                last[0] = now
                self._progressed.emit(task_id, done, total)

        return report

    def cancel(self, task_id: int) -> None:
        """Ask a task to stop (it stops only if its function checks `cancelled()`)."""
        task = self._tasks.get(task_id)
        if task is not None:
            task.cancel.set()

    @property
    def busy(self) -> bool:
        """Whether some work has not been delivered yet."""
        return bool(self._tasks)

    def wait_idle(self, ms: int = 5000) -> bool:
        """Process events until every task (and what their callbacks started) is delivered."""
        timer = QElapsedTimer()
        timer.start()
        while self._tasks:
            if timer.elapsed() > ms:
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if self._tasks:
                QThread.msleep(2)
        QCoreApplication.processEvents()
        return True

    def shutdown(self, ms: int = 10000) -> None:
        """Ask every task to stop, wait for the pool, and deliver nothing more."""
        self._closing = True
        for task in self._tasks.values():
            task.cancel.set()
            self._close_dialog(task)
        self._pool.waitForDone(ms)
        self._tasks.clear()

    # --- delivery on the GUI thread -----------------------------------------------------------

    @Slot(int, int, int)
    def _show_progress(self, task_id: int, done: int, total: int) -> None:
        task = self._tasks.get(task_id)
        if task is None or task.dialog is None or not shiboken6.isValid(task.dialog):
            return
        if task.dialog.maximum() != total:
            task.dialog.setMaximum(max(total, 0))
        task.dialog.setValue(min(done, total) if total > 0 else 0)

    @Slot(int, object)
    def _deliver_result(self, task_id: int, result: object) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None or self._closing:
            return
        self._close_dialog(task)
        try:
            if task.on_done is not None:
                task.on_done(result)
        finally:
            self._announce(task)

    @Slot(int, object, str)
    def _deliver_error(self, task_id: int, error: object, details: str) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None or self._closing:
            return
        self._close_dialog(task)
        exc = error if isinstance(error, BaseException) else RuntimeError(str(error))
        if not isinstance(exc, OtopError):
            log.error("Background work failed:\n%s", details)
        try:
            if task.on_error is not None:
                task.on_error(exc)
            else:
                self.show_error(exc, details)
        finally:
            self._announce(task)

    def _announce(self, task: _Task) -> None:
        for name in task.changes:
            self.changed.emit(name)
        if not self._tasks:
            # The loads are over: what their rows took goes back to the system.
            request_trim()

    def _close_dialog(self, task: _Task) -> None:
        # The dialog went already if its parent did (a window replaced while the work ran).
        if task.dialog is not None and shiboken6.isValid(task.dialog):
            task.dialog.hide()
            task.dialog.deleteLater()
        task.dialog = None

    # --- errors -------------------------------------------------------------------------------

    def _parent_widget(self) -> QWidget | None:
        # Over an open dialog (the one that failed, usually), else over the main window.
        return QApplication.activeModalWidget() or self.window or QApplication.activeWindow()

    def show_error(self, exc: BaseException, details: str = "") -> QDialog | None:
        """Show an error without blocking: a user message as it is, anything else as a bug."""
        if not isinstance(exc, OtopError):
            from otop_desktop.ui import crash_hooks

            hooks = crash_hooks.installed()
            if hooks is not None:
                # In the app: the crash dialog (logged in _deliver_error, or here).
                return hooks.report(exc, details, log_it=not details)
        if isinstance(exc, OtopError):
            text = str(exc)
            icon = QMessageBox.Icon.Warning
        else:
            text = _(
                "Something went wrong and this was not finished. If it happens again, send "
                "the details below to whoever looks after this laptop."
            )
            details = details or "".join(traceback.format_exception(exc))
            icon = QMessageBox.Icon.Critical
        box = QMessageBox(icon, _("OTOP Field Desk"), text, QMessageBox.StandardButton.Ok)
        box.setParent(self._parent_widget(), box.windowFlags())
        if details and not isinstance(exc, OtopError):
            box.setDetailedText(details)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        # Kept referenced until closed: a box without a parent would otherwise be collected.
        self._boxes.append(box)
        box.finished.connect(lambda _result, b=box: self._forget_box(b))
        box.open()
        return box

    def _forget_box(self, box: QMessageBox) -> None:
        if box in self._boxes:
            self._boxes.remove(box)
        box.deleteLater()
