"""Which coordinator hub (PostgreSQL) a data dir uses, and its shared photo folder.

Kept in `hub.json` in the data dir, so the window started plainly and every command without
`--database-url` open the hub. The file is written whole or not at all and readable by its
owner only (0600), since a URL may hold a password; a password is never shown or logged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from otop_desktop.atomic_file import cannot_write, replacing
from otop_desktop.domain.errors import DatabaseError, ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.paths import DataDir

SETTINGS_FORMAT = "otop-hub"
SETTINGS_VERSION = 1
PRIVATE = 0o600
# libpq's own name for PostgreSQL; the app talks to it through psycopg 3.
POSTGRES_DRIVER = "postgresql+psycopg"


@dataclass(frozen=True)
class HubSettings:
    """A hub's database URL (password included, if one was given) and shared photo folder."""

    database_url: str
    photo_folder: Path | None = None

    @property
    def shown_url(self) -> str:
        """The URL with any password masked: the only form ever shown or logged."""
        return shown_url(self.database_url)

    @property
    def has_password(self) -> bool:
        """Whether the URL holds a password (else libpq reads ~/.pgpass or PGPASSFILE)."""
        return make_url(self.database_url).password is not None


def shown_url(url: str) -> str:
    """`url` with its password masked as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        # Not a URL at all: no password can be told apart, so show nothing of it.
        return _("(not a database URL)")


def hub_url(text: str) -> str:
    """A PostgreSQL URL as the app uses it (`postgresql://` means psycopg 3); ValidationError."""
    try:
        url = make_url(text.strip())
    except ArgumentError as exc:
        raise ValidationError(
            _("This is not a database URL; write it as postgresql://user@server/database."),
            "database_url",
        ) from exc
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise ValidationError(
            _("A coordinator hub is a PostgreSQL database: the URL starts with postgresql://."),
            "database_url",
        )
    if not url.database:
        raise ValidationError(_("The URL names no database."), "database_url")
    return url.set(drivername=POSTGRES_DRIVER).render_as_string(hide_password=False)


def build_url(
    host: str, port: int | None, database: str, user: str, password: str | None = None
) -> str:
    """The hub URL of the Settings fields (a password only if one is typed)."""
    if not host.strip():
        raise ValidationError(_("Type the name or address of the hub computer."), "host")
    if not database.strip():
        raise ValidationError(_("Type the name of the database."), "database")
    url = URL.create(
        POSTGRES_DRIVER,
        username=user.strip() or None,
        password=password or None,
        host=host.strip(),
        port=port,
        database=database.strip(),
    )
    return url.render_as_string(hide_password=False)


def load_hub_settings(folder: DataDir) -> HubSettings | None:
    """The data dir's hub, or None when it uses its own SQLite file."""
    path = folder.hub_settings
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from exc
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != SETTINGS_FORMAT:
            raise ValueError("not a hub setting")
        url = hub_url(str(data["database_url"]))
        photos = data.get("photo_folder")
    except (ValueError, KeyError, ValidationError) as exc:
        raise _unreadable(path, str(exc)) from exc
    return HubSettings(url, Path(photos) if photos else None)


def _unreadable(path: Path, reason: str) -> DatabaseError:
    return DatabaseError(
        _(
            "The coordinator hub setting {path} cannot be read ({reason}); nothing was opened. "
            "Run “otop-desktop hub disconnect” to use this laptop's own database."
        ).format(path=path, reason=reason)
    )


def save_hub_settings(folder: DataDir, settings: HubSettings) -> None:
    """Keep `settings` for the data dir (whole file or nothing, private to its owner)."""
    path = folder.hub_settings
    data = {
        "format": SETTINGS_FORMAT,
        "version": SETTINGS_VERSION,
        "database_url": hub_url(settings.database_url),
        "photo_folder": None if settings.photo_folder is None else str(settings.photo_folder),
    }
    try:
        folder.root.mkdir(parents=True, exist_ok=True)
        with replacing(path, suffix=".part", mode=PRIVATE) as part:
            part.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def clear_hub_settings(folder: DataDir) -> bool:
    """Use the data dir's own SQLite file again; whether a hub was set. The hub is untouched."""
    path = folder.hub_settings
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    return True


def check_photo_folder(path: Path) -> Path:
    """The shared photo folder, resolved, if it is there and writable; else DatabaseError."""
    folder = path.expanduser()
    if not folder.is_dir():
        raise DatabaseError(
            _(
                "The shared photo folder {path} cannot be reached: connect the network drive "
                "(or choose another folder in Settings). Nothing was changed."
            ).format(path=folder)
        )
    if not os.access(folder, os.W_OK):
        raise DatabaseError(
            _("The shared photo folder {path} is read-only; nothing was changed.").format(
                path=folder
            )
        )
    return folder.resolve()


def photos_root_for(folder: DataDir, database_url: str) -> Path | None:
    """The shared photo folder to use with `database_url`: the hub's, when that is the hub."""
    settings = load_hub_settings(folder)
    if settings is None or settings.photo_folder is None:
        return None
    if make_url(settings.database_url) != _same_driver(database_url):
        # Another database named on the command line keeps its photos in the data dir.
        return None
    return check_photo_folder(settings.photo_folder)


def _same_driver(database_url: str) -> URL | None:
    try:
        return make_url(hub_url(database_url))
    except ValidationError:
        return None
