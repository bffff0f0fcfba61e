"""The same code on PostgreSQL: a coordinator hub and a SQLite laptop sync to identical dumps.

The fixture starts a throw-away PostgreSQL server on 127.0.0.1 in a temporary folder when the
server binaries are installed (`.ci/run` installs Debian's package), as the `postgres` user when
the tests run as root, and stops it afterwards; without them the test is skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.sync import crypto


def _pg_bin() -> Path | None:
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


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    # Not under pytest's tmp dir: its parents are private to us, and the server may run as
    # the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="otop-pg-"))
    data = folder / "data"
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        os.chmod(folder, 0o777)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def pg(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=120)

    pg(str(bin_dir / "initdb"), "-D", str(data), "-U", "otop", "--auth=trust", "-E", "UTF8")
    pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
       f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start")  # fmt: skip
    try:
        for _attempt in range(50):
            try:
                pg(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "otop",
                   "hub")  # fmt: skip
                break
            except subprocess.CalledProcessError:
                time.sleep(0.2)
        yield f"postgresql+psycopg://otop@127.0.0.1:{port}/hub"
    finally:
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "stop"], check=False, capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_a_postgresql_hub_and_a_sqlite_laptop_converge(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("programa de prueba 2026", encoding="utf-8")
    hub = ["--data-dir", str(tmp_path / "hub"), "--database-url", pg_url]
    laptop = ["--data-dir", str(tmp_path / "laptop")]
    _cli(capsys, *hub, "init", "--device-name", "Hub", "--passphrase-file", str(secret))
    _cli(capsys, *hub, "demo", "--trainees", "20", "--photos", "2")
    _cli(capsys, *laptop, "init", "--device-name", "Laptop", "--passphrase-file", str(secret))
    _cli(capsys, *laptop, "demo", "--trainees", "25", "--photos", "2", "--seed", "4")
    trainee = _cli(capsys, *laptop, "trainee", "add", "--given-names", "Única").strip()
    _cli(capsys, *laptop, "bundle", "export", str(tmp_path / "laptop.otop"))
    _cli(capsys, *hub, "bundle", "import", str(tmp_path / "laptop.otop"))
    _cli(capsys, *hub, "trainee", "edit", trainee, "--phone", "9876-5432")
    _cli(capsys, *hub, "bundle", "export", str(tmp_path / "hub.otop"))
    _cli(capsys, *laptop, "bundle", "import", str(tmp_path / "hub.otop"))
    assert _cli(capsys, *hub, "dump") == _cli(capsys, *laptop, "dump")
    assert "9876-5432" in _cli(capsys, *laptop, "trainee", "list", "--search", "unica")
    assert "Everything is in order" in _cli(capsys, *hub, "check")
    assert uuid.UUID(trainee)
