"""Attendance summaries: per session, per trainee, per workshop, all by the workshop's rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.domain.errors import NotFoundError
from otop_desktop.services import attendance, enrollments, trainees, workshops
from otop_desktop.services.attendance_summary import (
    SessionCounts,
    session_counts,
    trainee_rate,
    workshop_summary,
)
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import merge_trainees
from tests.helpers import new_context

DAY1 = dt.date(2026, 9, 1)
DAY2 = dt.date(2026, 9, 8)
DAY3 = dt.date(2026, 9, 15)
TODAY = dt.date(2026, 9, 9)  # sessions 1 and 2 held, session 3 still to come


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


def _setup(ctx: AppContext, **rule: object) -> tuple[str, list[str], list[str]]:
    w = workshops.create_workshop(ctx, title="Cerámica", min_attendance_rate=80, **rule)
    sessions = [workshops.add_session(ctx, w.id, d).id for d in (DAY1, DAY2, DAY3)]
    people = []
    for given, family in (("Ana", "Zúñiga"), ("Beto", "López"), ("Carla", "Díaz")):
        t = trainees.add_trainee(ctx, given_names=given, family_names=family)
        enrollments.enrol(ctx, w.id, t.id)
        people.append(t.id)
    ana, beto, carla = people
    s1, s2, _s3 = sessions
    for session_id, trainee_id, status in (
        (s1, ana, "present"),
        (s1, beto, "late"),
        (s1, carla, "excused"),
        (s2, ana, "present"),
        (s2, beto, "absent"),
    ):
        attendance.mark(ctx, session_id, trainee_id, status, today=TODAY)
    return w.id, sessions, people


def test_session_counts_by_status_and_by_the_default_rule(ctx: AppContext) -> None:
    _w, (s1, s2, s3), _people = _setup(ctx)
    assert session_counts(ctx, s1) == SessionCounts(
        present=1, late=1, excused=1, absent=0, unmarked=0, attended=2
    )
    assert session_counts(ctx, s2) == SessionCounts(present=1, absent=1, unmarked=1, attended=1)
    assert session_counts(ctx, s3) == SessionCounts(unmarked=3)


def test_workshop_summary_rates_per_session_and_per_trainee(ctx: AppContext) -> None:
    w, (s1, s2, s3), (ana, beto, carla) = _setup(ctx)
    summary = workshop_summary(ctx, w, today=TODAY)
    assert summary.held == {s1, s2}  # session 3 is to come: it counts for nobody yet
    assert [(s.session.id, s.rate) for s in summary.sessions] == [
        (s1, 2 / 3),
        (s2, 1 / 3),
        (s3, None),
    ]
    # Sorted by family name: Díaz, López, Zúñiga.
    assert [(t.trainee_id, t.name) for t in summary.trainees] == [
        (carla, "Carla Díaz"),
        (beto, "Beto López"),
        (ana, "Ana Zúñiga"),
    ]
    rates = {t.trainee_id: t.rate for t in summary.trainees}
    assert rates == {ana: 1.0, beto: 0.5, carla: 0.0}  # late counts, excused does not
    assert summary.trainees[0].statuses == {s1: "excused", s2: None, s3: None}
    assert summary.rate == 3 / 6
    assert summary.min_rate == 0.8
    assert [t.trainee_id for t in summary.below_minimum()] == [carla, beto]
    # A later day: session 3 is held too, and nobody attended it.
    later = workshop_summary(ctx, w, today=DAY3)
    assert {t.trainee_id: t.rate for t in later.trainees}[ana] == 2 / 3
    assert later.sessions[2].rate == 0.0


def test_the_workshops_rule_decides_what_counts(ctx: AppContext) -> None:
    w, (s1, _s2, _s3), (ana, beto, carla) = _setup(ctx, late_counts=False, excused_counts=True)
    summary = workshop_summary(ctx, w, today=TODAY)
    assert {t.trainee_id: t.rate for t in summary.trainees} == {ana: 1.0, beto: 0.0, carla: 0.5}
    assert session_counts(ctx, s1).attended == 2  # present + excused, not late
    assert trainee_rate(ctx, w, carla, today=TODAY) == 0.5


def test_a_session_with_marks_counts_as_held_whatever_the_date(ctx: AppContext) -> None:
    w, (s1, s2, _s3), (ana, _beto, _carla) = _setup(ctx)
    early = workshop_summary(ctx, w, today=DAY1 - dt.timedelta(days=30))
    assert early.held == {s1, s2}
    assert {t.trainee_id: t.rate for t in early.trainees}[ana] == 1.0


def test_summary_follows_merges_and_keeps_withdrawn_trainees_who_attended(
    ctx: AppContext,
) -> None:
    w, (s1, s2, _s3), (ana, beto, carla) = _setup(ctx)
    dup = trainees.add_trainee(ctx, given_names="Beto", family_names="Lopes").id
    enrollments.enrol(ctx, w, dup)
    attendance.mark(ctx, s2, dup, "present", today=TODAY)
    merge_trainees(ctx, beto, dup)
    enrollments.withdraw(ctx, w, carla)
    summary = workshop_summary(ctx, w, today=TODAY)
    assert [t.trainee_id for t in summary.trainees] == [carla, beto, ana]  # no duplicate
    assert summary.withdrawn == {carla}
    assert {t.trainee_id: t.rate for t in summary.trainees}[beto] == 1.0  # the better mark
    assert trainee_rate(ctx, w, dup, today=TODAY) == 1.0  # the duplicate's id: its survivor
    assert summary.sessions[1].counts == SessionCounts(present=2, unmarked=0, attended=2)
    assert session_counts(ctx, s2) == summary.sessions[1].counts  # page and summary agree
    assert session_counts(ctx, s1) == summary.sessions[0].counts


def test_summary_of_an_empty_or_unknown_workshop(ctx: AppContext) -> None:
    w = workshops.create_workshop(ctx, title="Vacío")
    summary = workshop_summary(ctx, w.id, today=TODAY)
    assert (summary.sessions, summary.trainees, summary.rate) == ([], [], None)
    assert trainee_rate(ctx, w.id, "nobody", today=TODAY) is None
    with pytest.raises(NotFoundError):
        workshop_summary(ctx, "nope")
