"""Schema upgrades with Alembic, run at start after a backup of the old database."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DatabaseError as SADatabaseError

from otop_desktop.domain.errors import DatabaseError
from otop_desktop.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this version of the app can read."""
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, or None for an empty one."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SADatabaseError as exc:
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
    script = ScriptDirectory.from_config(alembic_config())
    known = known_revisions()
    if current is not None and current not in known:
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
    return current != script.get_current_head()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction where the engine allows."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        from alembic import command

        command.upgrade(config, "head")
