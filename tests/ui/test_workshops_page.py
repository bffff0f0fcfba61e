"""The workshops page as a trainer uses it: edit, partners, sessions, archive, delete and undo."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import add_organisation
from otop_desktop.services.workshops import (
    get_workshop,
    list_sessions,
    list_workshops,
    partner_ids,
    partner_names,
)
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.country_combo import CountryCombo


def _page(window: MainWindow) -> WorkshopsPage:
    page = window.pages[0]
    assert isinstance(page, WorkshopsPage)
    return page


def _answer(qtbot: QtBot, button_text: str) -> None:
    """Click `button_text` in the question box that is open now."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    [button] = [b for b in box.buttons() if b.text() == button_text]
    button.click()


def _focus(qtbot: QtBot, window: MainWindow, widget: QWidget) -> None:
    """Give `widget` the keyboard focus in the active window, as a click would."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def _select(page: WorkshopsPage, title: str) -> None:
    model = page.workshop_view.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == title:
            page.workshop_view.selectRow(row)
            return
    raise AssertionError(f"{title} is not shown")


def test_enter_edits_the_workshop_and_its_partners(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    org = add_organisation(demo_ctx, name="Cooperativa Flor de Café", org_kind="cooperative")
    workshop = page.selected_workshop()
    assert workshop is not None
    _focus(qtbot, window, page.workshop_view)

    qtbot.keyClick(page.workshop_view, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog is not None and dialog.workshop is not None
    assert runner.wait_idle(5000)  # the organisations and current partners
    assert dialog.title_edit.text() == workshop.title
    assert dialog.chosen_partners() == partner_ids(demo_ctx, workshop.id)

    dialog.title_edit.setText("Cestería de junco — grupo 2")
    dialog.trainers_edit.setText("Rosa Xol, 陳美玲")
    dialog.set_partner(org.id, True)
    dialog.min_rate_spin.setValue(75)
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    stored = get_workshop(demo_ctx, workshop.id)
    assert stored.title == "Cestería de junco — grupo 2"
    assert stored.trainers == "Rosa Xol, 陳美玲"
    assert stored.min_attendance_rate == 0.75
    assert "Cooperativa Flor de Café" in partner_names(demo_ctx, workshop.id)
    assert "Cooperativa Flor de Café" in page.partners_label.text()
    assert "陳美玲" in page.trainers_label.text()
    selected = page.selected_workshop()
    assert selected is not None and selected.id == workshop.id


def test_a_country_typed_by_name_is_stored_as_its_code(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    dialog = _page(window).new_workshop()
    qtbot.keyClicks(dialog.title_edit, "Tejido en telar de cintura")
    dialog.country_combo.setFocus()
    dialog.country_combo.setEditText("")
    qtbot.keyClicks(dialog.country_combo.lineEdit(), "paraguay")
    dialog.start_edit.setDate(QDate(2026, 10, 5))
    dialog.save()
    assert runner.wait_idle(5000)

    stored = {w.title: w for w in list_workshops(demo_ctx)}["Tejido en telar de cintura"]
    assert stored.country == "PY"


def test_an_unknown_country_is_refused_next_to_the_field(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    dialog = _page(window).new_workshop()
    dialog.title_edit.setText("Cerámica")
    dialog.country_combo.setEditText("Atlantis")
    dialog.save()
    assert runner.wait_idle(5000)

    assert dialog.errors["country"].isVisibleTo(dialog)
    assert "Cerámica" not in {w.title for w in list_workshops(demo_ctx)}


def test_the_programme_countries_come_first(qtbot: QtBot) -> None:
    combo = CountryCombo()
    qtbot.addWidget(combo)
    first = [combo.itemData(row) for row in range(1, 10)]

    assert set(first) == {"HN", "GT", "SV", "NI", "BZ", "PY", "TW", "VN", "TH"}
    codes = [combo.itemData(row) for row in range(combo.count()) if combo.itemData(row)]
    assert len(codes) == len(set(codes)) > 200  # every country once, none of CLDR's groupings
    assert "EU" not in codes and "001" not in codes


def test_sessions_are_added_edited_and_deleted_with_undo(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    workshop = page.selected_workshop()
    assert workshop is not None
    before = len(list_sessions(demo_ctx, workshop.id))

    dialog = page.new_session()
    assert dialog is not None
    dialog.date_edit.setDate(QDate(2026, 12, 1))
    dialog.time_edit.setText("9:30")
    dialog.topic_edit.setText("Precios y costos")
    qtbot.keyClick(dialog.topic_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)
    added = [s for s in list_sessions(demo_ctx, workshop.id) if s.topic == "Precios y costos"]
    assert len(added) == 1 and added[0].start_time == "09:30"
    assert added[0].date == dt.date(2026, 12, 1)
    assert page.sessions.rowCount() == before + 1

    page.session_view.selectRow(page.sessions.rowCount() - 1)
    edit = page.edit_session()
    assert edit is not None and edit.session is not None and edit.session.id == added[0].id
    edit.time_edit.setText("25:00")
    edit.save()
    assert runner.wait_idle(5000)
    assert edit.errors["start_time"].isVisibleTo(edit)
    edit.time_edit.setText("14:00")
    edit.save()
    assert runner.wait_idle(5000)
    assert [s.start_time for s in list_sessions(demo_ctx, workshop.id) if s.id == added[0].id] == [
        "14:00"
    ]

    page.session_view.selectRow(page.sessions.rowCount() - 1)
    _focus(qtbot, window, page.session_view)
    qtbot.keyClick(page.session_view, Qt.Key.Key_Delete)
    _answer(qtbot, "Delete")
    assert runner.wait_idle(5000)
    assert len(list_sessions(demo_ctx, workshop.id)) == before
    assert page.undo_bar.isVisible()

    page.undo_bar.undo_button.click()
    assert runner.wait_idle(5000)
    assert len(list_sessions(demo_ctx, workshop.id)) == before + 1


def test_delete_asks_first_and_can_be_undone(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    workshop = page.selected_workshop()
    assert workshop is not None

    page.delete_workshop()
    _answer(qtbot, "Cancel")
    assert runner.wait_idle(5000)
    assert len(list_workshops(demo_ctx)) == 3

    _focus(qtbot, window, page.workshop_view)
    qtbot.keyClick(page.workshop_view, Qt.Key.Key_Delete)
    _answer(qtbot, "Delete")
    assert runner.wait_idle(5000)
    assert workshop.id not in {w.id for w in list_workshops(demo_ctx)}
    assert page.workshops.rowCount() == 2
    assert workshop.title in page.undo_bar.text()

    # The window manager gives the focus back once the question closes; offscreen, the test does.
    _focus(qtbot, window, page.workshop_view)
    qtbot.keyClick(page.workshop_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert runner.wait_idle(5000)
    assert workshop.id in {w.id for w in list_workshops(demo_ctx)}
    selected = page.selected_workshop()
    assert selected is not None and selected.id == workshop.id
    assert not page.undo_bar.isVisible()


def test_archived_workshops_are_hidden_unless_asked_for(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    workshop = page.selected_workshop()
    assert workshop is not None

    page.archive_button.click()
    assert runner.wait_idle(5000)
    assert get_workshop(demo_ctx, workshop.id).archived
    assert page.workshop_view.model().rowCount() == 2
    assert "1 archived" in page.count_label.text()

    page.show_archived_check.setChecked(True)
    assert page.workshop_view.model().rowCount() == 3
    _select(page, workshop.title)
    assert page.archive_button.text() == "Unarchive"
    page.archive_button.click()
    assert runner.wait_idle(5000)
    assert not get_workshop(demo_ctx, workshop.id).archived


def test_the_splitter_and_the_archived_toggle_are_remembered(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    page.show_archived_check.setChecked(True)
    page.splitter.setSizes([100, 300])
    page.splitter.splitterMoved.emit(100, 1)
    sizes = page.splitter.sizes()

    again = WorkshopsPage(demo_ctx, runner)
    qtbot.addWidget(again)
    again.resize(page.size())
    again.show()
    assert runner.wait_idle(5000)

    assert again.show_archived_check.isChecked()
    assert all(abs(a - b) <= 3 for a, b in zip(again.splitter.sizes(), sizes, strict=True))
