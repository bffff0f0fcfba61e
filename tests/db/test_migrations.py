"""Migrations are the schema: what they build equals the models, on an empty file and at start."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from otop_desktop.db import local_models, migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.db.models import Base
from otop_desktop.services.context import open_context


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    # Proves: nobody changed a model without shipping a migration (an old database would break).
    assert local_models.ReplicaState.__tablename__ in Base.metadata.tables
    engine = make_engine(sqlite_url(tmp_path / "x.sqlite3"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_the_app_upgrades_at_start_and_sets_wal(tmp_path: Path) -> None:
    ctx = open_context(tmp_path)
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.read() as session:
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: durable
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        ctx.close()


def test_the_head_constant_is_alembics_head() -> None:
    # Proves: the constant that lets an up-to-date database open without Alembic is current.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.SCHEMA_HEAD


def test_bundles_are_stamped_with_a_known_data_revision() -> None:
    # Proves: bundles carry the newest revision that changed synced data, which every
    # version since can read; an index-only revision (0002) does not lock older laptops out.
    known = migrate.known_revisions()
    assert migrate.data_revision() in known
    assert migrate.head_revision() in known
    assert migrate.data_revision() <= migrate.head_revision()
