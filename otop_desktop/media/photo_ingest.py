"""Adding one photo: decoded safely, upright, scaled, re-encoded, location removed, stored.

The stored photo is a JPEG in the content-addressed BlobStore (`blobs/ab/<sha256>`), with its
256 px thumbnail in `thumbs/`; both are written whole or not at all, and a photo that fails
half-way leaves nothing new behind. No Qt here: the GUI and the CLI both call this.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from PIL import Image

from otop_desktop.atomic_file import write_atomic
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.media.decode import SUFFIX_OF_FORMAT, Decoded, decode_photo
from otop_desktop.media.exif_clean import minimal_exif, taken_at
from otop_desktop.media.photo_errors import PhotoError, not_saved
from otop_desktop.media.store import BlobStore, StoreError
from otop_desktop.media.thumbnails import THUMB_EDGE, thumb_file, thumbnail_bytes

if TYPE_CHECKING:
    from otop_desktop.services.paths import DataDir

__all__ = [
    "PHOTO_SUFFIXES",
    "IngestOptions",
    "IngestedPhoto",
    "PhotoError",
    "ingest_photo",
    "photo_files_in",
]

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
MAX_EDGE_RANGE = (THUMB_EDGE, 10_000)


@dataclass(frozen=True)
class IngestOptions:
    """How photos are stored (the defaults suit bundles sent over a slow connection)."""

    max_edge: int = 2048  # long edge of the stored photo, px
    quality: int = 85  # JPEG quality of the stored photo
    keep_location: bool = False  # keep GPS/location EXIF (default: removed)
    keep_original: bool = False  # also keep the untouched original file (local only)


@dataclass(frozen=True)
class IngestedPhoto:
    """A stored photo: its hash and facts about the stored (upright, scaled) JPEG."""

    sha256: str
    byte_size: int
    width: int
    height: int
    taken_at: str | None  # ISO 8601 from EXIF DateTimeOriginal, else None
    source_name: str  # file name shown in messages


def _check(options: IngestOptions) -> None:
    low, high = MAX_EDGE_RANGE
    if not low <= options.max_edge <= high:
        raise ValidationError(
            _("The longest side of a stored photo must be {low} to {high} pixels.").format(
                low=low, high=high
            ),
            field="max_edge",
        )
    if not 30 <= options.quality <= 95:
        raise ValidationError(_("The photo quality must be between 30 and 95."), field="quality")


@contextmanager
def _opened(source: Path | bytes, name: str) -> Iterator[IO[bytes]]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
        return
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise PhotoError(
            _("“{name}” could not be read: {reason}").format(
                name=name, reason=exc.strerror or str(exc)
            )
        ) from exc
    with handle:
        yield handle


def encode_jpeg(decoded: Decoded, options: IngestOptions) -> bytes:
    """The stored JPEG: baseline (not progressive), minimal EXIF, the source's ICC profile."""
    out = io.BytesIO()
    extra: dict[str, bytes] = {}
    exif = minimal_exif(decoded.exif, keep_location=options.keep_location)
    if exif:
        extra["exif"] = exif
    if decoded.icc_profile:
        extra["icc_profile"] = decoded.icc_profile  # phones shoot Display P3: keep the colours
    # optimize=True saves ~4 % of bytes for ~2.5x the encoding time: not worth it here.
    decoded.image.save(out, "JPEG", quality=options.quality, **extra)
    return out.getvalue()


def ingest_photo(
    data_dir: DataDir,
    source: Path | bytes,
    options: IngestOptions = IngestOptions(),
    *,
    name: str | None = None,
) -> IngestedPhoto:
    """Store one photo (a file or bytes from the webcam); PhotoError names the file and why."""
    _check(options)
    shown = name or (source.name if isinstance(source, Path) else _("the photo"))
    with _opened(source, shown) as handle:
        decoded = decode_photo(handle, shown, max_edge=options.max_edge)
    image: Image.Image = decoded.image
    photo = encode_jpeg(decoded, options)
    thumb = thumbnail_bytes(image)
    sha = _store(data_dir, shown, source, decoded.format, photo, thumb, options.keep_original)
    return IngestedPhoto(
        sha256=sha,
        byte_size=len(photo),
        width=image.width,
        height=image.height,
        taken_at=taken_at(decoded.exif),
        source_name=shown,
    )


def _store(
    data_dir: DataDir,
    name: str,
    source: Path | bytes,
    kind: str,
    photo: bytes,
    thumb: bytes,
    keep_original: bool,
) -> str:
    """Write blob, thumbnail and original; on any failure remove what this call added."""
    store = BlobStore(data_dir.blobs)
    created: list[Path] = []
    try:
        sha = _put_blob(store, photo, created)
        thumb_path = thumb_file(data_dir, sha)
        if not thumb_path.is_file():
            write_atomic(thumb_path, thumb, durable=False)
            created.append(thumb_path)
        if keep_original:
            original = original_file(data_dir, sha, source, name, kind)
            if not original.is_file():
                _write_original(original, source)
                created.append(original)
    except (StoreError, OSError) as exc:
        for path in created:
            path.unlink(missing_ok=True)
        raise not_saved(name, exc) from exc
    return sha


def _put_blob(store: BlobStore, photo: bytes, created: list[Path]) -> str:
    sha = hashlib.sha256(photo).hexdigest()
    target = store.path_of(sha)
    if not target.is_file():
        store.put_stream(io.BytesIO(photo), sha)
        created.append(target)
    return sha


def original_file(
    data_dir: DataDir, sha256: str, source: Path | bytes, name: str, kind: str
) -> Path:
    """`originals/ab/<sha256 of the stored photo><suffix of the file as it came>`.

    Originals stay on this laptop: they are never put in sync bundles, which carry the small
    stored photo only (a 12 Mpx original is ~5 MB; bundles travel over slow connections).
    """
    suffix = Path(source.name if isinstance(source, Path) else name).suffix.lower()
    if suffix not in PHOTO_SUFFIXES:
        suffix = SUFFIX_OF_FORMAT[kind]
    return data_dir.originals / sha256[:2] / f"{sha256}{suffix}"


def _write_original(target: Path, source: Path | bytes) -> None:
    if isinstance(source, bytes):
        write_atomic(target, source)
        return
    with source.open("rb") as handle:
        write_atomic(target, handle)


def photo_files_in(folder: Path) -> list[Path]:
    """The photos in a folder (a camera card): recursively, sorted by path, hidden ones skipped."""
    if not folder.is_dir():
        raise PhotoError(_("“{name}” is not a folder.").format(name=folder.name or str(folder)))
    found: list[Path] = []
    # os.walk does not follow folder links (no loops) and skips folders it may not read.
    for root, dirs, files in os.walk(folder):
        # Hidden: ".Trashes", ".Spotlight-V100" and "._IMG_0001.JPG" (macOS leftovers on cards).
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file_name in files:
            if not file_name.startswith(".") and file_name.lower().endswith(PHOTO_SUFFIXES):
                found.append(Path(root, file_name))
    return sorted(found, key=lambda p: [part.casefold() for part in p.relative_to(folder).parts])
