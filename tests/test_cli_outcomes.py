"""CLI `followup` and `rate` commands, `workshop edit --follow-up-schedule`, `demo --follow-ups`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from otop_desktop.cli import run


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_followup_add_list_due_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _c, out, _e = cli(
        capsys, data, "workshop", "add", "--title", "Bambú", "--country", "HN",
        "--start-date", "2025-01-06", "--end-date", "2025-02-28",
    )  # fmt: skip
    workshop = out.strip()
    _c, out, _e = cli(
        capsys, data, "trainee", "add", "--given-names", "María Fernanda",
        "--family-names", "López Reyes", "--workshop", workshop,
    )  # fmt: skip
    maria = out.strip()
    code, out, err = cli(
        capsys, data, "followup", "add", "--workshop", workshop, "--trainee", maria,
        "--period", "baseline", "--date", "2025-01-06", "--income", "6000",
        "--employed-paid", "1", "--units-sold", "20", "--new-markets", "Feria de Comayagua",
    )  # fmt: skip
    assert (code, err) == (0, "")
    baseline = out.strip()
    code, out, _e = cli(capsys, data, "followup", "list", "--trainee", maria, "--json")
    rows = json.loads(out)
    assert [(r["id"], r["period"], r["currency"], r["monthly_income"]) for r in rows] == [
        (baseline, "baseline", "HNL", "6000")  # the workshop country's currency
    ]
    code, out, _e = cli(capsys, data, "--lang", "es", "followup", "list", "--workshop", workshop)
    assert "6.000,00" in out and "María Fernanda López Reyes" in out
    # Bad input: a clear one-line message, exit 1, nothing saved.
    code, out, err = cli(
        capsys, data, "followup", "add", "--workshop", workshop, "--trainee", maria,
        "--period", "month_3", "--date", "2025-01-01", "--units-sold", "5",
    )  # fmt: skip
    assert code == 1 and "before the workshop started" in err
    code, out, err = cli(
        capsys, data, "followup", "add", "--workshop", workshop, "--trainee", maria,
        "--period", "month_3", "--income", "-5",
    )  # fmt: skip
    assert code == 1 and "cannot be negative" in err
    code, out, err = cli(
        capsys, data, "followup", "add", "--workshop", workshop, "--trainee", maria,
        "--period", "month_3", "--income", "5", "--currency", "LPS",
    )  # fmt: skip
    assert code == 1 and "not a currency code" in err
    # 3, 6 and 12 months after 28 Feb 2025 are all past: overdue.
    code, out, _e = cli(capsys, data, "followup", "due", "--json")
    due = json.loads(out)
    assert [(d["period"], d["due_on"], d["overdue"]) for d in due] == [
        ("month_3", "2025-05-28", True),
        ("month_6", "2025-08-28", True),
        ("month_12", "2026-02-28", True),
    ]
    code, out, err = cli(
        capsys, data, "workshop", "edit", workshop, "--follow-up-schedule", "month_12"
    )
    assert (code, err) == (0, "")
    code, out, _e = cli(capsys, data, "followup", "due", "--json")
    assert [d["period"] for d in json.loads(out)] == ["month_12"]
    code, out, err = cli(capsys, data, "workshop", "edit", workshop, "--follow-up-schedule", "x")
    assert code == 1 and "not a follow-up period" in err
    target = tmp_path / "out.csv"
    code, out, _e = cli(capsys, data, "followup", "export", "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 2 and rows[1][4] == "María Fernanda López Reyes"
    code, out, _e = cli(capsys, data, "followup", "delete", baseline)
    code, out, _e = cli(capsys, data, "followup", "list", "--json")
    assert json.loads(out) == []


def test_rate_add_list_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    code, out, err = cli(
        capsys, data, "rate", "add", "HNL", "USD", "0.0405", "--from", "2026-01-01"
    )
    assert (code, err) == (0, "")
    rate = out.strip()
    code, out, _e = cli(capsys, data, "rate", "list")
    assert "1 HNL" in out and "0.0405 USD" in out
    code, out, _e = cli(capsys, data, "rate", "list", "--json")
    assert [(r["id"], r["rate"]) for r in json.loads(out)] == [(rate, "0.0405")]
    code, _o, err = cli(capsys, data, "rate", "add", "HNL", "USD", "-1", "--from", "2026-01-01")
    assert code == 1 and "greater than 0" in err
    code, _o, err = cli(capsys, data, "rate", "delete", rate)
    assert code == 0
    code, out, _e = cli(capsys, data, "rate", "list", "--json")
    assert json.loads(out) == []


def test_demo_with_follow_ups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    code, _o, err = cli(
        capsys, data, "demo", "--trainees", "40", "--photos", "0", "--sessions", "2",
        "--follow-ups",
    )  # fmt: skip
    assert (code, err) == (0, "")
    code, out, _e = cli(capsys, data, "followup", "list", "--json")
    rows = json.loads(out)
    periods = {r["period"] for r in rows}
    assert periods == {"baseline", "month_3", "month_6", "month_12"}
    assert 40 < len(rows) < 160  # some baselines and later follow-ups are missing
    assert {r["currency"] for r in rows} == {"HNL", "GTQ", "TWD"}
    assert all(float(r["monthly_income"]) > 0 for r in rows)
    # Same seed, same follow-ups.
    other = tmp_path / "other"
    cli(capsys, other, "demo", "--trainees", "40", "--photos", "0", "--sessions", "2",
        "--follow-ups")  # fmt: skip
    code, dump_a, _e = cli(capsys, data, "dump")
    code, dump_b, _e = cli(capsys, other, "dump")
    assert dump_a == dump_b and '"follow_up": [' in dump_a
