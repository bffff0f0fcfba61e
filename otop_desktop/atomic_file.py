"""Whole files or nothing: write to a temp file in the target folder, then rename it into place.

Every document, export, photo and picture the app writes goes through `replacing()`: on any
error or cancellation the temp file goes and an older file at the target stays untouched, so a
half-written file is never left where people look for it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _

BLOCK = 1 << 20
SHARED = 0o644  # mkstemp makes files private (0600); documents and exports are for sharing


@contextmanager
def replacing(
    path: Path, *, prefix: str | None = None, suffix: str = ".part", mode: int | None = None
) -> Iterator[Path]:
    """Yield an empty temp file beside `path`; it replaces `path` when the block ends well.

    Beside, so the rename stays on one disk; `mode` is set before the rename. OSError as is.
    """
    handle, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.stem[:40]}." if prefix is None else prefix, suffix=suffix
    )
    os.close(handle)
    part = Path(name)
    try:
        yield part
        if mode is not None:
            os.chmod(part, mode)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def cannot_write(path: Path, exc: OSError) -> ValidationError:
    """The translated error for a file that cannot be written (missing folder, full disk...)."""
    return ValidationError(
        _("{name} cannot be written: {reason}").format(name=path.name, reason=exc.strerror or exc),
        "path",
    )


@contextmanager
def writing(path: Path, *, mode: int | None = None, suffix: str = ".part") -> Iterator[Path]:
    """`replacing()`, with any OSError (in the block too) as the translated `cannot_write`."""
    try:
        with replacing(path, mode=mode, suffix=suffix) as part:
            yield part
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def write_atomically(path: Path, build: Callable[[Path], None], *, mode: int | None = None) -> Path:
    """Let `build` write a temp file in `path`'s folder, then move it onto `path`."""
    path = Path(path)
    with writing(path, mode=mode) as part:
        build(part)
    return path


def write_atomic(path: Path, data: bytes | IO[bytes], *, durable: bool = True) -> None:
    """Write `data` (bytes or a readable binary file) to `path` atomically; OSError on failure.

    `durable` flushes to disk before the rename, so a power cut never leaves an empty file in
    place; thumbnails skip it because they are remade from the blob when missing or empty.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path, prefix=".tmp-", suffix=path.suffix) as part, open(part, "wb") as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            shutil.copyfileobj(data, out, BLOCK)
        if durable:
            out.flush()
            os.fsync(out.fileno())
