"""This laptop's public key is read from `device_key.pub` only while that cache belongs to the
key file: the window shows the fingerprint without loading `cryptography` (issue #10)."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from otop_desktop.sync import crypto, keys

# About files in the keys folder, not about the database.
pytestmark = pytest.mark.one_engine


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_the_first_call_makes_the_key_and_its_cache(tmp_path: Path) -> None:
    text = keys.device_public_key_text(tmp_path)
    key = keys.load_or_create_device_key(tmp_path)
    assert text == keys.public_key_text(key)
    digest, cached = (tmp_path / keys.PUBLIC_KEY_CACHE_FILE).read_text().split()
    assert digest == hashlib.sha256((tmp_path / keys.DEVICE_KEY_FILE).read_bytes()).hexdigest()
    assert cached == text
    assert keys.device_public_key_text(tmp_path) == text


def test_a_cache_of_another_key_is_not_believed(tmp_path: Path) -> None:
    keys.device_public_key_text(tmp_path)
    # The key file restored from another laptop's backup, the old cache left beside it.
    other = Ed25519PrivateKey.generate()
    (tmp_path / keys.DEVICE_KEY_FILE).write_bytes(_pem(other))
    assert keys.device_public_key_text(tmp_path) == keys.public_key_text(other)
    assert keys.public_key_text(other) in (tmp_path / keys.PUBLIC_KEY_CACHE_FILE).read_text()


@pytest.mark.parametrize(
    "cache", ["", "garbage", "a b c", "{digest} not-base64!", "{digest} AAAA", "\xff\xfe"]
)
def test_a_damaged_cache_is_made_again(tmp_path: Path, cache: str) -> None:
    text = keys.device_public_key_text(tmp_path)
    digest = hashlib.sha256((tmp_path / keys.DEVICE_KEY_FILE).read_bytes()).hexdigest()
    (tmp_path / keys.PUBLIC_KEY_CACHE_FILE).write_bytes(cache.format(digest=digest).encode("utf-8"))
    assert keys.device_public_key_text(tmp_path) == text
    assert (tmp_path / keys.PUBLIC_KEY_CACHE_FILE).read_text().split() == [digest, text]


def test_a_damaged_key_is_reported_even_with_a_cache(tmp_path: Path) -> None:
    keys.device_public_key_text(tmp_path)
    path = tmp_path / keys.DEVICE_KEY_FILE
    path.write_bytes(path.read_bytes()[:40] + b"garbage\n")
    with pytest.raises(keys.DeviceKeyError, match="damaged"):
        keys.device_public_key_text(tmp_path)


def test_a_cache_that_cannot_be_written_is_only_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = keys.load_or_create_device_key(tmp_path)

    def disk_full(path: Path, data: bytes, replace: bool) -> bool:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keys, "_atomic_write", disk_full)
    assert keys.device_public_key_text(tmp_path) == keys.public_key_text(key)
    assert not (tmp_path / keys.PUBLIC_KEY_CACHE_FILE).exists()


def test_fingerprints_need_32_bytes() -> None:
    assert keys.fingerprint("A" * 43 + "=")  # 32 bytes
    for text in ("AAAA", "A" * 44 + "AAAA", ""):
        with pytest.raises(keys.DeviceKeyError):
            keys.fingerprint(text)


def test_the_key_check_is_the_hmac_bundles_were_written_with() -> None:
    # Bundles already on USB sticks carry the check made by cryptography's HMAC.
    for key in (bytes(32), bytes(range(32)), hashlib.sha256(b"x").digest()):
        mac = crypto_hmac.HMAC(key, hashes.SHA256())
        mac.update(crypto.KEY_CHECK_LABEL)
        assert crypto.key_check(key) == mac.finalize()[: len(crypto.key_check(key))]
        assert hmac.compare_digest(crypto.key_check(key), crypto.key_check(key))


_PROBE = """
import json, sys
from pathlib import Path
from otop_desktop.services.context import open_context
from otop_desktop.services.laptop import this_laptop
from otop_desktop.services.sync_review import known_laptops
ctx = open_context(Path(sys.argv[1]))
laptop = this_laptop(ctx)
listed = known_laptops(ctx)
ctx.close()
print(json.dumps({"fingerprint": laptop.fingerprint, "listed": listed[0].fingerprint,
                  "loaded": "cryptography" in sys.modules}))
"""


def test_this_laptops_fingerprint_is_read_without_cryptography(tmp_path: Path) -> None:
    from otop_desktop.services.context import initialise, open_context
    from otop_desktop.services.laptop import this_laptop

    ctx = open_context(tmp_path)
    try:
        initialise(ctx, "laptop")
        expected = this_laptop(ctx).fingerprint  # the first call makes the key and the cache
    finally:
        ctx.close()
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result == {"fingerprint": expected, "listed": expected, "loaded": False}
