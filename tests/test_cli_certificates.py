"""CLI: certificates, certificates-eligible, certificate-exception, verify-certificate."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.services import attendance, enrollments, trainees, workshops
from tests.helpers import new_context


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    """Two past sessions of a Honduran workshop: Ana and 陳美玲 attend both, Beto one."""
    data = tmp_path / "data"
    ctx = new_context(data)
    try:
        today = dt.date.today()
        w = workshops.create_workshop(
            ctx, title="Bambú", country="HN", town="Comayagua", languages="es"
        )
        sessions = [
            workshops.add_session(ctx, w.id, today - dt.timedelta(days=d), hours=3).id
            for d in (7, 1)
        ]
        people = {
            "ana": trainees.add_trainee(ctx, given_names="Ana", family_names="Zúñiga").id,
            "chen": trainees.add_trainee(ctx, chinese_name="陳美玲").id,
            "beto": trainees.add_trainee(ctx, given_names="Beto", family_names="Paz").id,
        }
        for t in people.values():
            enrollments.enrol(ctx, w.id, t)
        for s in sessions:
            attendance.mark(ctx, s, people["ana"], "present")
            attendance.mark(ctx, s, people["chen"], "late")
        attendance.mark(ctx, sessions[0], people["beto"], "present")
        return data, w.id, people
    finally:
        ctx.close()


def test_eligible_table_and_json(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, dict[str, str]]
) -> None:
    data, w, people = setup
    code, out, err = cli(capsys, data, "certificates-eligible", "--workshop", w)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Name", "Rate", "Hours", "Status", "Code"]
    assert any(
        "Beto Paz" in line and "50%" in line and "not yet eligible" in line for line in lines
    )
    assert any("陳美玲" in line and "100%" in line and "eligible" in line for line in lines)
    code, out, _err = cli(capsys, data, "certificates-eligible", "--workshop", w, "--json")
    report = json.loads(out)
    assert code == 0 and report["min_rate"] == 0.8 and report["paper"] == "letter"
    assert report["languages"] == ["es"]
    by_id = {c["trainee_id"]: c for c in report["candidates"]}
    assert by_id[people["ana"]]["hours_attended"] == 6 and by_id[people["ana"]]["eligible"]
    assert by_id[people["beto"]]["status"] == "not_eligible"
    assert set(by_id[people["chen"]]) >= {"name", "chinese_name", "rate", "code", "may_print"}


def test_print_verify_and_reprint(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, dict[str, str]], tmp_path: Path
) -> None:
    data, w, people = setup
    out_pdf = tmp_path / "out" / "certificados.pdf"
    out_pdf.parent.mkdir()
    code, out, err = cli(capsys, data, "certificates", "--workshop", w, "--out", str(out_pdf))
    assert (code, err) == (0, "") and "2 certificates written to" in out
    assert out_pdf.stat().st_size > 1000 and list(out_pdf.parent.iterdir()) == [out_pdf]
    text = subprocess.run(
        ["pdftotext", str(out_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    code, out, _err = cli(capsys, data, "certificates-eligible", "--workshop", w, "--json")
    issued = {c["trainee_id"]: c["code"] for c in json.loads(out)["candidates"] if c["code"]}
    assert set(issued) == {people["ana"], people["chen"]}
    for printed in issued.values():
        assert printed in text  # the code is printed under its QR

    code, out, err = cli(capsys, data, "verify-certificate", issued[people["ana"]].lower())
    assert code == 0 and out.startswith("Genuine") and "Ana Zúñiga" in out and "Bambú" in out
    code, out, _err = cli(capsys, data, "verify-certificate", issued[people["chen"]], "--json")
    verdict = json.loads(out)
    assert code == 0 and verdict["genuine"] and verdict["chinese_name"] == "陳美玲"
    assert verdict["malformed"] is False and verdict["town"] == "Comayagua"

    code, out, _err = cli(
        capsys,
        data,
        "certificates",
        "--workshop",
        w,
        "--folder",
        str(tmp_path / "each"),
        "--trainee",
        people["ana"],
        "--languages",
        "es,zh_Hant_TW",
        "--paper",
        "a4",
        "--json",
    )
    again = json.loads(out)
    assert code == 0 and again["count"] == 1 and again["codes"] == [issued[people["ana"]]]
    assert [Path(p).parent for p in again["paths"]] == [tmp_path / "each"]


def test_verify_exit_codes(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, dict[str, str]]
) -> None:
    data, _w, _people = setup
    code, out, err = cli(capsys, data, "verify-certificate", "K7QM2-XDR9P")
    assert code == 1 and out == "" and "is not a certificate code" in err
    code, out, _err = cli(capsys, data, "verify-certificate", "K7QM2-XDR9P", "--json")
    assert code == 1 and json.loads(out)["malformed"] is True
    from otop_desktop.services.certificates import code_for

    unknown = code_for("no-workshop", "no-trainee")
    code, out, _err = cli(capsys, data, "verify-certificate", *unknown.split("-"))
    assert code == 1 and out.startswith("Not genuine")
    code, out, _err = cli(capsys, data, "verify-certificate", unknown, "--json")
    assert code == 1 and json.loads(out)["genuine"] is False
    code, _out, _err = cli(capsys, data, "verify-certificate")
    assert code == 2


def test_exception_then_print_and_refusals(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, str, dict[str, str]], tmp_path: Path
) -> None:
    data, w, people = setup
    beto = people["beto"]
    out_pdf = str(tmp_path / "beto.pdf")
    code, _out, err = cli(
        capsys, data, "certificates", "--workshop", w, "--out", out_pdf, "--trainee", beto
    )
    assert code == 1 and "Beto Paz (50%)" in err and not Path(out_pdf).exists()
    args = ("certificate-exception", "--workshop", w, "--trainee", beto)
    code, out, _err = cli(capsys, data, *args, "--reason", "Enfermedad")
    assert code == 0 and "granted" in out
    code, out, _err = cli(capsys, data, *args, "--withdraw")
    assert code == 0 and "withdrawn" in out
    code, _out, err = cli(capsys, data, *args, "--withdraw")
    assert code == 1 and "no exception" in err
    code, _out, _err = cli(capsys, data, *args, "--reason", "Enfermedad")
    code, out, _err = cli(
        capsys, data, "certificates", "--workshop", w, "--out", out_pdf, "--trainee", beto
    )
    assert code == 0 and Path(out_pdf).exists()
    code, _out, err = cli(capsys, data, *args, "--withdraw")
    assert code == 1 and "already printed" in err
    code, _out, _err = cli(capsys, data, *args)  # neither --reason nor --withdraw
    assert code == 2
    code, _out, _err = cli(capsys, data, "certificates", "--workshop", w)  # no --out/--folder
    assert code == 2


def test_no_sessions_and_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, out, _err = cli(capsys, data, "workshop", "add", "--title", "Cerámica")
    w = out.strip()
    code, out, err = cli(capsys, data, "certificates-eligible", "--workshop", w)
    assert code == 0 and "no sessions" in err
    code, _out, err = cli(
        capsys, data, "certificates", "--workshop", w, "--out", str(tmp_path / "c.pdf")
    )
    assert code == 1 and "no sessions" in err and not (tmp_path / "c.pdf").exists()
    code, _out, err = cli(
        capsys, data, "certificates", "--workshop", w, "--out", "c.pdf", "--paper", "legal"
    )
    assert code == 1 and "paper" in err.lower()
    code, _out, err = cli(capsys, data, "certificates-eligible", "--workshop", "nope")
    assert code == 1 and "No workshop" in err
