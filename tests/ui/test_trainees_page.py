"""The trainees page: filter as you type, accents ignored, rows fetched a page at a time,
sorted by any column, and its actions from the keyboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from otop_desktop.domain.text import fold
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.demo import build_demo
from otop_desktop.services.organisations import add_organisation
from otop_desktop.services.trainees import (
    count_trainees,
    edit_trainee,
    get_trainee,
    search_trainees,
)
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.models.trainee_table import (
    COLUMNS,
    PAGE_SIZE,
    PLACEHOLDER,
    TraineeTableModel,
)
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.tasks import TaskRunner


def _page(window: MainWindow) -> TraineesPage:
    window.show_page("trainees")
    page = next(p for p in window.pages if isinstance(p, TraineesPage))
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


# --- sorting, actions, remembered state ------------------------------------------------------


def _standalone(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> TraineesPage:
    page = TraineesPage(ctx, runner)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    assert runner.wait_idle(10_000)
    return page


def _column(page: TraineesPage, column: int) -> list[str]:
    model = page.model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def test_clicking_a_header_sorts_by_that_column_and_is_remembered(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _standalone(qtbot, demo_ctx, runner)
    header = page.view.horizontalHeader()
    town = COLUMNS.index("town")

    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(town) + 10, header.height() // 2),
    )
    assert runner.wait_idle(5000)

    assert page.model.sort_column == "town"
    expected = [t.town or "" for t in search_trainees(demo_ctx, limit=100, sort="town")]
    assert _column(page, town) == expected
    assert _column(page, town) != sorted(_column(page, town), reverse=True)

    page.view.sortByColumn(town, Qt.SortOrder.DescendingOrder)
    assert runner.wait_idle(5000)
    assert _column(page, town) == list(reversed(expected))
    page._save_state()  # the page saves half a second after a change

    again = _standalone(qtbot, demo_ctx, runner)
    assert (again.model.sort_column, again.model.descending) == ("town", True)
    assert _column(again, town) == list(reversed(expected))


def test_filter_finds_an_organisations_members(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    org = add_organisation(demo_ctx, name="Asociación de Alfareras Unidas")
    members = [t.id for t in search_trainees(demo_ctx, limit=3)]
    for trainee_id in members:
        edit_trainee(demo_ctx, trainee_id, organisation_id=org.id)
    page = _standalone(qtbot, demo_ctx, runner)

    page.filter_edit.setText("alfareras unidas")
    qtbot.waitUntil(lambda: page.model.filter_text == "alfareras unidas" and not runner.busy)

    assert sorted(t.id for t in page.model.loaded_rows()) == sorted(members)
    organisation = COLUMNS.index("organisation")
    assert set(_column(page, organisation)) == {"Asociación de Alfareras Unidas"}


def test_enter_in_the_filter_goes_to_the_first_trainee_found(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _standalone(qtbot, demo_ctx, runner)
    page.focus_filter()
    qtbot.keyClicks(page.filter_edit, "nunez")
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    assert page.view.hasFocus()
    first = page.model.trainee(0)
    assert first is not None and "Núñez" in first.display_name
    assert page.selected_ids() == [first.id]


def test_delete_key_deletes_and_undo_brings_back(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _standalone(qtbot, demo_ctx, runner)
    page.view.setFocus()
    page.view.selectRow(3)
    [trainee_id] = page.selected_ids()
    name = get_trainee(demo_ctx, trainee_id).display_name

    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert runner.wait_idle(5000)

    assert count_trainees(demo_ctx) == 29
    assert page.model.rowCount() == 29 and page.model.row_of(trainee_id) == -1
    assert page.undo_bar.isVisible() and name in page.undo_bar.text()

    qtbot.mouseClick(page.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert get_trainee(demo_ctx, trainee_id).display_name == name
    assert page.model.rowCount() == 30
    assert not page.undo_bar.isVisible()


def test_several_are_deleted_only_after_confirming(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _standalone(qtbot, demo_ctx, runner)
    _select_rows(page, [0, 1, 2])
    page.delete_selected()
    box = _message_box(page)
    assert "3 trainees" in box.text()
    assert count_trainees(demo_ctx) == 30

    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert count_trainees(demo_ctx) == 27
    assert "3 trainees deleted." in page.undo_bar.text()


def test_actions_follow_the_selection(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _standalone(qtbot, demo_ctx, runner)
    assert not page.open_action.isEnabled() and not page.delete_action.isEnabled()
    page.view.selectRow(0)
    assert page.open_action.isEnabled() and page.delete_action.isEnabled()
    assert not page.merge_action.isEnabled()
    _select_rows(page, [0, 1])
    assert page.merge_action.isEnabled() and not page.open_action.isEnabled()


def test_the_page_fits_a_small_window_in_every_language(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _standalone(qtbot, demo_ctx, runner)
    # The navigation takes about 180 px of a 1024 px window; the toolbar folds what is left.
    assert page.minimumSizeHint().width() <= 760


def _select_rows(page: TraineesPage, rows: list[int]) -> None:
    selection = page.view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def _message_box(page: TraineesPage) -> QMessageBox:
    boxes = [b for b in page.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]
