"""Opening a database and running units of work on it: the one place sessions are made."""

from __future__ import annotations

import datetime as dt
import logging
import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from otop_desktop.db import migrate
from otop_desktop.db.engine import is_sqlite, make_engine, sqlite_url, writer
from otop_desktop.db.local_models import ReplicaSeen, ReplicaState
from otop_desktop.domain.errors import DatabaseError
from otop_desktop.domain.ids import uuid7
from otop_desktop.i18n import _
from otop_desktop.services.paths import DataDir
from otop_desktop.sync import capture
from otop_desktop.sync.capture import SyncContext

SQLITE_HEADER = b"SQLite format 3\x00"

log = logging.getLogger(__name__)


def utc_now() -> str:
    """The current UTC time as ISO text, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class AppContext:
    """An open database with its data dir; services take this as their first argument."""

    engine: Engine
    data_dir: DataDir
    sync: SyncContext = field(default_factory=SyncContext)
    events: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        capture.install()
        self._reader = sessionmaker(self.engine, expire_on_commit=False, info={"sync": self.sync})
        self._writer = sessionmaker(
            writer(self.engine), expire_on_commit=False, info={"sync": self.sync}
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        session = self._reader()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring what was read, unlike rollback().
            session.close()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One user action: one session, one transaction, committed durably or not at all."""
        session = self._writer()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise _storage_error(exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    def close(self) -> None:
        """Release the database (checkpointing SQLite's write-ahead log)."""
        self.engine.dispose()


def _storage_error(exc: OperationalError) -> DatabaseError:
    text = str(exc.orig).lower()
    if "readonly" in text or "read-only" in text:
        return DatabaseError(_("The database is read-only: nothing was saved."))
    if "disk is full" in text or "full" in text:
        return DatabaseError(_("The disk is full: nothing was saved. Free some space and retry."))
    if "locked" in text or "busy" in text:
        return DatabaseError(_("The database is busy in another window or program; try again."))
    return DatabaseError(_("The database could not save this: {reason}").format(reason=exc.orig))


def _check_sqlite_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseError(
            _(
                "{path} is not an OTOP Field Desk database (not a SQLite file); nothing was "
                "changed."
            ).format(path=path)
        )


def _prepare_dir(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            _("The data folder {path} cannot be created: {reason}").format(
                path=root, reason=exc.strerror
            )
        ) from exc
    if not os.access(root, os.W_OK):
        raise DatabaseError(
            _("The data folder {path} is read-only; choose another with --data-dir.").format(
                path=root
            )
        )


def database_url_for(folder: DataDir, database_url: str | None) -> str:
    """The URL asked for, else the coordinator hub set for the data dir, else its SQLite file."""
    from otop_desktop.services.hub_settings import load_hub_settings

    if database_url is not None:
        return database_url
    hub = load_hub_settings(folder)
    if hub is not None:
        return hub.database_url
    return sqlite_url(folder.database)


def open_context(
    data_dir: Path,
    database_url: str | None = None,
    *,
    sync: SyncContext | None = None,
    upgrade: bool = True,
) -> AppContext:
    """Open (and if needed create or upgrade) the database of `data_dir`, or `database_url`."""
    folder = DataDir(data_dir)
    _prepare_dir(folder.root)
    url = database_url_for(folder, database_url)
    if url.startswith("sqlite"):
        _check_sqlite_file(folder.database)
    else:
        from otop_desktop.services.hub_settings import photos_root_for

        # Checked before anything is written: an unreachable share must not fill the data dir.
        folder = DataDir(folder.root, photos_root_for(folder, url))
    try:
        engine = make_engine(url)
    except Exception as exc:  # SQLAlchemy raises several kinds for a malformed URL
        raise DatabaseError(_("Cannot use the database URL: {reason}").format(reason=exc)) from exc
    ctx = AppContext(engine, folder, sync or SyncContext())
    try:
        if migrate.needs_upgrade(engine):
            if not upgrade:
                raise DatabaseError(_("The database needs an upgrade."))
            if migrate.is_empty(engine):
                pass
            elif ctx.is_sqlite:
                from otop_desktop.services.backup import backup_before_upgrade

                backup_before_upgrade(ctx)
            else:
                # No file to copy: the upgrade is one transaction (a failure keeps the old
                # schema), and the README asks for a pg_dump before installing a new version.
                log.warning("Upgrading the PostgreSQL schema; a pg_dump beforehand is advised.")
            log.info("Upgrading the database schema to %s", migrate.head_revision())
            migrate.upgrade(engine)
        _check_home(ctx)
        log.info("Database opened: %s", engine.url.render_as_string(hide_password=True))
    except (SADatabaseError, OperationalError) as exc:
        engine.dispose()
        raise DatabaseError(
            _("The database cannot be opened: {reason}").format(reason=exc.orig)
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return ctx


def database_home(ctx: AppContext) -> str:
    """What identifies where this database lives; a copy somewhere else has another home."""
    if ctx.is_sqlite:
        return str(ctx.data_dir.database)
    url = ctx.engine.url
    return f"{url.get_backend_name()}://{url.host}:{url.port}/{url.database}"


def _check_home(ctx: AppContext) -> None:
    """A database copied to another place (or restored) must not speak as the same replica."""
    with ctx.unit_of_work() as session:
        state = session.get(ReplicaState, 1)
        if state is None:
            return
        home = database_home(ctx)
        if state.home is None:
            state.home = home
        elif state.home != home:
            new_replica_id(session, state, home)
            ctx.events.append("new-replica-id")


def new_replica_id(session: Session, state: ReplicaState, home: str) -> None:
    """Give this database a fresh replica id; what the old id wrote stays known as seen."""
    old = state.replica_id
    seen = session.get(ReplicaSeen, old)
    if seen is None:
        session.add(ReplicaSeen(replica_id=old, seq=state.last_seq))
    else:
        seen.seq = max(seen.seq, state.last_seq)
    state.replica_id = uuid7()
    state.last_seq = 0
    state.home = home


def initialise(ctx: AppContext, device_name: str | None = None) -> str:
    """Make this database a replica (once); returns its replica id."""
    with ctx.unit_of_work() as session:
        state = session.get(ReplicaState, 1)
        if state is not None:
            if device_name:
                state.device_name = device_name
            return state.replica_id
        replica_id = uuid7()
        session.add(
            ReplicaState(
                id=1,
                replica_id=replica_id,
                device_name=device_name or platform.node() or "laptop",
                last_seq=0,
                last_hlc=0,
                created_at=utc_now(),
                home=database_home(ctx),
            )
        )
        return replica_id


def is_initialised(ctx: AppContext) -> bool:
    """Whether `init` has run on this database."""
    with ctx.read() as session:
        return session.scalar(select(ReplicaState.replica_id)) is not None
