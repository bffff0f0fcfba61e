"""The garbage collector runs on the GUI thread only (see otop_desktop/ui/gui_thread_gc.py)."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from otop_desktop.ui.gui_thread_gc import GuiThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.thread = ""

    def __del__(self) -> None:
        self.thread = threading.current_thread().name
        _Cycle.freed_in.append(self.thread)

    freed_in: list[str] = []


def test_cycles_made_in_a_worker_are_freed_on_the_gui_thread(qtbot: QtBot) -> None:
    gc.enable()  # as at the start of the app, before the collector takes over
    collector = GuiThreadCollector(interval_ms=50)
    try:
        assert not gc.isenabled()
        _Cycle.freed_in.clear()

        def work() -> None:
            for _n in range(2000):
                _Cycle()
            # Enough allocations to have started an automatic collection here.
            _junk = [[n] for n in range(100_000)]

        worker = threading.Thread(target=work, name="worker")
        worker.start()
        worker.join()
        assert _Cycle.freed_in == []  # nothing collected in the worker

        qtbot.waitUntil(lambda: len(_Cycle.freed_in) == 2000, timeout=3000)
        assert set(_Cycle.freed_in) == {threading.main_thread().name}
    finally:
        collector.stop()
    assert gc.isenabled()
