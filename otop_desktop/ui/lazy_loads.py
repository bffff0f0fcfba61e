"""Small reads for what is on screen (thumbnails, a page of photo details), off the GUI thread.

Not the task runner's long work: no progress, no cancel, no error boxes. A gallery scrolled
quickly asks for hundreds of thumbnails it no longer shows, so requests are served newest
first and the oldest are dropped past a bound; a dropped one is simply asked again if its
item is painted again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Enough for a few screens of a gallery; anything older was scrolled past.
MAX_PENDING = 240


class _Drain(QRunnable):
    """Serves the newest pending request, whichever that is when a thread is free."""

    def __init__(self, loads: LazyLoads) -> None:
        super().__init__()
        self._loads = loads

    def run(self) -> None:
        taken = self._loads._take()
        if taken is None:
            return
        key, load = taken
        try:
            result = load()
        except Exception:  # a bug in a load must not end the thread; the item stays empty
            log.exception("Loading %r failed", key)
            result = None
        self._loads._deliver(key, result)


class LazyLoads(QObject):
    """`request(key, load)` runs `load()` on a small pool of its own; `loaded(key, result)`
    comes back on the GUI thread. A key already pending is not asked twice."""

    loaded = Signal(object, object)  # key, result (None when the load failed)
    _done = Signal(object, object)

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._lock = threading.Lock()
        # Newest last; popped from the end (LIFO), the oldest dropped from the front.
        self._pending: OrderedDict[Hashable, Callable[[], Any]] = OrderedDict()
        self._running: set[Hashable] = set()
        self._closed = False
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def request(self, key: Hashable, load: Callable[[], Any]) -> None:
        """Ask for `load()` under `key` (again at the front of the queue if already queued)."""
        with self._lock:
            if self._closed or key in self._running:
                return
            self._pending.pop(key, None)
            self._pending[key] = load
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
        self._pool.start(_Drain(self))

    def is_pending(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._pending or key in self._running

    def clear(self) -> None:
        """Forget every request not started yet (what they were for is gone)."""
        with self._lock:
            self._pending.clear()

    def wait(self, ms: int = 5000) -> bool:
        """Wait for the loads running now (tests and shutdown)."""
        return bool(self._pool.waitForDone(ms))

    def shutdown(self) -> None:
        """Drop what is queued, wait for what runs; nothing is delivered afterwards."""
        with self._lock:
            self._closed = True
            self._pending.clear()
        self._pool.waitForDone(10_000)

    def _take(self) -> tuple[Hashable, Callable[[], Any]] | None:
        with self._lock:
            if self._closed or not self._pending:
                return None
            key, load = self._pending.popitem(last=True)
            self._running.add(key)
            return key, load

    def _deliver(self, key: Hashable, result: Any) -> None:
        try:
            self._done.emit(key, result)
        except RuntimeError:  # the owner is gone already: nobody waits for this any more
            pass

    @Slot(object, object)
    def _on_done(self, key: Hashable, result: Any) -> None:
        with self._lock:
            self._running.discard(key)
            closed = self._closed
        if not closed:
            self.loaded.emit(key, result)
