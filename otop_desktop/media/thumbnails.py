"""Gallery thumbnails: `thumbs/ab/<sha256>.jpg`, 256 px on the long edge, remade when missing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from otop_desktop.atomic_file import write_atomic
from otop_desktop.i18n import _
from otop_desktop.media.decode import decode_photo, scaled_size
from otop_desktop.media.photo_errors import PhotoError, not_saved
from otop_desktop.media.store import BlobStore, StoreError

if TYPE_CHECKING:
    from otop_desktop.services.paths import DataDir

THUMB_EDGE = 256
THUMB_QUALITY = 80


def thumb_file(data_dir: DataDir, sha256: str) -> Path:
    """Where the thumbnail of blob `sha256` lives (whether or not it exists yet)."""
    return data_dir.thumbs / sha256[:2] / f"{sha256}.jpg"


def thumbnail_bytes(image: Image.Image) -> bytes:
    """The JPEG thumbnail of an upright RGB image."""
    size = scaled_size(image.size, THUMB_EDGE)
    small = image if size == image.size else image.resize(size, reducing_gap=2.0)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=THUMB_QUALITY)
    return out.getvalue()


def thumbnail_path(data_dir: DataDir, sha256: str) -> Path:
    """The thumbnail JPEG of blob `sha256`, made from the blob when missing (photos from sync)."""
    path = thumb_file(data_dir, sha256)
    try:
        if path.stat().st_size > 0:
            return path
    except FileNotFoundError:
        pass
    try:
        blob = BlobStore(data_dir.blobs).path_of(sha256)
    except StoreError as exc:
        raise PhotoError(exc.message) from exc
    name = _("photo {id}").format(id=sha256[:12])
    try:
        with blob.open("rb") as handle:
            decoded = decode_photo(handle, name, max_edge=THUMB_EDGE)
    except FileNotFoundError as exc:
        raise PhotoError(
            _("The photo {id} is not in this data folder (not received yet?).").format(
                id=sha256[:12]
            )
        ) from exc
    except OSError as exc:
        raise PhotoError(
            _("“{name}” could not be read: {reason}").format(
                name=name, reason=exc.strerror or str(exc)
            )
        ) from exc
    try:
        # Not flushed to disk: a thumbnail lost in a power cut is simply made again.
        write_atomic(path, thumbnail_bytes(decoded.image), durable=False)
    except OSError as exc:
        raise not_saved(name, exc) from exc
    return path
