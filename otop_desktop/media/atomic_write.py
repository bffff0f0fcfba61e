"""Whole files or nothing: write to a temporary file in the target folder, then rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO

BLOCK = 1 << 20


def write_atomic(path: Path, data: bytes | IO[bytes], *, durable: bool = True) -> None:
    """Write `data` (bytes or a readable binary file) to `path` atomically; OSError on failure.

    `durable` flushes to disk before the rename, so a power cut never leaves an empty file in
    place; thumbnails skip it because they are remade from the blob when missing or empty.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                shutil.copyfileobj(data, out, BLOCK)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
