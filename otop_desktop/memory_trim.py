"""Give the C heap's freed memory back to the operating system after big loads.

A page that reads a whole workshop of a big programme builds tens of megabytes of rows and
frees them a moment later; the C allocator keeps that memory for the process (glibc even
keeps a separate heap per worker thread), so the window's resident size stays at the peak of
its biggest load. Trimming hands the free pages back: glibc's `malloc_trim(0)` on Linux, the
C runtime's `_heapmin()` on Windows; elsewhere trimming does nothing.

`request_trim()` is called when big work ends (at most one trim every MIN_INTERVAL_S; a request
within that time waits for `trim_if_requested()`, which the GUI-thread collector calls).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import linecache
import logging
import sys
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# A trim walks the whole heap (a few milliseconds on a big one): not after every small task.
MIN_INTERVAL_S = 2.0

_lock = threading.Lock()
_trimmer: Callable[[], object] | None = None
_looked_up = False
_last = -MIN_INTERVAL_S
_pending = False


def _find_trimmer() -> Callable[[], object] | None:
    """The platform's trim function, or None where there is none."""
    try:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            malloc_trim = libc.malloc_trim  # glibc only: musl has none (AttributeError)
            malloc_trim.argtypes = [ctypes.c_size_t]
            malloc_trim.restype = ctypes.c_int
            return lambda: malloc_trim(0)
        if sys.platform == "win32":
            # Python 3.5+ links the universal C runtime; old builds the msvcrt one.
            for name in ("ucrtbase", "msvcrt"):
                try:
                    heapmin = ctypes.CDLL(name)._heapmin
                except (OSError, AttributeError):
                    continue
                heapmin.restype = ctypes.c_int
                return heapmin  # type: ignore[no-any-return]
    except (OSError, AttributeError) as exc:
        log.debug("No heap trimming here: %s", exc)
    return None


def trim_heap() -> None:
    """Hand the C heap's free memory back to the system now (nothing where it can't)."""
    global _trimmer, _looked_up, _last, _pending
    with _lock:
        if not _looked_up:
            _trimmer = _find_trimmer()
            _looked_up = True
        _last = time.monotonic()
        _pending = False
        trimmer = _trimmer
    # Lines read to format a traceback (for the log) stay in linecache until cleared; read
    # again only if another traceback is formatted.
    linecache.clearcache()
    if trimmer is not None:
        trimmer()


def request_trim() -> None:
    """Big work has ended: trim now, or at the next `trim_if_requested()` if one just ran."""
    global _pending
    with _lock:
        due = time.monotonic() - _last >= MIN_INTERVAL_S
        if not due:
            _pending = True
    if due:
        trim_heap()


def trim_if_requested() -> None:
    """Trim if a request was put off by the interval (called every few seconds when idle)."""
    with _lock:
        wanted = _pending and time.monotonic() - _last >= MIN_INTERVAL_S
    if wanted:
        trim_heap()
