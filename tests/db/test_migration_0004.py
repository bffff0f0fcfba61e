"""Migration 0004: an 0003 database gains the dashboard's covering indexes; nothing that syncs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from otop_desktop.db import migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.services.context import open_context
from otop_desktop.services.paths import DataDir

DASHBOARD_INDEXES = {
    "attendance": {"ix_attendance_trainee_marks"},
    "enrollment": {"ix_enrollment_workshop_people"},
    "follow_up": {"ix_follow_up_workshop_trainee", "ix_follow_up_workshop_period"},
}


def _database_at(path: Path, revision: str) -> None:
    engine = make_engine(sqlite_url(path))
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.execute(
            text(
                "INSERT INTO follow_up (id, cl, clocks, workshop_id, trainee_id, period) "
                "VALUES ('f1', 1, '{}', 'w1', 't1', 'baseline')"
            )
        )
    engine.dispose()


def _indexes(conn: object, table: str) -> set[str]:
    return {i["name"] or "" for i in inspect(conn).get_indexes(table)}


def test_an_0003_database_opens_with_the_dashboard_indexes(tmp_path: Path) -> None:
    path = DataDir(tmp_path).database
    path.parent.mkdir(parents=True, exist_ok=True)
    _database_at(path, "0003")
    ctx = open_context(tmp_path)
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.read() as session:
            conn = session.connection()
            for table, names in DASHBOARD_INDEXES.items():
                assert names <= _indexes(conn, table), table
            assert conn.execute(text("SELECT period FROM follow_up")).scalar() == "baseline"
    finally:
        ctx.close()


def test_only_an_index_so_bundles_keep_their_stamp() -> None:
    # Laptops still on 0003 must go on reading this version's bundles.
    assert migrate.head_revision() >= "0004"
    assert migrate.data_revision() == "0003"


def test_0004_downgrades_to_0003(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    _database_at(path, "0004")
    engine = make_engine(sqlite_url(path))
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with engine.connect() as conn:
        for table, names in DASHBOARD_INDEXES.items():
            assert not names & _indexes(conn, table), table
        assert conn.execute(text("SELECT count(*) FROM follow_up")).scalar() == 1
    engine.dispose()
