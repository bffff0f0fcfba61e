"""Engines: SQLite in the data dir by default (WAL, foreign keys, durable commits), any URL else."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

WRITE_OPTION = "otop_write"
DB_FILENAME = "otop.sqlite3"
# The key of the transaction-level advisory lock that every write transaction on a PostgreSQL
# hub takes first ("OTOP" in ASCII): the hub's one write lock, as SQLite's is its file's.
HUB_WRITE_LOCK = 0x4F544F50


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite+pysqlite:///{path}"


def is_sqlite(engine: Engine) -> bool:
    """Whether `engine` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`, with SQLite made durable and its write transactions immediate."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _tune_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if engine.dialect.name == "postgresql":
        _serialise_pg_writers(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Take transaction control from the driver so that writes can BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk when it returns, so a power cut loses nothing shown as saved.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that later wants to
        # write can fail at once with SQLITE_BUSY instead of waiting its turn.
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def _serialise_pg_writers(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Several processes write to a hub under ONE replica id: every write transaction
        # read-modifies-writes the replica's seq, the row clocks, `seen` and the conflict log,
        # which READ COMMITTED would let two of them interleave (lost updates, duplicate keys,
        # deadlocks). One lock per database, taken before the first read and released at
        # COMMIT or ROLLBACK, runs writers one after the other as SQLite does; readers never
        # wait for it.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({HUB_WRITE_LOCK})")


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions take the write lock at BEGIN (SQLite, PostgreSQL)."""
    return engine.execution_options(**{WRITE_OPTION: True})
