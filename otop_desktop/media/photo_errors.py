"""The error of one photo that could not be added, and the readable reason of a failed write."""

from __future__ import annotations

import errno

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _

# errno values that mean "no room left" (EDQUOT: a user quota on a shared or school laptop).
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


class PhotoError(OtopError):
    """One file's problem: the message names the file and says why (already translated)."""


def write_reason(exc: BaseException) -> str:
    """Why a write failed, in words a trainer can act on (a StoreError carries its OSError)."""
    cause = exc if isinstance(exc, OSError) else exc.__cause__
    if isinstance(cause, OSError):
        if cause.errno in _FULL:
            return _(
                "The disk is full. Free some space (or use another data folder) and try again."
            )
        if cause.errno in _DENIED:
            return _("The data folder is read-only or this user may not write to it.")
        return cause.strerror or str(cause)
    return str(exc)


def not_saved(name: str, exc: BaseException) -> PhotoError:
    """The PhotoError for a photo whose files could not be written."""
    return PhotoError(
        _("“{name}” could not be saved: {reason}").format(name=name, reason=write_reason(exc))
    )
