"""Merging duplicate trainees: one synced change, undoable, and the lists follow it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.db.models import Trainee
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.services import attendance, enrollments, sync_review, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import (
    merge_trainees,
    survivor_map,
    trainee_ids_of,
    unmerge_trainee,
)
from otop_desktop.sync import crypto
from tests.helpers import new_context
from tests.sync.sync_harness import Cluster

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


def _pair(ctx: AppContext) -> tuple[trainees.TraineeInfo, trainees.TraineeInfo]:
    keep = trainees.add_trainee(ctx, given_names="María", family_names="López", town="Comayagua")
    drop = trainees.add_trainee(
        ctx,
        given_names="Maria",
        family_names="Lopez Reyes",
        phone="9876-5432",
        birth_year=1985,
        town="Rabinal",
        consent_photos=True,
    )
    return keep, drop


def test_merge_fills_only_empty_fields_and_hides_the_duplicate(ctx: AppContext) -> None:
    keep, drop = _pair(ctx)
    survivor = merge_trainees(ctx, keep.id, drop.id)
    assert (survivor.phone, survivor.birth_year) == ("9876-5432", 1985)
    assert (survivor.family_names, survivor.town) == ("López", "Comayagua")  # not overwritten
    assert survivor.consent_photos is False  # a "no" is an answer, not a gap
    assert [t.id for t in trainees.search_trainees(ctx, "lopez")] == [keep.id]
    with ctx.read() as session:
        row = session.get(Trainee, drop.id)
        assert row is not None and row.alive and row.merged_into == keep.id  # nothing deleted


def test_merge_refusals(ctx: AppContext) -> None:
    keep, drop = _pair(ctx)
    third = trainees.add_trainee(ctx, given_names="Ana")
    with pytest.raises(ValidationError, match="itself"):
        merge_trainees(ctx, keep.id, keep.id)
    with pytest.raises(NotFoundError):
        merge_trainees(ctx, keep.id, "nope")
    trainees.delete_trainee(ctx, third.id)
    with pytest.raises(NotFoundError):
        merge_trainees(ctx, third.id, drop.id)
    merge_trainees(ctx, keep.id, drop.id)
    with pytest.raises(ValidationError, match="each point at the other"):
        merge_trainees(ctx, drop.id, keep.id)
    other = trainees.add_trainee(ctx, given_names="Rosa")
    with pytest.raises(ValidationError, match="already merged"):
        merge_trainees(ctx, other.id, drop.id)
    with pytest.raises(ValidationError, match="already merged"):
        merge_trainees(ctx, drop.id, other.id)


def test_unmerge_undoes_the_merge_but_not_later_edits(ctx: AppContext) -> None:
    keep, drop = _pair(ctx)
    merge_trainees(ctx, keep.id, drop.id)
    trainees.edit_trainee(ctx, keep.id, birth_year=1986)  # edited after the merge: kept
    back = unmerge_trainee(ctx, drop.id)
    assert back.merged_into is None
    survivor = trainees.get_trainee(ctx, keep.id)
    assert (survivor.phone, survivor.birth_year) == (None, 1986)
    assert sorted(t.id for t in trainees.search_trainees(ctx, "lopez")) == sorted(
        [keep.id, drop.id]
    )
    with pytest.raises(ValidationError, match="not merged"):
        unmerge_trainee(ctx, drop.id)


def _merge_raw(ctx: AppContext, drop: str, keep: str) -> None:
    """A merge as another laptop's bundle may deliver it (no checks)."""
    with ctx.unit_of_work() as session:
        row = session.get(Trainee, drop)
        assert row is not None
        row.merged_into = keep


def test_survivor_map_follows_chains_and_breaks_cycles(ctx: AppContext) -> None:
    a, b, c, d = (trainees.add_trainee(ctx, given_names=n).id for n in "ABCD")
    _merge_raw(ctx, a, b)
    _merge_raw(ctx, b, c)
    _merge_raw(ctx, d, "not-here-yet")  # its survivor has not arrived: d stays itself
    with ctx.read() as session:
        assert survivor_map(session) == {a: c, b: c}
        assert trainee_ids_of(session, c) == sorted([a, b, c])
        assert trainee_ids_of(session, a) == sorted([a, b, c])
        assert trainee_ids_of(session, d) == [d]
    _merge_raw(ctx, c, a)  # a cycle, as two laptops merging concurrently can leave
    with ctx.read() as session:
        mapping = survivor_map(session)
    winner = min(a, b, c)
    assert mapping == {x: winner for x in (a, b, c) if x != winner}
    # Merging into the cycle's survivor makes the repair explicit.
    e = trainees.add_trainee(ctx, given_names="E").id
    merge_trainees(ctx, winner, e)
    assert trainees.get_trainee(ctx, winner).merged_into is None


def _workshop(ctx: AppContext) -> tuple[str, str, str]:
    w = workshops.create_workshop(ctx, title="Bambú", country="HN")
    s1 = workshops.add_session(ctx, w.id, "2026-09-01", hours=3)
    s2 = workshops.add_session(ctx, w.id, "2026-09-01", hours=3)
    return w.id, s1.id, s2.id


def test_lists_follow_merges(ctx: AppContext) -> None:
    keep, drop = _pair(ctx)
    w, s1, s2 = _workshop(ctx)
    enrollments.enrol(ctx, w, keep.id)
    enrollments.enrol(ctx, w, drop.id)
    attendance.mark(ctx, s1, keep.id, "absent", today=TODAY)
    attendance.mark(ctx, s1, drop.id, "late", today=TODAY)
    attendance.mark(ctx, s2, drop.id, "present", today=TODAY)
    [before] = workshops.list_workshops(ctx)
    assert (before.trainee_count, before.attendance_rate) == (2, 2 / 3)
    merge_trainees(ctx, keep.id, drop.id)
    assert [e.trainee.id for e in enrollments.list_enrolled(ctx, w)] == [keep.id]
    marks = attendance.marks_for_session(ctx, s1)
    assert list(marks) == [keep.id] and marks[keep.id].status == "late"  # the better mark
    assert attendance.marks_for_session(ctx, s2)[keep.id].status == "present"
    [after] = workshops.list_workshops(ctx)
    assert (after.trainee_count, after.attendance_rate) == (1, 1.0)
    unmerge_trainee(ctx, drop.id)
    [undone] = workshops.list_workshops(ctx)
    assert (undone.trainee_count, undone.attendance_rate) == (2, 2 / 3)


def test_the_survivor_acts_for_its_duplicates_enrolment(ctx: AppContext) -> None:
    keep, drop = _pair(ctx)
    w, s1, _s2 = _workshop(ctx)
    enrollments.enrol(ctx, w, drop.id)
    merge_trainees(ctx, keep.id, drop.id)
    assert enrollments.is_enrolled(ctx, w, keep.id)
    [shown] = enrollments.list_enrolled(ctx, w)
    assert shown.trainee.id == keep.id and shown.status == "enrolled"
    attendance.mark(ctx, s1, keep.id, "present", today=TODAY)
    assert attendance.marks_for_session(ctx, s1)[keep.id].status == "present"
    enrollments.withdraw(ctx, w, keep.id)
    assert enrollments.list_enrolled(ctx, w) == []
    assert not enrollments.is_enrolled(ctx, w, keep.id)


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)
    c = Cluster(tmp_path, 2)
    yield c
    c.close()


def test_a_merge_syncs_and_so_does_its_undo(cluster: Cluster) -> None:
    a, b = cluster.replicas
    keep, drop = _pair(a.ctx)
    cluster.deliver(cluster.export(0), 1)
    cluster.tick()
    merge_trainees(a.ctx, keep.id, drop.id)
    cluster.deliver(cluster.export(0), 1)
    with b.ctx.read() as session:
        assert survivor_map(session) == {drop.id: keep.id}
    assert trainees.get_trainee(b.ctx, keep.id).phone == "9876-5432"
    assert a.dump() == b.dump()
    cluster.tick()
    unmerge_trainee(b.ctx, drop.id)
    cluster.deliver(cluster.export(1), 0)
    with a.ctx.read() as session:
        assert survivor_map(session) == {}
    assert a.dump() == b.dump()


def test_concurrent_opposite_merges_converge_on_one_survivor(cluster: Cluster) -> None:
    a, b = cluster.replicas
    one, two = _pair(a.ctx)
    cluster.deliver(cluster.export(0), 1)
    cluster.tick()
    merge_trainees(a.ctx, one.id, two.id)  # laptop A: two into one
    merge_trainees(b.ctx, two.id, one.id)  # laptop B, offline: one into two
    cluster.gossip()
    maps = []
    for replica in cluster.replicas:
        with replica.ctx.read() as session:
            maps.append(survivor_map(session))
    winner = min(one.id, two.id)
    loser = max(one.id, two.id)
    assert maps[0] == maps[1] == {loser: winner}
    assert a.dump() == b.dump()
    assert trainee_ids_of_both(cluster, winner) == [sorted([one.id, two.id])] * 2
    # The import settled the cycle: the survivor is unmerged again, so lists show it, and the
    # two laptops' identical repairs raised no conflict.
    for replica in cluster.replicas:
        listed = [t.id for t in trainees.search_trainees(replica.ctx)]
        assert listed.count(winner) == 1 and loser not in listed
        assert sync_review.open_conflicts(replica.ctx) == []


def trainee_ids_of_both(cluster: Cluster, trainee_id: str) -> list[list[str]]:
    result = []
    for replica in cluster.replicas:
        with replica.ctx.read() as session:
            result.append(trainee_ids_of(session, trainee_id))
    return result


def test_enrol_many_is_one_transaction(ctx: AppContext) -> None:
    # Proves: enrolling several trainees is all or nothing (an unknown id refuses them all),
    # a trainee chosen twice counts once, and withdrawing counts only those enrolled.
    workshop = workshops.create_workshop(ctx, title="Cerámica").id
    a = trainees.add_trainee(ctx, given_names="Ana").id
    b = trainees.add_trainee(ctx, given_names="Rosa").id
    with pytest.raises(NotFoundError):
        enrollments.enrol_many(ctx, workshop, [a, "no-such-trainee"])
    assert not enrollments.is_enrolled(ctx, workshop, a)
    assert enrollments.enrol_many(ctx, workshop, [a, b, a]) == 2
    assert enrollments.enrol_many(ctx, workshop, [a]) == 0
    assert enrollments.withdraw_many(ctx, workshop, [a]) == 1
    assert enrollments.withdraw_many(ctx, workshop, [a]) == 0
    assert enrollments.enrol_many(ctx, workshop, [a]) == 1
