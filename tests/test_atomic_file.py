"""The one atomic-writing helper: whole file or nothing, an older file untouched."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from otop_desktop.atomic_file import SHARED, replacing, write_atomic, write_atomically, writing
from otop_desktop.domain.errors import OperationCancelled, ValidationError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of its own (tmp_path also holds the test's data folder)."""
    made = tmp_path / "out"
    made.mkdir()
    return made


def test_the_file_appears_whole_with_the_mode_asked(folder: Path) -> None:
    target = folder / "informe.pdf"
    with writing(target, mode=SHARED) as part:
        assert part.parent == folder and part != target
        part.write_bytes(b"%PDF")
        assert not target.exists()  # nothing where people look until the block ends
    assert target.read_bytes() == b"%PDF"
    assert stat.S_IMODE(target.stat().st_mode) == SHARED
    assert list(folder.iterdir()) == [target]


@pytest.mark.parametrize("error", [OperationCancelled(), RuntimeError("broken")])
def test_a_cancel_or_error_leaves_the_older_file(folder: Path, error: Exception) -> None:
    target = folder / "lista.csv"
    target.write_text("old")

    def build(part: Path) -> None:
        part.write_text("half")
        raise error

    with pytest.raises(type(error)):
        write_atomically(target, build)
    assert target.read_text() == "old"
    assert list(folder.iterdir()) == [target]


def test_an_os_error_is_translated(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = folder / "陳美玲.xlsx"
    target.write_text("old")

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(ValidationError) as caught, writing(target) as part:
        part.write_text("new")
    assert caught.value.field == "path"
    assert "陳美玲.xlsx" in caught.value.message and "No space left" in caught.value.message
    assert target.read_text() == "old"
    assert list(folder.iterdir()) == [target]


def test_a_missing_folder_is_a_translated_error(folder: Path) -> None:
    with pytest.raises(ValidationError, match="x.pdf cannot be written"):
        write_atomically(folder / "gone" / "x.pdf", lambda part: None)


def test_replacing_lets_os_errors_through(folder: Path) -> None:
    with pytest.raises(FileNotFoundError), replacing(folder / "gone" / "x.png"):
        pass


def test_write_atomic_makes_the_folder_and_copies_a_stream(folder: Path) -> None:
    source = folder / "in.bin"
    source.write_bytes(b"x" * 3_000_000)
    target = folder / "blobs" / "ab" / "abcdef"
    with source.open("rb") as handle:
        write_atomic(target, handle)
    write_atomic(folder / "thumb.jpg", b"jpeg", durable=False)
    assert target.read_bytes() == source.read_bytes()
    assert (folder / "thumb.jpg").read_bytes() == b"jpeg"
    assert sorted(p.name for p in target.parent.iterdir()) == ["abcdef"]
