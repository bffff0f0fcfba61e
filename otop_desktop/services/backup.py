"""Backups of a SQLite data dir (database and photos in one zip) and restoring them.

A restored database never speaks with the replica id it had: the laptop it was taken from may
still be writing under that id, and two laptops with one id would lose each other's changes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import select

from otop_desktop.db import migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.db.local_models import ReplicaState
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _
from otop_desktop.media.store import SHA256_RE, BlobStore
from otop_desktop.services.context import (
    SQLITE_HEADER,
    AppContext,
    database_home,
    new_replica_id,
    open_context,
    utc_now,
)
from otop_desktop.services.paths import DataDir

BACKUP_FORMAT = "otop-backup"
BACKUP_VERSION = 1


class BackupError(OtopError):
    """A backup could not be written or restored."""


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _require_sqlite(ctx: AppContext) -> None:
    if not ctx.is_sqlite:
        raise BackupError(
            _("Backups of a PostgreSQL hub are made with the server's own tools (pg_dump).")
        )


def copy_database(ctx: AppContext, target: Path) -> None:
    """A consistent copy of the live SQLite database, made with SQLite's online backup."""
    _require_sqlite(ctx)
    raw = ctx.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
    finally:
        raw.close()


def backup_before_upgrade(ctx: AppContext) -> Path:
    """Copy the database aside before a schema upgrade; returns the copy's path."""
    ctx.data_dir.backups.mkdir(parents=True, exist_ok=True)
    revision = migrate.current_revision(ctx.engine) or "none"
    target = ctx.data_dir.backups / f"before-upgrade-{revision}-{_stamp()}.sqlite3"
    copy_database(ctx, target)
    return target


def write_backup(ctx: AppContext, target: Path) -> Path:
    """Write the database and every photo into one zip at `target` (atomically)."""
    _require_sqlite(ctx)
    target = target.expanduser().resolve()
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=ctx.data_dir.root) as work:
            db_copy = Path(work) / "otop.sqlite3"
            copy_database(ctx, db_copy)
            with ctx.read() as session:
                state = session.scalar(select(ReplicaState))
            store = BlobStore(ctx.data_dir.blobs)
            hashes = list(store)
            manifest = {
                "format": BACKUP_FORMAT,
                "version": BACKUP_VERSION,
                "schema": migrate.current_revision(ctx.engine),
                "created_at": utc_now(),
                "replica_id": state.replica_id if state else None,
                "device_name": state.device_name if state else None,
                "photos": len(hashes),
            }
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
                archive.write(db_copy, "otop.sqlite3", zipfile.ZIP_DEFLATED)
                for sha in hashes:
                    archive.write(store.path_of(sha), f"blobs/{sha}")
            with partial.open("rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            _("The backup could not be written to {path}: {reason}").format(
                path=target, reason=exc.strerror or exc
            )
        ) from exc
    return target


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, object]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError(_("This file is not an OTOP Field Desk backup.")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(_("This file is not an OTOP Field Desk backup."))
    version = manifest.get("version")
    if not isinstance(version, int) or version > BACKUP_VERSION:
        raise BackupError(_("This backup was made by a newer version of OTOP Field Desk."))
    return manifest


def _keep_current(folder: DataDir) -> None:
    """Copy the database being replaced aside, even when it no longer opens (often the very
    reason for restoring): then its files are copied as they are."""
    target = folder.backups / f"before-restore-{_stamp()}.sqlite3"
    try:
        current = open_context(folder.root)
    except OtopError:
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(folder.database) + suffix)
            if source.exists():
                shutil.copy2(source, Path(str(target) + suffix))
        return
    try:
        copy_database(current, target)
    finally:
        current.close()


def restore_backup(data_dir: Path, source: Path) -> str:
    """Replace the data dir's database with the backup's; returns the new replica id.

    The current database is first copied to `backups/before-restore-…`, so nothing is lost.
    """
    folder = DataDir(data_dir)
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(
            _("{path} cannot be read as a backup: {reason}").format(path=source, reason=exc)
        ) from exc
    with archive, tempfile.TemporaryDirectory(dir=folder.root) as work:
        _read_manifest(archive)
        restored = Path(work) / "otop.sqlite3"
        try:
            with archive.open("otop.sqlite3") as src, restored.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise BackupError(_("The backup is damaged: {reason}").format(reason=exc)) from exc
        with restored.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise BackupError(_("The backup is damaged: its database is not readable."))
        check = sqlite3.connect(restored)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            ok = False
        finally:
            check.close()
        if not ok:
            raise BackupError(_("The backup is damaged: its database fails the integrity check."))
        # Opening it alone first refuses a newer schema before anything in the data dir changes.
        trial = make_engine(sqlite_url(restored))
        try:
            migrate.needs_upgrade(trial)
        finally:
            trial.dispose()
        folder.backups.mkdir(parents=True, exist_ok=True)
        if folder.database.exists():
            _keep_current(folder)
        store = BlobStore(folder.blobs)
        for name in archive.namelist():
            sha = name.removeprefix("blobs/")
            if name.startswith("blobs/") and SHA256_RE.match(sha) and not store.has(sha):
                with archive.open(name) as blob:
                    store.put_stream(blob, sha)
        for suffix in ("-wal", "-shm"):
            Path(str(folder.database) + suffix).unlink(missing_ok=True)
        os.replace(restored, folder.database)
    ctx = open_context(folder.root)
    try:
        with ctx.unit_of_work() as session:
            state = session.get(ReplicaState, 1)
            if state is None:
                raise BackupError(_("The backup holds a database that was never initialised."))
            new_replica_id(session, state, database_home(ctx))
            return state.replica_id
    finally:
        ctx.close()
