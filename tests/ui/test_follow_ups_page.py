"""The Follow-ups page: the due list, a workshop's table typed in and saved, the form, rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from otop_desktop.i18n import formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrol
from otop_desktop.services.exchange_rates import list_rates, save_rate
from otop_desktop.services.follow_ups import (
    due_follow_ups,
    follow_up_schedule,
    list_follow_ups,
    save_follow_up,
)
from otop_desktop.services.trainees import add_trainee, delete_trainee
from otop_desktop.services.workshops import save_workshop
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.follow_ups_page import FollowUpsPage
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.follow_up_status import FollowUpStatus, due_summary

TODAY = dt.date.today()


@pytest.fixture
def workshop(demo_ctx: AppContext) -> tuple[str, str, str]:
    """A Honduran workshop that started 100 days ago, with two trainees: (workshop, two ids)."""
    saved = save_workshop(
        demo_ctx,
        None,
        title="Cerámica de Santa Bárbara",
        country="HN",
        start_date=TODAY - dt.timedelta(days=100),
        end_date=TODAY - dt.timedelta(days=96),
    )
    maria = add_trainee(demo_ctx, given_names="María Fernanda", family_names="López Reyes")
    mei = add_trainee(demo_ctx, chinese_name="陳美玲")
    for trainee in (maria, mei):
        enrol(demo_ctx, saved.id, trainee.id)
    return saved.id, maria.id, mei.id


def _page(window: MainWindow) -> FollowUpsPage:
    page = next(p for p in window.pages if isinstance(p, FollowUpsPage))
    return page


def _open(window: MainWindow, runner: TaskRunner, workshop_id: str) -> FollowUpsPage:
    page = _page(window)
    window.show_page(page.key)
    page.choose(workshop_id, "baseline")
    assert runner.wait_idle(10_000)
    return page


def _type(page: FollowUpsPage, trainee_id: str, field: str, text: str) -> None:
    model = page.model
    index = model.index(model.row_of(trainee_id), model.column_of(field))
    assert model.setData(index, text, Qt.ItemDataRole.EditRole)


def test_due_list_shows_what_the_service_finds_overdue_in_red(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    page = _page(window)
    page.due_list.reload()
    assert runner.wait_idle(10_000)
    expected = due_follow_ups(demo_ctx, within_days=14)
    model = page.due_list.model
    shown = [
        (model.index(row, 0).data(), model.index(row, 1).data(), model.index(row, 3).data())
        for row in range(model.rowCount())
    ]
    assert shown == [(d.trainee_name, d.workshop_title, formatting.day(d.due_on)) for d in expected]
    # Our two trainees' baselines, 100 days late, and their 3-month follow-ups, 5 days late.
    ours = [
        row
        for row in range(model.rowCount())
        if model.index(row, 1).data() == "Cerámica de Santa Bárbara"
    ]
    names = {model.index(row, 0).data() for row in ours}
    assert names == {"María Fernanda López Reyes", "陳美玲"}
    statuses = sorted(model.index(row, 4).data() for row in ours)
    assert statuses.count("Overdue by 100 days") == 2
    assert model.index(ours[0], 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    # The status bar counts them too.
    status = window.findChild(FollowUpStatus)
    assert status is not None
    assert status.label.text() == due_summary(expected)
    assert "overdue" in status.label.text()


def test_two_trainees_typed_in_and_saved_together(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    workshop_id, maria, mei = workshop
    page = _open(window, runner, workshop_id)
    assert page.model.rowCount() == 2
    # The currency comes from the workshop's country.
    assert [line.texts["currency"] for line in page.model.rows()] == ["HNL", "HNL"]
    _type(page, maria, "monthly_income", "1,250.50")
    _type(page, maria, "employed_paid", "2")
    _type(page, maria, "new_markets", "Hotel shop in Copán")
    _type(page, mei, "monthly_income", "3000")
    _type(page, mei, "units_sold", "40")
    assert page.save_button.isEnabled()
    assert "2 rows changed" in page.state_label.text()

    assert page.save()
    assert runner.wait_idle(10_000)

    stored = {f.trainee_id: f for f in list_follow_ups(demo_ctx, workshop_id=workshop_id)}
    assert set(stored) == {maria, mei}
    assert stored[maria].monthly_income == Decimal("1250.50")
    assert stored[maria].currency == "HNL"
    assert stored[maria].employed_paid == 2
    assert stored[maria].new_markets == "Hotel shop in Copán"
    assert stored[mei].units_sold == 40 and stored[mei].period == "baseline"
    assert stored[mei].date == TODAY
    assert not page.model.dirty
    assert "2 follow-ups saved" in page.state_label.text()
    # The reloaded table shows what is stored, in the language's number format.
    assert page.model.rows()[page.model.row_of(maria)].texts["monthly_income"] == "1,250.5"


def test_a_negative_income_is_marked_and_nothing_is_saved(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    workshop_id, maria, mei = workshop
    page = _open(window, runner, workshop_id)
    _type(page, maria, "monthly_income", "2000")
    _type(page, mei, "monthly_income", "-500")
    model = page.model
    bad = model.index(model.row_of(mei), model.column_of("monthly_income"))
    message = bad.data(Qt.ItemDataRole.ToolTipRole)
    assert message == "Monthly income cannot be negative."
    assert bad.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert message in page.state_label.text()

    assert not page.save()
    assert runner.wait_idle(10_000)
    assert list_follow_ups(demo_ctx, workshop_id=workshop_id) == []
    # The cursor went to the refused cell.
    assert page.view.currentIndex() == bad
    # Corrected, the message goes.
    _type(page, mei, "monthly_income", "500")
    assert bad.data(Qt.ItemDataRole.ToolTipRole) is None
    assert page.state_label.text() == "2 rows changed, not saved yet."


def test_a_row_the_service_refuses_saves_no_row_at_all(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    workshop_id, maria, mei = workshop
    page = _open(window, runner, workshop_id)
    _type(page, maria, "monthly_income", "2000")
    _type(page, mei, "monthly_income", "2500")
    # Deleted after the table was read (on the Trainees page, or by a sync).
    delete_trainee(demo_ctx, mei)

    assert page.save()
    assert runner.wait_idle(10_000)

    assert list_follow_ups(demo_ctx, workshop_id=workshop_id) == []
    name_cell = page.model.index(page.model.row_of(mei), 0)
    assert "陳美玲" in name_cell.data(Qt.ItemDataRole.ToolTipRole)
    assert page.model.dirty  # the edits are kept to correct or save again


def test_the_form_shows_errors_under_the_field_then_saves(
    qtbot: QtBot,
    workshop: tuple[str, str, str],
    window: MainWindow,
    runner: TaskRunner,
    demo_ctx: AppContext,
) -> None:
    workshop_id, maria, _mei = workshop
    page = _page(window)
    window.show_page(page.key)
    assert runner.wait_idle(10_000)
    due = next(
        d for d in page.due_list.model.records() if d.trainee_id == maria and d.period == "baseline"
    )
    page._open_due(due)
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert runner.wait_idle(10_000)
    assert dialog.edits["currency"].text() == "HNL"
    assert dialog.state_label.text() == "Not recorded yet."

    dialog.edits["monthly_income"].setText("1500")
    dialog.edits["employed_family"].setText("-1")
    dialog.save()
    assert runner.wait_idle(10_000)
    assert dialog.isVisible()
    assert dialog.errors["employed_family"].isVisible()
    assert "cannot be negative" in dialog.errors["employed_family"].text()
    assert list_follow_ups(demo_ctx, workshop_id=workshop_id) == []

    dialog.edits["employed_family"].setText("3")
    dialog.notes_edit.setPlainText("Vende en la feria de Gracias")
    dialog.save()
    assert runner.wait_idle(10_000)
    assert not dialog.isVisible()
    (stored,) = list_follow_ups(demo_ctx, workshop_id=workshop_id)
    assert (stored.trainee_id, stored.period) == (maria, "baseline")
    assert stored.monthly_income == Decimal(1500) and stored.employed_family == 3
    assert stored.notes == "Vende en la feria de Gracias"
    # Recorded, it leaves the due list.
    assert not any(
        d.trainee_id == maria and d.period == "baseline" for d in page.due_list.model.records()
    )


def test_the_form_corrects_a_recorded_follow_up(
    qtbot: QtBot,
    workshop: tuple[str, str, str],
    window: MainWindow,
    runner: TaskRunner,
    demo_ctx: AppContext,
) -> None:
    workshop_id, _maria, mei = workshop
    save_follow_up(
        demo_ctx, workshop_id, mei, "baseline", {"monthly_income": 900, "currency": "HNL"}
    )
    page = _open(window, runner, workshop_id)
    page.view.setCurrentIndex(page.model.index(page.model.row_of(mei), 2))
    dialog = page.open_current_form()
    assert dialog is not None
    assert runner.wait_idle(10_000)
    assert dialog.edits["monthly_income"].text() == "900"
    assert dialog.state_label.text().startswith("Recorded on")
    dialog.edits["monthly_income"].setText("950")
    dialog.save()
    assert runner.wait_idle(10_000)
    (stored,) = list_follow_ups(demo_ctx, workshop_id=workshop_id)
    assert stored.monthly_income == Decimal(950)
    assert page.model.rows()[page.model.row_of(mei)].texts["monthly_income"] == "950"


def test_leaving_with_unsaved_edits_asks_first(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    workshop_id, maria, _mei = workshop
    page = _open(window, runner, workshop_id)
    _type(page, maria, "units_sold", "12")

    window.show_page("workshops")
    box = page.question
    assert box is not None and box.isVisible()
    keep = next(b for b in box.buttons() if b.text() == "Keep editing")
    keep.click()
    assert window.current_page_key() == page.key
    assert page.model.dirty

    window.show_page("workshops")
    box = page.question
    assert box is not None
    save = next(b for b in box.buttons() if b.text() == "Save")
    save.click()
    assert runner.wait_idle(10_000)
    (stored,) = list_follow_ups(demo_ctx, workshop_id=workshop_id)
    assert stored.units_sold == 12
    assert window.current_page_key() == "workshops"


def test_changing_workshop_with_edits_can_discard_them(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    workshop_id, maria, _mei = workshop
    page = _open(window, runner, workshop_id)
    _type(page, maria, "units_sold", "12")
    other = next(w for w in page._workshops if w.id != workshop_id)
    page.choose(other.id)
    box = page.question
    assert box is not None
    discard = next(b for b in box.buttons() if b.text() == "Discard changes")
    discard.click()
    assert runner.wait_idle(10_000)
    assert page.workshop_combo.currentText() == other.title
    assert not page.model.dirty
    assert list_follow_ups(demo_ctx, workshop_id=workshop_id) == []


def test_exchange_rates_added_refused_and_deleted(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    save_rate(demo_ctx, "TWD", "USD", "0.031", dt.date(2026, 1, 1))
    page = _page(window)
    dialog = page.open_rates()
    qtbot.waitExposed(dialog)
    assert runner.wait_idle(10_000)
    assert dialog.model.rowCount() == 1

    dialog.currency_combo.setCurrentText("hnl")
    dialog.target_combo.setCurrentText("USD")
    dialog.rate_edit.setText("abc")
    dialog.add_rate()
    assert runner.wait_idle(10_000)
    assert dialog.errors["rate"].isVisible()
    assert len(list_rates(demo_ctx)) == 1

    dialog.rate_edit.setText("0.0405")
    dialog.note_edit.setText("Banco Central de Honduras")
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(-3))
    dialog.add_rate()
    assert runner.wait_idle(10_000)
    assert not dialog.errors["rate"].isVisible()
    rates = {r.currency: r for r in list_rates(demo_ctx)}
    assert rates["HNL"].rate == Decimal("0.0405")
    assert rates["HNL"].target_currency == "USD"
    assert rates["HNL"].valid_from == TODAY - dt.timedelta(days=3)
    assert rates["HNL"].note == "Banco Central de Honduras"
    assert dialog.model.rowCount() == 2
    shown = [dialog.model.index(r, 2).data() for r in range(2)]
    assert "0.0405" in shown  # every digit, not rounded to 0.04

    row = next(r for r, rate in enumerate(dialog.model.records()) if rate.currency == "HNL")
    dialog.view.selectRow(row)
    box = dialog.delete_selected()
    assert isinstance(box, QMessageBox)
    yes = next(b for b in box.buttons() if b.text() == "Delete")
    yes.click()
    assert runner.wait_idle(10_000)
    assert [r.currency for r in list_rates(demo_ctx)] == ["TWD"]
    assert dialog.model.rowCount() == 1


def test_workshop_dialog_sets_the_follow_up_schedule(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    workshop_id = workshop[0]
    workshops = next(p for p in window.pages if isinstance(p, WorkshopsPage))
    window.show_page("workshops")
    assert runner.wait_idle(10_000)
    workshops._select(workshop_id)
    dialog = workshops.edit_workshop()
    assert dialog is not None
    assert all(c.isChecked() for c in dialog.schedule_checks.values())
    for check in dialog.schedule_checks.values():
        check.setChecked(False)
    dialog.save()
    assert runner.wait_idle(10_000)
    assert dialog.errors["follow_up_schedule"].isVisible()

    dialog.schedule_checks["month_6"].setChecked(True)
    dialog.save()
    assert runner.wait_idle(10_000)
    assert not dialog.isVisible()
    assert follow_up_schedule(demo_ctx, workshop_id) == ("baseline", "month_6")
    # The follow-ups page offers only those periods.
    page = _open(window, runner, workshop_id)
    periods = [page.period_combo.itemData(i) for i in range(page.period_combo.count())]
    assert periods == ["baseline", "month_6"]


def test_status_bar_opens_the_follow_ups_page(
    workshop: tuple[str, str, str], window: MainWindow, runner: TaskRunner
) -> None:
    status = window.findChild(FollowUpStatus)
    assert status is not None and status.isVisibleTo(window)
    window.show_page("workshops")
    status.open_button.click()
    assert window.current_page_key() == "follow_ups"
