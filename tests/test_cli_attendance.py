"""CLI: attendance summary (table and --json) and attendance export."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from otop_desktop.cli import run
from otop_desktop.services import attendance, enrollments, trainees, workshops
from tests.helpers import new_context


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A workshop of two past sessions and one to come; two trainees."""
    data = tmp_path / "data"
    ctx = new_context(data)
    try:
        today = dt.date.today()
        w = workshops.create_workshop(ctx, title="Bambú")
        sessions = [
            workshops.add_session(ctx, w.id, today - dt.timedelta(days=d)).id for d in (7, 0)
        ]
        sessions.append(workshops.add_session(ctx, w.id, today + dt.timedelta(days=7)).id)
        ana = trainees.add_trainee(ctx, given_names="Ana", family_names="Zúñiga").id
        chen = trainees.add_trainee(ctx, chinese_name="陳美玲").id
        for t in (ana, chen):
            enrollments.enrol(ctx, w.id, t)
        attendance.mark(ctx, sessions[0], ana, "present")
        attendance.mark(ctx, sessions[1], ana, "late")
        attendance.mark(ctx, sessions[0], chen, "absent")
    finally:
        ctx.close()
    return data, w.id, [ana, chen]


def test_summary_as_table_and_json(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, list[str]]
) -> None:
    data, workshop_id, (ana, chen) = setup
    code, out, err = cli(capsys, data, "attendance", "summary", "--workshop", workshop_id)
    assert (code, err) == (0, "")
    assert "Present" in out and "Not marked" in out
    assert f"{ana}  Ana Zúñiga  100%" in out
    assert f"{chen}  陳美玲" in out and "0%" in out
    code, out, _err = cli(
        capsys, data, "attendance", "summary", "--workshop", workshop_id, "--json"
    )
    assert code == 0
    data_out = json.loads(out)
    assert data_out["title"] == "Bambú" and data_out["rate"] == 2 / 4
    assert [s["held"] for s in data_out["sessions"]] == [True, True, False]
    assert data_out["sessions"][0]["counts"] == {
        "present": 1,
        "late": 0,
        "excused": 0,
        "absent": 1,
        "unmarked": 0,
        "attended": 1,
    }
    rates = {t["trainee_id"]: t["rate"] for t in data_out["trainees"]}
    assert rates == {ana: 1.0, chen: 0.0}
    assert data_out["rule"] == {"late_counts": True, "excused_counts": False}


def test_export_xlsx_and_csv(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    data, workshop_id, _ids = setup
    target = tmp_path / "out.xlsx"
    code, out, _err = cli(
        capsys, data, "attendance", "export", "--workshop", workshop_id, str(target)
    )
    assert code == 0 and out.strip() == f"Wrote 2 trainees to {target}."
    assert [ws.title for ws in load_workbook(target).worksheets] == ["Attendance", "Sessions"]
    target = tmp_path / "out.csv"
    code, out, _err = cli(
        capsys, data, "--lang", "es", "attendance", "export", "--workshop", workshop_id, str(target)
    )
    assert code == 0 and len(out.strip().splitlines()) == 2
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:3] == ["Ana Zúñiga", "presente", "tarde"]
    assert rows[2][:2] == ["陳美玲", "ausente"]
    assert len(rows) == 3


def test_bad_input_exits_1_with_a_message(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    data, workshop_id, _ids = setup
    code, _out, err = cli(capsys, data, "attendance", "summary", "--workshop", "nope")
    assert code == 1 and "No workshop with id nope." in err
    code, _out, err = cli(
        capsys, data, "attendance", "export", "--workshop", workshop_id, str(tmp_path / "a.txt")
    )
    assert code == 1 and ".xlsx or .csv" in err
    assert not (tmp_path / "a.txt").exists()
