"""The trainee dialog as a trainer uses it: type, Enter to save, Esc to cancel, messages next
to the field, and possible duplicates shown before a second record is made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import count_trainees, get_trainee, search_trainees
from otop_desktop.ui.dialogs.trainee_dialog import TraineeDialog
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.tasks import TaskRunner
from tests.ui.typing_helpers import type_text


def _page(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> TraineesPage:
    page = TraineesPage(ctx, runner)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    assert runner.wait_idle(10_000)
    return page


def _new_dialog(qtbot: QtBot, page: TraineesPage, runner: TaskRunner) -> TraineeDialog:
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, TraineeDialog) and dialog.isVisible()
    assert runner.wait_idle(5000)  # the organisations for the combo
    return dialog


def test_a_new_trainee_is_typed_and_saved_with_enter(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, demo_ctx, runner)
    dialog = _new_dialog(qtbot, page, runner)
    form = dialog.form
    assert form.given_edit.hasFocus()
    type_text(qtbot, form.given_edit, "María Fernanda")
    type_text(qtbot, form.family_edit, "Quiñónez Reyes")
    form.gender_combo.setCurrentIndex(form.gender_combo.findData("undisclosed"))
    type_text(qtbot, form.birth_year_edit, "1987")
    type_text(qtbot, form.phone_edit, "9911-2233")
    type_text(qtbot, form.town_edit, "Comayagua")
    form.country_combo.set_code("HN")
    form.consent_data_check.setChecked(True)
    qtbot.keyClick(form.town_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    assert not dialog.isVisible()
    [saved] = search_trainees(demo_ctx, "quinonez")
    assert (saved.given_names, saved.family_names, saved.gender) == (
        "María Fernanda",
        "Quiñónez Reyes",
        "undisclosed",
    )
    assert (saved.birth_year, saved.phone, saved.town, saved.country) == (
        1987,
        "9911-2233",
        "Comayagua",
        "HN",
    )
    assert saved.consent_data and not saved.consent_photos
    # The table shows and selects the one just saved.
    assert page.selected_ids() == [saved.id]


def test_a_wrong_field_is_explained_next_to_it_and_nothing_is_saved(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, demo_ctx, runner)
    before = count_trainees(demo_ctx)
    dialog = _new_dialog(qtbot, page, runner)
    type_text(qtbot, dialog.form.given_edit, "Ana")
    type_text(qtbot, dialog.form.phone_edit, "12")
    qtbot.keyClick(dialog.form.phone_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    assert dialog.isVisible()
    message = dialog.form.errors["phone"]
    assert message.isVisible() and "phone number" in message.text()
    assert dialog.form.phone_edit.hasFocus()
    assert not dialog.form.errors["given_names"].isVisible()
    assert count_trainees(demo_ctx) == before

    dialog.form.phone_edit.clear()
    type_text(qtbot, dialog.form.phone_edit, "9988-7766")
    qtbot.keyClick(dialog.form.phone_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)
    assert count_trainees(demo_ctx) == before + 1


def test_esc_cancels_without_saving(qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner) -> None:
    page = _page(qtbot, demo_ctx, runner)
    before = count_trainees(demo_ctx)
    dialog = _new_dialog(qtbot, page, runner)
    type_text(qtbot, dialog.form.given_edit, "Nadie")
    qtbot.keyClick(dialog.form.given_edit, Qt.Key.Key_Escape)
    assert runner.wait_idle(5000)
    assert not dialog.isVisible()
    assert count_trainees(demo_ctx) == before


def test_enter_in_the_notes_saves_and_shift_enter_starts_a_line(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, demo_ctx, runner)
    dialog = _new_dialog(qtbot, page, runner)
    type_text(qtbot, dialog.form.chinese_edit, "林雅婷")
    notes = dialog.form.notes_edit
    type_text(qtbot, notes, "Vende los sábados")
    qtbot.keyClick(notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, notes, "y domingos")
    assert dialog.isVisible()
    qtbot.keyClick(notes, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)
    [saved] = search_trainees(demo_ctx, "林雅婷")
    assert saved.notes == "Vende los sábados\ny domingos"


def _copy_of_someone(qtbot: QtBot, dialog: TraineeDialog, ctx: AppContext) -> str:
    existing = next(t for t in search_trainees(ctx, limit=50) if t.phone and t.family_names)
    type_text(qtbot, dialog.form.given_edit, existing.given_names or "")
    type_text(qtbot, dialog.form.family_edit, existing.family_names or "")
    type_text(qtbot, dialog.form.phone_edit, existing.phone or "")
    qtbot.keyClick(dialog.form.phone_edit, Qt.Key.Key_Return)
    return existing.id


def test_possible_duplicates_are_shown_before_saving_and_save_anyway_saves(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, demo_ctx, runner)
    before = count_trainees(demo_ctx)
    dialog = _new_dialog(qtbot, page, runner)
    existing_id = _copy_of_someone(qtbot, dialog, demo_ctx)
    assert runner.wait_idle(5000)

    panel = dialog.duplicates
    assert dialog.isVisible() and panel.isVisible()
    assert panel.chosen_id() == existing_id
    assert get_trainee(demo_ctx, existing_id).display_name in panel.list.item(0).text()
    assert "Same phone" in panel.list.item(0).text()
    assert count_trainees(demo_ctx) == before  # nothing saved yet

    qtbot.mouseClick(panel.save_anyway_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert not dialog.isVisible()
    assert count_trainees(demo_ctx) == before + 1


def test_enter_on_a_possible_duplicate_opens_the_existing_trainee(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, demo_ctx, runner)
    before = count_trainees(demo_ctx)
    dialog = _new_dialog(qtbot, page, runner)
    existing_id = _copy_of_someone(qtbot, dialog, demo_ctx)
    assert runner.wait_idle(5000)
    assert dialog.duplicates.list.hasFocus()

    qtbot.keyClick(dialog.duplicates.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not dialog and not runner.busy, timeout=5000)

    opened = page.dialog
    assert isinstance(opened, TraineeDialog) and opened.isVisible()
    assert opened.trainee is not None and opened.trainee.id == existing_id
    assert count_trainees(demo_ctx) == before


def test_enter_on_a_row_opens_it_and_the_change_is_stored(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, demo_ctx, runner)
    page.view.setFocus()
    page.view.selectRow(2)
    trainee_id = page.selected_ids()[0]
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)
    dialog = page.dialog
    assert isinstance(dialog, TraineeDialog) and dialog.trainee is not None
    assert dialog.trainee.id == trainee_id
    assert dialog.form.given_edit.text() == (get_trainee(demo_ctx, trainee_id).given_names or "")

    dialog.form.email_edit.setText("vende@example.org")
    qtbot.keyClick(dialog.form.email_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)
    assert not dialog.isVisible()
    assert get_trainee(demo_ctx, trainee_id).email == "vende@example.org"
    assert page.selected_ids() == [trainee_id]
