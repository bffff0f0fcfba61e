"""A hub made by an older version opens with this one: upgraded in one transaction, data kept,
a failed upgrade leaving the old schema, two coordinators starting at once migrating once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from otop_desktop.db import migrate
from otop_desktop.domain.errors import DatabaseError
from otop_desktop.services.context import AppContext, open_context
from otop_desktop.services.products import get_product
from tests import pg_server


def _hub_at(revision: str) -> str:
    url = pg_server.server().create_database("mig")
    engine = create_engine(url)
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.execute(
            text(
                "INSERT INTO product (id, cl, clocks, workshop_id, name) "
                "VALUES ('p1', 1, '{}', 'w1', 'Comal de barro')"
            )
        )
    engine.dispose()
    return url


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def test_a_hub_at_0002_opens_upgraded_with_its_data(tmp_path: Path) -> None:
    url = _hub_at("0002")
    ctx = open_context(tmp_path, url)
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        assert get_product(ctx, "p1").name == "Comal de barro"
    finally:
        ctx.close()
    # No file backup was attempted (none can be made of PostgreSQL).
    assert not (tmp_path / "backups").exists()


def test_an_upgrade_failing_midway_leaves_the_old_schema(tmp_path: Path) -> None:
    url = _hub_at("0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        # Migration 0005 creates this index: it fails after 0003 and 0004 have run.
        conn.execute(text("CREATE INDEX ix_product_workshop_gallery ON product (name)"))
    engine.dispose()
    with pytest.raises(DatabaseError):
        open_context(tmp_path, url)
    assert _revision(url) == "0002"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            # 0003's tables were rolled back with the rest.
            assert not inspect(conn).has_table("exchange_rate")
            assert conn.execute(text("SELECT name FROM product")).scalar() == "Comal de barro"
    finally:
        engine.dispose()


def test_two_coordinators_starting_at_once_migrate_once(tmp_path: Path) -> None:
    url = _hub_at("0002")
    start = threading.Barrier(2)
    opened: list[AppContext] = []
    errors: list[BaseException] = []

    def open_hub(name: str) -> None:
        start.wait()
        try:
            opened.append(open_context(tmp_path / name, url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_hub, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for ctx in opened:
        ctx.close()
    assert errors == [] and len(opened) == 2
    assert _revision(url) == migrate.head_revision()
