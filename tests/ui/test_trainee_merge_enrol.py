"""Merging two records of one person (and undoing it), reviewing likely duplicates, and
enrolling the selected trainees in a workshop, driven from the trainees page."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from otop_desktop.db.models import Trainee
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import is_enrolled
from otop_desktop.services.trainees import TraineeInfo, add_trainee, search_trainees
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs.duplicate_review import DuplicateReviewDialog
from otop_desktop.ui.dialogs.enrol_dialog import EnrolDialog
from otop_desktop.ui.dialogs.merge_dialog import MergeDialog
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.tasks import TaskRunner


def _page(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> TraineesPage:
    page = TraineesPage(ctx, runner)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    assert runner.wait_idle(10_000)
    return page


def _select(page: TraineesPage, ids: list[str]) -> None:
    selection = page.view.selectionModel()
    selection.clearSelection()
    for trainee_id in ids:
        selection.select(
            page.model.index(page.model.row_of(trainee_id), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def _merged_into(ctx: AppContext, trainee_id: str) -> str | None:
    with ctx.read() as session:
        row = session.get(Trainee, trainee_id)
        assert row is not None
        return row.merged_into


def _twin(ctx: AppContext) -> tuple[TraineeInfo, TraineeInfo]:
    original = next(t for t in search_trainees(ctx, limit=50) if t.phone and t.town)
    copy = add_trainee(
        ctx,
        given_names=original.given_names,
        family_names=original.family_names,
        phone=original.phone,
        town=original.town,
        email="segunda@example.org",
    )
    return original, copy


def test_two_selected_are_merged_into_the_one_kept_and_undo_separates_them(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    original, copy = _twin(demo_ctx)
    page = _page(qtbot, demo_ctx, runner)
    assert page.model.rowCount() == 31
    _select(page, [original.id, copy.id])
    page.merge_action.trigger()
    assert runner.wait_idle(5000)
    dialog = page.merge_dialog
    assert isinstance(dialog, MergeDialog) and dialog.isVisible()
    first, second = sorted([original, copy], key=lambda t: page.model.row_of(t.id))

    dialog.keep_second.click()  # keep the one listed second
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)

    assert not dialog.isVisible()
    assert _merged_into(demo_ctx, first.id) == second.id
    assert _merged_into(demo_ctx, second.id) is None
    assert page.model.rowCount() == 30 and page.model.row_of(first.id) == -1
    assert page.selected_ids() == [second.id]
    assert page.undo_bar.isVisible()

    qtbot.mouseClick(page.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert _merged_into(demo_ctx, first.id) is None
    assert page.model.rowCount() == 31


def test_review_lists_likely_duplicates_and_merges_a_pair(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    original, copy = _twin(demo_ctx)
    page = _page(qtbot, demo_ctx, runner)
    page.review_action.trigger()
    assert runner.wait_idle(10_000)
    review = page.dialog
    assert isinstance(review, DuplicateReviewDialog)
    pairs = {frozenset((a.id, b.id)) for a, b, _score, _reasons in review.pairs()}
    assert frozenset((original.id, copy.id)) in pairs
    row = [frozenset((a.id, b.id)) for a, b, _s, _r in review.pairs()].index(
        frozenset((original.id, copy.id))
    )
    review.list.setCurrentRow(row)
    assert original.display_name in review.list.item(row).text()

    qtbot.keyClick(review.list, Qt.Key.Key_Return)
    merge = page.merge_dialog
    assert isinstance(merge, MergeDialog) and merge.isVisible()
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)

    merged_away = merge.duplicate().id
    assert _merged_into(demo_ctx, merged_away) == merge.survivor().id
    assert all(merged_away not in (a.id, b.id) for a, b, _s, _r in review.pairs())
    assert review.isVisible()  # on to the next pair


def test_selected_trainees_are_enrolled_and_withdrawn(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    newcomers = [
        add_trainee(demo_ctx, given_names=name, family_names="Ixcoy", town="Totonicapán")
        for name in ("Rosa", "Marta")
    ]
    workshop = list_workshops(demo_ctx, include_archived=False)[-1]
    page = _page(qtbot, demo_ctx, runner)
    _select(page, [t.id for t in newcomers])
    page.enrol_action.trigger()
    assert runner.wait_idle(5000)
    dialog = page.dialog
    assert isinstance(dialog, EnrolDialog) and dialog.isVisible()
    assert dialog.workshop_combo.currentData() is not None  # the first one, ready to enrol
    dialog.workshop_combo.setCurrentIndex(dialog.workshop_combo.findData(workshop.id))

    qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert all(is_enrolled(demo_ctx, workshop.id, t.id) for t in newcomers)
    assert "2 trainees enrolled" in dialog.result_label.text()

    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert not any(is_enrolled(demo_ctx, workshop.id, t.id) for t in newcomers)
    assert "2 trainees withdrawn" in dialog.result_label.text()
