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
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from otop_desktop.i18n import _
from otop_desktop.sync import keys
from otop_desktop.sync.crypto import (
    BundleCancelled,
    BundleError,
    DamagedBundleError,
    EncryptingWriter,
    UnsupportedBundleError,
    WrongPassphraseError,
    decrypt_to,
    newer_version_error,
)

# fmt: off
__all__ = [
    "BundleCancelled", "BundleContentError", "BundleError", "BundlePhotoError",
    "BundleSignatureError", "BundleWriteError", "BundleWriter", "DamagedBundleError",
    "UnsafeBundleError", "UnsupportedBundleError", "VerifiedBundle", "WrongPassphraseError",
    "inspect_bundle", "open_bundle",
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
            self._enc = EncryptingWriter(self._raw, passphrase)
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


def _check_cancel(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise BundleCancelled()


def _size_limit(name: str) -> int:
    if name == MANIFEST_NAME:
        return MAX_MANIFEST_SIZE
    if name == SIGNATURE_NAME:
        return MAX_SIGNATURE_SIZE
    return MAX_CHANGES_SIZE if name.startswith("changes/") else MAX_PHOTO_SIZE


def _check_entry(info: zipfile.ZipInfo) -> None:
    """Refuse an entry from its zip headers alone, before a byte of it is decompressed."""
    name = info.filename
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in name or {"..", "."} & set(parts):
        raise UnsafeBundleError(_("its path points outside the bundle"), name)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeBundleError(_("it is a symbolic link"), name)
    if not (_LISTED_RE.fullmatch(name) or name in (MANIFEST_NAME, SIGNATURE_NAME)):
        raise UnsafeBundleError(_("a bundle never holds an entry of this kind"), name)
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BundleContentError(
            _("the entry {member} is stored in an unknown way").format(member=_shown(name)), name
        )
    if info.file_size > _size_limit(name):
        raise UnsafeBundleError(_("it is larger than any real entry of a bundle"), name)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * info.compress_size:
            raise UnsafeBundleError(
                _("it unpacks to hundreds of times its size (a zip bomb)"), name
            )
    elif info.compress_size != info.file_size:
        raise BundleContentError(
            _("the sizes recorded for {member} disagree").format(member=_shown(name)), name
        )


def _stream_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cancel: Callable[[], bool] | None,
    sink: Callable[[bytes], object] | None = None,
) -> tuple[str, int]:
    """SHA-256 and size of the bytes actually decompressed (never the header's claims).

    Only reading is guarded: an OSError from `sink` is the destination's and propagates.
    """
    digest = hashlib.sha256()
    size = 0
    try:
        member = archive.open(info)
    except _ZIP_READ_ERRORS as exc:
        raise _unpack_error(info.filename) from exc
    with member:
        while True:
            try:
                block = member.read(BLOCK_SIZE)
            except _ZIP_READ_ERRORS as exc:
                raise _unpack_error(info.filename) from exc
            if not block:
                return digest.hexdigest(), size
            _check_cancel(cancel)
            digest.update(block)
            size += len(block)
            if sink is not None:
                sink(block)


def _unpack_error(name: str) -> BundleContentError:
    return BundleContentError(
        _("the entry {member} cannot be unpacked").format(member=_shown(name)), name
    )


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    chunks: list[bytes] = []
    _stream_member(archive, info, None, chunks.append)
    return b"".join(chunks)


def _parse_manifest(data: bytes, signature: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and its files by name, once its format and signature are checked."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleContentError(_("the manifest cannot be read"), MANIFEST_NAME) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UnsupportedBundleError()
    version = manifest.get("format_version")
    if type(version) is not int or version < 1:
        raise BundleContentError(_("the manifest has no valid format version"), MANIFEST_NAME)
    if version > FORMAT_VERSION:
        raise newer_version_error()
    public_key = manifest.get("public_key")
    if not isinstance(public_key, str) or not keys.verify(public_key, signature, data):
        raise BundleSignatureError()
    files: dict[str, Any] = {}
    entries = manifest.get("files")
    for entry in entries if isinstance(entries, list) else [None]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and _LISTED_RE.fullmatch(entry["name"])
            and entry["name"] not in files
            and isinstance(entry.get("sha256"), str)
            and _SHA256_RE.fullmatch(entry["sha256"])
            and type(entry.get("size")) is int
        ):
            raise BundleContentError(_("the list of files in the manifest is not valid"))
        files[entry["name"]] = entry
    return manifest, files


def _verify(
    archive: zipfile.ZipFile, cancel: Callable[[], bool] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeBundleError(_("it holds far more entries than any real bundle"))
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_entry(info)
        if info.filename in by_name:
            raise UnsafeBundleError(_("it appears more than once"), info.filename)
        by_name[info.filename] = info
        total += info.file_size
        if total > MAX_TOTAL_SIZE:
            raise UnsafeBundleError(_("it would unpack to more than any real bundle"))
    for name in (MANIFEST_NAME, SIGNATURE_NAME):
        if name not in by_name:
            raise BundleContentError(_("{member} is missing").format(member=name), name)
    manifest, files = _parse_manifest(
        _read_small(archive, by_name[MANIFEST_NAME]), _read_small(archive, by_name[SIGNATURE_NAME])
    )
    for name in sorted(by_name):
        if name not in files and name not in (MANIFEST_NAME, SIGNATURE_NAME):
            raise BundleContentError(
                _("{member} is not listed in the manifest").format(member=_shown(name)), name
            )
    for name, entry in sorted(files.items()):
        _check_cancel(cancel)
        shown = _shown(name)
        member = by_name.get(name)
        if member is None:
            raise BundleContentError(_("{member} is missing").format(member=shown), name)
        photo = _PHOTO_RE.fullmatch(name)
        if photo and photo.group(1) != entry["sha256"]:
            raise BundleContentError(
                _("the photo {member} does not match its name").format(member=shown), name
            )
        sha256, size = (
            _stream_member(archive, member, cancel)
            if member.file_size == entry["size"]
            else ("", -1)
        )
        if size != entry["size"]:
            raise BundleContentError(
                _("{member} does not have the size the manifest gives").format(member=shown), name
            )
        if sha256 != entry["sha256"]:
            raise BundleContentError(
                _("{member} does not have the content the manifest gives").format(member=shown),
                name,
            )
    return manifest, files


def _changes_number(name: str) -> int:
    match = _CHANGES_RE.fullmatch(name)
    return int(match.group(1)) if match else 0


def _changed_error(name: str) -> BundleContentError:
    return BundleContentError(
        _("{member} changed while being read").format(member=_shown(name)), name
    )


def _save_error(path: Path, exc: OSError) -> BundleError:
    return BundleError(
        _("The photo could not be saved to {path} ({reason}).").format(
            path=path, reason=_reason(exc)
        )
    )


class VerifiedBundle:
    """A bundle whose every member was checked; holds a decrypted temp file until close()."""

    def __init__(self, temp: Path, archive: zipfile.ZipFile, manifest: dict[str, Any],
                 files: dict[str, Any]) -> None:  # fmt: skip
        self._temp_path = temp
        self._archive = archive
        self.manifest = manifest
        self.public_key: str = manifest["public_key"]
        self._files = files

    def __enter__(self) -> VerifiedBundle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def iter_changes(self) -> Iterator[bytes]:
        """The data of every changes member, in the order they were added."""
        names = [name for name in self._files if _CHANGES_RE.fullmatch(name)]
        for name in sorted(names, key=_changes_number):
            data = _read_small(self._archive, self._archive.getinfo(name))
            if hashlib.sha256(data).hexdigest() != self._files[name]["sha256"]:
                raise _changed_error(name)
            yield data

    def photo_names(self) -> list[str]:
        """The sha256 of every photo in the bundle, sorted."""
        return sorted(name[len("photos/") :] for name in self._files if _PHOTO_RE.fullmatch(name))

    def extract_photo(self, sha256: str, dst_path: Path) -> None:
        """Copy one photo to `dst_path`, through a temp file renamed once its hash is checked."""
        name = f"photos/{sha256}"
        if name not in self._files:
            raise KeyError(sha256)
        try:
            fd, temp_name = tempfile.mkstemp(
                prefix=".photo-", suffix=".partial", dir=dst_path.parent
            )
        except OSError as exc:
            raise _save_error(dst_path, exc) from exc
        temp_path = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                digest, _size = _stream_member(
                    self._archive, self._archive.getinfo(name), None, out.write
                )
                out.flush()
                os.fsync(out.fileno())
            if digest != sha256:
                raise _changed_error(name)
            os.replace(temp_path, dst_path)
        except OSError as exc:
            raise _save_error(dst_path, exc) from exc
        finally:
            temp_path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the archive and delete the decrypted temp file."""
        self._archive.close()
        self._temp_path.unlink(missing_ok=True)


def open_bundle(
    path: Path, passphrase: str, work_dir: Path, cancel: Callable[[], bool] | None = None
) -> VerifiedBundle:
    """Decrypt `path` into a temp file in `work_dir` and verify all of it; close() the result."""
    try:
        work_dir.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix="bundle-", suffix=".tmp", dir=work_dir)
    except OSError as exc:
        raise _work_dir_error(work_dir, exc) from exc
    temp_path = Path(temp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as out:
                decrypt_to(path, out, passphrase, cancel)
        except OSError as exc:
            raise _work_dir_error(work_dir, exc) from exc
        try:
            archive = zipfile.ZipFile(temp_path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BundleContentError(_("it is not a valid archive")) from exc
        try:
            manifest, files = _verify(archive, cancel)
        except BaseException:
            archive.close()
            raise
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return VerifiedBundle(temp_path, archive, manifest, files)


def _work_dir_error(work_dir: Path, exc: OSError) -> BundleError:
    return BundleError(
        _(
            "The bundle could not be opened: there is not enough free space in {folder}, or it "
            "is not writable ({reason}). Nothing was imported."
        ).format(folder=work_dir, reason=_reason(exc))
    )


def inspect_bundle(
    path: Path, passphrase: str, work_dir: Path, cancel: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """The manifest of the bundle at `path`, after the whole bundle was verified."""
    with open_bundle(path, passphrase, work_dir, cancel) as bundle:
        return bundle.manifest
