"""A throw-away PostgreSQL server for the hub benchmarks (the same recipe as tests/pg_server.py).

Debian's server binaries (`postgresql` package) are used when installed; `start()` returns None
without them, and the benchmark row then says so. The server runs on 127.0.0.1 in a temporary
folder, as the `postgres` user when run as root (initdb refuses root), with PostgreSQL's default
durability (fsync on, synchronous commits), so that it compares fairly with SQLite's FULL sync.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

USER = "otop"


def pg_bin() -> Path | None:
    """The folder of initdb and pg_ctl, or None when the server is not installed."""
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
class Server:
    bin_dir: Path
    folder: Path
    port: int
    as_postgres: list[str]

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=300)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "bench") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.run(str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", USER, name)  # fmt: skip
        return self.url(name)

    def version(self) -> str:
        out = subprocess.run([str(self.bin_dir / "postgres"), "--version"], capture_output=True,
                             text=True, check=False)  # fmt: skip
        words = out.stdout.split()
        return words[2] if len(words) > 2 else "?"

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, str(self.bin_dir / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "fast", "stop"],
                       check=False, capture_output=True, timeout=120)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Server | None:
    """A started server in a temporary folder, or None when PostgreSQL is not installed."""
    bin_dir = pg_bin()
    if bin_dir is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="otop-bench-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        os.chmod(folder, 0o777)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    server = Server(bin_dir, folder, _free_port(), as_postgres)
    data = folder / "data"
    try:
        server.run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E",
                   "UTF8", "--no-sync")  # fmt: skip
        options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1"
        server.run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                   "-o", options, "start")  # fmt: skip
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server
