"""The same code on PostgreSQL: a coordinator hub and a SQLite laptop sync to identical dumps.

The fixture starts a throw-away PostgreSQL server on 127.0.0.1 in a temporary folder when the
server binaries are installed (`.ci/run` installs Debian's package), as the `postgres` user when
the tests run as root, and stops it afterwards; without them the test is skipped.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.sync import crypto
from tests import pg_server


@pytest.fixture(scope="module")
def pg_url() -> str:
    """A fresh database on the test run's PostgreSQL server (skipped without one)."""
    return pg_server.server().create_database("hub")


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
