"""Every bad bundle gets one clear message, and `dump` is byte-identical before and after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.db import migrate
from otop_desktop.services import demo
from otop_desktop.sync import crypto, keys
from otop_desktop.sync.bundle_file import BundleWriter
from tests.helpers import new_context

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bundles"
FIXTURE_PASSPHRASE = "fixture passphrase ñandú 台灣"
PASSPHRASE = "programa OTOP 2026"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)


@pytest.fixture
def receiver(tmp_path: Path) -> Path:
    data = tmp_path / "receiver"
    ctx = new_context(data, "Coordinación")
    demo.build_demo(ctx, trainees=10, photos=1)
    keys.save_passphrase(ctx.data_dir.keys, PASSPHRASE)
    ctx.close()
    return data


@pytest.fixture
def good_bundle(tmp_path: Path) -> Path:
    data = tmp_path / "sender"
    ctx = new_context(data, "Laptop Rabinal")
    demo.build_demo(ctx, trainees=15, photos=2, seed=9)
    keys.save_passphrase(ctx.data_dir.keys, PASSPHRASE)
    ctx.close()
    path = tmp_path / "good.otop"
    assert run(["--data-dir", str(data), "bundle", "export", str(path)]) == 0
    return path


def _import(
    receiver: Path, bundle: Path, capsys: pytest.CaptureFixture[str], passphrase: str | None = None
) -> tuple[int, str]:
    args = ["--data-dir", str(receiver), "bundle", "import", str(bundle)]
    if passphrase is not None:
        secret = receiver.parent / "typed-passphrase.txt"
        secret.write_text(passphrase, encoding="utf-8")
        args += ["--passphrase-file", str(secret)]
    capsys.readouterr()
    code = run(args)
    return code, capsys.readouterr().err


def _dump(receiver: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run(["--data-dir", str(receiver), "dump"]) == 0
    return capsys.readouterr().out


def _refused(
    receiver: Path, bundle: Path, capsys: pytest.CaptureFixture[str], passphrase: str | None = None
) -> str:
    before = _dump(receiver, capsys)
    blobs_before = sorted(p.name for p in (receiver / "blobs").rglob("*") if p.is_file())
    code, err = _import(receiver, bundle, capsys, passphrase)
    assert code == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _dump(receiver, capsys) == before
    assert sorted(p.name for p in (receiver / "blobs").rglob("*") if p.is_file()) == blobs_before
    return err


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("path-traversal.otop", "../x"),
        ("absolute-path.otop", "/tmp/x"),
        ("symlink.otop", "link"),
        ("zip-bomb.otop", ""),
        ("duplicate-member.otop", "changes/000001.json"),
        ("size-lie.otop", ""),
        ("hash-lie.otop", ""),
        ("photo-name-mismatch.otop", ""),
        ("bad-signature.otop", "sign"),
        ("newer-format.otop", "newer"),
        ("valid.otop", "not a sync bundle"),  # a well-formed file, not made by the app
    ],
)
def test_hostile_fixture_bundles_are_refused(
    receiver: Path, capsys: pytest.CaptureFixture[str], name: str, words: str
) -> None:
    err = _refused(receiver, FIXTURES / name, capsys, FIXTURE_PASSPHRASE)
    assert words.lower() in err.lower()


def test_wrong_passphrase_or_another_programme(
    receiver: Path, good_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(receiver, good_bundle, capsys, "another programme")
    assert "passphrase" in err


@pytest.mark.parametrize("where", [0, 9, 40, 500, -200, -17, -1])
def test_a_flipped_byte_anywhere_is_detected(
    receiver: Path, good_bundle: Path, where: int, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(good_bundle.read_bytes())
    data[where] ^= 0x20
    broken = good_bundle.with_name("flipped.otop")
    broken.write_bytes(bytes(data))
    _refused(receiver, broken, capsys)


@pytest.mark.parametrize("keep", [0, 7, 100, 0.5, 0.99])
def test_a_truncated_bundle_is_detected(
    receiver: Path, good_bundle: Path, keep: float, capsys: pytest.CaptureFixture[str]
) -> None:
    data = good_bundle.read_bytes()
    size = int(len(data) * keep) if isinstance(keep, float) else keep
    broken = good_bundle.with_name("cut.otop")
    broken.write_bytes(data[:size])
    _refused(receiver, broken, capsys)


def _crafted(tmp_path: Path, header_extra: dict, chunk: bytes) -> Path:
    key = keys.load_or_create_device_key(tmp_path / "crafter-keys")
    path = tmp_path / "crafted.otop"
    header = {
        "bundle_id": "01a2126d-11a7-768a-ba69-232dac1cae81",
        "sender": {"replica_id": "01a2126d-0b04-7fa9-b1fb-fab2999c7397", "device_name": "X"},
        "schema": migrate.head_revision(),
        "seen": {},
        "ranges": {},
        "counts": {},
        **header_extra,
    }
    with BundleWriter(path, PASSPHRASE, key, header) as writer:
        writer.add_changes(chunk)
    return path


def test_a_bundle_from_a_newer_schema_is_refused(
    receiver: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _crafted(tmp_path, {"schema": "9999_future"}, b"[]")
    assert "newer version" in _refused(receiver, bundle, capsys)


@pytest.mark.parametrize(
    "change",
    [
        [
            "01a2126d-0b04-7fa9-b1fb-fab2999c7397",
            1,
            5,
            "no_such_table",
            "01a2126d-0b04-7fa9-b1fb-fab2999c7390",
            1,
            "{}",
            "{}",
        ],
        [
            "01a2126d-0b04-7fa9-b1fb-fab2999c7397",
            1,
            5,
            "trainee",
            "01a2126d-0b04-7fa9-b1fb-fab2999c7390",
            1,
            json.dumps({"salary": 5}),
            "{}",
        ],
        [
            "01a2126d-0b04-7fa9-b1fb-fab2999c7397",
            1,
            5,
            "trainee",
            "01a2126d-0b04-7fa9-b1fb-fab2999c7390",
            1,
            json.dumps({"birth_year": "old"}),
            "{}",
        ],
        [
            "01a2126d-0b04-7fa9-b1fb-fab2999c7397",
            0,
            5,
            "trainee",
            "01a2126d-0b04-7fa9-b1fb-fab2999c7390",
            1,
            "{}",
            "{}",
        ],
        ["not-a-replica", 1, 5, "trainee", "x", 1, "{}", "{}"],
    ],
)
def test_a_signed_bundle_with_a_malformed_change_is_refused_whole(
    receiver: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: list
) -> None:
    valid = [
        "01a2126d-0b04-7fa9-b1fb-fab2999c7397",
        1,
        5,
        "trainee",
        "01a2126d-0b04-7fa9-b1fb-fab2999c7391",
        1,
        json.dumps({"given_names": "Ok"}),
        "{}",
    ]
    bundle = _crafted(tmp_path, {}, json.dumps([valid, change]).encode())
    assert "cannot read" in _refused(receiver, bundle, capsys)
