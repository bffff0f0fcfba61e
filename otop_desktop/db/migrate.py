"""Schema upgrades with Alembic, run at start (after a backup of an old SQLite database).

Alembic is imported only when a database is not at the newest revision: an up-to-date database
(every start but the first after an update) opens without loading it, which keeps start fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError, ProgrammingError

from otop_desktop.domain.errors import DatabaseError
from otop_desktop.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; a test checks it against Alembic's own view.
SCHEMA_HEAD = "0005"
# The newest revision that changed what syncs (tables and columns of synced rows). Bundles are
# stamped with it, so a revision that only adds an index does not stop older laptops from
# reading this laptop's bundles.
DATA_HEAD = "0003"
# The advisory lock key migrations of a PostgreSQL hub hold ("OTOPMIGR" as a number): its own
# key, apart from any lock the app's writers take.
MIGRATION_LOCK = 0x4F544F504D494752


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    return SCHEMA_HEAD


def data_revision() -> str:
    """The revision a bundle is stamped with: the newest that changed synced data."""
    return DATA_HEAD


def known_revisions() -> set[str]:
    """Every schema revision this version of the app can read."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, or None for an empty one."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if value is None else str(value)
    except (OperationalError, ProgrammingError, SADatabaseError) as exc:
        raise DatabaseError(
            _("The database cannot be read: {reason}").format(reason=exc.orig)
        ) from exc


def is_empty(engine: Engine) -> bool:
    """Whether the database has no tables at all."""
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def needs_upgrade(engine: Engine) -> bool:
    """Whether the database is older than this version of the app (refuses newer ones)."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return False
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            _(
                "This database was made by a newer version of OTOP Field Desk (schema {rev}). "
                "Install the newer version to open it; nothing was changed."
            ).format(rev=current)
        )
    if current is None and not is_empty(engine):
        raise DatabaseError(
            _("This database was not made by OTOP Field Desk; nothing was changed.")
        )
    return True


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, every pending step in ONE transaction.

    SQLite and PostgreSQL both roll DDL back, so a step that fails leaves the schema as it
    was. On PostgreSQL (a hub several coordinators open) a transaction-scoped advisory lock
    makes a second app starting the new version at the same moment wait, then find the work
    done, instead of migrating the same database twice.
    """
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            now = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            if now is not None:
                done = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if done == SCHEMA_HEAD:
                    return
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
