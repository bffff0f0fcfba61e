"""Content-addressed photo store: `blobs/ab/<sha256>`, each file written atomically.

A blob is written to a temporary file in the same folder, flushed to disk, then renamed, so a
power cut leaves either the whole photo or nothing; the same bytes added twice are stored once.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _

BLOCK = 1 << 20
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class StoreError(OtopError):
    """The photo store could not be written or read."""


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


class BlobStore:
    """Photos by sha256 under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise StoreError(_("“{value}” is not a photo hash.").format(value=sha256))
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        """Store `data`; returns its sha256."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.has(sha):
            self.put_stream(io.BytesIO(data), sha)
        return sha

    def put_stream(self, source: IO[bytes], expected_sha256: str | None = None) -> str:
        """Store what `source` yields, checking it against `expected_sha256` when given."""
        digest = hashlib.sha256()
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix="in-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while block := source.read(BLOCK):
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            if expected_sha256 is not None and sha != expected_sha256:
                raise StoreError(
                    _("The photo {name} does not match its hash; it was not stored.").format(
                        name=expected_sha256[:12]
                    )
                )
            target = self.path_of(sha)
            if target.is_file():
                tmp.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
            return sha
        except OSError as exc:
            raise StoreError(
                _("The photo could not be saved: {reason}").format(reason=exc.strerror)
            ) from exc
        finally:
            if tmp.exists():
                tmp.unlink()

    def put_file(self, path: Path, expected_sha256: str | None = None) -> str:
        """Store a copy of the file at `path`; returns its sha256."""
        with path.open("rb") as handle:
            return self.put_stream(handle, expected_sha256)

    def __iter__(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for blob in sorted(folder.iterdir()):
                    if SHA256_RE.match(blob.name):
                        yield blob.name
