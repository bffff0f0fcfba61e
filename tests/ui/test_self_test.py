"""`otop-desktop self-test`, run in-process: every step passes, and a broken step is named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from otop_desktop import cli
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import set_locale
from otop_desktop.ui import self_test as module
from otop_desktop.ui.self_test import STEPS, self_test

STEP_KEYS = [key for key, _name, _step in STEPS]


@pytest.fixture(autouse=True)
def _english() -> None:
    set_locale("en")


def test_every_step_passes_and_the_kept_folder_holds_both_laptops(
    qtbot: QtBot, tmp_path: Path
) -> None:
    out = io.StringIO()
    keep = tmp_path / "kept"
    code = self_test(keep, out=out)
    lines = out.getvalue().splitlines()
    assert code == 0, out.getvalue()
    assert lines[: len(STEPS)] == [f"✓ {name}" for _key, name, _step in STEPS]
    assert lines[-1] == "Self-test passed."
    assert (keep / "certificates.pdf").read_bytes().startswith(b"%PDF")
    assert (keep / "laptop-a").is_dir() and (keep / "laptop-b").is_dir()
    assert (keep / "laptop-a-to-b.otopsync").stat().st_size > 0


def test_a_failing_step_is_named_and_the_exit_code_is_1(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ValidationError("no room on the disk")

    monkeypatch.setattr(module, "write_certificate_batch", broken)
    out = io.StringIO()
    code = self_test(out=out)
    lines = out.getvalue().splitlines()
    assert code == 1
    failed = STEP_KEYS.index("certificate")
    assert all(line.startswith("✓ ") for line in lines[:failed])
    assert lines[failed] == "✗ Write a certificate PDF: no room on the disk"
    # It stops there: nothing is exported from a run that already failed.
    assert len(lines) == failed + 2
    assert lines[-1] == "Self-test failed at: Write a certificate PDF"


def test_the_import_step_compares_both_laptops_data(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real_dump = module.dump_data

    def dump_differing(ctx: object) -> dict[str, object]:
        data = real_dump(ctx)  # type: ignore[arg-type]
        calls.append(1)
        return {**data, "call": len(calls)}  # the second laptop's dump never equals the first

    monkeypatch.setattr(module, "dump_data", dump_differing)
    out = io.StringIO()
    assert self_test(as_json=True, out=out) == 1
    data = json.loads(out.getvalue())
    assert data["ok"] is False
    assert [s["key"] for s in data["steps"]] == STEP_KEYS[: STEP_KEYS.index("import") + 1]
    assert data["steps"][-1]["ok"] is False
    assert "differ" in data["steps"][-1]["error"]


def test_through_the_cli_in_spanish_with_json(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.run(["--lang", "es", "self-test", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["ok"] is True
    assert [s["key"] for s in data["steps"]] == STEP_KEYS


def test_a_kept_folder_must_be_empty(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "something.txt").write_text("mine", encoding="utf-8")
    assert cli.run(["self-test", "--keep", str(folder)]) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["something.txt"]
