"""Creating a workshop through the dialog: Enter saves, errors show next to their field."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.tasks import TaskRunner


def _page(window: MainWindow) -> WorkshopsPage:
    page = window.pages[0]
    assert isinstance(page, WorkshopsPage)
    return page


def test_typing_and_enter_stores_the_workshop(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    dialog = page.new_workshop()
    qtbot.waitExposed(dialog)

    qtbot.keyClicks(dialog.title_edit, "Miel y derivados de la colmena")
    dialog.country_combo.setCurrentIndex(dialog.country_combo.findData("HN"))
    qtbot.keyClicks(dialog.town_edit, "Siguatepeque")
    dialog.start_edit.setDate(QDate(2026, 10, 5))
    dialog.end_edit.setDate(QDate(2026, 11, 9))
    qtbot.keyClick(dialog.town_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    stored = {w.title: w for w in list_workshops(demo_ctx)}
    honey = stored["Miel y derivados de la colmena"]
    assert (honey.country, honey.town) == ("HN", "Siguatepeque")
    assert honey.start_date is not None and honey.start_date.isoformat() == "2026-10-05"
    assert not dialog.isVisible()
    # The table shows it, selected.
    selected = page.selected_workshop()
    assert selected is not None and selected.id == honey.id


def test_empty_title_shows_the_error_next_to_the_field(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    dialog = _page(window).new_workshop()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.town_edit, "Rabinal")

    qtbot.keyClick(dialog.town_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    assert dialog.isVisible()
    assert dialog.errors["title"].isVisible()
    assert dialog.errors["title"].text() == "Title is required."
    assert not dialog.errors["town"].isVisible()
    assert dialog.save_button.isEnabled()
    assert len(list_workshops(demo_ctx)) == 3


def test_end_before_start_is_shown_at_the_end_date(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    dialog = _page(window).new_workshop()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title_edit, "Cesteria de junco")  # QTest types ASCII only
    dialog.start_edit.setDate(QDate(2026, 10, 5))
    dialog.end_edit.setDate(QDate(2026, 10, 1))

    dialog.save()
    assert runner.wait_idle(5000)

    assert dialog.errors["end_date"].isVisible()
    assert not dialog.errors["title"].isVisible()
    assert len(list_workshops(demo_ctx)) == 3


def test_escape_cancels(qtbot: QtBot, window: MainWindow, demo_ctx: AppContext) -> None:
    dialog = _page(window).new_workshop()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title_edit, "Never saved")

    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)

    assert not dialog.isVisible()
    assert len(list_workshops(demo_ctx)) == 3


def test_countries_are_named_in_the_active_language(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _page(window).new_workshop()
    names = [dialog.country_combo.itemText(i) for i in range(dialog.country_combo.count())]

    assert "Honduras" in names and "Guatemala" in names and "Taiwan" in names
    assert names.index("Guatemala") < names.index("Honduras") < names.index("Taiwan")
    dialog.reject()
