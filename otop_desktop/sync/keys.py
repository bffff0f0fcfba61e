"""Secrets kept on a laptop: its Ed25519 device key and the programme passphrase.

The device key signs every bundle this laptop exports; other laptops know it by its fingerprint.
Losing it makes this laptop look like a new device, so it is never replaced silently.

`cryptography` is imported only where a key is parsed, made or used: the window shows this
laptop's fingerprint without it (from `device_key.pub`, a cache checked against the key file),
and its native library is about 8 MB of a workshop laptop's memory.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from otop_desktop.domain.errors import OtopError, ValidationError
from otop_desktop.i18n import _

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

DEVICE_KEY_FILE = "device_key.pem"
# "<sha-256 of device_key.pem> <public key text>": the public key without parsing the key.
PUBLIC_KEY_CACHE_FILE = "device_key.pub"
PASSPHRASE_FILE = "programme_passphrase"
SALT_FILE = "bundle_salt"


class DeviceKeyError(OtopError):
    """The device key file cannot be read or written, or a public key text is not valid."""


class PassphraseFileError(OtopError):
    """A passphrase file is missing, empty or unreadable."""


def _reason(exc: OSError) -> str:
    return str(exc.strerror or exc)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write(path: Path, data: bytes, replace: bool) -> bool:
    """Write `data` to `path` (mode 0o600) through a temp file; False if `path` exists and not
    `replace` (another process created it first, and its content must win)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o600)
        if replace:
            os.replace(temp_name, path)
        else:
            try:
                # A link, unlike a rename, refuses to overwrite: two first starts cannot race.
                os.link(temp_name, path)
            except FileExistsError:
                return False
            except OSError:
                if path.exists():
                    return False
                os.replace(temp_name, path)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return True


def _damaged_key(path: Path) -> DeviceKeyError:
    return DeviceKeyError(
        _(
            "The device key file {path} is damaged. Restore it from a backup of this "
            "laptop; do not delete it, or other laptops will see this one as a new device."
        ).format(path=path)
    )


def _parse_device_key(path: Path, data: bytes) -> Ed25519PrivateKey:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _damaged_key(path) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise _damaged_key(path)
    return key


def load_or_create_device_key(keys_dir: Path) -> Ed25519PrivateKey:
    """This laptop's signing key from `keys_dir/device_key.pem`, created on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = keys_dir / DEVICE_KEY_FILE
    for _attempt in range(2):
        try:
            return _parse_device_key(path, path.read_bytes())
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise DeviceKeyError(
                _("The device key file {path} cannot be read ({reason}).").format(
                    path=path, reason=_reason(exc)
                )
            ) from exc
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            created = _atomic_write(path, pem, replace=False)
        except OSError as exc:
            raise DeviceKeyError(
                _("The device key could not be saved in {folder} ({reason}).").format(
                    folder=keys_dir, reason=_reason(exc)
                )
            ) from exc
        if created:
            return key
        # Another process created the key in the meantime: read the one that won.
    raise DeviceKeyError(_("The device key file {path} cannot be read.").format(path=path))


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as base64 of its 32 raw bytes, as written in bundle manifests."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def device_public_key_text(keys_dir: Path) -> str:
    """This laptop's public key text (the key is made on first use, as by
    `load_or_create_device_key`), read from the cache when it belongs to the key file."""
    path = keys_dir / DEVICE_KEY_FILE
    cache = keys_dir / PUBLIC_KEY_CACHE_FILE
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        cached_digest, text = cache.read_text(encoding="ascii").split()
        if cached_digest == digest and _raw_public_key(text):
            return text
    except (OSError, ValueError, DeviceKeyError):
        pass  # no key yet, no cache, or a cache of another key: parse the key
    text = public_key_text(load_or_create_device_key(keys_dir))
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        _atomic_write(cache, f"{digest} {text}\n".encode("ascii"), replace=True)
    except OSError:
        pass  # only a cache: the next start parses the key again
    return text


def _raw_public_key(text: str) -> bytes:
    """The 32 bytes of a public key text (DeviceKeyError if it is not one)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise DeviceKeyError(_("This is not a valid device public key.")) from exc
    if len(raw) != 32:  # what Ed25519PublicKey.from_public_bytes checks
        raise DeviceKeyError(_("This is not a valid device public key."))
    return raw


def _public_key(text: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        return Ed25519PublicKey.from_public_bytes(_raw_public_key(text))
    except ValueError as exc:
        raise DeviceKeyError(_("This is not a valid device public key.")) from exc


def fingerprint(public_key_text: str) -> str:
    """A short form of a public key for people to compare, like `ab12-cd34-ef56-7890`."""
    digest = hashlib.sha256(_raw_public_key(public_key_text)).hexdigest()[:16]
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def verify(public_key_text: str, signature: bytes, data: bytes) -> bool:
    """True if `signature` is the Ed25519 signature of `data` by that key; False otherwise."""
    from cryptography.exceptions import InvalidSignature

    try:
        _public_key(public_key_text).verify(signature, data)
    except (DeviceKeyError, InvalidSignature):
        return False
    return True


def save_passphrase(keys_dir: Path, text: str) -> None:
    """Keep the programme passphrase on this laptop (file readable by this user only)."""
    if not text.strip():
        raise ValidationError(_("The programme passphrase cannot be empty."), field="passphrase")
    try:
        _atomic_write(keys_dir / PASSPHRASE_FILE, text.encode("utf-8"), replace=True)
    except OSError as exc:
        raise PassphraseFileError(
            _("The programme passphrase could not be saved in {folder} ({reason}).").format(
                folder=keys_dir, reason=_reason(exc)
            )
        ) from exc


def load_passphrase(keys_dir: Path) -> str | None:
    """The programme passphrase kept on this laptop, or None if none was saved."""
    path = keys_dir / PASSPHRASE_FILE
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PassphraseFileError(
            _("The saved programme passphrase in {path} cannot be read ({reason}).").format(
                path=path, reason=_reason(exc) if isinstance(exc, OSError) else exc.reason
            )
        ) from exc
    return text or None


def read_passphrase_file(path: Path) -> str:
    """The passphrase in a text file (as given on the command line), minus one final newline."""
    try:
        # utf-8-sig: Windows Notepad may start the file with a byte-order mark.
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise PassphraseFileError(
            _("The passphrase file {path} does not exist.").format(path=path)
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PassphraseFileError(
            _("The passphrase file {path} cannot be read ({reason}).").format(
                path=path, reason=_reason(exc) if isinstance(exc, OSError) else exc.reason
            )
        ) from exc
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise PassphraseFileError(_("The passphrase file {path} is empty.").format(path=path))
    return text


def bundle_salt(keys_dir: Path) -> bytes:
    """This laptop's key-derivation salt for the bundles it writes (made once, kept)."""
    path = keys_dir / SALT_FILE
    try:
        if path.is_file() and len(data := path.read_bytes()) == 16:
            return data
        # First export, or a damaged file: a new salt only costs receivers one scrypt run.
        _atomic_write(path, os.urandom(16), replace=True)
        return path.read_bytes()
    except OSError as exc:
        raise DeviceKeyError(
            _("The device key could not be saved in {folder} ({reason}).").format(
                folder=keys_dir, reason=_reason(exc)
            )
        ) from exc
