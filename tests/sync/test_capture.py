"""Change capture: every edit is one change, in the same transaction, and nothing escapes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from otop_desktop.db.local_models import ChangeLog, ReplicaState
from otop_desktop.db.models import Trainee
from otop_desktop.domain.errors import CaptureError
from otop_desktop.services import trainees
from otop_desktop.sync.capture import SyncContext
from otop_desktop.sync.hlc import HybridClock, pack
from tests.helpers import new_context


def _changes(ctx, row_id: str) -> list[ChangeLog]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(ChangeLog).where(ChangeLog.row_id == row_id).order_by(ChangeLog.seq)
            )
        )


def test_two_edits_of_one_trainee_are_two_changes_with_rising_seq_and_hlc(tmp_path: Path) -> None:
    # Proves: each edit is one change carrying only its changed columns, with seq and HLC rising,
    # and a delete raises the causal length to an even number.
    ctx = new_context(tmp_path)
    t = trainees.add_trainee(ctx, given_names="María", family_names="López Reyes")
    trainees.edit_trainee(ctx, t.id, phone="9876-5432")
    trainees.edit_trainee(ctx, t.id, phone="9876-0000", town="Comayagua")
    changes = _changes(ctx, t.id)
    assert [json.loads(c.payload) for c in changes[1:]] == [
        {"phone": "9876-5432"},
        {"phone": "9876-0000", "town": "Comayagua"},
    ]
    seqs = [c.seq for c in changes]
    hlcs = [c.hlc for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3 and seqs[1] == seqs[0] + 1
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == 3
    assert all(c.cl == 1 for c in changes)

    trainees.delete_trainee(ctx, t.id)
    last = _changes(ctx, t.id)[-1]
    assert last.cl == 2 and json.loads(last.payload) == {}
    with ctx.read() as session:
        assert session.get(Trainee, t.id).cl == 2


def test_saving_an_unchanged_value_writes_no_change(tmp_path: Path) -> None:
    # Proves: a save that changes nothing does not fill the change log (and bundles) with noise.
    ctx = new_context(tmp_path)
    t = trainees.add_trainee(ctx, given_names="Ana", phone="9999-1111")
    trainees.edit_trainee(ctx, t.id, phone="9999-1111")
    assert len(_changes(ctx, t.id)) == 1


def test_an_orm_edit_outside_the_services_is_captured_too(tmp_path: Path) -> None:
    # Proves: capture hangs on SQLAlchemy's Session itself, not on our service functions.
    ctx = new_context(tmp_path)
    t = trainees.add_trainee(ctx, given_names="Luis")
    with Session(ctx.engine) as session:
        row = session.get(Trainee, t.id)
        row.email = "luis@example.org"
        session.commit()
    assert json.loads(_changes(ctx, t.id)[-1].payload) == {"email": "luis@example.org"}


def test_bulk_writes_and_hard_deletes_are_refused(tmp_path: Path) -> None:
    # Proves: the ways around capture that SQLAlchemy offers are closed, and leave nothing.
    ctx = new_context(tmp_path)
    t = trainees.add_trainee(ctx, given_names="Rosa")
    with pytest.raises(CaptureError), ctx.unit_of_work() as session:
        session.execute(update(Trainee).values(town="X"))
    with pytest.raises(CaptureError), ctx.unit_of_work() as session:
        session.execute(update(Trainee.__table__).values(town="X"))
    with pytest.raises(CaptureError), ctx.unit_of_work() as session:
        session.delete(session.get(Trainee, t.id))
    assert trainees.get_trainee(ctx, t.id).town is None


def test_change_and_edit_share_one_transaction(tmp_path: Path) -> None:
    # Proves: an edit that fails after its flush leaves neither the edit nor its change behind.
    ctx = new_context(tmp_path)
    t = trainees.add_trainee(ctx, given_names="Iris")
    before = len(_changes(ctx, t.id))
    with pytest.raises(RuntimeError), ctx.unit_of_work() as session:
        session.get(Trainee, t.id).town = "Rabinal"
        session.flush()
        raise RuntimeError("power cut")
    assert len(_changes(ctx, t.id)) == before
    assert trainees.get_trainee(ctx, t.id).town is None
    with ctx.read() as session:
        state = session.get(ReplicaState, 1)
        assert state.last_seq == max(c.seq for c in _changes(ctx, t.id))


def test_an_edit_after_a_future_stamped_value_still_wins(tmp_path: Path) -> None:
    # Proves: a value stamped by a laptop whose clock is in 2030 is not unbeatable: an edit made
    # after seeing it is stamped later than it, although our clock stays near real time.
    wall = [pack(1_790_000_000_000) >> 16]
    ctx = new_context(tmp_path, sync=SyncContext(clock=HybridClock(lambda: wall[0])))
    t = trainees.add_trainee(ctx, given_names="Marta", phone="1111-2222")
    future = pack(1_900_000_000_000)
    with Session(ctx.engine) as session:
        row = session.get(Trainee, t.id)
        clocks = json.loads(row.clocks)
        clocks["phone"] = [future, "zzzz"]
        # Simulates what the merge stores for a change from a laptop with its clock years ahead.
        session.execute(
            text("UPDATE trainee SET clocks = :clocks WHERE id = :id"),
            {"clocks": json.dumps(clocks), "id": t.id},
        )
        session.commit()
    trainees.edit_trainee(ctx, t.id, phone="3333-4444")
    last = _changes(ctx, t.id)[-1]
    assert last.hlc > future
    assert ctx.sync.clock.last < future  # the clock itself did not jump to 2030
