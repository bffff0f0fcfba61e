"""Automatic backups while the app is open: one soon after the start, then one every few hours
of use (time the laptop spent asleep does not count), on a thread of their own.

Their own thread, so that page loads never wait behind a first backup copying gigabytes of
photos; `auto_backup` serialises it with "Back up now". Nothing happens on a PostgreSQL hub.
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from otop_desktop.i18n import _
from otop_desktop.services import auto_backup
from otop_desktop.services.context import AppContext
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

KEEP_KEY = "backups/keep"
EVERY_HOURS_KEY = "backups/every_hours"
# After the start, once the pages have loaded and the disk is quiet again.
START_DELAY_MS = 30_000
TICK_MS = 60_000


def _number(key: str, default: float, low: float, high: float) -> float:
    raw = app_settings().value(key, default)
    try:
        value = float(str(raw))
    except ValueError:
        return default
    return min(max(value, low), high)


def keep_setting() -> int:
    """How many automatic backups to keep (Backups dialog; 10 unless changed)."""
    return int(_number(KEEP_KEY, auto_backup.DEFAULT_KEEP, 1, 100))


def every_hours_setting() -> float:
    """Hours of use between automatic backups (4 unless changed)."""
    return _number(EVERY_HOURS_KEY, auto_backup.DEFAULT_EVERY_HOURS, 0.5, 48)


def save_backup_settings(keep: int, every_hours: float) -> None:
    """Remember the Backups dialog's two settings."""
    settings = app_settings()
    settings.setValue(KEEP_KEY, int(keep))
    settings.setValue(EVERY_HOURS_KEY, float(every_hours))
    settings.sync()


class BackupTimer(QObject):
    """Takes automatic backups of `ctx` while `window` is open."""

    # The SnapshotResult of a backup that ran, or a failure's translated message.
    backed_up = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        window: QWidget,
        parent: QObject | None = None,
        *,
        start_delay_ms: int | None = None,
        tick_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        # Read at each call, not at import: tests set the module's values.
        start_delay_ms = START_DELAY_MS if start_delay_ms is None else start_delay_ms
        tick_ms = TICK_MS if tick_ms is None else tick_ms
        self._ctx = ctx
        self._runner = TaskRunner(self)
        self._tick_ms = tick_ms
        self._used_ms = 0
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._count)
        self._start = QTimer(self)
        self._start.setSingleShot(True)
        self._start.setInterval(start_delay_ms)
        self._start.timeout.connect(self.back_up)
        self.enabled = auto_backup.available(ctx)
        if self.enabled:
            window.installEventFilter(self)
            self._clock.start()
            self._tick.start()
            self._start.start()

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def wait_idle(self, ms: int = 10_000) -> bool:
        return self._runner.wait_idle(ms)

    def used_ms(self) -> int:
        """Time of use counted since the last automatic backup."""
        return self._used_ms

    def _count(self) -> None:
        # A tick that comes hours late comes after a sleep: it counts as one tick, no more.
        self._used_ms += min(self._clock.restart(), 2 * self._tick_ms)
        if self._used_ms >= every_hours_setting() * 3_600_000:
            self.back_up()

    def back_up(self) -> None:
        """Start an automatic backup now (skipped when nothing changed since the last one)."""
        if not self.enabled or self._runner.busy:
            return
        self._used_ms = 0
        self._start.stop()
        self._runner.run(
            functools.partial(auto_backup.take_snapshot, keep=keep_setting()),
            self._ctx,
            on_done=self.backed_up.emit,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        log.warning("Automatic backup failed: %s", exc)
        self.failed.emit(
            _("The automatic backup failed: {reason}").format(reason=str(exc) or repr(exc))
        )

    def stop(self) -> None:
        """Stop counting and cancel a backup under way (its partial folder goes)."""
        self.enabled = False
        self._tick.stop()
        self._start.stop()
        self._runner.shutdown()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The window closes before the database does: no backup may still be reading it.
        if event.type() == QEvent.Type.Close:
            self.stop()
        return super().eventFilter(watched, event)
