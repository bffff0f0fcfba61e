"""Outer layer of a sync bundle: a passphrase, scrypt, and AES-256-GCM in 1 MiB chunks.

Layout on disk (integers big-endian):

    b"OTOPBNDL" | version (1 byte) | header length (4) | header JSON | header digest (8)
    then chunks, each: ciphertext length (4) | AES-GCM ciphertext with its 16-byte tag

Every future version keeps the framing up to the header digest, so a reader can always tell a
damaged file from one made by a newer app. The digest (first 8 bytes of SHA-256 over everything
before it) is no security measure, since the whole header is also the AAD of every chunk; it only
lets a copying error in the salt be reported as damage rather than as a wrong passphrase.

Chunks follow the STREAM construction: the nonce of chunk i is the 7-byte random prefix, then
i (4 bytes), then 1 on the last chunk and 0 on the others. So chunks cannot be reordered or
dropped, and a file cut at a chunk boundary or extended past its last chunk fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac as std_hmac
import json
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _

MAGIC = b"OTOPBNDL"
FORMAT_VERSION = 1
# Read when a writer is created, so tests can lower them; readers take them from the header.
CHUNK_SIZE = 1 << 20
SCRYPT_N = 1 << 15
SCRYPT_R = 8
SCRYPT_P = 1
KEY_CHECK_LABEL = b"otop-bundle-key-check"

_SALT_SIZE = 16
_PREFIX_SIZE = 7
_CHECK_SIZE = 16
_TAG_SIZE = 16
_DIGEST_SIZE = 8
_MAX_HEADER = 4096
_MAX_CHUNK = 16 << 20
# A hostile header must not make us allocate gigabytes in scrypt (it needs 128 * n * r bytes).
_MAX_SCRYPT_MEMORY = 256 << 20
_MAX_SCRYPT_P = 16


class BundleError(OtopError):
    """Base of every problem with a bundle; nothing was imported or exported when it is raised."""


class WrongPassphraseError(BundleError):
    """The passphrase does not open this bundle (mistyped, or another programme's)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This bundle cannot be opened with this passphrase: it was made with another "
                "programme passphrase, or the passphrase is mistyped."
            )
        )


class DamagedBundleError(BundleError):
    """The file was changed, cut short or extended after the sending laptop wrote it."""

    def __init__(self, message: str | None = None, member: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "The bundle file is damaged or incomplete (it may not have finished copying to "
                "the USB stick); nothing was imported. Copy it again from the sending laptop."
            )
        )
        self.member = member


class UnsupportedBundleError(BundleError):
    """Not a bundle at all, or one written by a newer version of the app."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This file is not an OTOP Field Desk bundle; nothing was imported.")
        )


def newer_version_error() -> UnsupportedBundleError:
    """The error for a bundle whose format this version of the app does not know yet."""
    return UnsupportedBundleError(
        _(
            "This bundle was made by a newer version of OTOP Field Desk. Update the app on this "
            "laptop, then import the bundle again; nothing was imported."
        )
    )


class BundleCancelled(OtopError):
    """The user cancelled while a bundle was being opened."""

    def __init__(self) -> None:
        super().__init__(_("Cancelled; nothing was changed."))


class _Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


@lru_cache(maxsize=32)
def derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The 32-byte AES key of a passphrase (NFC-normalised, so é typed either way is the same).

    Cached for the life of the process: a laptop uses one salt for all its bundles (see
    EncryptingWriter), so a coordinator importing many bundles from it pays scrypt once.
    """
    # Imported here, as in the other functions: the window starts without `cryptography`.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    material = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(material)


def key_check(key: bytes) -> bytes:
    """The value stored in the header that tells a wrong passphrase apart from a damaged file."""
    return std_hmac.digest(key, KEY_CHECK_LABEL, hashlib.sha256)[:_CHECK_SIZE]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


def _frame_header(fields: dict[str, Any], version: int = FORMAT_VERSION) -> bytes:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("ascii")
    prefix = MAGIC + bytes([version]) + len(body).to_bytes(4, "big") + body
    return prefix + hashlib.sha256(prefix).digest()[:_DIGEST_SIZE]


class EncryptingWriter:
    """Write-only, unseekable binary stream that encrypts into `fileobj` (left open on close).

    Up to one chunk of plaintext is buffered, so memory stays flat whatever is written. Only
    `close()` writes the final chunk: without it the file is incomplete and will not decrypt.
    """

    def __init__(
        self, fileobj: BinaryIO | _Writable, passphrase: str, salt: bytes | None = None
    ) -> None:
        if not passphrase:
            raise BundleError(
                _("Enter the programme passphrase: a bundle cannot be made without it.")
            )
        self._fileobj = fileobj
        self._chunk = CHUNK_SIZE
        self._prefix = os.urandom(_PREFIX_SIZE)
        # A laptop may pass its own fixed salt: the key is then the same for all its bundles
        # (still unique to this laptop and passphrase), while every bundle has a fresh random
        # nonce prefix, so no nonce repeats within any realistic number of bundles.
        if salt is None:
            salt = os.urandom(_SALT_SIZE)
        elif len(salt) != _SALT_SIZE:
            raise ValueError("salt must be 16 bytes")
        key = derive_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        fields = {
            "v": FORMAT_VERSION,
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": _b64(salt),
            "nonce_prefix": _b64(self._prefix),
            "chunk": self._chunk,
            "check": _b64(key_check(key)),
        }
        self._aad = _frame_header(fields)
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)
        # One chunk-sized buffer, filled in place and encrypted straight from it: photos pass
        # through here byte for byte, so every avoided copy is bundle throughput.
        self._buffer = bytearray(self._chunk)
        self._filled = 0
        self._counter = 0
        self._position = 0
        self._closed = False
        fileobj.write(self._aad)

    @property
    def closed(self) -> bool:
        """True once close() has written the final chunk."""
        return self._closed

    def writable(self) -> bool:
        """Always True: this is a write-only stream."""
        return True

    def seekable(self) -> bool:
        """Always False, so zipfile writes data descriptors instead of seeking back."""
        return False

    def tell(self) -> int:
        """Plaintext bytes written so far (zipfile records member offsets with it)."""
        return self._position

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        """Buffer `data`, encrypting and writing out every chunk that fills up."""
        if self._closed:
            raise ValueError("write to a closed EncryptingWriter")
        view = memoryview(data).cast("B")
        offset = 0
        while offset < len(view):
            if self._filled == self._chunk:
                # More data follows a full buffer, so that chunk is not the last one.
                self._emit(memoryview(self._buffer), final=False)
                self._filled = 0
            take = min(self._chunk - self._filled, len(view) - offset)
            self._buffer[self._filled : self._filled + take] = view[offset : offset + take]
            self._filled += take
            offset += take
        self._position += len(view)
        return len(view)

    def flush(self) -> None:
        """Flush `fileobj`; buffered plaintext stays until its chunk is full or close() runs."""
        flush = getattr(self._fileobj, "flush", None)
        if flush is not None:
            flush()

    def close(self) -> None:
        """Write the final chunk (possibly empty) and flush; `fileobj` itself stays open."""
        if self._closed:
            return
        self._emit(memoryview(self._buffer)[: self._filled], final=True)
        self._filled = 0
        self._closed = True
        self.flush()

    def _emit(self, plaintext: bytes | memoryview, final: bool) -> None:
        if self._counter >= 1 << 32:
            raise ValueError("bundle too large for the chunk counter")
        nonce = _nonce(self._prefix, self._counter, final)
        sealed = self._aead.encrypt(nonce, plaintext, self._aad)
        self._fileobj.write(len(sealed).to_bytes(4, "big"))
        self._fileobj.write(sealed)
        self._counter += 1


@dataclass(frozen=True)
class _Header:
    n: int
    r: int
    p: int
    salt: bytes
    prefix: bytes
    chunk: int
    check: bytes
    aad: bytes


def _read_error(path: Path, exc: OSError) -> BundleError:
    return BundleError(
        _("The bundle file {name} cannot be read ({reason}).").format(
            name=path.name, reason=exc.strerror or exc
        )
    )


def _read(handle: BinaryIO, size: int, path: Path) -> bytes:
    try:
        return handle.read(size)
    except OSError as exc:
        raise _read_error(path, exc) from exc


def _read_exact(handle: BinaryIO, size: int, path: Path) -> bytes:
    data = _read(handle, size, path)
    if len(data) != size:
        raise DamagedBundleError()
    return data


def _decode_field(fields: dict[str, Any], name: str, low: int, high: int) -> bytes:
    value = fields.get(name)
    if not isinstance(value, str):
        raise UnsupportedBundleError()
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UnsupportedBundleError() from exc
    if not low <= len(raw) <= high:
        raise UnsupportedBundleError()
    return raw


def _int_field(fields: dict[str, Any], name: str, low: int, high: int) -> int:
    value = fields.get(name)
    if type(value) is not int or not low <= value <= high:
        raise UnsupportedBundleError()
    return value


def _read_header(handle: BinaryIO, path: Path) -> _Header:
    start = _read(handle, len(MAGIC), path)
    if start != MAGIC:
        if MAGIC.startswith(start):
            raise DamagedBundleError()  # an empty or cut-off copy
        raise UnsupportedBundleError()
    framing = _read_exact(handle, 5, path)
    version, length = framing[0], int.from_bytes(framing[1:], "big")
    if not 0 < length <= _MAX_HEADER:
        raise DamagedBundleError()
    body = _read_exact(handle, length, path)
    digest = _read_exact(handle, _DIGEST_SIZE, path)
    prefix = MAGIC + framing + body
    if not std_hmac.compare_digest(hashlib.sha256(prefix).digest()[:_DIGEST_SIZE], digest):
        raise DamagedBundleError()
    if version > FORMAT_VERSION:
        raise newer_version_error()
    try:
        fields = json.loads(body.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnsupportedBundleError() from exc
    if version != FORMAT_VERSION or not isinstance(fields, dict):
        raise UnsupportedBundleError()
    if type(fields.get("v")) is int and fields["v"] > FORMAT_VERSION:
        raise newer_version_error()
    if fields.get("v") != FORMAT_VERSION or fields.get("kdf") != "scrypt":
        raise UnsupportedBundleError()
    n = _int_field(fields, "n", 2, 1 << 24)
    r = _int_field(fields, "r", 1, 64)
    p = _int_field(fields, "p", 1, _MAX_SCRYPT_P)
    if n & (n - 1) or 128 * n * r > _MAX_SCRYPT_MEMORY:
        raise UnsupportedBundleError()
    return _Header(
        n=n,
        r=r,
        p=p,
        salt=_decode_field(fields, "salt", _SALT_SIZE, 1024),
        prefix=_decode_field(fields, "nonce_prefix", _PREFIX_SIZE, _PREFIX_SIZE),
        chunk=_int_field(fields, "chunk", 1, _MAX_CHUNK),
        check=_decode_field(fields, "check", _CHECK_SIZE, _CHECK_SIZE),
        aad=prefix + digest,
    )


def decrypt_to(
    src_path: Path,
    dst_fileobj: BinaryIO | _Writable,
    passphrase: str,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Decrypt the bundle at `src_path` into `dst_fileobj`; returns the plaintext size.

    Plaintext is written as it is authenticated, chunk by chunk, so on any error what was
    written is to be thrown away. Errors writing to `dst_fileobj` propagate as OSError.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        handle = src_path.open("rb")
    except OSError as exc:
        raise _read_error(src_path, exc) from exc
    with handle:
        header = _read_header(handle, src_path)
        key = derive_key(passphrase, header.salt, header.n, header.r, header.p)
        if not std_hmac.compare_digest(key_check(key), header.check):
            raise WrongPassphraseError()
        aead = AESGCM(key)
        counter = 0
        total = 0
        length_bytes = _read(handle, 4, src_path)
        while True:
            if cancel is not None and cancel():
                raise BundleCancelled()
            if len(length_bytes) != 4 or counter >= 1 << 32:
                raise DamagedBundleError()  # the last chunk is missing
            length = int.from_bytes(length_bytes, "big")
            if not _TAG_SIZE <= length <= header.chunk + _TAG_SIZE:
                raise DamagedBundleError()
            sealed = _read_exact(handle, length, src_path)
            length_bytes = _read(handle, 4, src_path)
            # The chunk that ends the file must be the one sealed as final, and no other.
            final = not length_bytes
            try:
                plaintext = aead.decrypt(_nonce(header.prefix, counter, final), sealed, header.aad)
            except InvalidTag as exc:
                raise DamagedBundleError() from exc
            dst_fileobj.write(plaintext)
            total += len(plaintext)
            counter += 1
            if final:
                return total
