"""Migration 0005: an 0004 database gains the gallery's covering indexes; nothing that syncs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import event, inspect, text

from otop_desktop.db import migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.services.context import open_context
from otop_desktop.services.paths import DataDir
from otop_desktop.services.photos import photo_ids

GALLERY_INDEXES = {
    "product": {"ix_product_workshop_gallery"},
    "photo": {"ix_photo_product_gallery"},
}


def _database_at(path: Path, revision: str) -> None:
    engine = make_engine(sqlite_url(path))
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.execute(
            text(
                "INSERT INTO product (id, cl, clocks, workshop_id, name) "
                "VALUES ('p1', 1, '{}', 'w1', 'Comal')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO photo (id, cl, clocks, product_id, taken_at) VALUES "
                "('f2', 1, '{}', 'p1', '2026-03-01T09:00:00'), ('f1', 1, '{}', 'p1', NULL)"
            )
        )
    engine.dispose()


def _indexes(conn: object, table: str) -> set[str]:
    return {i["name"] or "" for i in inspect(conn).get_indexes(table)}


def test_an_0004_database_opens_with_the_gallery_indexes(tmp_path: Path) -> None:
    path = DataDir(tmp_path).database
    path.parent.mkdir(parents=True, exist_ok=True)
    _database_at(path, "0004")
    ctx = open_context(tmp_path)
    try:
        assert migrate.current_revision(ctx.engine) == "0005"
        with ctx.read() as session:
            conn = session.connection()
            for table, names in GALLERY_INDEXES.items():
                assert names <= _indexes(conn, table), table
        # The photos kept, in gallery order (an unknown date first).
        assert photo_ids(ctx, workshop_id="w1") == ["f1", "f2"]
    finally:
        ctx.close()


def test_the_gallery_query_reads_only_the_indexes(tmp_path: Path) -> None:
    path = DataDir(tmp_path).database
    path.parent.mkdir(parents=True, exist_ok=True)
    _database_at(path, "0005")
    ctx = open_context(tmp_path)
    seen: list[tuple[str, Any]] = []

    def keep(_conn: object, _cursor: object, sql: str, params: Any, *_args: object) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, params))

    try:
        for kwargs, index in (
            ({"workshop_id": "w1"}, "ix_product_workshop_gallery"),
            ({"product_id": "p1"}, "ix_photo_product_gallery"),
        ):
            seen.clear()
            event.listen(ctx.engine, "before_cursor_execute", keep)
            try:
                assert photo_ids(ctx, **kwargs) == ["f1", "f2"]
            finally:
                event.remove(ctx.engine, "before_cursor_execute", keep)
            ((sql, params),) = seen
            with ctx.read() as session:
                driver = session.connection().connection.driver_connection
                assert driver is not None
                plan = " | ".join(
                    str(r[-1]) for r in driver.execute("EXPLAIN QUERY PLAN " + sql, params)
                )
            # Neither table's rows are read, only the indexes (the product by its primary key).
            assert f"COVERING INDEX {index}" in plan, plan
            assert "COVERING INDEX ix_photo_product_gallery" in plan, plan
            assert "SCAN" not in plan, plan
            # A product's photos come in gallery order straight from the index; a workshop's
            # are sorted a product at a time, never all together.
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
            assert "workshop_id" in kwargs or "TEMP B-TREE" not in plan, plan
    finally:
        ctx.close()


def test_only_an_index_so_bundles_keep_their_stamp() -> None:
    assert migrate.head_revision() == "0005"
    assert migrate.data_revision() == "0003"


def test_0005_downgrades_to_0004(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    _database_at(path, "0005")
    engine = make_engine(sqlite_url(path))
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    with engine.connect() as conn:
        for table, names in GALLERY_INDEXES.items():
            assert not names & _indexes(conn, table), table
        assert conn.execute(text("SELECT count(*) FROM photo")).scalar() == 2
    engine.dispose()
