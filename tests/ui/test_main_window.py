"""The main window: the demo workshops, page switching, and what it remembers."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import PLANS
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.tasks import TaskRunner


def _shown_titles(page: WorkshopsPage) -> set[str]:
    view = page.workshop_view
    model = view.model()
    return {str(model.index(row, 0).data()) for row in range(model.rowCount())}


def test_window_opens_on_the_three_demo_workshops(window: MainWindow) -> None:
    page = window.pages[0]
    assert isinstance(page, WorkshopsPage)

    assert window.current_page_key() == "workshops"
    assert _shown_titles(page) == {plan.title for plan in PLANS}


def test_selecting_a_workshop_shows_its_sessions(window: MainWindow, runner: TaskRunner) -> None:
    page = window.pages[0]
    assert isinstance(page, WorkshopsPage)

    page.workshop_view.selectRow(1)
    assert runner.wait_idle(5000)

    selected = page.selected_workshop()
    assert selected is not None
    assert page.sessions.rowCount() == selected.session_count == 6
    assert selected.title in page.sessions_label.text()


def test_status_bar_names_the_laptop_and_the_database(
    window: MainWindow, demo_ctx: AppContext
) -> None:
    assert "test-laptop" in window.laptop_label.text()
    assert str(demo_ctx.data_dir.database) in window.database_label.text()
    assert "test-laptop" in window.about_text()


def test_geometry_and_page_are_remembered(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    first = MainWindow(demo_ctx, runner)
    qtbot.addWidget(first)
    first.show()
    # Small enough for the offscreen platform's 800x600 screen, which bounds what is restored.
    first.setGeometry(QRect(10, 30, 760, 520))
    first.show_page("trainees")
    assert runner.wait_idle(5000)
    first.close()

    second = MainWindow(demo_ctx, runner)
    qtbot.addWidget(second)
    second.show()

    assert (second.width(), second.height()) == (760, 520)
    assert second.current_page_key() == "trainees"
    assert runner.wait_idle(5000)


def test_default_size_fits_a_small_laptop_screen(window: MainWindow) -> None:
    assert window.width() <= 1366 and window.height() <= 768


def test_ctrl_q_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)

    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
