"""Where a data dir keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from otop_desktop.db.engine import DB_FILENAME

APP_NAME = "OTOP Field Desk"
APP_AUTHOR = "OTOP"


def default_data_dir() -> Path:
    """`OTOP_DATA_DIR`, else the platform's user data dir."""
    override = os.environ.get("OTOP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


class DataDir:
    """The files of one data dir: database, photo store, backups, logs.

    With a coordinator hub, `photos_root` is the shared photo folder: the photo store (and the
    originals) live there in the same layout, so every machine using the hub sees every photo;
    thumbnails are a cache each machine keeps for itself, and keys, logs and backups stay local.
    """

    def __init__(self, root: Path, photos_root: Path | None = None) -> None:
        self.root = root.expanduser().resolve()
        self.photos_root = None if photos_root is None else photos_root.expanduser().resolve()

    @property
    def _photos(self) -> Path:
        return self.root if self.photos_root is None else self.photos_root

    @property
    def database(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def blobs(self) -> Path:
        return self._photos / "blobs"

    @property
    def thumbs(self) -> Path:
        return self.root / "thumbs"

    @property
    def originals(self) -> Path:
        return self._photos / "originals"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def hub_settings(self) -> Path:
        return self.root / "hub.json"
