"""The bundle file: encryption, signing and verification, with no database involved."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from otop_desktop.domain.errors import OtopError, ValidationError
from otop_desktop.i18n import set_locale
from otop_desktop.sync import bundle_reader, crypto, keys
from otop_desktop.sync.bundle_file import (
    BundleCancelled,
    BundleContentError,
    BundleError,
    BundlePhotoError,
    BundleSignatureError,
    BundleWriteError,
    BundleWriter,
    DamagedBundleError,
    UnsafeBundleError,
    UnsupportedBundleError,
    WrongPassphraseError,
)
from otop_desktop.sync.bundle_reader import inspect_bundle, open_bundle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bundles"


def _load_fixture_tools() -> ModuleType:
    """make_fixtures.py by path: the tests folder need not be an importable package."""
    spec = importlib.util.spec_from_file_location(
        "bundle_fixture_tools", FIXTURES / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


tools = _load_fixture_tools()
PASS = "programme passphrase"


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 14)


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work"


def _photo(folder: Path, data: bytes) -> tuple[str, Path]:
    sha = hashlib.sha256(data).hexdigest()
    path = folder / f"src-{sha[:8]}"
    path.write_bytes(data)
    return sha, path


def _encrypt(path: Path, data: bytes, passphrase: str = PASS) -> bytes:
    with path.open("wb") as raw:
        writer = crypto.EncryptingWriter(raw, passphrase)
        writer.write(data)
        writer.close()
    return path.read_bytes()


def _decrypt(path: Path, passphrase: str = PASS) -> bytes:
    out = io.BytesIO()
    crypto.decrypt_to(path, out, passphrase)
    return out.getvalue()


def _layout(blob: bytes) -> tuple[int, list[tuple[int, int]]]:
    """End of the cleartext header, and (start, end) of every chunk record after it."""
    pos = len(crypto.MAGIC) + 5 + int.from_bytes(blob[9:13], "big") + 8
    header_end, records = pos, []
    while pos < len(blob):
        end = pos + 4 + int.from_bytes(blob[pos : pos + 4], "big")
        records.append((pos, end))
        pos = end
    return header_end, records


@pytest.fixture
def chunked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, bytes]:
    """An encrypted file of 4 small chunks (the last one partly filled)."""
    monkeypatch.setattr(crypto, "CHUNK_SIZE", 64)
    path = tmp_path / "chunked.bin"
    _encrypt(path, os.urandom(64 * 3 + 10))
    return path, path.read_bytes()


# --- outer layer ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_encryption_round_trips_at_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(crypto, "CHUNK_SIZE", 64)
    data = os.urandom(size)
    _encrypt(tmp_path / "f", data)
    assert _decrypt(tmp_path / "f") == data


def test_header_holds_nothing_personal(tmp_path: Path) -> None:
    blob = _encrypt(tmp_path / "f", b"secret data from Maria")
    header_end, _records = _layout(blob)
    fields = json.loads(blob[13 : header_end - 8])
    assert set(fields) == {"v", "kdf", "n", "r", "p", "salt", "nonce_prefix", "chunk", "check"}
    assert fields["kdf"] == "scrypt" and fields["chunk"] == crypto.CHUNK_SIZE
    assert b"Maria" not in blob


def test_default_scrypt_cost_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the fast test setting
    blob = _encrypt(tmp_path / "f", b"data")
    fields = json.loads(blob[13 : _layout(blob)[0] - 8])
    assert (fields["n"], fields["r"], fields["p"]) == (1 << 15, 8, 1)


def test_wrong_passphrase_is_told_apart_from_damage(tmp_path: Path) -> None:
    _encrypt(tmp_path / "f", b"data")
    with pytest.raises(WrongPassphraseError, match="mistyped"):
        _decrypt(tmp_path / "f", "another passphrase")


def test_passphrase_is_nfc_normalised(tmp_path: Path) -> None:
    _encrypt(tmp_path / "f", b"data", passphrase="caf\u00e9")
    assert _decrypt(tmp_path / "f", "cafe\u0301") == b"data"


def test_a_flipped_byte_anywhere_is_damage(chunked: tuple[Path, bytes]) -> None:
    path, blob = chunked
    header_end, records = _layout(blob)
    salt_at = blob.index(b'"salt":"') + 10
    positions = [
        9,  # version byte
        12,  # header length
        salt_at,  # a copying error in the salt must not look like a wrong passphrase
        header_end - 1,  # header digest
        records[0][0] + 2,  # length of the first chunk
        (records[1][0] + records[1][1]) // 2,  # middle of a middle chunk
        len(blob) - 1,  # the tag of the last chunk
    ]
    for position in positions:
        damaged = bytearray(blob)
        damaged[position] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(DamagedBundleError):
            _decrypt(path)


def test_truncation_at_any_length_is_damage(chunked: tuple[Path, bytes]) -> None:
    path, blob = chunked
    header_end, records = _layout(blob)
    lengths = [0, 5, 11, header_end - 1, header_end, records[1][0] + 7, records[-1][0]]
    lengths += [len(blob) - 1]
    for length in lengths:
        path.write_bytes(blob[:length])
        with pytest.raises(DamagedBundleError):
            _decrypt(path)


@pytest.mark.parametrize("extra", [b"\x00", b"\x00\x00\x00\x10", os.urandom(100)])
def test_extra_trailing_bytes_are_damage(chunked: tuple[Path, bytes], extra: bytes) -> None:
    path, blob = chunked
    path.write_bytes(blob + extra)
    with pytest.raises(DamagedBundleError):
        _decrypt(path)


def test_reordered_or_dropped_chunks_are_damage(chunked: tuple[Path, bytes]) -> None:
    path, blob = chunked
    header_end, records = _layout(blob)
    parts = [blob[start:end] for start, end in records]
    for order in ([1, 0, 2, 3], [0, 2, 1, 3], [0, 1, 3], [0, 1, 2, 2, 3]):
        path.write_bytes(blob[:header_end] + b"".join(parts[i] for i in order))
        with pytest.raises(DamagedBundleError):
            _decrypt(path)


def test_a_newer_outer_version_asks_for_an_update(chunked: tuple[Path, bytes]) -> None:
    path, blob = chunked
    header_end, _records = _layout(blob)
    prefix = bytearray(blob[: header_end - 8])
    prefix[8] = 2
    digest = hashlib.sha256(prefix).digest()[:8]
    path.write_bytes(bytes(prefix) + digest + blob[header_end:])
    with pytest.raises(UnsupportedBundleError, match="newer version"):
        _decrypt(path)


@pytest.mark.parametrize("content", [b"PK\x03\x04 a plain zip", b"XTOPBNDL\x01", b"hello"])
def test_other_files_are_not_bundles(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "f").write_bytes(content)
    with pytest.raises(UnsupportedBundleError, match="not an OTOP"):
        _decrypt(tmp_path / "f")


def test_a_missing_bundle_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot be read"):
        _decrypt(tmp_path / "nowhere.otop")


def test_encrypting_writer_fits_zipfile(tmp_path: Path) -> None:
    with (tmp_path / "f").open("wb") as raw:
        writer = crypto.EncryptingWriter(raw, PASS)
        assert not writer.seekable() and writer.tell() == 0
        with zipfile.ZipFile(writer, mode="w") as archive:
            archive.writestr("a.txt", b"hello" * 1000)
        assert writer.tell() > 0
        writer.close()
        assert writer.closed
    plain = _decrypt(tmp_path / "f")
    assert zipfile.ZipFile(io.BytesIO(plain)).read("a.txt") == b"hello" * 1000


# --- round trip -----------------------------------------------------------------------------


def _write_bundle(
    path: Path, key: Ed25519PrivateKey, photos: list[tuple[str, Path]], changes: list[bytes]
) -> None:
    header = {"bundle_id": "b-1", "sender": "r-1", "device": "Laptop de María", "seen": {"r": 3}}
    with BundleWriter(path, PASS, key, header) as writer:
        for data in changes:
            writer.add_changes(data)
        for sha, source in photos:
            writer.add_photo(sha, source)


def test_round_trip(tmp_path: Path, key: Ed25519PrivateKey, work: Path) -> None:
    big = os.urandom(2_500_000)  # several 1 MiB chunks, and a stored member crossing them
    photos = [_photo(tmp_path, big), _photo(tmp_path, b"small photo")]
    changes = [json.dumps({"n": i}).encode() * (i + 1) for i in range(12)]
    path = tmp_path / "out.otop"
    _write_bundle(path, key, photos, changes)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".otop", ".partial")) == [
        "out.otop"
    ]

    with open_bundle(path, PASS, work) as bundle:
        assert bundle.manifest["device"] == "Laptop de María"
        assert bundle.manifest["format"] == "otop-bundle"
        assert bundle.manifest["format_version"] == 1
        assert bundle.public_key == keys.public_key_text(key)
        assert list(bundle.iter_changes()) == changes
        assert bundle.photo_names() == sorted(sha for sha, _ in photos)
        for sha, source in photos:
            bundle.extract_photo(sha, tmp_path / f"out-{sha}")
            assert (tmp_path / f"out-{sha}").read_bytes() == source.read_bytes()
        names = [entry["name"] for entry in bundle.manifest["files"]]
        assert names[:2] == ["changes/000001.json", "changes/000002.json"]
        assert len(names) == 14
        assert len(list(work.iterdir())) == 1  # the decrypted temp file
    assert list(work.iterdir()) == []


def test_inspect_returns_the_verified_manifest(
    tmp_path: Path, key: Ed25519PrivateKey, work: Path
) -> None:
    _write_bundle(tmp_path / "b.otop", key, [], [b"[]"])
    manifest = inspect_bundle(tmp_path / "b.otop", PASS, work)
    assert manifest["bundle_id"] == "b-1"
    assert manifest["files"][0]["name"] == "changes/000001.json"
    assert list(work.iterdir()) == []


def test_valid_fixture_still_opens(work: Path) -> None:
    # Bundles written by earlier builds must keep opening: the fixture is committed, not rebuilt.
    with open_bundle(FIXTURES / "valid.otop", tools.PASSPHRASE, work) as bundle:
        assert list(bundle.iter_changes()) == list(tools.CHANGES)
        assert bundle.photo_names() == sorted([tools.sha(tools.PHOTO_A), tools.sha(tools.PHOTO_B)])
        assert keys.fingerprint(bundle.public_key) == keys.fingerprint(
            keys.public_key_text(tools.fixture_key())
        )


def test_wrong_passphrase_on_a_bundle(work: Path) -> None:
    with pytest.raises(WrongPassphraseError):
        open_bundle(FIXTURES / "valid.otop", "not the passphrase", work)
    assert list(work.iterdir()) == []


# --- hostile or broken inner zips -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "error", "words"),
    [
        ("path-traversal", UnsafeBundleError, "../x"),
        ("absolute-path", UnsafeBundleError, "/tmp/x"),
        ("symlink", UnsafeBundleError, "symbolic link"),
        ("zip-bomb", UnsafeBundleError, "zip bomb"),
        ("duplicate-member", UnsafeBundleError, "more than once"),
        ("size-lie", BundleContentError, "size"),
        ("hash-lie", BundleContentError, "content"),
        ("photo-name-mismatch", BundleContentError, "does not match its name"),
        ("bad-signature", BundleSignatureError, "signature"),
        ("newer-format", UnsupportedBundleError, "newer version"),
    ],
)
def test_hostile_fixtures_are_refused(
    work: Path, fixture: str, error: type[BundleError], words: str
) -> None:
    with pytest.raises(error, match=words.replace(".", r"\.")) as caught:
        open_bundle(FIXTURES / f"{fixture}.otop", tools.PASSPHRASE, work)
    assert type(caught.value) is error
    assert list(work.iterdir()) == []  # the decrypted temp file is gone


def test_member_names_are_checked(tmp_path: Path, work: Path) -> None:
    good = tools.good_contents()
    for name in ["C:/x", "photos\\..\\x", "changes/../../x", "photos/ABC", "notes.txt", "changes/"]:
        path = tmp_path / "b.otop"
        tools.write_signed(path, [*good, tools.Member(name, b"x")], passphrase=PASS)
        with pytest.raises(UnsafeBundleError):
            open_bundle(path, PASS, work)


def test_unlisted_and_missing_members_are_refused(tmp_path: Path, work: Path) -> None:
    good = tools.good_contents()
    path = tmp_path / "b.otop"
    tools.write_signed(path, good, passphrase=PASS, listed=good[:2])
    with pytest.raises(BundleContentError, match="not listed"):
        open_bundle(path, PASS, work)
    tools.write_signed(path, good[:2], passphrase=PASS, listed=good)
    with pytest.raises(BundleContentError, match="missing"):
        open_bundle(path, PASS, work)


def test_a_photo_whose_bytes_lie_under_an_honest_name_is_refused(
    tmp_path: Path, work: Path
) -> None:
    # The manifest repeats the name's hash, but the bytes are another photo's.
    photo = tools.Member(f"photos/{tools.sha(tools.PHOTO_B)}", tools.PHOTO_A)
    lying = tools.Member(photo.name, tools.PHOTO_B)
    path = tmp_path / "b.otop"
    tools.write_signed(path, [photo], passphrase=PASS, listed=[lying])
    with pytest.raises(BundleContentError):
        open_bundle(path, PASS, work)


def test_zip_headers_are_not_trusted_for_sizes(tmp_path: Path, work: Path) -> None:
    # Zip headers (local and central) and the signed manifest all claim 10 more bytes than the
    # member unpacks to; the CRC matches the real bytes. Only counting what comes out can tell.
    data = json.dumps(list(range(2000))).encode()
    claimed = tools.Member("changes/000001.json", data + bytes(10))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("changes/000001.json", data, zipfile.ZIP_DEFLATED)
        for member in tools.manifest_members([claimed]):
            archive.writestr(member.name, member.data)
    old_size = len(data).to_bytes(4, "little")
    assert buffer.getvalue().count(old_size) == 2
    inner = buffer.getvalue().replace(old_size, len(claimed.data).to_bytes(4, "little"))
    assert zipfile.ZipFile(io.BytesIO(inner)).infolist()[0].file_size == len(claimed.data)
    _encrypt(tmp_path / "b.otop", inner)
    with pytest.raises(BundleContentError, match="size"):
        open_bundle(tmp_path / "b.otop", PASS, work)


def test_size_limits_are_enforced_before_unpacking(
    tmp_path: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.otop"
    tools.write_signed(path, tools.good_contents(), passphrase=PASS)
    monkeypatch.setattr(bundle_reader, "MAX_PHOTO_SIZE", 10)
    with pytest.raises(UnsafeBundleError, match="larger"):
        open_bundle(path, PASS, work)
    monkeypatch.undo()
    monkeypatch.setattr(bundle_reader, "MAX_TOTAL_SIZE", 100)
    with pytest.raises(UnsafeBundleError, match="more than any real bundle"):
        open_bundle(path, PASS, work)


def test_a_non_zip_inside_a_valid_envelope_is_refused(tmp_path: Path, work: Path) -> None:
    _encrypt(tmp_path / "b.otop", b"just some bytes, no zip")
    with pytest.raises(BundleContentError, match="not a valid archive"):
        open_bundle(tmp_path / "b.otop", PASS, work)
    assert list(work.iterdir()) == []


def test_cancel_aborts_and_cleans_up(tmp_path: Path, key: Ed25519PrivateKey, work: Path) -> None:
    _write_bundle(tmp_path / "b.otop", key, [_photo(tmp_path, os.urandom(3 << 20))], [b"[]"])
    calls = iter(range(100))
    with pytest.raises(BundleCancelled):
        open_bundle(tmp_path / "b.otop", PASS, work, cancel=lambda: next(calls) >= 2)
    assert list(work.iterdir()) == []


# --- writer failures ------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("b.otop"))


def test_an_exception_inside_the_writer_leaves_nothing(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    with pytest.raises(RuntimeError), BundleWriter(tmp_path / "b.otop", PASS, key, {}) as writer:
        writer.add_changes(b"[]")
        assert _leftovers(tmp_path) == ["b.otop.partial"]
        raise RuntimeError("export failed half way")
    assert _leftovers(tmp_path) == []


def test_a_full_disk_is_reported_and_leaves_nothing(
    tmp_path: Path, key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: object, plaintext: bytes, final: bool) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(crypto.EncryptingWriter, "_emit", disk_full)
    sha, source = _photo(tmp_path, os.urandom(2 << 20))
    with pytest.raises(BundleWriteError, match="No space left") as caught:
        with BundleWriter(tmp_path / "b.otop", PASS, key, {}) as writer:
            writer.add_photo(sha, source)
    assert "Nothing was exported" in str(caught.value)
    assert _leftovers(tmp_path) == []


def test_a_photo_that_does_not_match_its_name_aborts(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    _sha, source = _photo(tmp_path, b"photo bytes")
    with pytest.raises(BundlePhotoError, match="does not match") as caught:
        with BundleWriter(tmp_path / "b.otop", PASS, key, {}) as writer:
            writer.add_photo("0" * 64, source)
    assert caught.value.sha256 == "0" * 64
    assert _leftovers(tmp_path) == []


def test_a_missing_photo_leaves_the_writer_usable(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    sha, source = _photo(tmp_path, b"photo bytes")
    with BundleWriter(tmp_path / "b.otop", PASS, key, {}) as writer:
        with pytest.raises(BundlePhotoError, match="could not be read"):
            writer.add_photo("1" * 64, tmp_path / "gone.jpg")
        writer.add_photo(sha, source)
        writer.add_photo(sha, source)  # a second time is a no-op, not a duplicate member
    with open_bundle(tmp_path / "b.otop", PASS, tmp_path / "work") as bundle:
        assert bundle.photo_names() == [sha]


def test_reserved_header_keys_are_refused(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError, match="reserved"):
        BundleWriter(tmp_path / "b.otop", PASS, key, {"files": []})
    assert _leftovers(tmp_path) == []


def test_an_unwritable_destination_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    with pytest.raises(BundleWriteError):
        BundleWriter(tmp_path / "no such folder" / "b.otop", PASS, key, {})


# --- keys and passphrases -------------------------------------------------------------------


def test_device_key_is_created_once_and_private(tmp_path: Path) -> None:
    first = keys.load_or_create_device_key(tmp_path / "keys")
    second = keys.load_or_create_device_key(tmp_path / "keys")
    assert keys.public_key_text(first) == keys.public_key_text(second)
    path = tmp_path / "keys" / keys.DEVICE_KEY_FILE
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "keys").iterdir()] == [keys.DEVICE_KEY_FILE]


def test_a_damaged_device_key_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / keys.DEVICE_KEY_FILE
    path.write_text("-----BEGIN PRIVATE KEY-----\ngarbage\n")
    with pytest.raises(keys.DeviceKeyError, match="damaged"):
        keys.load_or_create_device_key(tmp_path)
    assert path.read_text().endswith("garbage\n")


def test_fingerprint_and_verify(key: Ed25519PrivateKey) -> None:
    text = keys.public_key_text(key)
    assert keys.public_key_text(key.public_key()) == text
    parts = keys.fingerprint(text).split("-")
    assert len(parts) == 4 and all(len(p) == 4 for p in parts)
    signature = key.sign(b"data")
    assert keys.verify(text, signature, b"data")
    assert not keys.verify(text, signature, b"Data")
    assert not keys.verify("not a key", signature, b"data")
    with pytest.raises(keys.DeviceKeyError):
        keys.fingerprint("not a key")


def test_passphrase_is_saved_privately(tmp_path: Path) -> None:
    assert keys.load_passphrase(tmp_path) is None
    keys.save_passphrase(tmp_path, "ñandú 2024")
    keys.save_passphrase(tmp_path, "ñandú 2025")
    assert keys.load_passphrase(tmp_path) == "ñandú 2025"
    if os.name == "posix":
        mode = (tmp_path / keys.PASSPHRASE_FILE).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600
    with pytest.raises(ValidationError):
        keys.save_passphrase(tmp_path, "  ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"secret\n", "secret"),
        (b"secret\r\n", "secret"),
        (b"secret\n\n", "secret\n"),
        (b" secret ", " secret "),
        (b"\xef\xbb\xbfsecret\n", "secret"),
    ],
)
def test_read_passphrase_file(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / "pw.txt").write_bytes(content)
    assert keys.read_passphrase_file(tmp_path / "pw.txt") == expected


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_bytes(b"\n"), "is empty"),
        (lambda p: p.write_bytes(b"\xff\xfe"), "cannot be read"),
        (lambda p: p.mkdir(), "cannot be read"),
    ],
)
def test_bad_passphrase_files(tmp_path: Path, make: Callable[[Path], Any], words: str) -> None:
    make(tmp_path / "pw.txt")
    with pytest.raises(keys.PassphraseFileError, match=words):
        keys.read_passphrase_file(tmp_path / "pw.txt")


# --- messages -------------------------------------------------------------------------------


@pytest.fixture
def pseudo_locale() -> Iterator[None]:
    set_locale("pseudo")
    yield
    set_locale("en")


def test_messages_are_translated(pseudo_locale: None, work: Path) -> None:
    errors: list[OtopError] = [
        WrongPassphraseError(),
        DamagedBundleError(),
        UnsupportedBundleError(),
        BundleCancelled(),
        BundleSignatureError(),
        BundleWriteError("full"),
        UnsafeBundleError("reason", "x"),
        BundleContentError("reason"),
    ]
    for error in errors:
        assert str(error).startswith("["), error
    with pytest.raises(UnsafeBundleError) as caught:
        open_bundle(FIXTURES / "zip-bomb.otop", tools.PASSPHRASE, work)
    assert "[it unpacks" in str(caught.value)  # the reason inside the sentence is translated too
