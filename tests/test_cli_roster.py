"""`roster import|export|template` on the command line: preview, --yes, --map, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from otop_desktop.cli import run

ROSTERS = Path(__file__).resolve().parent / "fixtures" / "rosters"


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _dump(capsys: pytest.CaptureFixture[str], data: Path) -> str:
    code, out, _err = cli(capsys, data, "dump")
    assert code == 0
    return out


def test_preview_writes_nothing_then_yes_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code, out, _err = cli(capsys, data, "workshop", "add", "--title", "Bambú")
    workshop = out.strip()
    before = _dump(capsys, data)
    path = str(ROSTERS / "cp1252_semicolon.csv")
    code, out, err = cli(capsys, data, "roster", "import", path, "--workshop", workshop)
    assert (code, err) == (0, "")
    assert "Begoña Ordóñez Muñoz" in out and "Nothing was written" in out
    assert "3 new, 0 to update, 0 already registered, 0 rejected." in out
    assert _dump(capsys, data) == before
    code, out, err = cli(capsys, data, "roster", "import", path, "--workshop", workshop, "--yes")
    assert code == 0
    assert "Imported: 3 created, 0 updated, 0 skipped, 0 rejected; 3 enrolled" in out
    code, out, _err = cli(capsys, data, "trainee", "list", "--workshop", workshop, "--json")
    assert len(json.loads(out)) == 3


def test_json_preview_and_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    args = ("roster", "import", str(ROSTERS / "wrong_types.csv"), "--json")
    code, out, _err = cli(capsys, data, *args)
    report = json.loads(out)
    assert code == 0 and report["written"] is False and report["result"] is None
    assert report["counts"] == {"create": 1, "update": 0, "duplicate": 0, "reject": 7}
    assert report["rows"][1]["row"] == 3 and report["rows"][1]["action"] == "reject"
    code, out, _err = cli(capsys, data, *args, "--yes")
    assert json.loads(out)["result"]["created"] == 1


def test_map_unknown_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    path = str(ROSTERS / "unknown_headers.csv")
    code, _out, err = cli(capsys, data, "roster", "import", path)
    assert code == 1 and "No column of unknown_headers.csv holds the names" in err
    assert err.count("\n") == 1
    maps = ["--map", "Prénom=given_names", "--map", "nom de famille=family_names"]
    code, out, _err = cli(capsys, data, "roster", "import", path, *maps, "--map", "Portable=phone")
    assert code == 0 and "Marie Dupont" in out and "Ignored columns: Ville" in out
    code, _out, err = cli(capsys, data, "roster", "import", path, "--map", "Prénom=shoe")
    assert code == 2 and "Unknown field “shoe”" in err
    code, _out, err = cli(capsys, data, "roster", "import", path, "--map", "Nope=phone")
    assert code == 1 and "no column “Nope”" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encrypted.xlsx", "password-protected"),
        ("not_a_spreadsheet.csv", "not a spreadsheet"),
        ("missing.csv", "cannot be opened"),
    ],
)
def test_bad_files_exit_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    data = tmp_path / "data"
    before = _dump(capsys, data)
    code, out, err = cli(capsys, data, "roster", "import", str(ROSTERS / name), "--yes")
    assert (code, out) == (1, "")
    assert message in err and err.count("\n") == 1
    assert _dump(capsys, data) == before


def test_unknown_workshop_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROSTERS / "utf8.csv")
    code, _out, err = cli(capsys, tmp_path / "d", "roster", "import", path, "--workshop", "x")
    assert code == 1 and "No workshop with id x" in err


def test_export_and_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    cli(capsys, data, "roster", "import", str(ROSTERS / "big5.csv"), "--yes")
    code, out, _err = cli(
        capsys, data, "roster", "export", str(tmp_path / "list"), "--format", "xlsx"
    )
    assert code == 0 and out.strip() == f"3 trainees written to {tmp_path / 'list.xlsx'}."
    assert openpyxl.load_workbook(tmp_path / "list.xlsx").active["C2"].value == "林志明"
    code, out, _err = cli(
        capsys, data, "roster", "export", str(tmp_path / "l.csv"), "--search", "陳"
    )
    assert out.startswith("1 trainee written")
    code, _out, err = cli(
        capsys, data, "roster", "export", str(tmp_path / "l.csv"), "--format", "xlsx"
    )
    assert code == 2 and "does not match" in err
    template = tmp_path / "plantilla.xlsx"
    code, out, _err = cli(capsys, data, "roster", "template", str(template), "--lang", "es")
    assert code == 0
    assert openpyxl.load_workbook(template).active["A1"].value == "Nombres"
