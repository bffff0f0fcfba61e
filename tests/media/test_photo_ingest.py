"""Photo ingest: formats, upright and scaled, location removed, bad files refused cleanly."""

from __future__ import annotations

import errno
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from otop_desktop.domain.errors import ValidationError
from otop_desktop.media import photo_ingest
from otop_desktop.media.photo_ingest import (
    IngestOptions,
    PhotoError,
    ingest_photo,
    photo_files_in,
)
from otop_desktop.media.store import BlobStore
from otop_desktop.media.thumbnails import THUMB_EDGE, thumb_file
from otop_desktop.services.paths import DataDir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "photos"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769


@pytest.fixture
def dd(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data")


def files_under(dd: DataDir) -> set[str]:
    """Every file of the data dir (folders left out), relative to it."""
    root = dd.root
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def stored(dd: DataDir, sha: str) -> Image.Image:
    image = Image.open(BlobStore(dd.blobs).path_of(sha))
    image.load()
    return image


def jpeg_bytes(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` (what a decompression bomb looks like from outside)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def close(colour: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))


# --- accepted formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "portrait_orientation6_gps.jpg",
        "cmyk.jpg",
        "grey16.png",
        "rgb48.png",
        "alpha.png",
        "photo.webp",
        "photo.heic",
        "broken_exif.jpg",
    ],
)
def test_each_accepted_format_is_stored_as_an_rgb_jpeg_with_a_thumbnail(dd: DataDir, name: str):
    source = FIXTURES / name
    result = ingest_photo(dd, source)
    image = stored(dd, result.sha256)
    assert (image.format, image.mode) == ("JPEG", "RGB")
    assert (image.width, image.height) == (result.width, result.height)
    assert result.byte_size == BlobStore(dd.blobs).path_of(result.sha256).stat().st_size
    assert result.source_name == name
    thumb = Image.open(thumb_file(dd, result.sha256))
    assert thumb.format == "JPEG" and max(thumb.size) <= THUMB_EDGE
    assert not dd.originals.exists()  # not kept unless asked


def test_png_made_here_and_bytes_from_a_webcam_are_accepted(dd: DataDir, tmp_path: Path):
    png = tmp_path / "Taller de bambú.PNG"
    Image.new("P", (90, 60), 3).save(png)
    assert ingest_photo(dd, png).width == 90
    webcam = ingest_photo(dd, jpeg_bytes(Image.new("RGB", (640, 480), "green")), name="webcam.jpg")
    assert (webcam.width, webcam.height, webcam.source_name) == (640, 480, "webcam.jpg")


def test_cmyk_16_bit_and_alpha_become_the_right_rgb_colours(dd: DataDir):
    red = stored(dd, ingest_photo(dd, FIXTURES / "cmyk.jpg").sha256)
    assert close(red.getpixel((80, 60)), (255, 0, 0)), red.getpixel((80, 60))  # not inverted
    grey = stored(dd, ingest_photo(dd, FIXTURES / "grey16.png").sha256)
    assert close(grey.getpixel((80, 60)), (128, 128, 128), 6)  # scaled, not clipped to white
    orange = stored(dd, ingest_photo(dd, FIXTURES / "rgb48.png").sha256)
    assert close(orange.getpixel((80, 60)), (255, 128, 0), 6)
    flat = stored(dd, ingest_photo(dd, FIXTURES / "alpha.png").sha256)
    assert close(flat.getpixel((20, 60)), (20, 20, 230))
    assert close(flat.getpixel((140, 60)), (255, 255, 255), 4)  # transparent: on white


# --- upright, scaled ------------------------------------------------------------------------


def marker_top_left(image: Image.Image) -> bool:
    width, height = image.size
    corners = {
        "top_left": image.getpixel((width // 10, height // 10)),
        "top_right": image.getpixel((width * 9 // 10, height // 10)),
        "bottom_left": image.getpixel((width // 10, height * 9 // 10)),
    }
    return close(corners["top_left"], (230, 20, 20), 40) and not any(
        close(c, (230, 20, 20), 40) for k, c in corners.items() if k != "top_left"
    )


def test_orientation_6_ends_upright_in_the_store_and_the_thumbnail(dd: DataDir):
    raw = Image.open(FIXTURES / "portrait_orientation6_gps.jpg")
    assert raw.width > raw.height and raw.getexif()[0x0112] == 6  # the fixture is sideways
    result = ingest_photo(dd, FIXTURES / "portrait_orientation6_gps.jpg")
    image = stored(dd, result.sha256)
    assert image.width < image.height
    assert marker_top_left(image)
    assert image.getexif().get(0x0112, 1) == 1
    thumb = Image.open(thumb_file(dd, result.sha256)).convert("RGB")
    assert thumb.width < thumb.height and marker_top_left(thumb)


def test_max_edge_is_respected_and_small_photos_are_not_enlarged(dd: DataDir, tmp_path: Path):
    big = tmp_path / "big.jpg"
    Image.linear_gradient("L").resize((3000, 1000)).convert("RGB").save(big, quality=80)
    result = ingest_photo(dd, big, IngestOptions(max_edge=1000))
    assert (result.width, result.height) == (1000, 333)
    assert stored(dd, result.sha256).size == (1000, 333)
    assert ingest_photo(dd, big).width == 2048  # the default
    small = ingest_photo(dd, FIXTURES / "photo.webp", IngestOptions(max_edge=1000))
    assert (small.width, small.height) == (320, 240)


@pytest.mark.parametrize("options", [IngestOptions(max_edge=10), IngestOptions(quality=0)])
def test_unreasonable_options_are_refused(dd: DataDir, options: IngestOptions):
    with pytest.raises(ValidationError):
        ingest_photo(dd, FIXTURES / "photo.webp", options)


# --- location and dates ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portrait_orientation6_gps.jpg", "photo.webp", "photo.heic"])
def test_gps_is_removed_by_default_and_kept_when_allowed(dd: DataDir, name: str):
    source = FIXTURES / name
    assert Image.open(source).getexif().get_ifd(GPS_IFD)  # the fixture does carry a location
    cleaned = stored(dd, ingest_photo(dd, source).sha256).getexif()
    assert not cleaned.get_ifd(GPS_IFD)
    assert 0x010F not in cleaned  # the camera make goes too
    assert cleaned.get_ifd(EXIF_IFD)[0x9003] == "2026:03:14 09:26:53"  # the date stays
    kept = ingest_photo(dd, source, IngestOptions(keep_location=True))
    gps = stored(dd, kept.sha256).getexif().get_ifd(GPS_IFD)
    assert gps[1] == "N" and gps[3] == "W"
    assert [float(v) for v in gps[2]] == [14.0, 50.0, 20.0]
    assert kept.taken_at == "2026-03-14T09:26:53"


def test_offset_time_is_part_of_taken_at(dd: DataDir):
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD).update({0x9003: "2025:11:02 16:05:00", 0x9011: "-06:00"})
    data = jpeg_bytes(Image.new("RGB", (50, 40)), exif=exif.tobytes())
    assert ingest_photo(dd, data).taken_at == "2025-11-02T16:05:00-06:00"
    no_clock = Image.Exif()
    no_clock.get_ifd(EXIF_IFD)[0x9003] = "0000:00:00 00:00:00"
    data = jpeg_bytes(Image.new("RGB", (50, 41)), exif=no_clock.tobytes())
    assert ingest_photo(dd, data).taken_at is None


def test_an_exif_block_pillow_cannot_parse_is_dropped_and_the_photo_kept(
    dd: DataDir, monkeypatch: pytest.MonkeyPatch
):
    def broken(self: Image.Image) -> Image.Exif:
        raise SyntaxError("not a TIFF file")

    monkeypatch.setattr(Image.Image, "getexif", broken)
    result = ingest_photo(dd, FIXTURES / "portrait_orientation6_gps.jpg")
    monkeypatch.undo()
    assert result.taken_at is None
    assert not stored(dd, result.sha256).getexif().get_ifd(GPS_IFD)


# --- bad input ------------------------------------------------------------------------------


def bad_sources(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, words the message must contain)."""
    bomb = tmp_path / "bomba.png"
    bomb.write_bytes(png_header_only(20_000, 20_000))
    big = tmp_path / "panorama.png"
    big.write_bytes(png_header_only(9_500, 9_000))  # over our limit, under Pillow's
    empty = tmp_path / "vacía.jpg"
    empty.write_bytes(b"")
    return {
        "text": (FIXTURES / "not_a_photo.jpg", "is not a photo (JPEG, PNG, WebP or HEIC)"),
        "truncated": (FIXTURES / "truncated.jpg", "damaged or incomplete"),
        "bomb": (bomb, "too large"),
        "85 Mpx": (big, "too large"),
        "empty": (empty, "is not a photo"),
        "missing": (tmp_path / "no-such.jpg", "could not be read"),
    }


@pytest.mark.parametrize("kind", ["text", "truncated", "bomb", "85 Mpx", "empty", "missing"])
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_each_bad_file_gets_a_clear_message_and_nothing_is_written(
    dd: DataDir, tmp_path: Path, kind: str
):
    ingest_photo(dd, FIXTURES / "photo.webp")  # a store that already has something
    before = files_under(dd)
    source, words = bad_sources(tmp_path)[kind]
    with pytest.raises(PhotoError) as caught:
        ingest_photo(dd, source)
    assert f"“{source.name}”" in caught.value.message
    assert words in caught.value.message
    assert files_under(dd) == before
    # The rest of a batch goes on.
    assert ingest_photo(dd, FIXTURES / "cmyk.jpg").width == 160


def test_a_batch_goes_on_past_its_bad_files(dd: DataDir, tmp_path: Path):
    outcomes = []
    for path in sorted(FIXTURES.glob("*.*")):
        try:
            outcomes.append(ingest_photo(dd, path).source_name)
        except PhotoError as exc:
            outcomes.append(exc.message)
    assert len(outcomes) == len(list(FIXTURES.glob("*.*")))
    assert "alpha.png" in outcomes and "rgb48.png" in outcomes
    assert sum("“" in o for o in outcomes) == 3  # make_fixtures.py, not_a_photo.jpg, truncated
    assert len(list(BlobStore(dd.blobs))) == 8


# --- the store ------------------------------------------------------------------------------


def test_the_same_photo_twice_is_stored_once(dd: DataDir):
    source = FIXTURES / "portrait_orientation6_gps.jpg"
    first = ingest_photo(dd, source)
    second = ingest_photo(dd, source.read_bytes(), name="otra vez.jpg")
    assert first.sha256 == second.sha256
    assert list(BlobStore(dd.blobs)) == [first.sha256]
    assert len(list(dd.thumbs.rglob("*.jpg"))) == 1


def test_keep_original_keeps_the_untouched_file_by_the_stored_hash(dd: DataDir):
    source = FIXTURES / "photo.heic"
    result = ingest_photo(dd, source, IngestOptions(keep_original=True))
    original = dd.originals / result.sha256[:2] / f"{result.sha256}.heic"
    assert original.read_bytes() == source.read_bytes()
    webcam = ingest_photo(
        dd, jpeg_bytes(Image.new("RGB", (64, 48), "blue")), IngestOptions(keep_original=True)
    )
    assert (dd.originals / webcam.sha256[:2] / f"{webcam.sha256}.jpg").is_file()


def test_a_full_disk_leaves_the_store_unchanged(dd: DataDir, monkeypatch: pytest.MonkeyPatch):
    ingest_photo(dd, FIXTURES / "photo.webp")
    before = files_under(dd)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(PhotoError) as caught:
        ingest_photo(dd, FIXTURES / "portrait_orientation6_gps.jpg")
    assert "“portrait_orientation6_gps.jpg” could not be saved" in caught.value.message
    assert "The disk is full" in caught.value.message
    monkeypatch.undo()
    assert files_under(dd) == before


def test_a_failure_after_the_blob_removes_the_new_blob_but_not_an_old_one(
    dd: DataDir, monkeypatch: pytest.MonkeyPatch
):
    def full(path: Path, data: object, *, durable: bool = True) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(photo_ingest, "write_atomic", full)
    with pytest.raises(PhotoError, match="The disk is full"):
        ingest_photo(dd, FIXTURES / "cmyk.jpg")
    assert files_under(dd) == set()
    monkeypatch.undo()
    kept = ingest_photo(dd, FIXTURES / "cmyk.jpg")
    thumb_file(dd, kept.sha256).unlink()
    monkeypatch.setattr(photo_ingest, "write_atomic", full)
    with pytest.raises(PhotoError):
        ingest_photo(dd, FIXTURES / "cmyk.jpg")
    assert BlobStore(dd.blobs).has(kept.sha256)  # it was there before this call


def test_a_read_only_folder_says_so(dd: DataDir, monkeypatch: pytest.MonkeyPatch):
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PhotoError, match="read-only"):
        ingest_photo(dd, FIXTURES / "cmyk.jpg")


# --- a camera card --------------------------------------------------------------------------


def test_photo_files_in_finds_photos_recursively_in_order(tmp_path: Path):
    card = tmp_path / "CARD"
    for name in [
        "DCIM/100CANON/IMG_0002.JPG",
        "DCIM/100CANON/img_0001.jpg",
        "DCIM/100CANON/._IMG_0001.JPG",
        "DCIM/101CANON/IMG_0100.HEIC",
        "DCIM/notes.txt",
        ".Trashes/501/old.jpg",
        "cerámica.webp",
    ]:
        path = card / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    found = [str(p.relative_to(card)) for p in photo_files_in(card)]
    assert found == [
        "cerámica.webp",
        "DCIM/100CANON/img_0001.jpg",
        "DCIM/100CANON/IMG_0002.JPG",
        "DCIM/101CANON/IMG_0100.HEIC",
    ]
    with pytest.raises(PhotoError, match="is not a folder"):
        photo_files_in(card / "cerámica.webp")
