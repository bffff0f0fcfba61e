"""The trainees page: filter as you type, accents ignored, rows fetched a page at a time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from otop_desktop.domain.text import fold
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.demo import build_demo
from otop_desktop.services.trainees import count_trainees, search_trainees
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.models.trainee_table import PAGE_SIZE, PLACEHOLDER, TraineeTableModel
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.tasks import TaskRunner


def _page(window: MainWindow) -> TraineesPage:
    window.show_page("trainees")
    page = window.pages[1]
    assert isinstance(page, TraineesPage)
    return page


def test_filter_without_accents_finds_nunez(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    page = _page(window)
    assert page.model.rowCount() == 30

    qtbot.keyClicks(page.filter_edit, "nunez")
    qtbot.waitUntil(lambda: page.model.filter_text == "nunez" and not runner.busy, timeout=5000)

    model = page.model
    names = [str(model.index(row, 0).data()) for row in range(model.rowCount())]
    assert names, "the seeded demo has a Núñez"
    assert all("Núñez" in name for name in names)
    assert page.count_label.text() == f"{len(names)} trainee" + ("s" if len(names) != 1 else "")


def test_clearing_the_filter_shows_everyone_again(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    page = _page(window)
    page.filter_edit.setText("zzz-nobody")
    qtbot.waitUntil(lambda: page.model.filter_text == "zzz-nobody" and not runner.busy)
    assert page.model.rowCount() == 0
    assert page.count_label.text() == "0 trainees"

    page.filter_edit.clear()
    qtbot.waitUntil(lambda: page.model.filter_text == "" and not runner.busy)
    assert page.model.rowCount() == 30


def test_ctrl_f_focuses_the_filter(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.nav.setFocus()

    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    assert page.filter_edit.hasFocus()


def test_rows_are_fetched_a_page_at_a_time(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    ctx = open_context(tmp_path / "many")
    try:
        initialise(ctx, "test-laptop")
        build_demo(ctx, trainees=2 * PAGE_SIZE + 50, photos=0, sessions=1)
        model = TraineeTableModel(ctx, runner)
        model.set_filter("")
        assert runner.wait_idle(5000)

        assert model.rowCount() == count_trainees(ctx) == 2 * PAGE_SIZE + 50
        assert len(model.loaded_rows()) == PAGE_SIZE  # only the first page so far

        last = model.index(model.rowCount() - 1, 0)
        assert last.data() == PLACEHOLDER
        assert runner.wait_idle(5000)

        assert last.data() not in (PLACEHOLDER, "", None)
        assert model.trainee(model.rowCount() - 1) is not None
        assert model.trainee(PAGE_SIZE + 10) is None  # the middle page was never asked for
    finally:
        runner.shutdown()
        ctx.close()


def test_search_matches_town_too(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    town = next(t.town for t in search_trainees(demo_ctx, limit=50) if t.town)
    typed = fold(town).upper()
    page = _page(window)

    page.filter_edit.setText(typed)
    qtbot.waitUntil(lambda: page.model.filter_text == typed and not runner.busy)

    rows = page.model.loaded_rows()
    assert rows and all(fold(town) in fold(f"{r.display_name} {r.town}") for r in rows)
