"""Automatic backups: rotating database snapshots beside one shared mirror of the photo store.

A coordinator's photo store may hold gigabytes, so a snapshot does not zip every photo each
time: it is a folder `backups/auto/<stamp>/` holding a consistent copy of the database (SQLite's
online backup) and a manifest naming the photos it needs, and the photos themselves sit once in
`backups/auto/photos/ab/<sha256>` (blobs never change, so only new ones are copied). A snapshot
is built in `<stamp>.partial/` and renamed into place when complete, so a killed backup leaves a
`.partial` that is never listed and is removed by the next run; snapshots rotated away are
renamed to `.partial` before they are deleted, for the same reason.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from otop_desktop.db import migrate
from otop_desktop.db.local_models import ReplicaState
from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.i18n import _
from otop_desktop.media.store import SHA256_RE, BlobStore, sha256_file
from otop_desktop.services.backup import BackupError, copy_database, fsync_dir, require_sqlite
from otop_desktop.services.context import AppContext
from otop_desktop.services.paths import DataDir

AUTO_FORMAT = "otop-auto-backup"
AUTO_VERSION = 1
DEFAULT_KEEP = 10
DEFAULT_EVERY_HOURS = 4.0
PARTIAL = ".partial"
MANIFEST = "manifest.json"
DATABASE = "otop.sqlite3"
MIRROR = "photos"

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# "Back up now" and the timer's backup may overlap in one process: one at a time.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Snapshot:
    """One complete automatic backup."""

    path: Path
    created_at: dt.datetime
    size: int
    photos: int
    trainees: int | None
    workshops: int | None
    db_sha256: str


@dataclass(frozen=True)
class SnapshotResult:
    """What one automatic backup did: the new snapshot (None when nothing had changed)."""

    snapshot: Snapshot | None
    removed: int


def auto_dir(folder: DataDir) -> Path:
    """Where the automatic backups of a data dir go."""
    return folder.backups / "auto"


def mirror_of(folder: DataDir) -> BlobStore:
    """The photo mirror shared by every automatic backup."""
    return BlobStore(auto_dir(folder) / MIRROR)


def available(ctx: AppContext) -> bool:
    """Whether automatic backups apply (not on a PostgreSQL hub: pg_dump does that)."""
    return ctx.is_sqlite


def is_snapshot(path: Path) -> bool:
    """Whether `path` is an automatic backup folder (or a file in one)."""
    folder = path if path.is_dir() else path.parent
    return _read_manifest(folder) is not None


def snapshot_folder(path: Path) -> Path:
    """The snapshot folder of `path` (the folder itself or a file in it)."""
    return path if path.is_dir() else path.parent


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != AUTO_FORMAT:
        return None
    return manifest


def snapshot_photos(folder: Path) -> list[str]:
    """The photos (sha256) a snapshot needs from the mirror."""
    manifest = _read_manifest(folder)
    if manifest is None:
        raise BackupError(_("This folder is not an automatic backup."))
    if not isinstance(manifest.get("version"), int) or manifest["version"] > AUTO_VERSION:
        raise BackupError(_("This backup was made by a newer version of OTOP Field Desk."))
    photos = manifest.get("photos")
    if not isinstance(photos, list) or not all(
        isinstance(s, str) and SHA256_RE.match(s) for s in photos
    ):
        raise BackupError(_("The backup is damaged: its list of photos cannot be read."))
    return photos


def _as_snapshot(folder: Path) -> Snapshot | None:
    manifest = _read_manifest(folder)
    if manifest is None:
        return None
    database = folder / DATABASE
    try:
        size = database.stat().st_size
        created = dt.datetime.fromisoformat(str(manifest["created_at"]))
        photos = manifest["photos"]
        if size != manifest["db_size"] or not isinstance(photos, list):
            return None
        return Snapshot(
            path=folder,
            created_at=created,
            size=size,
            photos=len(photos),
            trainees=manifest.get("trainees"),
            workshops=manifest.get("workshops"),
            db_sha256=str(manifest["db_sha256"]),
        )
    except (OSError, KeyError, ValueError, TypeError):
        return None


def list_snapshots(folder: DataDir) -> list[Snapshot]:
    """The complete automatic backups, newest first (partial and damaged ones left out)."""
    root = auto_dir(folder)
    if not root.is_dir():
        return []
    found = []
    for entry in root.iterdir():
        if entry.is_dir() and entry.name != MIRROR and not entry.name.endswith(PARTIAL):
            snapshot = _as_snapshot(entry)
            if snapshot is not None:
                found.append(snapshot)
    found.sort(key=lambda s: (s.created_at, s.path.name), reverse=True)
    return found


def remove_partials(folder: DataDir) -> int:
    """Remove what killed backups left (partial snapshots, half-copied photos); how many."""
    root = auto_dir(folder)
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.iterdir():
        if entry.name.endswith(PARTIAL):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    shutil.rmtree(root / MIRROR / "tmp", ignore_errors=True)
    return removed


def count_rows(database: Path) -> tuple[int | None, int | None]:
    """Live trainees and workshops in a SQLite file (None when it cannot be read)."""
    try:
        connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, None
    try:
        counts = [
            int(connection.execute(f"SELECT count(*) FROM {table} WHERE cl % 2 = 1").fetchone()[0])
            for table in ("trainee", "workshop")
        ]
        return counts[0], counts[1]
    except sqlite3.Error:
        return None, None
    finally:
        connection.close()


def _new_name(root: Path) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name, n = stamp, 1
    while (root / name).exists() or (root / (name + PARTIAL)).exists():
        n += 1
        name = f"{stamp}-{n}"
    return name


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _check_copy(database: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        ok = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    if not ok:
        raise BackupError(_("The copy of the database fails its check; no backup was made."))


def _mirror_photos(
    ctx: AppContext, hashes: list[str], report: Report | None, cancelled: Cancelled | None
) -> None:
    store = BlobStore(ctx.data_dir.blobs)
    mirror = mirror_of(ctx.data_dir)
    missing = [sha for sha in hashes if not mirror.has(sha)]
    for done, sha in enumerate(missing, 1):
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        # put_file writes to a temp file, fsyncs and renames: never a half photo in the mirror.
        mirror.put_file(store.path_of(sha), sha)
        if report is not None:
            report(done, len(missing) + 1)


def take_snapshot(
    ctx: AppContext,
    *,
    keep: int = DEFAULT_KEEP,
    force: bool = False,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> SnapshotResult:
    """Make an automatic backup unless nothing changed since the last one (`force`: always)."""
    require_sqlite(ctx)
    if migrate.is_empty(ctx.engine):
        return SnapshotResult(None, 0)  # nothing to keep yet (a database being set up)
    with _LOCK:
        try:
            return _take(ctx, keep, force, report, cancelled)
        except OSError as exc:
            raise BackupError(
                _("The automatic backup could not be written to {path}: {reason}").format(
                    path=auto_dir(ctx.data_dir), reason=exc.strerror or exc
                )
            ) from exc


def _take(
    ctx: AppContext, keep: int, force: bool, report: Report | None, cancelled: Cancelled | None
) -> SnapshotResult:
    root = auto_dir(ctx.data_dir)
    root.mkdir(parents=True, exist_ok=True)
    remove_partials(ctx.data_dir)
    previous = list_snapshots(ctx.data_dir)
    name = _new_name(root)
    partial = root / (name + PARTIAL)
    partial.mkdir()
    try:
        database = partial / DATABASE
        copy_database(ctx, database)
        _fsync_file(database)
        db_sha = sha256_file(database)
        hashes = list(BlobStore(ctx.data_dir.blobs))
        if (
            not force
            and previous
            and previous[0].db_sha256 == db_sha
            and set(snapshot_photos(previous[0].path)) == set(hashes)
        ):
            # A laptop opened ten times a day must not rotate yesterday's backup away.
            shutil.rmtree(partial)
            return SnapshotResult(None, 0)
        _check_copy(database)
        _mirror_photos(ctx, hashes, report, cancelled)
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        with ctx.read() as session:
            state = session.scalar(select(ReplicaState))
        trainees, workshops = count_rows(database)
        manifest = {
            "format": AUTO_FORMAT,
            "version": AUTO_VERSION,
            "schema": migrate.current_revision(ctx.engine),
            # To the microsecond: snapshots taken within one second still sort in order.
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "replica_id": state.replica_id if state else None,
            "device_name": state.device_name if state else None,
            "db_sha256": db_sha,
            "db_size": database.stat().st_size,
            "trainees": trainees,
            "workshops": workshops,
            "photos": hashes,
        }
        with (partial / MANIFEST).open("w", encoding="utf-8") as out:
            json.dump(manifest, out)
            out.flush()
            os.fsync(out.fileno())
        fsync_dir(partial)
        final = root / name
        os.replace(partial, final)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if report is not None:
        report(1, 1)
    removed = rotate(ctx.data_dir, keep)
    return SnapshotResult(_as_snapshot(final), removed)


def rotate(folder: DataDir, keep: int) -> int:
    """Keep the newest `keep` snapshots (at least one) and the photos they need; how many went."""
    snapshots = list_snapshots(folder)
    removed = 0
    for old in snapshots[max(1, keep) :]:
        # Renamed first: a deletion cut short leaves a .partial, never a half snapshot.
        doomed = old.path.with_name(old.path.name + PARTIAL)
        os.replace(old.path, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
        removed += 1
    _prune_mirror(folder)
    return removed


def _prune_mirror(folder: DataDir) -> None:
    needed: set[str] = set()
    for snapshot in list_snapshots(folder):
        try:
            needed.update(snapshot_photos(snapshot.path))
        except BackupError:
            # A manifest that cannot be read: better a photo too many than one missing.
            return
    mirror = mirror_of(folder)
    for sha in list(mirror):
        if sha not in needed:
            mirror.path_of(sha).unlink(missing_ok=True)


def restore_photos(
    snapshot: Path,
    store: BlobStore,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    """Copy into `store` the photos a snapshot needs that it lacks, from the shared mirror."""
    mirror = BlobStore(snapshot.parent / MIRROR)
    missing = [sha for sha in snapshot_photos(snapshot) if not store.has(sha)]
    for done, sha in enumerate(missing, 1):
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        if not mirror.has(sha):
            raise BackupError(
                _("The backup is damaged: the photo {name} is missing from {path}.").format(
                    name=sha[:12], path=mirror.root
                )
            )
        store.put_file(mirror.path_of(sha), sha)
        if report is not None:
            report(done, len(missing))
