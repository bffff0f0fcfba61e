"""The core suites on both engines: a data dir opened on PostgreSQL gets its own database.

The `db_engine` fixture (tests/conftest.py) is parametrised over "sqlite" and "postgresql" for
tests/services, tests/sync, tests/reports and tests/test_cli*.py. On "postgresql" it replaces
`context.database_url_for`, so every data dir opened without an explicit URL (by a service, the
CLI or a test helper) gets a fresh database on the test run's server, the same one each time
the same folder is opened. New databases are copies of one template migrated to the newest
schema once per run: a copy takes milliseconds, Alembic on each would take a second.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from otop_desktop.db import migrate
from otop_desktop.db.engine import make_engine, sqlite_url
from otop_desktop.services import context
from otop_desktop.services.paths import DataDir
from tests import pg_server

ENGINES = ("sqlite", "postgresql")

_template: str | None = None
_original_url_for = context.database_url_for


def _template_name() -> str:
    """The run's template database at the newest schema, made on first use."""
    global _template
    if _template is None:
        server = pg_server.server()
        url = server.create_database("tmpl")
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
        finally:
            # CREATE DATABASE ... TEMPLATE refuses a template anybody is connected to.
            engine.dispose()
        _template = url.rsplit("/", 1)[1]
    return _template


class PgDataDirs:
    """Which database each data dir (by resolved path) uses in one test."""

    def __init__(self) -> None:
        self.server = pg_server.server()
        self.template = _template_name()
        self.databases: dict[Path, str] = {}

    def url_for(self, folder: DataDir, database_url: str | None) -> str:
        """The stand-in for `context.database_url_for`: where that picks the data dir's own
        SQLite file, a PostgreSQL database instead (an explicit URL or a hub still win)."""
        url = _original_url_for(folder, database_url)
        if url != sqlite_url(folder.database):
            return url
        key = Path(folder.root).resolve()
        name = self.databases.get(key)
        if name is None:
            name = self.server.copy_database(self.template, "dd")
            self.databases[key] = name
        return self.server.url(name)

    def copy_dir(self, source: Path, target: Path) -> None:
        """Copy a data dir and its database, as copying the folder copies a SQLite file."""
        shutil.copytree(source, target)
        name = self.databases.get(Path(source).resolve())
        if name is not None:
            # The source may still be open in the test: its connections must go first.
            self.server.admin().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            self.databases[Path(target).resolve()] = self.server.copy_database(name, "dd")

    def release(self, root: Path) -> None:
        """Drop the databases of the data dirs under `root` (their contexts are closed)."""
        root = Path(root).resolve()
        for key in [k for k in self.databases if k == root or root in k.parents]:
            self.server.drop_database(self.databases.pop(key))

    def close(self) -> None:
        for name in self.databases.values():
            self.server.drop_database(name)
        self.databases.clear()


_current: PgDataDirs | None = None


def start(monkeypatch: pytest.MonkeyPatch) -> PgDataDirs:
    """Send this test's data dirs to PostgreSQL (skips the test without a server)."""
    global _current
    dirs = PgDataDirs()
    monkeypatch.setattr(context, "database_url_for", dirs.url_for)
    _current = dirs
    return dirs


def stop() -> None:
    """Drop the test's databases."""
    global _current
    if _current is not None:
        _current.close()
        _current = None


def on_postgresql() -> bool:
    """Whether the running test sends data dirs to PostgreSQL."""
    return _current is not None


def copy_data_dir(source: Path, target: Path) -> None:
    """Copy a data dir with its database, whichever engine the test runs on."""
    if _current is None:
        shutil.copytree(source, target)
    else:
        _current.copy_dir(source, target)


def database_args(root: Path) -> list[str]:
    """`--database-url` for a CLI child process opening `root`, whose own context.database_url_for
    is not replaced; nothing on SQLite."""
    if _current is None:
        return []
    return ["--database-url", _current.url_for(DataDir(root), None)]


def release(root: Path) -> None:
    """Free the databases of closed data dirs under `root` early (many-replica tests)."""
    if _current is not None:
        _current.release(root)
