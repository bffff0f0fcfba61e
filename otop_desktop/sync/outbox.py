"""Choosing what a bundle carries: every change the receiver may lack, as first stamped.

Changes keep their original replica id and seq (never re-stamped), so a laptop can relay what it
learnt from others: A -> coordinator -> B works without A and B ever meeting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from otop_desktop.sync.wire import encode_rows

CHUNK_CHANGES = 5000
ChangeRow = tuple[str, int, int, str, str, int, str, str]


@dataclass
class Outbox:
    """What was selected: chunks of encoded changes, their ranges and the photos they name."""

    ranges: dict[str, list[int]] = field(default_factory=dict)
    photos: set[str] = field(default_factory=set)
    count: int = 0


def replicas_in_log(conn: Connection) -> list[str]:
    """Every replica that has changes in this database's log."""
    return sorted(r for (r,) in conn.exec_driver_sql("SELECT DISTINCT replica_id FROM change_log"))


def plan(conn: Connection, their_seen: dict[str, int]) -> Outbox:
    """What `iter_chunks` will yield (ranges, count, photos), found with aggregate queries."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    outbox = Outbox()
    for replica in replicas_in_log(conn):
        low, high, count = conn.exec_driver_sql(
            f"SELECT min(seq), max(seq), count(*) FROM change_log WHERE replica_id = {mark} "
            f"AND seq > {mark}",
            (replica, their_seen.get(replica, 0)),
        ).one()
        if count:
            outbox.ranges[replica] = [low, high]
            outbox.count += count
            for (payload,) in conn.exec_driver_sql(
                f"SELECT payload FROM change_log WHERE replica_id = {mark} AND seq > {mark} "
                "AND tbl = 'photo'",
                (replica, their_seen.get(replica, 0)),
            ):
                sha = json.loads(payload).get("sha256")
                if isinstance(sha, str):
                    outbox.photos.add(sha)
    return outbox


def iter_chunks(
    conn: Connection, their_seen: dict[str, int], outbox: Outbox, chunk: int = CHUNK_CHANGES
) -> Iterator[bytes]:
    """Encoded chunks of the changes above `their_seen`, replica by replica in seq order."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    pending: list[ChangeRow] = []
    for replica in replicas_in_log(conn):
        result = conn.exec_driver_sql(
            "SELECT replica_id, seq, hlc, tbl, row_id, cl, payload, base FROM change_log "
            f"WHERE replica_id = {mark} AND seq > {mark} ORDER BY seq",
            (replica, their_seen.get(replica, 0)),
        )
        while rows := result.fetchmany(chunk):
            for row in rows:
                change: ChangeRow = tuple(row)
                span = outbox.ranges.setdefault(replica, [change[1], change[1]])
                span[1] = change[1]
                if change[3] == "photo" and '"sha256"' in change[6]:
                    sha = json.loads(change[6]).get("sha256")
                    if isinstance(sha, str):
                        outbox.photos.add(sha)
                pending.append(change)
                if len(pending) >= chunk:
                    outbox.count += len(pending)
                    yield encode_rows(pending)
                    pending = []
    if pending:
        outbox.count += len(pending)
        yield encode_rows(pending)
