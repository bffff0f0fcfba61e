"""The attendance page's data: the roster of a session, mark all, clear a mark (no Qt)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.db.models import Attendance, Trainee
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.services import attendance, enrollments, trainees, workshops
from otop_desktop.services.attendance_sheet import clear_mark, mark_many, session_roster
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import merge_trainees, survivor_map
from tests.helpers import new_context

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


def _workshop(ctx: AppContext, **fields: object) -> tuple[str, str]:
    w = workshops.create_workshop(ctx, title="Bambú", country="HN", **fields)
    s = workshops.add_session(ctx, w.id, TODAY, hours=3, topic="Corte")
    return w.id, s.id


def _enrol(ctx: AppContext, workshop_id: str, **fields: object) -> str:
    t = trainees.add_trainee(ctx, **fields)
    enrollments.enrol(ctx, workshop_id, t.id)
    return t.id


def _changes(ctx: AppContext) -> list[tuple[str, int, dict[str, object]]]:
    with ctx.read() as session:
        rows = session.execute(
            select(ChangeLog.row_id, ChangeLog.cl, ChangeLog.payload)
            .where(ChangeLog.tbl == "attendance")
            .order_by(ChangeLog.seq)
        ).tuples()
        return [(r, cl, json.loads(p)) for r, cl, p in rows]


def test_roster_lists_enrolled_trainees_by_family_name_with_their_marks(ctx: AppContext) -> None:
    w, s = _workshop(ctx)
    lopez = _enrol(
        ctx, w, given_names="María Fernanda", family_names="López Reyes", phone="9876-5432"
    )
    alvarez = _enrol(ctx, w, given_names="José", family_names="Álvarez")
    chen = _enrol(ctx, w, chinese_name="陳美玲", given_names="Mei-ling", family_names="Chen")
    gone = _enrol(ctx, w, given_names="Ana", family_names="Zúñiga")
    enrollments.withdraw(ctx, w, gone)
    trainees.add_trainee(ctx, given_names="Not", family_names="Enrolled")
    attendance.mark(ctx, s, lopez, "late", "bus", today=TODAY)

    roster = session_roster(ctx, s)
    assert [line.trainee_id for line in roster.lines] == [alvarez, chen, lopez]
    by_id = {line.trainee_id: line for line in roster.lines}
    assert (by_id[lopez].status, by_id[lopez].note, by_id[lopez].phone) == (
        "late",
        "bus",
        "9876-5432",
    )
    assert by_id[lopez].name == "María Fernanda López Reyes"
    assert by_id[lopez].family_first == "López Reyes, María Fernanda"
    assert by_id[chen].name == "陳美玲 (Mei-ling Chen)"
    assert by_id[alvarez].status is None and by_id[alvarez].enrolled
    assert (roster.workshop_id, roster.workshop_title, roster.archived) == (w, "Bambú", False)
    assert roster.session.id == s and roster.session.topic == "Corte"
    assert roster.rule.late_counts and not roster.rule.excused_counts
    counts = roster.counts
    assert (counts.late, counts.unmarked, counts.attended, counts.total) == (1, 2, 1, 3)


def test_a_trainee_withdrawn_after_being_marked_stays_on_that_sessions_list(
    ctx: AppContext,
) -> None:
    w, s = _workshop(ctx)
    later = workshops.add_session(ctx, w, TODAY + dt.timedelta(days=1)).id
    t = _enrol(ctx, w, given_names="Ana", family_names="Zúñiga")
    attendance.mark(ctx, s, t, "present", today=TODAY)
    enrollments.withdraw(ctx, w, t)
    [line] = session_roster(ctx, s).lines
    assert (line.trainee_id, line.status, line.enrolled) == (t, "present", False)
    assert session_roster(ctx, later).lines == []
    trainees.delete_trainee(ctx, t)
    assert session_roster(ctx, s).lines == []  # a deleted trainee is on no list


def test_roster_follows_merges_and_shows_the_better_mark(ctx: AppContext) -> None:
    w, s = _workshop(ctx)
    keep = _enrol(ctx, w, given_names="María", family_names="López")
    drop = _enrol(ctx, w, given_names="Maria", family_names="Lopez")
    only_dup = trainees.add_trainee(ctx, given_names="Pedro", family_names="Ruiz").id
    dup = _enrol(ctx, w, given_names="Pedro", family_names="Ruis")
    attendance.mark(ctx, s, keep, "absent", today=TODAY)
    attendance.mark(ctx, s, drop, "late", "tarde", today=TODAY)
    merge_trainees(ctx, keep, drop)
    merge_trainees(ctx, only_dup, dup)  # the survivor is enrolled only through its duplicate
    lines = session_roster(ctx, s).lines
    assert [(line.trainee_id, line.status) for line in lines] == [(keep, "late"), (only_dup, None)]
    assert lines[0].note == "tarde"
    assert attendance.marks_for_session(ctx, s)[keep].status == "late"  # the same rule


def test_survivors_read_locally_agree_with_the_survivor_map(ctx: AppContext) -> None:
    # Random merge graphs with chains, cycles (opposite concurrent merges) and links to
    # trainees this laptop has not received: the page's local walk finds the same survivors.
    ids = [trainees.add_trainee(ctx, given_names=f"T{i}").id for i in range(40)]
    rng = random.Random(3)
    for _round in range(4):
        with ctx.unit_of_work() as session:
            for trainee_id in ids:
                row = session.get(Trainee, trainee_id)
                assert row is not None
                pick = rng.random()
                row.merged_into = (
                    None
                    if pick < 0.5
                    else rng.choice(ids)
                    if pick < 0.9
                    else "00000000-0000-0000-0000-00000000dead"
                )
        with ctx.read() as session:
            expected = survivor_map(session)
            _rows, finals = attendance.trainees_with_survivors(session, ids[:7])
            for trainee_id in ids[:7]:
                assert finals.get(trainee_id, trainee_id) == expected.get(trainee_id, trainee_id)


def test_mark_all_present_writes_only_the_unmarked_in_one_change_each(ctx: AppContext) -> None:
    w, s = _workshop(ctx)
    people = [_enrol(ctx, w, given_names=f"Persona {i}") for i in range(5)]
    attendance.mark(ctx, s, people[0], "absent", today=TODAY)
    before = len(_changes(ctx))
    assert mark_many(ctx, s, people, "present", today=TODAY) == 4
    changes = _changes(ctx)[before:]
    assert sorted(r for r, _cl, _p in changes) == sorted(
        attendance.attendance_id(s, t) for t in people[1:]
    )
    assert all(p["status"] == "present" for _r, _cl, p in changes)
    statuses = {line.trainee_id: line.status for line in session_roster(ctx, s).lines}
    assert statuses == {people[0]: "absent", **{t: "present" for t in people[1:]}}
    assert mark_many(ctx, s, people, "present", today=TODAY) == 0  # nothing left unmarked
    assert len(_changes(ctx)) == before + 4
    # All of them: only the one that differs changes.
    assert mark_many(ctx, s, people, "present", only_unmarked=False, today=TODAY) == 1
    assert session_roster(ctx, s).counts.present == 5
    assert len(_changes(ctx)) == before + 5


def test_mark_many_refuses_bad_input_and_writes_nothing(ctx: AppContext) -> None:
    w, s = _workshop(ctx)
    ok = _enrol(ctx, w, given_names="Ana")
    stranger = trainees.add_trainee(ctx, given_names="Luis", family_names="Sin Inscribir").id
    before = len(_changes(ctx))
    with pytest.raises(ValidationError, match="Luis Sin Inscribir is not enrolled"):
        mark_many(ctx, s, [ok, stranger], "present", today=TODAY)
    with pytest.raises(NotFoundError):
        mark_many(ctx, s, [ok, "no-such-id"], "present", today=TODAY)
    with pytest.raises(ValidationError, match="Unknown attendance status"):
        mark_many(ctx, s, [ok], "maybe", today=TODAY)
    future = workshops.add_session(ctx, w, TODAY + dt.timedelta(days=5)).id
    with pytest.raises(ValidationError, match="in the future"):
        mark_many(ctx, future, [ok], "present", today=TODAY)
    workshops.set_archived(ctx, w, True)
    with pytest.raises(ValidationError, match="archived"):
        mark_many(ctx, s, [ok], "present", today=TODAY)
    assert len(_changes(ctx)) == before
    assert session_roster(ctx, s).archived


def test_clear_mark_tombstones_the_mark_as_one_change(ctx: AppContext) -> None:
    w, s = _workshop(ctx)
    t = _enrol(ctx, w, given_names="Ana")
    attendance.mark(ctx, s, t, "present", today=TODAY)
    clear_mark(ctx, s, t)
    assert session_roster(ctx, s).lines[0].status is None
    row_id, cl, _payload = _changes(ctx)[-1]
    assert (row_id, cl) == (attendance.attendance_id(s, t), 2)
    count = len(_changes(ctx))
    clear_mark(ctx, s, t)  # nothing to clear: nothing written
    assert len(_changes(ctx)) == count
    attendance.mark(ctx, s, t, "late", today=TODAY)  # marking again revives the same row
    assert session_roster(ctx, s).lines[0].status == "late"
    assert _changes(ctx)[-1][:2] == (attendance.attendance_id(s, t), 3)
    workshops.set_archived(ctx, w, True)
    with pytest.raises(ValidationError, match="archived"):
        clear_mark(ctx, s, t)


def test_marking_a_merged_person_replaces_the_duplicates_mark(ctx: AppContext) -> None:
    w, s = _workshop(ctx)
    keep = _enrol(ctx, w, given_names="María", family_names="López")
    drop = _enrol(ctx, w, given_names="Maria", family_names="Lopez")
    attendance.mark(ctx, s, drop, "present", today=TODAY)
    merge_trainees(ctx, keep, drop)
    # The page shows the survivor "present"; the trainer corrects it: the correction shows.
    attendance.mark(ctx, s, keep, "absent", today=TODAY)
    assert [line.status for line in session_roster(ctx, s).lines] == ["absent"]
    mark_many(ctx, s, [keep], "excused", only_unmarked=False, today=TODAY)
    assert [line.status for line in session_roster(ctx, s).lines] == ["excused"]
    attendance.mark(ctx, s, drop, "late", today=TODAY)
    clear_mark(ctx, s, keep)  # clears the person, under whichever record
    assert [line.status for line in session_roster(ctx, s).lines] == [None]
    with ctx.read() as session:
        live = session.scalar(
            select(func.count()).where(Attendance.session_id == s, Attendance.cl % 2 == 1)
        )
    assert live == 0


def test_roster_of_an_unknown_or_deleted_session(ctx: AppContext) -> None:
    _w, s = _workshop(ctx)
    with pytest.raises(NotFoundError):
        session_roster(ctx, "nope")
    workshops.delete_session(ctx, s)
    with pytest.raises(NotFoundError):
        session_roster(ctx, s)
