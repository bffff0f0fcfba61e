"""Inner layer of a sync bundle: a signed zip of change batches and photos, streamed through crypto.

Members, in the order written: `changes/NNNNNN.json` (deflated, bytes the caller gives),
`photos/<sha256>` (stored), `manifest.json` (the caller's header, the format fields, and name,
size and SHA-256 of every other member) and `manifest.sig` (Ed25519 over the manifest bytes).
open_bundle() checks every member against the signed manifest before any of it is used. The
signature only proves the manifest's own key signed it: whether that key belongs to a known
laptop is for the caller to decide.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from otop_desktop.i18n import _
from otop_desktop.sync import keys
from otop_desktop.sync.crypto import (
    BundleCancelled,
    BundleError,
    DamagedBundleError,
    EncryptingWriter,
    UnsupportedBundleError,
    WrongPassphraseError,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# fmt: off
__all__ = [
    "BundleCancelled", "BundleContentError", "BundleError", "BundlePhotoError",
    "BundleSignatureError", "BundleWriteError", "BundleWriter", "DamagedBundleError",
    "UnsafeBundleError", "UnsupportedBundleError", "WrongPassphraseError",
]
# fmt: on


FORMAT = "otop-bundle"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
BLOCK_SIZE = 1 << 20
# Limits a reader enforces before decompressing anything; writers stay inside them.
MAX_CHANGES_SIZE = 64 << 20  # iter_changes() holds one changes member in memory
MAX_PHOTO_SIZE = 256 << 20
MAX_MANIFEST_SIZE = 64 << 20
MAX_SIGNATURE_SIZE = 1024
MAX_TOTAL_SIZE = 64 << 30
MAX_MEMBERS = 1_000_000
MAX_RATIO = 200
RATIO_MIN_SIZE = 64 << 10  # small members cannot hurt, whatever their ratio

_CHANGES_RE = re.compile(r"changes/([0-9]{6,9})\.json")
_PHOTO_RE = re.compile(r"photos/([0-9a-f]{64})")
_LISTED_RE = re.compile(rf"{_CHANGES_RE.pattern}|{_PHOTO_RE.pattern}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_RESERVED_KEYS = frozenset({"format", "format_version", "public_key", "files"})
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_READ_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, OSError)


class UnsafeBundleError(DamagedBundleError):
    """An entry that could escape the work folder or fill the disk or memory if unpacked."""

    def __init__(self, reason: str, member: str | None = None) -> None:
        text = (
            _("The bundle contains an unsafe entry “{member}”: {reason}.").format(
                member=_shown(member), reason=reason
            )
            if member is not None
            else _("The bundle is unsafe to open: {reason}.").format(reason=reason)
        )
        tail = _("Nothing was imported; do not use this file, and tell the programme coordinator.")
        super().__init__(f"{text} {tail}", member=member)


class BundleContentError(DamagedBundleError):
    """The bundle decrypts, but its contents do not agree with its manifest or format."""

    def __init__(self, reason: str, member: str | None = None) -> None:
        super().__init__(
            _(
                "The contents of the bundle are not valid ({reason}); nothing was imported. "
                "Ask the sender to export the bundle again."
            ).format(reason=reason),
            member=member,
        )


class BundleSignatureError(DamagedBundleError):
    """The manifest was changed after the sending laptop signed it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The signature of the bundle does not match its contents: it was changed after "
                "the sending laptop made it. Nothing was imported; do not use this file, and "
                "tell the programme coordinator."
            )
        )


class BundleWriteError(BundleError):
    """The bundle file could not be written (disk or USB stick full, read-only, removed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            _(
                "The bundle could not be written: the disk or USB stick is full or not writable "
                "({reason}). Nothing was exported."
            ).format(reason=reason)
        )


class BundlePhotoError(BundleError):
    """A photo to export cannot be read, or its bytes do not match its name."""

    def __init__(self, message: str, sha256: str) -> None:
        super().__init__(message)
        self.sha256 = sha256


def _shown(name: str | None) -> str:
    """A member name safe to show: control characters escaped, long names cut."""
    text = (name or "").encode("unicode_escape").decode("ascii")
    return text if len(text) <= 100 else text[:97] + "..."


def _reason(exc: OSError) -> str:
    return str(exc.strerror or exc)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _fsync_dir(folder: Path) -> None:
    """Make the final rename durable where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class BundleWriter:
    """Streams a bundle to `path` via `path.partial`; renamed into place only by close()."""

    def __init__(
        self,
        path: Path,
        passphrase: str,
        signing_key: Ed25519PrivateKey,
        header: Mapping[str, Any],
        salt: bytes | None = None,
    ) -> None:
        reserved = _RESERVED_KEYS & set(header)
        if reserved:
            raise ValueError(f"header keys reserved for the bundle format: {sorted(reserved)}")
        self._header = dict(header)
        _dumps(self._header)  # fail now, not after minutes of writing, if it is not JSON
        self._path = path
        self._partial = path.with_name(path.name + ".partial")
        self._key = signing_key
        self._files: list[dict[str, Any]] = []
        self._names: set[str] = set()
        self._changes = 0
        self._done = False
        try:
            self._raw: IO[bytes] | None = self._partial.open("wb")
        except OSError as exc:
            raise BundleWriteError(_reason(exc)) from exc
        with self._guard():
            self._enc = EncryptingWriter(self._raw, passphrase, salt)
            self._zip = zipfile.ZipFile(self._enc, mode="w", allowZip64=True)

    def __enter__(self) -> BundleWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self._abort()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Any failure aborts the bundle; an OSError is reported as a full or read-only disk."""
        if self._done:
            raise ValueError("the bundle writer is already closed")
        try:
            yield
        except OSError as exc:
            self._abort()
            raise BundleWriteError(_reason(exc)) from exc
        except BaseException:
            self._abort()
            raise

    def _abort(self) -> None:
        self._done = True
        archive = getattr(self, "_zip", None)
        if archive is not None:
            # Without a file, ZipFile.close() (also run by __del__) returns at once instead of
            # writing a directory through the writer into the file being deleted.
            archive.fp = None
        if self._raw is not None:
            try:
                self._raw.close()
            except OSError:
                pass  # the write error already being reported matters more
            self._raw = None
        self._partial.unlink(missing_ok=True)

    def _info(self, name: str, compress_type: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
        info.compress_type = compress_type
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        return info

    def _listed(self, name: str, sha256: str, size: int) -> None:
        self._names.add(name)
        self._files.append({"name": name, "sha256": sha256, "size": size})

    def add_changes(self, data: bytes) -> str:
        """Add one batch of changes as the next `changes/NNNNNN.json`; returns its name."""
        if len(data) > MAX_CHANGES_SIZE:
            raise ValueError(f"a changes member is limited to {MAX_CHANGES_SIZE} bytes")
        name = f"changes/{self._changes + 1:06d}.json"
        with self._guard():
            self._zip.writestr(self._info(name, zipfile.ZIP_DEFLATED), data)
        self._changes += 1
        self._listed(name, hashlib.sha256(data).hexdigest(), len(data))
        return name

    def add_photo(self, sha256: str, source: Path) -> None:
        """Copy the photo at `source` in as `photos/<sha256>` (no-op if already added).

        A photo that cannot be opened leaves the writer usable; one that fails while being
        copied, or whose bytes do not match `sha256`, aborts the whole bundle, since half a
        member cannot be taken back out of an encrypted stream.
        """
        if not _SHA256_RE.fullmatch(sha256):
            raise ValueError(f"not a lowercase sha256 hex digest: {sha256!r}")
        name = f"photos/{sha256}"
        if name in self._names:
            return
        if self._done:
            raise ValueError("the bundle writer is already closed")
        try:
            src = source.open("rb")
            size = os.fstat(src.fileno()).st_size
        except OSError as exc:
            raise _photo_unreadable(sha256, source, exc) from exc
        if size > MAX_PHOTO_SIZE:
            src.close()
            raise BundlePhotoError(
                _("The photo {path} is too large to put in a bundle.").format(path=source), sha256
            )
        with src, self._guard():
            info = self._info(name, zipfile.ZIP_STORED)
            info.file_size = size  # lets zipfile choose ZIP64 up front for a large file
            digest = hashlib.sha256()
            copied = 0
            with self._zip.open(info, mode="w") as dst:
                while True:
                    try:
                        block = src.read(BLOCK_SIZE)
                    except OSError as exc:
                        raise _photo_unreadable(sha256, source, exc) from exc
                    if not block:
                        break
                    digest.update(block)
                    dst.write(block)
                    copied += len(block)
            if digest.hexdigest() != sha256 or copied > MAX_PHOTO_SIZE:
                raise BundlePhotoError(
                    _(
                        "The photo {path} does not match its recorded fingerprint (it was "
                        "changed or damaged on this laptop); nothing was exported."
                    ).format(path=source),
                    sha256,
                )
        self._listed(name, sha256, copied)

    def close(self) -> None:
        """Write the signed manifest, then fsync and rename the finished file into place."""
        if self._done:
            return
        with self._guard():
            manifest = dict(self._header)
            manifest.update(
                format=FORMAT,
                format_version=FORMAT_VERSION,
                public_key=keys.public_key_text(self._key),
                files=self._files,
            )
            data = _dumps(manifest)
            if len(data) > MAX_MANIFEST_SIZE:
                raise BundleError(
                    _("The bundle would list too many files; export fewer records at a time.")
                )
            self._zip.writestr(self._info(MANIFEST_NAME, zipfile.ZIP_DEFLATED), data)
            signature = self._key.sign(data)
            self._zip.writestr(self._info(SIGNATURE_NAME, zipfile.ZIP_STORED), signature)
            self._zip.close()
            self._enc.close()
            assert self._raw is not None
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            self._raw = None
            os.replace(self._partial, self._path)
        self._done = True
        _fsync_dir(self._path.parent)


def _photo_unreadable(sha256: str, source: Path, exc: OSError) -> BundlePhotoError:
    return BundlePhotoError(
        _("The photo {path} could not be read ({reason}).").format(
            path=source, reason=_reason(exc)
        ),
        sha256,
    )
