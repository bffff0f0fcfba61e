"""Thumbnails made again from the stored photo when missing (photos that came by sync)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from otop_desktop.media.photo_ingest import PhotoError, ingest_photo
from otop_desktop.media.store import BlobStore
from otop_desktop.media.thumbnails import THUMB_EDGE, thumb_file, thumbnail_path
from otop_desktop.services.paths import DataDir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "photos"


def test_a_missing_or_empty_thumbnail_is_made_from_the_blob(tmp_path: Path):
    dd = DataDir(tmp_path / "data")
    sha = ingest_photo(dd, FIXTURES / "portrait_orientation6_gps.jpg").sha256
    shutil.rmtree(dd.thumbs)
    path = thumbnail_path(dd, sha)
    assert path == dd.thumbs / sha[:2] / f"{sha}.jpg"
    thumb = Image.open(path)
    assert thumb.format == "JPEG" and thumb.width < thumb.height <= THUMB_EDGE
    path.write_bytes(b"")  # cut short by a power cut
    assert Image.open(thumbnail_path(dd, sha)).size == thumb.size


def test_a_big_synced_blob_gets_a_256_px_thumbnail(tmp_path: Path):
    dd = DataDir(tmp_path / "data")
    photo = tmp_path / "big.jpg"
    Image.new("RGB", (2048, 1536), "orange").save(photo)
    sha = BlobStore(dd.blobs).put_file(photo)  # as an imported bundle stores it
    assert not thumb_file(dd, sha).exists()
    assert Image.open(thumbnail_path(dd, sha)).size == (256, 192)


def test_missing_or_unreadable_blobs_raise_photo_errors(tmp_path: Path):
    dd = DataDir(tmp_path / "data")
    with pytest.raises(PhotoError, match="not in this data folder"):
        thumbnail_path(dd, "ab" * 32)
    with pytest.raises(PhotoError):
        thumbnail_path(dd, "../../etc/passwd")
    sha = BlobStore(dd.blobs).put_bytes(b"not a photo at all")
    with pytest.raises(PhotoError, match="is not a photo"):
        thumbnail_path(dd, sha)
    assert not thumb_file(dd, sha).exists()
