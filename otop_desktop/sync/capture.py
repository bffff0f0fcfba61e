"""Change capture: every write of a synced row through an ORM session becomes one change.

The listeners are installed on SQLAlchemy's Session class, so any session, not only the services'
ones, captures its edits: in the same flush, and so the same transaction, as the edit itself, it
stamps the edited cells with a hybrid logical clock, takes the next gapless seq of this replica
and appends the change to `change_log`. Writes that would bypass this (bulk UPDATE/DELETE/INSERT
statements on synced tables, hard deletes) are refused.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from otop_desktop.db.local_models import ChangeLog, ReplicaState
from otop_desktop.db.models import MODEL_BY_TABLE, SyncedRow, data_columns
from otop_desktop.db.types import to_wire
from otop_desktop.domain.errors import CaptureError
from otop_desktop.domain.ids import IdFactory
from otop_desktop.i18n import _
from otop_desktop.sync.hlc import HybridClock


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON: the one form in which clocks and payloads are stored."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class SyncContext:
    """What a session needs to stamp changes: the clock and the id factory of this process."""

    clock: HybridClock = field(default_factory=HybridClock)
    ids: IdFactory = field(default_factory=IdFactory)


_default_context = SyncContext()
_installed = False
_install_lock = threading.Lock()


def context_of(session: Session) -> SyncContext:
    """The SyncContext bound to `session` (through its `info`), or the process default."""
    ctx = session.info.get("sync")
    return ctx if isinstance(ctx, SyncContext) else _default_context


def install() -> None:
    """Register the capture listeners on every ORM Session (idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _refuse_bulk_writes)
        _installed = True


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in MODEL_BY_TABLE:
        raise CaptureError(
            _(
                "Bulk writes to {table} are not allowed: edit records one by one through the app, "
                "so that the change reaches other laptops."
            ).format(table=name)
        )


def _changed_columns(obj: SyncedRow) -> dict[str, Any]:
    state = inspect(obj)
    changed: dict[str, Any] = {}
    for column in data_columns(type(obj)):
        history = state.attrs[column].history
        if history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            new = getattr(obj, column)
            if to_wire(old) != to_wire(new) or not history.deleted:
                changed[column] = to_wire(new)
    return changed


def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    deleted = [o for o in session.deleted if isinstance(o, SyncedRow)]
    if deleted:
        raise CaptureError(
            _("Records are never erased: mark them deleted instead, so that the deletion syncs.")
        )
    ctx = context_of(session)
    pending: list[tuple[SyncedRow, dict[str, Any]]] = []
    for obj in session.new:
        if not isinstance(obj, SyncedRow):
            continue
        if obj.id is None:
            obj.id = ctx.ids.new()
        if obj.cl is None:
            obj.cl = 1
        values = {c: to_wire(getattr(obj, c)) for c in data_columns(type(obj))}
        pending.append((obj, {c: v for c, v in values.items() if v is not None}))
    for obj in session.dirty:
        if not isinstance(obj, SyncedRow):
            continue
        changed = _changed_columns(obj)
        if changed or inspect(obj).attrs["cl"].history.has_changes():
            pending.append((obj, changed))
    if not pending:
        return

    conn = session.connection()
    state = conn.execute(
        select(ReplicaState.replica_id, ReplicaState.last_seq, ReplicaState.last_hlc)
        .where(ReplicaState.id == 1)
        .with_for_update()
    ).one_or_none()
    if state is None:
        raise CaptureError(_("This database has not been initialised (run init first)."))
    replica_id, seq, last_hlc = state
    ctx.clock.observe(last_hlc)
    for obj, changes in pending:
        seq += 1
        clocks: dict[str, list[Any]] = json.loads(obj.clocks or "{}")
        hlc = ctx.clock.now()
        # The user saw the value being replaced, so the edit must be later than it, even when
        # that value was stamped by a laptop whose clock runs ahead.
        base = {c: clocks[c][:2] for c in changes if c in clocks}
        seen_before = max((clock[0] for clock in base.values()), default=0)
        if seen_before >= hlc:
            hlc = seen_before + 1
        for column in changes:
            clocks[column] = [hlc, replica_id]
        obj.clocks = dumps(clocks)
        obj.derive()
        session.add(
            ChangeLog(
                replica_id=replica_id,
                seq=seq,
                hlc=hlc,
                tbl=obj.__tablename__,
                row_id=obj.id,
                cl=obj.cl,
                payload=dumps(changes),
                base=dumps(base),
            )
        )
    conn.execute(
        update(ReplicaState)
        .where(ReplicaState.id == 1)
        .values(last_seq=seq, last_hlc=max(last_hlc, ctx.clock.last))
    )
