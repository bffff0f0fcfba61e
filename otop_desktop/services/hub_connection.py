"""Testing a coordinator hub before using it, and pointing a data dir at it (or back).

The test connects with a short timeout and says in one translated line what is wrong, or what
the database holds; the GUI runs it on the runner's thread so a hub that does not answer never
freezes the window.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from otop_desktop.db import migrate
from otop_desktop.domain.errors import DatabaseError
from otop_desktop.i18n import _, ngettext
from otop_desktop.services.hub_settings import (
    HubSettings,
    check_photo_folder,
    clear_hub_settings,
    hub_url,
    load_hub_settings,
    save_hub_settings,
    shown_url,
)
from otop_desktop.services.paths import DataDir

CONNECT_TIMEOUT_S = 5

EMPTY = "empty"
HUB = "hub"
OLDER = "older"


class HubConnectionError(DatabaseError):
    """The hub cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class HubCheck:
    """What a working hub holds: `state` is EMPTY, HUB (up to date) or OLDER (to upgrade)."""

    url: str  # password masked
    server_version: str
    state: str
    revision: str | None
    trainees: int
    device_name: str | None

    @property
    def summary(self) -> str:
        """One translated line for the Settings dialog and the CLI."""
        if self.state == EMPTY:
            return _(
                "Connected to PostgreSQL {version}. The database is empty: it will be set up "
                "when the app opens it."
            ).format(version=self.server_version)
        if self.state == OLDER:
            return _(
                "Connected to PostgreSQL {version}. The hub was made by an older version "
                "(schema {rev}): it will be upgraded when the app opens it."
            ).format(version=self.server_version, rev=self.revision)
        return ngettext(
            "Connected to PostgreSQL {version}: an OTOP hub “{name}” with {n} trainee.",
            "Connected to PostgreSQL {version}: an OTOP hub “{name}” with {n} trainees.",
            self.trainees,
        ).format(version=self.server_version, name=self.device_name or "?", n=self.trainees)


def check_connection(database_url: str, *, timeout: int = CONNECT_TIMEOUT_S) -> HubCheck:
    """Connect to the hub and look at what it holds; HubConnectionError says what is wrong."""
    url = hub_url(database_url)
    if importlib.util.find_spec("psycopg") is None:
        raise HubConnectionError(
            _("The PostgreSQL driver (psycopg) is not installed with this copy of the app.")
        )
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": timeout})
    try:
        with engine.connect() as conn:
            return _look(conn, shown_url(url))
    except DBAPIError as exc:
        raise HubConnectionError(_explain(exc, url)) from exc
    except SQLAlchemyError as exc:
        raise HubConnectionError(
            _("The hub cannot be used: {reason}").format(reason=_first_line(exc))
        ) from exc
    finally:
        engine.dispose()


def _look(conn: Connection, shown: str) -> HubCheck:
    version = str(conn.execute(text("SHOW server_version")).scalar() or "?").split(" ")[0]
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return HubCheck(shown, version, EMPTY, None, 0, None)
    if "alembic_version" not in tables:
        raise HubConnectionError(
            _("This database holds tables that OTOP Field Desk did not make; choose another.")
        )
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    revision = None if revision is None else str(revision)
    if revision != migrate.head_revision():
        if revision not in migrate.known_revisions():
            raise HubConnectionError(
                _(
                    "This hub was made by a newer version of OTOP Field Desk (schema {rev}): "
                    "install that version on this laptop first."
                ).format(rev=revision)
            )
        return HubCheck(shown, version, OLDER, revision, 0, None)
    # Alive rows have an odd causal length.
    trainees = int(conn.execute(text("SELECT count(*) FROM trainee WHERE cl % 2 = 1")).scalar_one())
    device = conn.execute(text("SELECT device_name FROM replica_state WHERE id = 1")).scalar()
    return HubCheck(shown, version, HUB, revision, trainees, device)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[-1] if lines else type(orig).__name__


def _explain(exc: DBAPIError, url: str) -> str:
    """One line saying what is wrong, from psycopg's error (libpq's text and SQLSTATE)."""
    parts = make_url(url)
    message = str(exc.orig).lower()
    state = getattr(exc.orig, "sqlstate", None) or ""
    if state == "3D000" or ("database" in message and "does not exist" in message):
        return _(
            "The server has no database “{database}”: create it first (see the README)."
        ).format(database=parts.database)
    if (
        state.startswith("28")
        or "password" in message
        or "authentication" in message
        or ("role" in message and "does not exist" in message)
        or "pg_hba.conf" in message
    ):
        return _(
            "The server refused user “{user}”: wrong user or password, or this computer is "
            "not allowed in (pg_hba.conf)."
        ).format(user=parts.username or "?")
    if any(
        hint in message
        for hint in (
            "invalid response",
            "expected authentication request",
            "server closed the connection unexpectedly",
            "protocol",
        )
    ):
        # Something answers on that port, but it does not speak PostgreSQL's protocol.
        return _("The program answering at {host}, port {port}, is not PostgreSQL.").format(
            host=parts.host or "localhost", port=parts.port or 5432
        )
    if any(
        hint in message
        for hint in (
            "connection refused",
            "could not translate host",
            "timeout",
            "timed out",
            "no route to host",
            "network is unreachable",
            "name or service not known",
            "could not connect",
            "connection failed",
        )
    ):
        return _(
            "The server {host} does not answer: check that it is on, on this network, and "
            "that PostgreSQL listens there (port {port})."
        ).format(host=parts.host or "localhost", port=parts.port or 5432)
    return _("The hub cannot be used: {reason}").format(reason=_first_line(exc))


def connect_hub(
    data_dir: Path, database_url: str, photo_folder: Path | None = None, *, save: bool = True
) -> HubCheck:
    """Test the hub (and the photo folder), then make it the data dir's database."""
    url = hub_url(database_url)
    photos = None if photo_folder is None else check_photo_folder(photo_folder)
    check = check_connection(url)
    if save:
        save_hub_settings(DataDir(data_dir), HubSettings(url, photos))
    return check


def disconnect_hub(data_dir: Path) -> bool:
    """Back to the data dir's own SQLite file; whether a hub was set (its data is untouched)."""
    return clear_hub_settings(DataDir(data_dir))


def current_hub(data_dir: Path) -> HubSettings | None:
    """The hub the data dir uses, or None for its own SQLite file."""
    return load_hub_settings(DataDir(data_dir))
