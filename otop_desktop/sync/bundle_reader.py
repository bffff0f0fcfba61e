"""Reading a sync bundle: decrypt to a temporary file, then verify every member before use.

The checks follow the signed manifest of bundle_file.py: paths, links, duplicates, sizes and
compression ratios from the zip headers first, then the signature, then every member's real
size and SHA-256 as it is decompressed. Nothing in the bundle is trusted before that.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from otop_desktop.i18n import _
from otop_desktop.sync import keys
from otop_desktop.sync.bundle_file import (
    _CHANGES_RE,
    _LISTED_RE,
    _PHOTO_RE,
    _SHA256_RE,
    _ZIP_READ_ERRORS,
    BLOCK_SIZE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MAX_CHANGES_SIZE,
    MAX_MANIFEST_SIZE,
    MAX_MEMBERS,
    MAX_PHOTO_SIZE,
    MAX_RATIO,
    MAX_SIGNATURE_SIZE,
    MAX_TOTAL_SIZE,
    RATIO_MIN_SIZE,
    SIGNATURE_NAME,
    BundleContentError,
    BundleSignatureError,
    UnsafeBundleError,
    _reason,
    _shown,
)
from otop_desktop.sync.crypto import (
    BundleCancelled,
    BundleError,
    UnsupportedBundleError,
    decrypt_to,
    newer_version_error,
)

__all__ = ["VerifiedBundle", "inspect_bundle", "open_bundle"]


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
