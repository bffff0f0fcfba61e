"""Every backup of a data dir that can be restored: automatic ones and the files beside them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from otop_desktop.services import auto_backup
from otop_desktop.services.backup import PARTIAL
from otop_desktop.services.paths import DataDir

AUTOMATIC = "automatic"
BEFORE_UPGRADE = "before-upgrade"
BEFORE_RESTORE = "before-restore"
BACKUP_FILE = "file"


@dataclass(frozen=True)
class BackupEntry:
    """One backup as the Backups dialog lists it."""

    path: Path
    kind: str
    created_at: dt.datetime
    size: int
    trainees: int | None
    workshops: int | None
    photos: int | None


def _kind_of(path: Path) -> str | None:
    name = path.name
    if name.endswith(PARTIAL) or not path.is_file():
        return None
    if name.endswith(".zip"):
        return BACKUP_FILE
    if name.endswith(".sqlite3"):
        if name.startswith("before-upgrade-"):
            return BEFORE_UPGRADE
        if name.startswith("before-restore-"):
            return BEFORE_RESTORE
    return None


def list_backups(
    folder: DataDir, *, cancelled: Callable[[], bool] | None = None
) -> list[BackupEntry]:
    """Automatic backups and the backup files in `backups/`, newest first."""
    entries = [
        BackupEntry(
            path=s.path,
            kind=AUTOMATIC,
            created_at=s.created_at,
            size=s.size,
            trainees=s.trainees,
            workshops=s.workshops,
            photos=s.photos,
        )
        for s in auto_backup.list_snapshots(folder)
    ]
    if folder.backups.is_dir():
        for path in folder.backups.iterdir():
            if cancelled is not None and cancelled():
                break
            kind = _kind_of(path)
            if kind is None:
                continue
            stat = path.stat()
            # Counting in a zip would mean extracting its database: left unknown.
            counts = auto_backup.count_rows(path) if kind != BACKUP_FILE else (None, None)
            entries.append(
                BackupEntry(
                    path=path,
                    kind=kind,
                    created_at=dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc),
                    size=stat.st_size,
                    trainees=counts[0],
                    workshops=counts[1],
                    photos=None,
                )
            )
    entries.sort(key=lambda e: e.created_at, reverse=True)
    return entries
