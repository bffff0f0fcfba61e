"""Decoding a photo safely: sniffed format, size guard, draft mode, RGB, upright, scaled."""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from typing import IO

from PIL import Image

from otop_desktop.i18n import _
from otop_desktop.media.photo_errors import PhotoError

_heif_lock = threading.Lock()
_heif_ready = False

# Our own ceiling, below Pillow's (89 Mpx warning, 179 Mpx error): a 12-50 Mpx camera photo
# passes, a decompression bomb (20,000 x 20,000 = 400 Mpx, ~1.2 GB decoded) is refused before
# any pixel is decoded.
MAX_PIXELS = 80_000_000

# What a file starts with, not what it is called: a text file named .jpg is not a photo.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1"}
SUFFIX_OF_FORMAT = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}

# EXIF Orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ORIENTATION = 0x0112
# What Pillow and pi-heif raise on damaged data (EXIF parsing included).
DAMAGED = (OSError, SyntaxError, ValueError, EOFError, struct.error, RuntimeError, KeyError)
EXIF_ERRORS = (*DAMAGED, TypeError, IndexError, ZeroDivisionError, OverflowError)


@dataclass
class Decoded:
    """A decoded photo: RGB pixels, upright and scaled; its source EXIF when readable."""

    image: Image.Image
    exif: Image.Exif | None
    format: str
    icc_profile: bytes | None


def sniff_format(head: bytes) -> str | None:
    """The Pillow format name of a photo from its first 16 bytes, None when not a photo."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def _register_heif() -> None:
    """Teach Pillow HEIF, the first time a HEIF photo comes: libheif takes about 4 MB."""
    global _heif_ready
    with _heif_lock:
        if not _heif_ready:
            # pi-heif: the decode-only build of pillow-heif (no 21 MB HEVC encoder in the app).
            import pi_heif

            pi_heif.register_heif_opener()
            _heif_ready = True


def not_a_photo(name: str) -> PhotoError:
    return PhotoError(_("“{name}” is not a photo (JPEG, PNG, WebP or HEIC).").format(name=name))


def too_large(name: str) -> PhotoError:
    return PhotoError(
        _(
            "“{name}” is too large to be processed safely: photos of up to {limit} megapixels "
            "are accepted."
        ).format(name=name, limit=MAX_PIXELS // 1_000_000)
    )


def damaged(name: str) -> PhotoError:
    return PhotoError(
        _(
            "“{name}” is damaged or incomplete (perhaps cut short while copying); it was not added."
        ).format(name=name)
    )


def scaled_size(size: tuple[int, int], max_edge: int) -> tuple[int, int]:
    """`size` with its long edge brought down to `max_edge` (never enlarged)."""
    width, height = size
    long_edge = max(width, height)
    if long_edge <= max_edge:
        return size
    scale = max_edge / long_edge
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode_photo(
    source: IO[bytes],
    name: str,
    *,
    max_edge: int,
    resample: Image.Resampling = Image.Resampling.LANCZOS,
) -> Decoded:
    """Decode `source` into an upright RGB image whose long edge is at most `max_edge`."""
    head = source.read(16)
    source.seek(0)
    kind = sniff_format(head)
    if kind is None:
        raise not_a_photo(name)
    if kind == "HEIF":
        _register_heif()
    try:
        image = Image.open(source, formats=[kind])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large(name) from exc
    except DAMAGED as exc:
        raise damaged(name) from exc
    # Not `with image:`: closing would free the pixels that `to_rgb` may return as they are.
    if image.width * image.height > MAX_PIXELS:
        raise too_large(name)
    exif = _read_exif(image)
    target = scaled_size(image.size, max_edge)
    try:
        if kind == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers the target.
            image.draft("RGB", target)
        image.load()
        icc = image.info.get("icc_profile") if image.mode == "RGB" else None
        pixels = to_rgb(image)
    except MemoryError as exc:
        raise too_large(name) from exc
    except DAMAGED as exc:
        raise damaged(name) from exc
    if pixels.size != target:
        pixels = pixels.resize(target, resample, reducing_gap=3.0)
    # Turned upright after scaling: the same result as exif_transpose first, on fewer pixels.
    method = _UPRIGHT.get(_orientation(exif))
    if method is not None:
        pixels = pixels.transpose(method)
    return Decoded(pixels, exif, kind, icc if isinstance(icc, bytes) else None)


def _read_exif(image: Image.Image) -> Image.Exif | None:
    """The EXIF block, or None when it cannot be parsed (the pixels are still good)."""
    try:
        exif = image.getexif()
        # Parse the sub-IFDs now, so a broken one shows here and not while writing.
        exif.get_ifd(0x8769)
        exif.get_ifd(0x8825)
    except EXIF_ERRORS:
        return None
    return exif


def _orientation(exif: Image.Exif | None) -> int:
    if exif is None:
        return 1
    value = exif.get(ORIENTATION, 1)
    return value if isinstance(value, int) else 1


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB: CMYK (Adobe inverted too), 16-bit, palette and grey converted, alpha on white."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode.startswith("I"):
        # 16-bit grey: scale 0-65535 down to 0-255 (a plain convert would clip to white).
        grey = image.convert("I")
        _low, high = grey.getextrema()
        if isinstance(high, (int, float)) and high > 255:
            grey = grey.point(lambda value: value * (1 / 256))
        return grey.convert("L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")
