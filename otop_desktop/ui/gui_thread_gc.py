"""Python's garbage collector runs on the GUI thread only.

Left automatic, a collection starts in whichever thread happens to allocate, often a worker
reading rows for a page. If it frees a Qt object or a signal connection there, Qt takes its
connection lock from that thread while the GUI thread holds the GIL and waits for the same
lock inside a model or combo box: the window freezes for good (seen in a test run). Anki does
the same for the same reason: automatic collection off, a collection on the GUI thread every
few seconds. Reference counting still frees everything that is not in a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from otop_desktop.memory_trim import trim_if_requested

INTERVAL_MS = 5_000


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects on this object's (the GUI) thread."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        """Collect now (on the GUI thread); returns how many objects were unreachable."""
        found = gc.collect()
        # A trim put off because one had just run (memory_trim.py) happens now.
        trim_if_requested()
        return found

    def stop(self) -> None:
        """Stop collecting by timer and give the collector back its automatic mode."""
        self._timer.stop()
        self.collect()
        if self._was_enabled:
            gc.enable()
