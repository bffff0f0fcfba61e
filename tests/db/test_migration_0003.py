"""Migration 0003: an 0002 database keeps its workshops and gains schedules and exchange rates."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from otop_desktop.db import migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.services.context import open_context
from otop_desktop.services.paths import DataDir


def _database_at(path: Path, revision: str) -> None:
    engine = make_engine(sqlite_url(path))
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.execute(
            text("INSERT INTO workshop (id, cl, clocks, title) VALUES ('w1', 1, '{}', 'Bambú')")
        )
    engine.dispose()


def test_an_0002_database_opens_and_is_upgraded_to_0003(tmp_path: Path) -> None:
    path = DataDir(tmp_path).database
    path.parent.mkdir(parents=True, exist_ok=True)
    _database_at(path, "0002")
    ctx = open_context(tmp_path)
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.read() as session:
            conn = session.connection()
            row = conn.execute(text("SELECT title, follow_up_schedule FROM workshop")).one()
            assert tuple(row) == ("Bambú", None)
            assert inspect(conn).has_table("exchange_rate")
    finally:
        ctx.close()


def test_0003_downgrades_to_0002(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    _database_at(path, "0003")
    engine = make_engine(sqlite_url(path))
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("workshop")}
        assert "follow_up_schedule" not in columns
        assert not inspect(conn).has_table("exchange_rate")
        assert conn.execute(text("SELECT title FROM workshop")).scalar() == "Bambú"
    engine.dispose()
