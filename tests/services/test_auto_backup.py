"""Automatic backups rotate, share one photo mirror, skip when nothing changed, restore with
their photos, and survive being killed half-way (as does the one-file zip)."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.media.store import BlobStore
from otop_desktop.services import auto_backup, backup, backup_list, demo, trainees
from otop_desktop.services.context import AppContext, open_context
from otop_desktop.services.dump import dump_text
from otop_desktop.services.laptop import this_laptop
from otop_desktop.services.paths import DataDir
from tests.helpers import new_context

# Automatic backups copy the SQLite file (a PostgreSQL hub is backed up with pg_dump).
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]


def _add_photos(ctx: AppContext, count: int, size: int = 2048) -> list[str]:
    store = BlobStore(ctx.data_dir.blobs)
    return [store.put_bytes(os.urandom(size)) for _ in range(count)]


def _tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_rotation_keeps_the_last_n_and_the_photos_they_need(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "data")
    try:
        first_photos = _add_photos(ctx, 3)
        made = []
        for n in range(5):
            trainees.add_trainee(ctx, given_names=f"Persona {n}")
            result = auto_backup.take_snapshot(ctx, keep=3)
            assert result.snapshot is not None
            made.append(result.snapshot.path)
            if n == 0:
                # The first photos are in the first snapshot only: dropped from the store later.
                for sha in first_photos:
                    BlobStore(ctx.data_dir.blobs).path_of(sha).unlink()
                _add_photos(ctx, 1)
        listed = auto_backup.list_snapshots(ctx.data_dir)
        assert [s.path for s in listed] == made[::-1][:3]
        assert [s.trainees for s in listed] == [5, 4, 3]
        mirror = set(auto_backup.mirror_of(ctx.data_dir))
        assert mirror == set(BlobStore(ctx.data_dir.blobs))
        assert not set(first_photos) & mirror
    finally:
        ctx.close()


def test_photos_are_mirrored_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = new_context(tmp_path / "data")
    try:
        _add_photos(ctx, 4)
        copies: list[str] = []
        real = BlobStore.put_file

        def counting(self: BlobStore, path: Path, expected: str | None = None) -> str:
            copies.append(path.name)
            return real(self, path, expected)

        monkeypatch.setattr(BlobStore, "put_file", counting)
        auto_backup.take_snapshot(ctx)
        assert len(copies) == 4
        new = _add_photos(ctx, 1)
        trainees.add_trainee(ctx, given_names="Otra")
        result = auto_backup.take_snapshot(ctx)
        assert result.snapshot is not None and result.snapshot.photos == 5
        assert copies[4:] == new
    finally:
        ctx.close()


def test_nothing_changed_means_no_new_snapshot(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "data")
    trainees.add_trainee(ctx, given_names="Una")
    first = auto_backup.take_snapshot(ctx)
    ctx.close()
    # Reopened, as at every start of the app.
    ctx = open_context(tmp_path / "data")
    try:
        again = auto_backup.take_snapshot(ctx)
        assert first.snapshot is not None and again.snapshot is None
        assert len(auto_backup.list_snapshots(ctx.data_dir)) == 1
        _add_photos(ctx, 1)  # a new photo alone is a change
        assert auto_backup.take_snapshot(ctx).snapshot is not None
        assert auto_backup.take_snapshot(ctx, force=True).snapshot is not None
        assert len(auto_backup.list_snapshots(ctx.data_dir)) == 3
    finally:
        ctx.close()


def test_restore_of_an_automatic_backup_gives_data_photos_and_a_new_replica_id(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    ctx = new_context(data)
    demo.build_demo(ctx, trainees=12, photos=2)
    before = dump_text(ctx)
    old_id = this_laptop(ctx).replica_id
    snapshot = auto_backup.take_snapshot(ctx).snapshot
    assert snapshot is not None
    trainees.add_trainee(ctx, given_names="Después")
    photos = sorted(BlobStore(ctx.data_dir.blobs))
    ctx.close()
    for sha in photos:
        BlobStore(DataDir(data).blobs).path_of(sha).unlink()
    # Through the CLI, with the database file of the snapshot as the FILE.
    assert run(["--data-dir", str(data), "restore", str(snapshot.path / "otop.sqlite3")]) == 0
    again = open_context(data)
    try:
        assert dump_text(again) == before
        assert this_laptop(again).replica_id != old_id
        assert sorted(BlobStore(again.data_dir.blobs)) == photos
    finally:
        again.close()
    kinds = {e.kind for e in backup_list.list_backups(DataDir(data))}
    assert kinds == {backup_list.AUTOMATIC, backup_list.BEFORE_RESTORE}


def test_a_cancelled_zip_leaves_no_file(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "data")
    try:
        _add_photos(ctx, 5)
        target = tmp_path / "usb" / "otop.zip"
        seen: list[tuple[int, int]] = []
        with pytest.raises(OperationCancelled):
            backup.write_backup(
                ctx, target, report=lambda d, t: seen.append((d, t)), cancelled=lambda: bool(seen)
            )
        assert seen == [(1, 6)]
        assert list(target.parent.iterdir()) == []
    finally:
        ctx.close()


def test_a_full_usb_stick_gives_a_message_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = new_context(tmp_path / "data")
    try:
        _add_photos(ctx, 2)
        real = backup.zipfile.ZipFile.write

        def full(self: object, filename: object, arcname: str | None = None, *a: object) -> None:
            if arcname and arcname.startswith("blobs/"):
                raise OSError(28, "No space left on device")
            real(self, filename, arcname, *a)  # type: ignore[arg-type]

        monkeypatch.setattr(backup.zipfile.ZipFile, "write", full)
        target = tmp_path / "usb" / "otop.zip"
        with pytest.raises(backup.BackupError, match="No space left"):
            backup.write_backup(ctx, target)
        assert list(target.parent.iterdir()) == []
    finally:
        ctx.close()


# --- killed half-way --------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from otop_desktop.services import auto_backup, backup
    from otop_desktop.services.context import open_context

    kind, data, target = sys.argv[1:]
    ctx = open_context(Path(data))
    if kind == "auto":
        auto_backup.take_snapshot(ctx, force=True)
    else:
        backup.write_backup(ctx, Path(target))
    print("DONE", flush=True)
    """
)


def _integrity(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def _wait_for(path_glob: tuple[Path, str], child: subprocess.Popen[bytes]) -> Path:
    folder, pattern = path_glob
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = list(folder.glob(pattern)) if folder.is_dir() else []
        if found:
            return found[0]
        assert child.poll() is None, "the backup ended before it could be killed"
        time.sleep(0.002)
    raise AssertionError("no partial backup appeared")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kind", ["auto", "zip"])
@pytest.mark.parametrize("delay", [0.0, 0.05])
def test_a_backup_killed_half_way_harms_nothing(tmp_path: Path, kind: str, delay: float) -> None:
    data = tmp_path / "data"
    folder = DataDir(data)
    ctx = new_context(data)
    demo.build_demo(ctx, trainees=10, photos=1)
    auto_backup.take_snapshot(ctx)
    backup.write_backup(ctx, folder.backups / "earlier.zip")
    # Enough photos that mirroring or zipping them takes a while: the kill lands mid-way.
    _add_photos(ctx, 400, 64 * 1024)
    dump_before = dump_text(ctx)
    ctx.close()
    backups_before = _tree_hashes(folder.backups)
    target = folder.backups / "new.zip"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, str(data), str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        where = (
            (auto_backup.auto_dir(folder), "*.partial")
            if kind == "auto"
            else (
                folder.backups,
                "new.zip.partial",
            )
        )
        partial = _wait_for(where, child)
        time.sleep(delay)
        assert child.poll() is None, "the backup ended before it could be killed"
        child.send_signal(signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert partial.exists()
    # What was there before is byte for byte what it was (the partial aside).
    after = _tree_hashes(folder.backups)
    assert {k: v for k, v in after.items() if k in backups_before} == backups_before
    assert set(backups_before) <= set(after)
    assert _integrity(folder.database) == "ok"
    assert len(auto_backup.list_snapshots(folder)) == 1
    listed = {e.path.name for e in backup_list.list_backups(folder)}
    assert "earlier.zip" in listed and not any(n.endswith(".partial") for n in listed)
    ctx = open_context(data)
    try:
        assert dump_text(ctx) == dump_before
        # The next backup of the same kind clears what the killed one left.
        if kind == "auto":
            assert auto_backup.take_snapshot(ctx).snapshot is not None
        else:
            backup.write_backup(ctx, target)
            assert target.exists()
    finally:
        ctx.close()
    assert not partial.exists()
    assert not list(data.glob(".backup-work-*"))
    leftovers = auto_backup.auto_dir(folder) / "photos" / "tmp"
    assert not leftovers.exists() or not list(leftovers.iterdir())
