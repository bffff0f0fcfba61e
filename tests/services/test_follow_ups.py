"""Follow-ups: every bad input, table entry all-or-nothing, merges, due dates, sync."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.follow_up_dates import add_months, clean_schedule, due_date
from otop_desktop.services import enrollments, trainee_merge, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import (
    RowValidationError,
    delete_follow_up,
    due_follow_ups,
    follow_up_id,
    follow_up_schedule,
    list_follow_ups,
    save_follow_up,
    save_follow_ups,
    set_follow_up_schedule,
    undelete_follow_up,
)
from tests.helpers import new_context
from tests.sync.sync_harness import Cluster

TODAY = dt.date(2026, 11, 25)
START = dt.date(2026, 1, 5)
END = dt.date(2026, 5, 31)


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = new_context(tmp_path)
    yield context
    context.close()


def _setup(ctx: AppContext) -> tuple[str, str, str]:
    w = workshops.create_workshop(ctx, title="Bambú", country="HN", start_date=START, end_date=END)
    maria = trainees.add_trainee(ctx, given_names="María Fernanda", family_names="López Reyes")
    chen = trainees.add_trainee(
        ctx, chinese_name="陳美玲", given_names="Mei-ling", family_names="Chen"
    )
    enrollments.enrol(ctx, w.id, maria.id)
    enrollments.enrol(ctx, w.id, chen.id)
    return w.id, maria.id, chen.id


def test_months_are_added_with_the_day_clamped() -> None:
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)  # leap year
    assert add_months(dt.date(2026, 10, 15), 3) == dt.date(2027, 1, 15)
    assert due_date("baseline", START, END) == START
    assert due_date("month_12", START, END) == dt.date(2027, 5, 31)
    assert due_date("month_3", START, None) == dt.date(2026, 4, 5)  # no end: from the start
    assert due_date("month_3", None, None) is None


def test_a_follow_up_is_saved_and_listed(ctx: AppContext) -> None:
    w, maria, chen = _setup(ctx)
    values = {
        "date": "2026-09-02",
        "monthly_income": "8500.50",
        "currency": "hnl",
        "employed_paid": "2",
        "employed_family": 1,
        "units_sold": 40,
        "main_price": Decimal("350"),
        "new_markets": "Feria de Comayagua",
    }
    row_id = save_follow_up(ctx, w, maria, "month_3", values, today=TODAY)
    assert row_id == follow_up_id(w, maria, "month_3")
    save_follow_up(ctx, w, chen, "baseline", {"units_sold": "0"}, today=TODAY)
    rows = list_follow_ups(ctx, workshop_id=w)
    assert [(r.trainee_name, r.period) for r in rows] == [
        ("Mei-ling Chen", "baseline"),
        ("María Fernanda López Reyes", "month_3"),
    ]
    chen_row, maria_row = rows
    assert chen_row.chinese_name == "陳美玲"
    assert chen_row.date == TODAY  # no date given: dated the day it is recorded
    assert maria_row.monthly_income == Decimal("8500.50")
    assert maria_row.currency == "HNL"
    assert (maria_row.employed_paid, maria_row.employed_family, maria_row.units_sold) == (2, 1, 40)
    assert maria_row.main_price == Decimal("350")
    # Saving again corrects the same row (no second one) and keeps its date.
    save_follow_up(ctx, w, maria, "month_3", {"units_sold": 45}, today=TODAY)
    again = list_follow_ups(ctx, trainee_id=maria)
    assert len(again) == 1 and again[0].units_sold == 45
    assert again[0].date == dt.date(2026, 9, 2)
    assert again[0].monthly_income is None  # a form save sets every field


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"monthly_income": "-5", "currency": "HNL"}, "monthly_income", "cannot be negative"),
        ({"employed_paid": -1}, "employed_paid", "cannot be negative"),
        ({"units_sold": "-3"}, "units_sold", "cannot be negative"),
        ({"employed_family": "2.5"}, "employed_family", "not a whole number"),
        ({"main_price": "-1", "currency": "HNL"}, "main_price", "cannot be negative"),
        ({"date": "2026-01-04"}, "date", "before the workshop started"),
        ({"date": "2026-11-26"}, "date", "in the future"),
        ({"date": "26/11/2026"}, "date", "not a date"),
        ({"monthly_income": "100", "currency": "XYZ"}, "currency", "not a currency code"),
        ({"monthly_income": "100"}, "currency", "which currency"),
        ({"monthly_income": "100.5", "currency": "PYG"}, "monthly_income", "no decimals"),
        ({"monthly_income": "10.555", "currency": "HNL"}, "monthly_income", "at most 2 decimals"),
        ({"monthly_income": "mucho", "currency": "HNL"}, "monthly_income", "not a number"),
        ({"income": "5"}, "income", "Unknown follow-up field"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(
    ctx: AppContext, values: dict[str, object], field: str, words: str
) -> None:
    w, maria, _chen = _setup(ctx)
    with pytest.raises(ValidationError) as caught:
        save_follow_up(ctx, w, maria, "baseline", values, today=TODAY)
    assert caught.value.field == field
    assert words in caught.value.message
    assert list_follow_ups(ctx) == []


def test_period_trainee_and_schedule_are_checked(ctx: AppContext) -> None:
    w, maria, _chen = _setup(ctx)
    stranger = trainees.add_trainee(ctx, given_names="Ana", family_names="Sic")
    with pytest.raises(ValidationError) as caught:
        save_follow_up(ctx, w, stranger.id, "baseline", {}, today=TODAY)
    assert caught.value.field == "trainee" and "not enrolled" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        save_follow_up(ctx, w, maria, "month_24", {}, today=TODAY)
    assert caught.value.field == "period"
    with pytest.raises(NotFoundError):
        save_follow_up(ctx, w, "nobody", "baseline", {}, today=TODAY)
    set_follow_up_schedule(ctx, w, ["month_3", "month_12"])
    assert follow_up_schedule(ctx, w) == ("baseline", "month_3", "month_12")
    assert workshops.get_workshop(ctx, w).follow_up_schedule == "month_3,month_12"
    with pytest.raises(ValidationError) as caught:
        save_follow_up(ctx, w, maria, "month_6", {}, today=TODAY)
    assert caught.value.field == "period" and "does not schedule" in caught.value.message
    set_follow_up_schedule(ctx, w, ["month_12", "month_6", "month_3"])
    assert workshops.get_workshop(ctx, w).follow_up_schedule is None  # all three = default
    with pytest.raises(ValidationError):
        set_follow_up_schedule(ctx, w, ["baseline"])
    assert clean_schedule("") is None
    with pytest.raises(ValidationError):
        workshops.edit_workshop(ctx, w, follow_up_schedule="month_5")


def test_table_entry_is_all_or_nothing_and_names_the_row(ctx: AppContext) -> None:
    w, maria, chen = _setup(ctx)
    rows = [
        (maria, "baseline", {"monthly_income": "5000", "currency": "HNL"}),
        (chen, "baseline", {"monthly_income": "-1", "currency": "HNL"}),
    ]
    with pytest.raises(RowValidationError) as caught:
        save_follow_ups(ctx, w, rows, today=TODAY)
    assert caught.value.trainee_id == chen
    assert caught.value.field == "monthly_income"
    assert caught.value.message.startswith("Mei-ling Chen, baseline: ")
    assert list_follow_ups(ctx) == []  # the good row was not kept either
    rows[1] = (chen, "baseline", {"monthly_income": "4000", "currency": "HNL"})
    assert save_follow_ups(ctx, w, rows, today=TODAY) == 2
    assert len(list_follow_ups(ctx, workshop_id=w)) == 2


def test_delete_and_undelete(ctx: AppContext) -> None:
    w, maria, _chen = _setup(ctx)
    row_id = save_follow_up(ctx, w, maria, "baseline", {}, today=TODAY)
    delete_follow_up(ctx, row_id)
    assert list_follow_ups(ctx) == []
    with pytest.raises(NotFoundError):
        delete_follow_up(ctx, row_id)
    undelete_follow_up(ctx, row_id)
    assert [r.id for r in list_follow_ups(ctx)] == [row_id]


def test_a_merged_duplicates_follow_ups_count_for_the_survivor(ctx: AppContext) -> None:
    w, maria, _chen = _setup(ctx)
    dup = trainees.add_trainee(ctx, given_names="Maria", family_names="Lopez")
    enrollments.enrol(ctx, w, dup.id)
    save_follow_up(ctx, w, dup.id, "baseline", {"units_sold": 3}, today=TODAY)
    save_follow_up(ctx, w, dup.id, "month_3", {"units_sold": 7}, today=TODAY)
    save_follow_up(ctx, w, maria, "month_3", {"units_sold": 9}, today=TODAY)
    trainee_merge.merge_trainees(ctx, maria, dup.id)
    rows = list_follow_ups(ctx, trainee_id=maria)
    # One row per period; for month_3 the survivor's own row wins over the duplicate's.
    assert [(r.trainee_id, r.period, r.units_sold) for r in rows] == [
        (maria, "baseline", 3),
        (maria, "month_3", 9),
    ]
    # A new follow-up typed against the duplicate is recorded on the survivor.
    row_id = save_follow_up(ctx, w, dup.id, "month_6", {}, today=TODAY)
    assert row_id == follow_up_id(w, maria, "month_6")
    due = due_follow_ups(ctx, today=TODAY)
    assert {(d.trainee_id, d.period) for d in due if d.trainee_id == maria} == set()


def test_due_and_overdue_by_hand_computed_dates(ctx: AppContext) -> None:
    w, maria, chen = _setup(ctx)
    # Workshop 5 Jan – 31 May 2026: baseline 5 Jan, +3 = 31 Aug, +6 = 30 Nov, +12 = 31 May 2027.
    save_follow_up(ctx, w, maria, "baseline", {"date": "2026-01-05"}, today=TODAY)
    save_follow_up(ctx, w, maria, "month_3", {"date": "2026-09-01"}, today=TODAY)
    withdrawn = trainees.add_trainee(ctx, given_names="Luis", family_names="Sic")
    enrollments.enrol(ctx, w, withdrawn.id)
    enrollments.withdraw(ctx, w, withdrawn.id)
    trainer = trainees.add_trainee(ctx, given_names="Rosa", family_names="Mejía")
    enrollments.enrol(ctx, w, trainer.id, role="trainer")
    due = due_follow_ups(ctx, today=TODAY, within_days=14)
    assert [(d.trainee_name, d.period, d.due_on, d.overdue) for d in due] == [
        ("Mei-ling Chen", "baseline", dt.date(2026, 1, 5), True),
        ("Mei-ling Chen", "month_3", dt.date(2026, 8, 31), True),
        ("Mei-ling Chen", "month_6", dt.date(2026, 11, 30), False),
        ("María Fernanda López Reyes", "month_6", dt.date(2026, 11, 30), False),
    ]
    assert all(d.workshop_title == "Bambú" for d in due)
    # Five days ahead instead of fourteen: the 30 Nov ones are not due yet.
    assert len(due_follow_ups(ctx, today=TODAY, within_days=4)) == 2
    # Without 6 months in the schedule, nothing is due until the 12-month one.
    set_follow_up_schedule(ctx, w, ["month_3", "month_12"])
    assert [d.period for d in due_follow_ups(ctx, today=TODAY)] == ["baseline", "month_3"]
    assert chen  # enrolled, followed up


def test_follow_ups_and_rates_sync_between_two_laptops(tmp_path: Path) -> None:
    from otop_desktop.services.exchange_rates import list_rates, save_rate

    cluster = Cluster(tmp_path, 2)
    try:
        a, b = (r.ctx for r in cluster.replicas)
        w, maria, _chen = _setup(a)
        set_follow_up_schedule(a, w, ["month_6"])
        cluster.gossip()
        # Both laptops record Maria's baseline: the rows meet (same id), the later edit wins.
        save_follow_up(a, w, maria, "baseline", {"units_sold": 5}, today=TODAY)
        cluster.tick()
        save_follow_up(b, w, maria, "baseline", {"units_sold": 6}, today=TODAY)
        save_rate(b, "HNL", "USD", "0.0405", dt.date(2026, 1, 1))
        cluster.gossip()
        for ctx in (a, b):
            rows = list_follow_ups(ctx)
            assert [(r.period, r.units_sold) for r in rows] == [("baseline", 6)]
            assert follow_up_schedule(ctx, w) == ("baseline", "month_6")
            assert [r.rate for r in list_rates(ctx)] == [Decimal("0.0405")]
        assert cluster.replicas[0].dump() == cluster.replicas[1].dump()
    finally:
        cluster.close()
