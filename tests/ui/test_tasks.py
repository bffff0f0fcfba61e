"""The background runner: work off the GUI thread, results and errors back on it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from otop_desktop.domain.errors import ValidationError
from otop_desktop.ui.tasks import TaskRunner

GUI_THREAD = threading.get_ident()


def test_result_arrives_on_the_gui_thread(runner: TaskRunner) -> None:
    seen: list[tuple[int, int]] = []

    runner.run(
        threading.get_ident, on_done=lambda worker: seen.append((worker, threading.get_ident()))
    )

    assert runner.wait_idle(5000)
    [(worker, delivered_on)] = seen
    assert worker != GUI_THREAD
    assert delivered_on == GUI_THREAD


def test_error_arrives_on_the_gui_thread(runner: TaskRunner) -> None:
    seen: list[tuple[BaseException, int]] = []

    def fail() -> None:
        raise ValidationError("Title is required.", "title")

    runner.run(fail, on_error=lambda exc: seen.append((exc, threading.get_ident())))

    assert runner.wait_idle(5000)
    [(error, delivered_on)] = seen
    assert isinstance(error, ValidationError) and error.field == "title"
    assert delivered_on == GUI_THREAD


def _open_boxes(runner: TaskRunner) -> list[QMessageBox]:
    return list(runner._boxes)


def test_user_error_is_shown_with_its_message(runner: TaskRunner) -> None:
    def fail() -> None:
        raise ValidationError("The end date comes before the start date.")

    runner.run(fail)
    assert runner.wait_idle(5000)

    [box] = _open_boxes(runner)
    assert box.text() == "The end date comes before the start date."
    assert box.detailedText() == ""
    box.close()


def test_other_errors_are_shown_as_a_bug_with_details(runner: TaskRunner) -> None:
    def fail() -> None:
        raise ZeroDivisionError("division by zero")

    runner.run(fail)
    assert runner.wait_idle(5000)

    [box] = _open_boxes(runner)
    assert "Something went wrong" in box.text()
    assert "ZeroDivisionError" in box.detailedText()
    box.close()


def test_report_and_cancelled_are_passed_when_asked_for(runner: TaskRunner) -> None:
    got: list[object] = []

    def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> bool:
        report(1, 2)
        report(2, 2)
        return cancelled()

    runner.run(work, progress=True, title="Counting", on_done=got.append)
    assert runner.wait_idle(5000)
    assert got == [False]


def test_cancel_sets_the_flag_the_work_reads(runner: TaskRunner) -> None:
    started = threading.Event()
    results: list[bool] = []

    def work(cancelled: Callable[[], bool]) -> bool:
        started.set()
        for _step in range(500):
            if cancelled():
                return True
            threading.Event().wait(0.01)
        return False

    task = runner.run(work, on_done=results.append)
    assert started.wait(5)
    runner.cancel(task)
    assert runner.wait_idle(5000)
    assert results == [True]


def test_changes_are_announced_after_the_work(qtbot: QtBot, runner: TaskRunner) -> None:
    order: list[str] = []
    runner.changed.connect(lambda what: order.append(f"changed:{what}"))

    with qtbot.waitSignal(runner.changed, timeout=5000):
        runner.run(lambda: 1, on_done=lambda _r: order.append("done"), changes=("workshops",))

    assert order == ["done", "changed:workshops"]
