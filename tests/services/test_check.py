"""`check`: a sound database passes; damaged or missing photos and a damaged file are named."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from otop_desktop import cli
from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.services import photos
from otop_desktop.services.check import run_check
from otop_desktop.services.context import AppContext, open_context
from otop_desktop.services.products import save_product
from tests.helpers import new_context


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path / "db")
    yield context
    context.close()


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return out.getvalue()


def _add_photos(ctx: AppContext, count: int) -> list[photos.PhotoInfo]:
    product = save_product(ctx, {"name": "Cántaro de barro"})
    return [
        photos.add_photo_bytes(ctx, product, _jpeg((10 * i, 80, 200 - i)), name=f"p{i}.jpg")
        for i in range(count)
    ]


def _blob(ctx: AppContext, sha: str) -> Path:
    return ctx.data_dir.blobs / sha[:2] / sha


def test_a_sound_database_with_photos_is_in_order(ctx: AppContext) -> None:
    _add_photos(ctx, 3)
    seen: list[tuple[int, int]] = []

    report = run_check(ctx, report=lambda done, total: seen.append((done, total)))

    assert report.ok, report.problems
    assert report.facts["photos"] == 3
    assert report.facts["schema"]
    assert report.notes == ()
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_a_damaged_photo_is_named_by_photo_and_product(ctx: AppContext) -> None:
    first, second = _add_photos(ctx, 2)
    blob = _blob(ctx, second.sha256)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))

    report = run_check(ctx)

    assert not report.ok
    [problem] = report.problems
    assert "damaged" in problem.text
    assert second.id in problem.text and second.product_id in problem.text
    assert first.id not in problem.text
    assert problem.advice


def test_a_missing_photo_is_named(ctx: AppContext) -> None:
    [photo] = _add_photos(ctx, 1)
    _blob(ctx, photo.sha256).unlink()

    report = run_check(ctx)

    [problem] = report.problems
    assert "missing" in problem.text and photo.id in problem.text


def test_unused_files_and_leftovers_are_notes_not_problems(ctx: AppContext) -> None:
    _add_photos(ctx, 1)
    stray = ctx.data_dir.blobs.parent / "stray"
    stray.mkdir()
    from otop_desktop.media.store import BlobStore

    BlobStore(ctx.data_dir.blobs).put_bytes(b"a photo nobody uses")
    tmp = ctx.data_dir.blobs / "tmp"
    tmp.mkdir(exist_ok=True)
    (tmp / "in-abc123").write_bytes(b"half a photo")

    report = run_check(ctx)

    assert report.ok
    assert len(report.notes) == 2
    assert "used by no record" in report.notes[0]
    assert "interrupted" in report.notes[1]


def test_cancelling_stops_the_check(ctx: AppContext) -> None:
    _add_photos(ctx, 2)

    with pytest.raises(OperationCancelled):
        run_check(ctx, cancelled=lambda: True)


@pytest.mark.sqlite_only  # it damages the SQLite file; PostgreSQL keeps its own pages
def test_a_damaged_database_page_is_a_problem(tmp_path: Path) -> None:
    root = tmp_path / "db"
    ctx = new_context(root)
    ctx.close()
    # A table of its own, filled and indexed, then the index's pages overwritten with noise:
    # the file still opens, but SQLite's integrity check finds the damage.
    con = sqlite3.connect(root / "otop.sqlite3")
    con.execute("CREATE TABLE filler (v TEXT)")
    con.execute("CREATE INDEX filler_v ON filler (v)")
    con.executemany("INSERT INTO filler VALUES (?)", [(f"value {i:05d}" * 8,) for i in range(3000)])
    con.commit()
    index_root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='filler_v'").fetchone()
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with (root / "otop.sqlite3").open("r+b") as handle:
        handle.seek((index_root[0] - 1) * page_size)
        handle.write(b"\xa5" * page_size)

    ctx = open_context(root)
    try:
        report = run_check(ctx)
    finally:
        ctx.close()

    assert not report.ok
    assert any("damaged" in p.text and "integrity" in p.text for p in report.problems)


def test_cli_check_json_and_exit_code(ctx: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    [photo] = _add_photos(ctx, 1)
    args = ["--data-dir", str(ctx.data_dir.root), "check", "--json"]

    assert cli.run(args) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True

    _blob(ctx, photo.sha256).write_bytes(b"not the photo any more")
    assert cli.run(args) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert photo.id in out["problems"][0]  # a list of texts, as before (scripts read it)
    assert out["advice"][0]["problem"] == out["problems"][0] and out["advice"][0]["advice"]

    assert cli.run(["--data-dir", str(ctx.data_dir.root), "check"]) == 1
    text = capsys.readouterr().out
    assert "Problem:" in text and "What to do:" in text
