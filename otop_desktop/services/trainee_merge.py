"""Merging duplicate trainees: nothing is deleted, the duplicate points at its survivor.

A merge sets `merged_into` on the duplicate (one synced change) and fills the survivor's empty
fields from it. Enrolments, attendance marks and photos are never rewritten: the queries that
list them follow `survivor_map`, so undoing a merge is one change too, and a merge made on one
laptop while another laptop marks the duplicate's attendance loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.db.models import Trainee
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.merge_links import follow_links
from otop_desktop.i18n import _
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.duplicates import DuplicateIndex
from otop_desktop.services.trainees import TRAINEE_FIELDS, TraineeInfo, trainee_info

# Fields a merge copies into the survivor when the survivor has none; consents are not copied
# (a "no" is an answer, not a gap) and neither are notes (they are about one record).
FILLED_FIELDS = tuple(
    f for f in TRAINEE_FIELDS if f not in ("consent_data", "consent_photos", "notes")
)


def _name(t: Trainee) -> str:
    return trainee_info(t).display_name or t.id


def survivor_map(session: Session) -> dict[str, str]:
    """Merged trainee id -> the id of the trainee it finally belongs to (chains followed).

    Two laptops merging A into B and B into A at the same time leave a cycle; every laptop then
    picks the smallest id of the cycle as its survivor, so all agree without talking.
    """
    target = aliased(Trainee)
    # Only links to a trainee this laptop has: until the survivor's row arrives, the duplicate
    # stays visible rather than vanishing into an unknown id.
    links: dict[str, str] = {
        merged: into
        for merged, into in session.execute(
            select(Trainee.id, Trainee.merged_into)
            .join(target, target.id == Trainee.merged_into)
            # A range (every id is > ''), not IS NOT NULL: SQLite then reads only the few merged
            # rows through ix_trainee_merged_into instead of scanning every trainee.
            .where(Trainee.merged_into > "", Trainee.merged_into != Trainee.id)
        ).tuples()
        if into is not None
    }
    return follow_links(links)


def settle_merge_cycles(session: Session) -> int:
    """Clear `merged_into` of each cycle's survivor; returns how many were cleared.

    Run after a bundle import: a cycle left by opposite concurrent merges would otherwise hide
    both trainees from every list that shows only unmerged ones. Every laptop picks the same
    survivor and writes the same value, so the edits agree and raise no conflict.
    """
    survivors = set(survivor_map(session).values())
    if not survivors:
        return 0
    target = aliased(Trainee)
    # A survivor still pointing at a trainee this laptop has is in a cycle; one pointing at a
    # trainee not received yet is not, and keeps its link.
    rows = session.scalars(
        select(Trainee)
        .join(target, target.id == Trainee.merged_into)
        .where(Trainee.id.in_(survivors))
    ).all()
    for trainee in rows:
        trainee.merged_into = None
    return len(rows)


def trainee_ids_of(session: Session, survivor_id: str) -> list[str]:
    """The survivor's id and the ids of every trainee merged into it, sorted."""
    mapping = survivor_map(session)
    final = mapping.get(survivor_id, survivor_id)
    return sorted({final, *(k for k, v in mapping.items() if v == final)})


def _check_merge(session: Session, survivor: Trainee, duplicate: Trainee) -> None:
    node: str | None = survivor.merged_into
    seen = {survivor.id}
    while node is not None and node not in seen:
        if node == duplicate.id:
            raise ValidationError(
                _(
                    "{survivor} is merged into {duplicate}: merging back would make each point "
                    "at the other. Undo the first merge instead."
                ).format(survivor=_name(survivor), duplicate=_name(duplicate))
            )
        seen.add(node)
        row = session.get(Trainee, node)
        node = row.merged_into if row is not None else None
    mapping = survivor_map(session)
    if survivor.id in mapping:
        raise ValidationError(
            _("{name} is already merged into another trainee; merge into that one instead.").format(
                name=_name(survivor)
            )
        )
    if duplicate.id in mapping:
        raise ValidationError(
            _("{name} is already merged into another trainee.").format(name=_name(duplicate))
        )


def merge_trainees(ctx: AppContext, survivor_id: str, duplicate_id: str) -> TraineeInfo:
    """Merge `duplicate_id` into `survivor_id`; returns the survivor as it is now."""
    if survivor_id == duplicate_id:
        raise ValidationError(_("A trainee cannot be merged into itself."))
    with ctx.unit_of_work() as session:
        survivor = get_live(session, Trainee, survivor_id, _("trainee"))
        duplicate = get_live(session, Trainee, duplicate_id, _("trainee"))
        _check_merge(session, survivor, duplicate)
        if survivor.merged_into is not None:
            # The survivor of a cycle left by two concurrent merges: make that explicit.
            survivor.merged_into = None
        for field in FILLED_FIELDS:
            value = getattr(duplicate, field)
            if getattr(survivor, field) in (None, "") and value not in (None, ""):
                setattr(survivor, field, value)
        duplicate.merged_into = survivor.id
        session.flush()
        return trainee_info(survivor)


def _filled_by_merge(session: Session, duplicate: Trainee) -> tuple[list[str], list[Any] | None]:
    """(fields, cell clock) of what the merge of `duplicate` copied into its survivor.

    The merge wrote the survivor and the duplicate in one flush, so their changes have
    consecutive seqs of the same replica.
    """
    clock = json.loads(duplicate.clocks or "{}").get("merged_into")
    if not clock:
        return [], None
    replica = clock[1]
    merge_seq = session.scalar(
        select(ChangeLog.seq).where(
            ChangeLog.replica_id == replica,
            ChangeLog.hlc == clock[0],
            ChangeLog.row_id == duplicate.id,
        )
    )
    if merge_seq is None:
        return [], None
    fill = session.scalar(
        select(ChangeLog).where(
            ChangeLog.replica_id == replica,
            ChangeLog.seq.in_((merge_seq - 1, merge_seq + 1)),
            ChangeLog.tbl == Trainee.__tablename__,
            ChangeLog.row_id == duplicate.merged_into,
        )
    )
    if fill is None:
        return [], None
    fields = [k for k in json.loads(fill.payload) if k in FILLED_FIELDS]
    return fields, [fill.hlc, replica]


def unmerge_trainee(ctx: AppContext, duplicate_id: str) -> TraineeInfo:
    """Undo a merge: the duplicate is a trainee of its own again; returns it.

    Fields the merge copied into the survivor are emptied again, unless edited since.
    """
    with ctx.unit_of_work() as session:
        duplicate = get_live(session, Trainee, duplicate_id, _("trainee"))
        if duplicate.merged_into is None:
            raise ValidationError(
                _("{name} is not merged into another trainee.").format(name=_name(duplicate))
            )
        filled, clock = _filled_by_merge(session, duplicate)
        survivor = session.get(Trainee, duplicate.merged_into)
        if survivor is not None and clock is not None:
            clocks = json.loads(survivor.clocks or "{}")
            for field in filled:
                if clocks.get(field, [None, None])[:2] == clock:  # not edited since
                    setattr(survivor, field, None)
        duplicate.merged_into = None
        session.flush()
        return trainee_info(duplicate)


def list_duplicate_pairs(
    ctx: AppContext,
    *,
    limit: int = 200,
    report: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[tuple[TraineeInfo, TraineeInfo, float, tuple[str, ...]]]:
    """Likely duplicate pairs among all live trainees, for a coordinator to review (best first).

    When `cancelled()` turns true, the pairs found so far are returned.
    """
    with ctx.read() as session:
        pairs = DuplicateIndex.load(session).pairs(report, cancelled)[:limit]
        result = []
        for a_id, b_id, score, reasons in pairs:
            a = session.get(Trainee, a_id)
            b = session.get(Trainee, b_id)
            if a is None or b is None:
                raise NotFoundError(_("trainee"), a_id if a is None else b_id)
            result.append((trainee_info(a), trainee_info(b), score, reasons))
        return result
