"""Backups of a SQLite data dir (database and photos in one zip) and restoring them.

A restored database never speaks with the replica id it had: the laptop it was taken from may
still be writing under that id, and two laptops with one id would lose each other's changes.
What can be restored: a backup zip, an automatic backup (`auto_backup`: its photos come from
the shared mirror), or a bare copy of the database (before-upgrade-…, before-restore-…).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from otop_desktop.db import migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.db.local_models import ReplicaState
from otop_desktop.domain.errors import OperationCancelled, OtopError
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
PARTIAL = ".partial"
# Work folders in the data dir (a database copy being zipped or restored); a killed run's are
# removed by the next one.
_WORK_PREFIX = ".backup-work-"
# A zip of ours starts with the local header of manifest.json: 30 bytes, then the name.
_OUR_ZIP_START = b"PK\x03\x04"
_OUR_FIRST_NAME = b"manifest.json"

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class BackupError(OtopError):
    """A backup could not be written or restored."""


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def require_sqlite(ctx: AppContext) -> None:
    """Refuse (translated) to back up a PostgreSQL hub: the server's own tools do that."""
    if not ctx.is_sqlite:
        raise BackupError(
            _("Backups of a PostgreSQL hub are made with the server's own tools (pg_dump).")
        )


def copy_database(ctx: AppContext, target: Path) -> None:
    """A consistent copy of the live SQLite database, made with SQLite's online backup."""
    require_sqlite(ctx)
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


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_backup_name() -> str:
    """A dated file name for a backup zip ("otop-backup-20261125-1821.zip")."""
    return f"otop-backup-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.zip"


def _is_our_partial(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(30 + len(_OUR_FIRST_NAME))
    except OSError:
        return False
    return head.startswith(_OUR_ZIP_START) and head[30:] == _OUR_FIRST_NAME


def remove_stale_work(folder: Path) -> None:
    """Remove what killed backups left in `folder`: our partial zips, work folders."""
    for entry in folder.glob("*.zip" + PARTIAL):
        # Killed before its first bytes reached the disk, or plainly one of ours.
        short = entry.is_file() and entry.stat().st_size < 30 + len(_OUR_FIRST_NAME)
        if short or _is_our_partial(entry):
            entry.unlink(missing_ok=True)
    for entry in folder.glob(_WORK_PREFIX + "*"):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def backup_before_upgrade(ctx: AppContext) -> Path:
    """Copy the database aside before a schema upgrade; returns the copy's path."""
    ctx.data_dir.backups.mkdir(parents=True, exist_ok=True)
    revision = migrate.current_revision(ctx.engine) or "none"
    target = ctx.data_dir.backups / f"before-upgrade-{revision}-{_stamp()}.sqlite3"
    copy_database(ctx, target)
    return target


def write_backup(
    ctx: AppContext,
    target: Path,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write the database and every photo into one zip at `target` (atomically)."""
    require_sqlite(ctx)
    target = target.expanduser().resolve()
    partial = target.with_name(target.name + PARTIAL)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_work(target.parent)
        remove_stale_work(ctx.data_dir.root)
        with tempfile.TemporaryDirectory(prefix=_WORK_PREFIX, dir=ctx.data_dir.root) as work:
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
            total = len(hashes) + 1
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
                archive.write(db_copy, "otop.sqlite3", zipfile.ZIP_DEFLATED)
                for done, sha in enumerate(hashes, 1):
                    if cancelled is not None and cancelled():
                        raise OperationCancelled()
                    archive.write(store.path_of(sha), f"blobs/{sha}")
                    if report is not None:
                        report(done, total)
            with partial.open("rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(partial, target)
        fsync_dir(target.parent)
    except OSError as exc:
        _discard(partial)
        raise BackupError(
            _("The backup could not be written to {path}: {reason}").format(
                path=target, reason=exc.strerror or exc
            )
        ) from exc
    except BaseException:
        # Cancelled (or worse): no half backup stays where people look for backups.
        _discard(partial)
        raise
    if report is not None:
        report(1, 1)
    return target


def _discard(partial: Path) -> None:
    try:
        partial.unlink(missing_ok=True)
    except OSError:
        pass  # the folder is gone (a USB drive pulled out): nothing is left to remove there


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
        current = open_context(folder.root, sqlite_url(folder.database))
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


def _stage_zip(source: Path, restored: Path) -> zipfile.ZipFile:
    """Extract the zip's database to `restored`; returns the open archive (for its photos)."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(
            _("{path} cannot be read as a backup: {reason}").format(path=source, reason=exc)
        ) from exc
    try:
        _read_manifest(archive)
        with archive.open("otop.sqlite3") as src, restored.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        archive.close()
        raise BackupError(_("The backup is damaged: {reason}").format(reason=exc)) from exc
    except BaseException:
        archive.close()
        raise
    return archive


def _stage_file(source: Path, restored: Path) -> None:
    try:
        shutil.copyfile(source, restored)
    except OSError as exc:
        raise BackupError(
            _("{path} cannot be read as a backup: {reason}").format(
                path=source, reason=exc.strerror or exc
            )
        ) from exc


def _check_database(restored: Path) -> None:
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


def _is_zip(source: Path) -> bool:
    return source.is_file() and zipfile.is_zipfile(source)


def restore_backup(
    data_dir: Path,
    source: Path,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> str:
    """Replace the data dir's database with the backup's; returns the new replica id.

    `source` is a backup zip, an automatic backup (its folder or a file in it) or a database
    copy. The current database is first copied to `backups/before-restore-…`, so nothing is
    lost; until then nothing in the data dir changes but photos added to the store.
    """
    from otop_desktop.services import auto_backup
    from otop_desktop.services.hub_settings import load_hub_settings

    folder = DataDir(data_dir)
    if load_hub_settings(folder) is not None:
        # The data dir's own SQLite file is not what this laptop uses while a hub is set.
        raise BackupError(
            _(
                "This computer works on a PostgreSQL hub: restore the hub with the server's own "
                "tools (pg_restore), or disconnect from the hub first."
            )
        )
    source = source.expanduser()
    if not source.exists():
        raise BackupError(_("{path} does not exist.").format(path=source))
    snapshot = auto_backup.is_snapshot(source)
    remove_stale_work(folder.root)
    with tempfile.TemporaryDirectory(prefix=_WORK_PREFIX, dir=folder.root) as work:
        restored = Path(work) / "otop.sqlite3"
        archive: zipfile.ZipFile | None = None
        if snapshot:
            _stage_file(auto_backup.snapshot_folder(source) / auto_backup.DATABASE, restored)
        elif _is_zip(source):
            archive = _stage_zip(source, restored)
        elif source.is_file():
            _stage_file(source, restored)
        else:
            raise BackupError(_("This file is not an OTOP Field Desk backup."))
        try:
            _check_database(restored)
            store = BlobStore(folder.blobs)
            # Photos first: extra photos in the store harm nothing, and a cancel stops here.
            if snapshot:
                auto_backup.restore_photos(
                    auto_backup.snapshot_folder(source), store, report, cancelled
                )
            elif archive is not None:
                _restore_zip_photos(archive, store, report, cancelled)
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            folder.backups.mkdir(parents=True, exist_ok=True)
            if folder.database.exists():
                _keep_current(folder)
            for suffix in ("-wal", "-shm"):
                Path(str(folder.database) + suffix).unlink(missing_ok=True)
            os.replace(restored, folder.database)
        finally:
            if archive is not None:
                archive.close()
    ctx = open_context(folder.root, sqlite_url(folder.database))
    try:
        with ctx.unit_of_work() as session:
            state = session.get(ReplicaState, 1)
            if state is None:
                raise BackupError(_("The backup holds a database that was never initialised."))
            new_replica_id(session, state, database_home(ctx))
            return state.replica_id
    finally:
        ctx.close()


def _restore_zip_photos(
    archive: zipfile.ZipFile, store: BlobStore, report: Report | None, cancelled: Cancelled | None
) -> None:
    names = [n for n in archive.namelist() if n.startswith("blobs/")]
    for done, name in enumerate(names, 1):
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        sha = name.removeprefix("blobs/")
        if SHA256_RE.match(sha) and not store.has(sha):
            try:
                with archive.open(name) as blob:
                    store.put_stream(blob, sha)
            except (zipfile.BadZipFile, OSError) as exc:
                raise BackupError(_("The backup is damaged: {reason}").format(reason=exc)) from exc
        if report is not None:
            report(done, len(names))
