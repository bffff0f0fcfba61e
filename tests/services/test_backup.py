"""Backups hold the database and photos; restoring one changes nothing until it is verified."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.services import backup, demo, trainees
from otop_desktop.services.dump import dump_text
from tests.helpers import new_context

# The backup is a zip of the SQLite file (a PostgreSQL hub is backed up with pg_dump).
pytestmark = pytest.mark.sqlite_only


def test_backup_then_restore_gives_back_the_same_data(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "data")
    demo.build_demo(ctx, trainees=20, photos=2)
    before = dump_text(ctx)
    backup.write_backup(ctx, tmp_path / "safe.zip")
    trainees.add_trainee(ctx, given_names="Después del respaldo")
    ctx.close()
    backup.restore_backup(tmp_path / "data", tmp_path / "safe.zip")
    again = new_context(tmp_path / "data")
    try:
        assert dump_text(again) == before
    finally:
        again.close()
    assert list((tmp_path / "data" / "backups").glob("before-restore-*.sqlite3"))


@pytest.mark.parametrize("damage", ["not-a-zip", "no-manifest", "newer", "bad-db"])
def test_a_broken_backup_is_refused_and_nothing_changes(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = new_context(tmp_path / "data")
    trainees.add_trainee(ctx, given_names="Intacta")
    before = dump_text(ctx)
    good = tmp_path / "good.zip"
    backup.write_backup(ctx, good)
    ctx.close()
    bad = tmp_path / "bad.zip"
    if damage == "not-a-zip":
        bad.write_bytes(b"hello")
    else:
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "manifest.json":
                    if damage == "no-manifest":
                        continue
                    if damage == "newer":
                        data = json.dumps({**json.loads(data), "version": 99}).encode()
                if item.filename == "otop.sqlite3" and damage == "bad-db":
                    data = b"SQLite format 3\x00" + b"\x00" * 100
                dst.writestr(item, data)
    code = run(["--data-dir", str(tmp_path / "data"), "restore", str(bad)])
    err = capsys.readouterr().err
    assert code == 1 and err.strip() and "Traceback" not in err
    again = new_context(tmp_path / "data")
    try:
        assert dump_text(again) == before
    finally:
        again.close()


def test_a_backup_restores_over_a_database_that_no_longer_opens(tmp_path: Path) -> None:
    # Proves: restoring works when it is needed most, and the broken file is still kept aside.
    ctx = new_context(tmp_path / "data")
    trainees.add_trainee(ctx, given_names="Antes del daño")
    before = dump_text(ctx)
    backup.write_backup(ctx, tmp_path / "safe.zip")
    ctx.close()
    broken = b"this disk sector was lost" * 100
    (tmp_path / "data" / "otop.sqlite3").write_bytes(broken)
    backup.restore_backup(tmp_path / "data", tmp_path / "safe.zip")
    again = new_context(tmp_path / "data")
    try:
        assert dump_text(again) == before
    finally:
        again.close()
    [kept] = (tmp_path / "data" / "backups").glob("before-restore-*.sqlite3")
    assert kept.read_bytes() == broken


def test_a_computer_set_to_a_hub_refuses_to_restore_over_its_unused_sqlite_file(
    tmp_path: Path,
) -> None:
    from otop_desktop.services.hub_settings import HubSettings, save_hub_settings
    from otop_desktop.services.paths import DataDir

    ctx = new_context(tmp_path / "data")
    demo.build_demo(ctx, trainees=5, photos=0)
    backup.write_backup(ctx, tmp_path / "safe.zip")
    ctx.close()
    database = (tmp_path / "data" / "otop.sqlite3").read_bytes()
    save_hub_settings(DataDir(tmp_path / "data"), HubSettings("postgresql://otop@hub-pc/otop"))
    with pytest.raises(backup.BackupError, match="pg_restore"):
        backup.restore_backup(tmp_path / "data", tmp_path / "safe.zip")
    assert (tmp_path / "data" / "otop.sqlite3").read_bytes() == database
