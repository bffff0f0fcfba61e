"""The merge: apply changes from other laptops so that every replica ends with the same data.

Rules (DESIGN.md section 4): skip what the version vector `seen` already covers; the higher
causal length wins a row's life (odd alive, even deleted); each column goes to the write with the
higher (hlc, replica). Both rules are commutative and idempotent, so any delivery order, any
duplicates and any relay path give the same result. A write that replaced a value its author had
not seen (its base clock is older than ours) is a concurrent edit, logged for review.

The hot path talks to the DBAPI connection directly, in batches: one SELECT per 500 row ids, one
executemany upsert per table and one for the change log, per chunk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Connection

from otop_desktop.db.models import MODEL_BY_TABLE, data_columns
from otop_desktop.sync.hlc import HybridClock
from otop_desktop.sync.wire import Change

ID_BATCH = 500
Clock = tuple[int, str]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _text(value: dict[str, Any]) -> str:
    """A change's payload or base as stored in the log (key order as received)."""
    return _dumps(value) if value else "{}"


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=256)
def _clock_pieces(columns: tuple[str, ...]) -> list[str]:
    """The clocks JSON of `columns` around the places where their shared clock goes."""
    names = sorted(columns)
    return ["{" + f'"{names[0]}":', *(f',"{c}":' for c in names[1:]), "}"] if names else ["{}"]


def _single_clock_text(columns: tuple[str, ...], clock: tuple[int, str]) -> str:
    """`_clocks_text` for cells that all carry one clock, by joining cached pieces."""
    return f'[{clock[0]},"{clock[1]}"]'.join(_clock_pieces(columns))


def _clocks_text(clocks: dict[str, list[Any]]) -> str:
    """The clocks column as capture writes it (sorted JSON), built without the encoder.

    Column names are identifiers and replica ids are checked UUIDs: nothing needs escaping.
    """
    return "{" + ",".join(f'"{c}":[{v[0]},"{v[1]}"]' for c, v in sorted(clocks.items())) + "}"


@dataclass
class MergeStats:
    """What one import did, for the report."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    applied: int = 0
    conflicts: int = 0
    future: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def add(self, other: MergeStats) -> None:
        for name in (
            "created",
            "updated",
            "unchanged",
            "deleted",
            "skipped",
            "applied",
            "conflicts",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.future.items():
            self.future[key] = self.future.get(key, 0) + value
        for key, value in other.tables.items():
            self.tables[key] = self.tables.get(key, 0) + value


class _Row:
    __slots__ = ("values", "cl", "clocks", "exists", "dirty", "was_alive", "single_clock")

    def __init__(
        self, values: dict[str, Any], cl: int, clocks: dict[str, list[Any]], exists: bool
    ) -> None:
        self.values = values
        self.cl = cl
        self.clocks = clocks
        self.exists = exists
        self.dirty = False
        self.was_alive = exists and cl % 2 == 1
        # A row created by one change has one clock on all its cells: kept apart until needed.
        self.single_clock: tuple[int, str] | None = None


class Merger:
    """Applies chunks of changes on one connection; the caller owns the transaction."""

    def __init__(self, conn: Connection, clock: HybridClock, own_replica: str, now: str) -> None:
        self.conn = conn
        self.clock = clock
        self.own_replica = own_replica
        self.now = now
        self.mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    # --- version vector ---------------------------------------------------------------------

    def seen(self) -> dict[str, int]:
        """This database's version vector, its own replica included."""
        vector = dict(self._all("SELECT replica_id, seq FROM replica_seen"))
        own = self._all("SELECT replica_id, last_seq FROM replica_state")
        for replica, seq in own:
            vector[replica] = max(vector.get(replica, 0), seq)
        return vector

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self.conn.exec_driver_sql(sql, tuple(params)).fetchall())

    def _advance_seen(self, replicas: set[str]) -> None:
        current = dict(self._all("SELECT replica_id, seq FROM replica_seen"))
        m = self.mark
        for replica in replicas:
            if replica == self.own_replica:
                continue
            start = current.get(replica, 0)
            top = start
            rows = self.conn.exec_driver_sql(
                f"SELECT seq FROM change_log WHERE replica_id = {m} AND seq > {m} ORDER BY seq",
                (replica, start),
            )
            for (seq,) in rows:
                if seq != top + 1:
                    break
                top = seq
            rows.close()
            if top == start:
                continue
            if replica in current:
                self.conn.exec_driver_sql(
                    f"UPDATE replica_seen SET seq = {m} WHERE replica_id = {m}", (top, replica)
                )
            else:
                self.conn.exec_driver_sql(
                    f"INSERT INTO replica_seen (replica_id, seq) VALUES ({m}, {m})",
                    (replica, top),
                )

    # --- the merge ----------------------------------------------------------------------------

    def apply(self, changes: list[Change], seen: dict[str, int] | None = None) -> MergeStats:
        """Merge one chunk; returns what it did. `seen` may be passed to save a query."""
        stats = MergeStats()
        vector = self.seen() if seen is None else seen
        fresh = self._drop_known([c for c in changes if c.seq > vector.get(c.replica, 0)])
        stats.skipped = len(changes) - len(fresh)
        if not fresh:
            return stats
        by_table: dict[str, list[Change]] = defaultdict(list)
        for change in fresh:
            by_table[change.tbl].append(change)
        conflicts: list[tuple[Any, ...]] = []
        highest = 0
        far = self.clock
        for change in fresh:
            highest = max(highest, change.hlc)
            if far.is_far_future(change.hlc):
                stats.future[change.replica] = stats.future.get(change.replica, 0) + 1
        for tbl, items in by_table.items():
            self._merge_table(tbl, items, stats, conflicts)
            stats.tables[tbl] = stats.tables.get(tbl, 0) + len(items)
        m = self.mark
        self.conn.exec_driver_sql(
            "INSERT INTO change_log (replica_id, seq, hlc, tbl, row_id, cl, payload, base) "
            f"VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m})",
            [
                (c.replica, c.seq, c.hlc, c.tbl, c.row_id, c.cl, _text(c.payload), _text(c.base))
                for c in fresh
            ],
        )
        if conflicts:
            self.conn.exec_driver_sql(
                "INSERT INTO conflict (tbl, row_id, col_name, kept_value, kept_hlc, "
                "kept_replica, lost_value, lost_hlc, lost_replica, detected_at, resolved) "
                f"VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m})",
                conflicts,
            )
            stats.conflicts = len(conflicts)
        self._advance_seen({c.replica for c in fresh})
        self.clock.receive(highest)
        stats.applied = len(fresh)
        return stats

    def _drop_known(self, changes: list[Change]) -> list[Change]:
        """Changes above `seen` may still be here already (after a gap); keep the new ones."""
        if not changes:
            return changes
        spans: dict[str, list[int]] = {}
        for c in changes:
            low_high = spans.setdefault(c.replica, [c.seq, c.seq])
            low_high[0] = min(low_high[0], c.seq)
            low_high[1] = max(low_high[1], c.seq)
        m = self.mark
        known: set[tuple[str, int]] = set()
        for replica, (low, high) in spans.items():
            rows = self._all(
                f"SELECT seq FROM change_log WHERE replica_id = {m} AND seq BETWEEN {m} AND {m}",
                (replica, low, high),
            )
            known.update((replica, seq) for (seq,) in rows)
        out: list[Change] = []
        for c in changes:
            key = (c.replica, c.seq)
            if key not in known:
                known.add(key)  # a duplicate inside the same chunk counts once
                out.append(c)
        return out

    def _load(self, tbl: str, columns: tuple[str, ...], ids: list[str]) -> dict[str, _Row]:
        found: dict[str, _Row] = {}
        select_list = ", ".join(["id", "cl", "clocks", *columns])
        for start in range(0, len(ids), ID_BATCH):
            part = ids[start : start + ID_BATCH]
            marks = ", ".join([self.mark] * len(part))
            for row in self._all(f"SELECT {select_list} FROM {tbl} WHERE id IN ({marks})", part):
                found[row[0]] = _Row(
                    dict(zip(columns, row[3:], strict=True)), row[1], json.loads(row[2]), True
                )
        return found

    def _merge_table(
        self, tbl: str, items: list[Change], stats: MergeStats, conflicts: list[tuple[Any, ...]]
    ) -> None:
        model = MODEL_BY_TABLE[tbl]
        columns = data_columns(model)
        ids = list(dict.fromkeys(c.row_id for c in items))
        rows = self._load(tbl, columns, ids)
        for change in items:
            row = rows.get(change.row_id)
            if row is None:
                # A row first seen here: every value of the change wins, nothing to compare.
                # A copy of the payload becomes the row's values (missing columns are None);
                # the payload itself is still to be written to the change log as received.
                row = rows[change.row_id] = _Row(dict(change.payload), change.cl, {}, False)
                row.single_clock = (change.hlc, change.replica)
                row.dirty = True
                continue
            if row.single_clock is not None:
                row.clocks = dict.fromkeys(row.values, list(row.single_clock))
                row.single_clock = None
            if change.cl > row.cl:
                row.cl = change.cl
                row.dirty = True
            incoming: Clock = (change.hlc, change.replica)
            for column, value in change.payload.items():
                current = row.clocks.get(column)
                local: Clock = (current[0], current[1]) if current else (0, "")
                wins = incoming > local
                if current is not None and row.values.get(column) != value:
                    base = change.base.get(column)
                    base_clock: Clock = (base[0], base[1]) if base else (0, "")
                    if base_clock < local and local != incoming:
                        conflicts.append(
                            self._conflict(
                                tbl,
                                change.row_id,
                                column,
                                row.values.get(column),
                                local,
                                value,
                                incoming,
                                incoming_wins=wins,
                            )
                        )
                if wins:
                    row.values[column] = value
                    row.clocks[column] = [change.hlc, change.replica]
                    row.dirty = True
        self._write(tbl, model, columns, rows, stats)

    def _conflict(
        self,
        tbl: str,
        row_id: str,
        column: str,
        local_value: Any,
        local: Clock,
        remote_value: Any,
        remote: Clock,
        *,
        incoming_wins: bool,
    ) -> tuple[Any, ...]:
        kept, lost = (
            ((remote_value, remote), (local_value, local))
            if incoming_wins
            else ((local_value, local), (remote_value, remote))
        )
        return (
            tbl,
            row_id,
            column,
            _json(kept[0]),
            kept[1][0],
            kept[1][1],
            _json(lost[0]),
            lost[1][0],
            lost[1][1],
            self.now,
            False,
        )

    def _write(
        self,
        tbl: str,
        model: Any,
        columns: tuple[str, ...],
        rows: dict[str, _Row],
        stats: MergeStats,
    ) -> None:
        derived = model.derived_columns
        names = ["id", "cl", "clocks", *columns, *derived]
        m = self.mark
        updates = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
        sql = (
            f"INSERT INTO {tbl} ({', '.join(names)}) VALUES ({', '.join([m] * len(names))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )
        params = []
        for row_id, row in rows.items():
            if not row.dirty:
                stats.unchanged += 1
                continue
            if not row.exists:
                stats.created += 1
            elif row.was_alive and row.cl % 2 == 0:
                stats.deleted += 1
            else:
                stats.updated += 1
            values = row.values
            extra = model.derive_values(values) if derived else {}
            clocks = (
                _single_clock_text(tuple(values), row.single_clock)
                if row.single_clock is not None
                else _clocks_text(row.clocks)
            )
            params.append(
                (
                    row_id,
                    row.cl,
                    clocks,
                    *(values.get(c) for c in columns),
                    *(extra[d] for d in derived),
                )
            )
        if params:
            self.conn.exec_driver_sql(sql, params)


def utc_now_text() -> str:
    """Now, as the ISO text stored in logs."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
