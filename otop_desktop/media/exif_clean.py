"""The little EXIF a stored photo keeps: when it was taken, and where only if allowed.

Everything else is left behind: camera serial numbers, maker notes, XMP and IPTC blocks (which
can name places), and the Orientation tag (the stored pixels are already upright).
"""

from __future__ import annotations

import datetime as dt

from PIL import Image

from otop_desktop.media.decode import EXIF_ERRORS

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ") or None


def taken_at(exif: Image.Exif | None) -> str | None:
    """DateTimeOriginal as ISO 8601 (with its UTC offset when the camera wrote one), else None."""
    if exif is None:
        return None
    try:
        details = exif.get_ifd(EXIF_IFD)
        stamp = _text(details.get(DATE_TIME_ORIGINAL))
        offset = _text(details.get(OFFSET_TIME_ORIGINAL))
    except EXIF_ERRORS:
        return None
    if stamp is None:
        return None
    try:
        moment = dt.datetime.strptime(stamp[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other placeholders of cameras without a clock
    if offset:
        try:
            moment = moment.replace(tzinfo=dt.datetime.strptime(offset, "%z").tzinfo)
        except ValueError:
            pass  # an unreadable offset: the local time alone is still right
    return moment.isoformat()


def minimal_exif(exif: Image.Exif | None, *, keep_location: bool) -> bytes | None:
    """EXIF bytes for the stored photo: DateTimeOriginal, and GPS when `keep_location`."""
    if exif is None:
        return None
    dates: dict[int, object] = {}
    gps: dict[int, object] = {}
    try:
        details = exif.get_ifd(EXIF_IFD)
        dates = {
            t: details[t]
            for t in (DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL)
            if _text(details.get(t))
        }
        if keep_location:
            gps = dict(exif.get_ifd(GPS_IFD))
    except EXIF_ERRORS:
        pass  # an unreadable block: what was read so far is kept
    for tags in ((dates, gps), (dates, {})):  # an unwritable location is left out, not the date
        if not any(tags):
            return None
        try:
            return _exif_bytes(*tags)
        except EXIF_ERRORS:
            continue
    return None


def _exif_bytes(dates: dict[int, object], gps: dict[int, object]) -> bytes:
    out = Image.Exif()
    if dates:
        out.get_ifd(EXIF_IFD).update(dates)
    if gps:
        out.get_ifd(GPS_IFD).update(gps)
    return out.tobytes()
