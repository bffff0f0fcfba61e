"""Writing a document file all at once: a temp file beside the target, renamed when complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _


def cannot_write(path: Path, exc: OSError) -> ValidationError:
    """The translated error for a file that cannot be written (missing folder, full disk...)."""
    return ValidationError(
        _("{name} cannot be written: {reason}").format(name=path.name, reason=exc.strerror or exc),
        "path",
    )


def write_atomically(path: Path, build: Callable[[Path], None]) -> Path:
    """Let `build` write a temp file in `path`'s folder, then move it onto `path`.

    On any error or cancellation the temp file goes and an older `path` stays untouched, so a
    half-written document is never left where people look for it.
    """
    path = Path(path)
    try:
        handle, part_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}.", suffix=".part"
        )
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    os.close(handle)
    part = Path(part_name)
    try:
        build(part)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise cannot_write(path, exc) from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path
