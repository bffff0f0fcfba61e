"""Known failures of other sync systems, each shown not to happen here (issue: sync bundles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from otop_desktop.db.local_models import ChangeLog, Conflict
from otop_desktop.services import backup, sync_review
from otop_desktop.services.context import open_context
from otop_desktop.sync import crypto
from otop_desktop.sync.hlc import MAX_AHEAD_MS, wall_ms_of
from tests.sync.sync_harness import (
    Cluster,
    add_photo,
    attendance,
    enrollments,
    seed_workshop,
    trainees,
)


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)


@pytest.fixture
def cluster(tmp_path: Path):
    c = Cluster(tmp_path, 3)
    yield c
    c.close()


def test_resending_a_bundle_makes_no_duplicates(cluster: Cluster) -> None:
    # getodk/collect#3517, kobotoolbox/kobocat#643: a re-sent submission became a second record.
    a, b = cluster.replicas[0], cluster.replicas[1]
    trainees.add_trainee(a.ctx, given_names="María", family_names="López")
    path = cluster.export(0)
    cluster.deliver(path, 1)
    copy = path.with_name("copy-of-" + path.name)
    copy.write_bytes(path.read_bytes())
    cluster.deliver(copy, 1)  # same file under another name
    again = cluster.export(0, full=True)  # the same changes in a new bundle
    cluster.deliver(again, 1)
    assert len(b.live_trainee_ids()) == 1
    assert a.dump() == b.dump()


def test_photo_rows_without_their_files_are_fetched_later(cluster: Cluster) -> None:
    # getodk/briefcase#887: records marked received whose files were never saved, never resent.
    a, b = cluster.replicas[0], cluster.replicas[1]
    add_photo(a, b"cantaro")
    light = cluster.export(0, photos=False)  # small enough for e-mail
    cluster.deliver(light, 1)
    assert json.loads(b.dump())["photo_files"] == []
    report = sync_review.known_laptops(b.ctx)
    assert report
    cluster.deliver(cluster.export(1), 0)  # b tells a which photos it lacks
    cluster.deliver(cluster.export(0), 1)  # a's next ordinary bundle carries them
    assert json.loads(b.dump())["photo_files"] == json.loads(a.dump())["photo_files"] != []


def test_relays_keep_the_original_replica_and_seq(cluster: Cluster) -> None:
    # A relay must not re-stamp others' changes as its own: A -> coordinator -> B.
    a, coordinator, b = cluster.replicas
    cluster.deliver(cluster.export(2), 1)  # b is known to the coordinator
    t = trainees.add_trainee(a.ctx, given_names="Luis")
    trainees.edit_trainee(a.ctx, t.id, phone="9876-5432")
    cluster.deliver(cluster.export(0), 1)
    cluster.deliver(cluster.export(1), 2)  # an ordinary (not full) bundle
    with a.ctx.read() as s:
        original = [
            (c.replica_id, c.seq, c.hlc, c.payload)
            for c in s.scalars(
                select(ChangeLog).where(ChangeLog.row_id == t.id).order_by(ChangeLog.seq)
            )
        ]
    with b.ctx.read() as s:
        relayed = [
            (c.replica_id, c.seq, c.hlc, c.payload)
            for c in s.scalars(
                select(ChangeLog).where(ChangeLog.row_id == t.id).order_by(ChangeLog.seq)
            )
        ]
    assert relayed == original
    assert trainees.get_trainee(b.ctx, t.id).phone == "9876-5432"


def test_a_laptop_with_its_clock_in_2030_does_not_win_every_edit(cluster: Cluster) -> None:
    a, b = cluster.replicas[0], cluster.replicas[1]
    t = trainees.add_trainee(a.ctx, given_names="Rosa", phone="1111-1111")
    cluster.deliver(cluster.export(0), 1)
    b.offset_ms[0] = 4 * 365 * 86_400_000  # b's battery died, its clock says 2030
    trainees.edit_trainee(b.ctx, t.id, phone="2222-2222")
    path = cluster.export(1)
    cluster.deliver(path, 0)
    report = cluster.replicas[0]
    assert trainees.get_trainee(report.ctx, t.id).phone == "2222-2222"
    # a's own clock did not follow b's into the future ...
    assert wall_ms_of(a.ctx.sync.clock.last) <= cluster.now[0] + MAX_AHEAD_MS
    # ... yet a's later correction wins everywhere, because it was made after seeing b's value.
    cluster.tick(60_000)
    trainees.edit_trainee(a.ctx, t.id, phone="3333-3333")
    cluster.deliver(cluster.export(0), 1)
    assert trainees.get_trainee(b.ctx, t.id).phone == "3333-3333"
    assert a.dump() == b.dump()


def test_changes_from_the_future_are_flagged_in_the_report(cluster: Cluster) -> None:
    from otop_desktop.services.sync_bundles import import_bundle

    a, b = cluster.replicas[0], cluster.replicas[1]
    b.offset_ms[0] = 4 * 365 * 86_400_000
    trainees.add_trainee(b.ctx, given_names="Futuro")
    report = import_bundle(a.ctx, cluster.export(1))
    assert report.stats.future == {_replica(b): 1}
    assert "future" in sync_review.describe_import(report)


def _replica(replica) -> str:
    return sync_review.known_laptops(replica.ctx)[0].replica_id


def test_an_old_bundle_does_not_bring_a_deleted_record_back(cluster: Cluster) -> None:
    a, c = cluster.replicas[0], cluster.replicas[2]
    t = trainees.add_trainee(a.ctx, given_names="Óscar")
    old = cluster.export(0, full=True)
    trainees.delete_trainee(a.ctx, t.id)
    new = cluster.export(0, full=True)
    cluster.deliver(new, 2)
    cluster.deliver(old, 2)
    assert t.id not in c.live_trainee_ids()
    assert a.dump() == c.dump()


def test_two_laptops_marking_the_same_attendance_make_one_row(cluster: Cluster) -> None:
    a, b = cluster.replicas[0], cluster.replicas[1]
    workshop_id, session_id = seed_workshop(a)
    t = trainees.add_trainee(a.ctx, given_names="Wendy")
    enrollments.enrol(a.ctx, workshop_id, t.id)
    cluster.deliver(cluster.export(0), 1)
    attendance.mark(a.ctx, session_id, t.id, "present", today=None)
    cluster.tick()
    attendance.mark(b.ctx, session_id, t.id, "late")
    cluster.deliver(cluster.export(0), 1)
    cluster.deliver(cluster.export(1), 0)
    marks = json.loads(a.dump())["attendance"]
    assert len(marks) == 1 and marks[0]["status"] == "late"
    assert a.dump() == b.dump()


def test_concurrent_edits_of_one_field_go_to_the_conflict_log(cluster: Cluster) -> None:
    a, b = cluster.replicas[0], cluster.replicas[1]
    t = trainees.add_trainee(a.ctx, given_names="Karla")
    cluster.deliver(cluster.export(0), 1)
    trainees.edit_trainee(a.ctx, t.id, phone="1234-5678")
    cluster.tick()
    trainees.edit_trainee(b.ctx, t.id, phone="8765-4321")
    cluster.deliver(cluster.export(1), 0)
    [conflict] = sync_review.open_conflicts(a.ctx)
    assert (conflict.kept_value, conflict.lost_value) == ("8765-4321", "1234-5678")
    assert conflict.kept_laptop == "laptop-1"
    # Keeping the other value is an ordinary edit, and it syncs.
    sync_review.resolve_conflict(a.ctx, conflict.id, keep="lost")
    assert sync_review.open_conflicts(a.ctx) == []
    cluster.deliver(cluster.export(0), 1)
    assert trainees.get_trainee(b.ctx, t.id).phone == "1234-5678"
    assert a.dump() == b.dump()


def test_sequential_edits_are_not_conflicts(cluster: Cluster) -> None:
    a, b = cluster.replicas[0], cluster.replicas[1]
    t = trainees.add_trainee(a.ctx, given_names="Karla", phone="1111-1111")
    cluster.deliver(cluster.export(0), 1)
    trainees.edit_trainee(b.ctx, t.id, phone="2222-2222")  # b saw a's value, then changed it
    cluster.deliver(cluster.export(1), 0)
    with a.ctx.read() as s:
        assert s.scalars(select(Conflict)).all() == []


def test_a_gap_is_applied_and_reported(cluster: Cluster) -> None:
    from otop_desktop.services.sync_bundles import import_bundle

    a, b = cluster.replicas[0], cluster.replicas[1]
    first = trainees.add_trainee(a.ctx, given_names="Primero")
    cluster.deliver(cluster.export(0), 2)  # c has seen a's first change
    cluster.deliver(cluster.export(2), 0)  # a learns what c has
    second = trainees.add_trainee(a.ctx, given_names="Segundo")
    incremental = cluster.export(0)  # only what c lacks
    report = import_bundle(b.ctx, incremental)  # b never had the first one
    assert second.id in b.live_trainee_ids() and first.id not in b.live_trainee_ids()
    assert report.missing
    assert "missing" in sync_review.describe_import(report)


@pytest.mark.sqlite_only  # the backup is a zip of the SQLite file
def test_a_restored_backup_gets_a_new_replica_id(tmp_path: Path) -> None:
    # A restored laptop must not write as the id it had: the original may still be in use.
    c = Cluster(tmp_path / "c", 2)
    try:
        a = c.replicas[0]
        trainees.add_trainee(a.ctx, given_names="Reina")
        before = _replica(a)
        backup.write_backup(a.ctx, tmp_path / "a.otopbackup")
        a.ctx.close()
        new_id = backup.restore_backup(a.ctx.data_dir.root, tmp_path / "a.otopbackup")
        assert new_id != before
        ctx = open_context(a.ctx.data_dir.root)
        try:
            assert sync_review.known_laptops(ctx)[0].replica_id == new_id
            t = trainees.add_trainee(ctx, given_names="Después")
            with ctx.read() as s:
                change = s.scalars(select(ChangeLog).where(ChangeLog.row_id == t.id)).one()
            assert change.replica_id == new_id and change.seq == 1
        finally:
            ctx.close()
    finally:
        c.replicas[1].ctx.close()


def test_a_copied_data_dir_gets_a_new_replica_id(tmp_path: Path) -> None:
    from tests.engines import copy_data_dir

    c = Cluster(tmp_path / "c", 1)
    a = c.replicas[0]
    before = _replica(a)
    a.ctx.close()
    copy_data_dir(a.ctx.data_dir.root, tmp_path / "copy")  # with its database, on PostgreSQL
    ctx = open_context(tmp_path / "copy")
    try:
        assert sync_review.known_laptops(ctx)[0].replica_id != before
    finally:
        ctx.close()
    again = open_context(a.ctx.data_dir.root)
    try:
        assert sync_review.known_laptops(again)[0].replica_id == before
    finally:
        again.close()


def test_a_new_laptop_is_told_what_an_ordinary_bundle_lacks(cluster: Cluster) -> None:
    # A coordinator's ordinary bundle leaves out what every laptop it knows already has; a
    # laptop it has never heard of is told, and a full bundle completes it.
    from otop_desktop.services.sync_bundles import import_bundle

    a, coordinator, new = cluster.replicas
    trainees.add_trainee(a.ctx, given_names="Antes")
    cluster.deliver(cluster.export(0), 1)
    cluster.deliver(cluster.export(1), 0)
    trainees.add_trainee(coordinator.ctx, given_names="Coordinadora")
    report = import_bundle(new.ctx, cluster.export(1))
    assert report.missing
    cluster.deliver(cluster.export(1, full=True), 2)
    assert new.dump() == coordinator.dump()


def test_a_clock_set_back_by_a_dead_battery_is_noticed(cluster: Cluster) -> None:
    from otop_desktop.services.clock_check import clock_status

    a = cluster.replicas[0]
    trainees.add_trainee(a.ctx, given_names="Hoy")
    assert not clock_status(a.ctx).is_behind
    a.offset_ms[0] = -5 * 365 * 86_400_000  # the BIOS says 2021
    status = clock_status(a.ctx)
    assert status.is_behind and "2026" in status.message()


def test_the_import_report_can_be_saved(cluster: Cluster, tmp_path: Path) -> None:
    from otop_desktop.services.sync_bundles import import_bundle

    trainees.add_trainee(cluster.replicas[0].ctx, given_names="Informe")
    report = import_bundle(cluster.replicas[1].ctx, cluster.export(0))
    target = tmp_path / "report.txt"
    sync_review.save_import_reports([report], target)
    text = target.read_text(encoding="utf-8")
    assert "laptop-0" in text and "1 record created" in text


def test_a_typed_resolution_is_checked_like_the_form(cluster: Cluster) -> None:
    from otop_desktop.domain.errors import ValidationError

    a, b = cluster.replicas[0], cluster.replicas[1]
    t = trainees.add_trainee(a.ctx, given_names="Glenda")
    cluster.deliver(cluster.export(0), 1)
    trainees.edit_trainee(a.ctx, t.id, phone="1234-5678")
    trainees.edit_trainee(b.ctx, t.id, phone="8765-4321")
    cluster.deliver(cluster.export(1), 0)
    [conflict] = sync_review.open_conflicts(a.ctx)
    with pytest.raises(ValidationError):
        sync_review.resolve_conflict(a.ctx, conflict.id, value="not a phone")
    sync_review.resolve_conflict(a.ctx, conflict.id, value="")  # clearing is a choice too
    assert trainees.get_trainee(a.ctx, t.id).phone is None


def test_a_laptop_keeps_one_salt_so_receivers_derive_its_key_once(tmp_path: Path) -> None:
    # Proves: the key-derivation salt is per laptop, not per bundle, and survives restarts.
    from otop_desktop.sync import keys

    first = keys.bundle_salt(tmp_path / "keys")
    assert len(first) == 16 and keys.bundle_salt(tmp_path / "keys") == first
    assert keys.bundle_salt(tmp_path / "other") != first


def test_a_laptop_importing_its_own_bundle_learns_nothing_and_lists_itself_once(
    cluster: Cluster,
) -> None:
    a = cluster.replicas[0]
    trainees.add_trainee(a.ctx, given_names="Propia")
    before = a.dump()
    cluster.deliver(cluster.export(0), 0)
    assert a.dump() == before
    assert [lt.is_this_laptop for lt in sync_review.known_laptops(a.ctx)] == [True]


def test_a_laptop_named_in_anothers_bundle_is_not_listed_twice(cluster: Cluster) -> None:
    b = cluster.replicas[1]
    cluster.deliver(cluster.export(1), 0)  # a now knows b by name
    cluster.deliver(cluster.export(0), 1)  # a's bundle names b among the laptops it knows
    ids = [lt.replica_id for lt in sync_review.known_laptops(b.ctx)]
    assert len(ids) == len(set(ids)) == 2
