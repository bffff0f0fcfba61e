"""due_follow_up_counts: the status bar's counts agree with the lines due_follow_ups lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.services import enrollments, trainee_merge, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_up_due import DueCounts, due_follow_up_counts, due_follow_ups
from otop_desktop.services.follow_ups import save_follow_up
from tests.helpers import new_context

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


def _counted(ctx: AppContext, within_days: int) -> DueCounts:
    """What the lines say, counted by hand."""
    lines = due_follow_ups(ctx, today=TODAY, within_days=within_days)
    overdue = sum(1 for d in lines if d.overdue)
    return DueCounts(overdue, len(lines) - overdue)


def test_counts_match_the_lines(ctx: AppContext) -> None:
    # 5 Jan – 31 May 2026: baseline 5 Jan and +3 = 31 Aug overdue, +6 = 30 Nov due in 5 days.
    w = workshops.create_workshop(
        ctx,
        title="Bambú",
        country="HN",
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 5, 31),
    ).id
    maria = trainees.add_trainee(ctx, given_names="María Fernanda", family_names="López Reyes")
    mei = trainees.add_trainee(ctx, chinese_name="陳美玲")
    gone = trainees.add_trainee(ctx, given_names="Luis", family_names="Sic")
    trainer = trainees.add_trainee(ctx, given_names="Rosa", family_names="Mejía")
    for person in (maria, mei, gone):
        enrollments.enrol(ctx, w, person.id)
    enrollments.enrol(ctx, w, trainer.id, role="trainer")
    enrollments.withdraw(ctx, w, gone.id)
    save_follow_up(ctx, w, maria.id, "baseline", {"date": "2026-01-05"}, today=TODAY)

    # Maria: month_3 overdue, month_6 due; Mei: baseline, month_3 overdue, month_6 due.
    assert due_follow_up_counts(ctx, today=TODAY, within_days=7) == DueCounts(3, 2)
    assert due_follow_up_counts(ctx, today=TODAY, within_days=7) == _counted(ctx, 7)
    # Four days ahead: the 30 Nov ones are not due yet.
    assert due_follow_up_counts(ctx, today=TODAY, within_days=4) == DueCounts(3, 0)

    # A duplicate of Mei merged into her: still counted once, for the survivor.
    dup = trainees.add_trainee(ctx, chinese_name="陳美玲", phone="0912 345 678")
    enrollments.enrol(ctx, w, dup.id)
    trainee_merge.merge_trainees(ctx, mei.id, dup.id)
    assert due_follow_up_counts(ctx, today=TODAY) == _counted(ctx, 7) == DueCounts(3, 2)

    # A deleted trainee is not followed up.
    trainees.delete_trainee(ctx, maria.id)
    assert due_follow_up_counts(ctx, today=TODAY) == _counted(ctx, 7) == DueCounts(2, 1)


def test_no_workshop_no_counts(ctx: AppContext) -> None:
    assert due_follow_up_counts(ctx, today=TODAY) == DueCounts(0, 0)
