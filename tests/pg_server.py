"""A throw-away PostgreSQL server for the tests, started once per test run when Debian's
server binaries are installed (`.ci/run` installs them), and stopped at exit.

It runs on 127.0.0.1 in a temporary folder, as the `postgres` user when the tests run as root
(initdb refuses root), with durability off (a test database is thrown away anyway). Each test
asks for a fresh database by name; without the binaries the asking test is skipped.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

USER = "otop"


def pg_bin() -> Path | None:
    """The folder of initdb and pg_ctl, or None when the server is not installed."""
    # Debian keeps the server binaries out of PATH; prefer them over any wrapper on PATH.
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgServer:
    bin_dir: Path
    folder: Path
    port: int
    as_postgres: list[str]
    _admin: psycopg.Connection[tuple[object, ...]] | None = None

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        for attempt in range(50):
            try:
                self.run(str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", USER, name)  # fmt: skip
                break
            except subprocess.CalledProcessError:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        return self.url(name)

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A connection to the `postgres` database in autocommit, for CREATE/DROP DATABASE."""
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(
                host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True
            )
        return self._admin

    def copy_database(self, template: str, prefix: str = "t") -> str:
        """A new database copied from `template` (which nobody may be connected to); its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.admin().execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, ending whatever connections a test left open to it."""
        self.admin().execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        subprocess.run([*self.as_postgres, str(self.bin_dir / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       check=False, capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


_server: PgServer | None = None


def server() -> PgServer:
    """The test run's server, started on first use; skips the test when it cannot be."""
    global _server
    if _server is not None:
        return _server
    bin_dir = pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    # Not under pytest's tmp dir: its parents are private to us, and the server may run as
    # the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="otop-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        os.chmod(folder, 0o777)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    candidate = PgServer(bin_dir, folder, _free_port(), as_postgres)
    data = folder / "data"
    candidate.run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E",
                  "UTF8", "--no-sync")  # fmt: skip
    options = (
        f"-p {candidate.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    candidate.run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                  "-o", options, "start")  # fmt: skip
    atexit.register(candidate.stop)
    _server = candidate
    return candidate
