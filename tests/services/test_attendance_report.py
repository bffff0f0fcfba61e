"""The attendance report of a real workshop: the summary's numbers, language, paper, errors, CLI."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.i18n import _, current_locale
from otop_desktop.i18n.formatting import percent
from otop_desktop.reports.language import document_language
from otop_desktop.services import attendance, enrollments, trainees, workshops
from otop_desktop.services.attendance_report import (
    attendance_report_data,
    write_attendance_report,
)
from otop_desktop.services.attendance_summary import WorkshopSummary, workshop_summary
from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import build_demo
from tests.helpers import new_context

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")
TODAY = dt.date(2026, 11, 25)
LETTER_BOX = b"/MediaBox [ 0 0 792 612 ]"  # landscape
A4_BOX = b"/MediaBox [ 0 0 841.8898 595.2756 ]"


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[AppContext, str]]:
    """The demo programme (small) and the id of its Honduran workshop."""
    ctx = new_context(tmp_path / "db")
    build_demo(ctx, trainees=30, sessions=5, photos=0)
    honduran = next(w for w in workshops.list_workshops(ctx) if w.country == "HN")
    yield ctx, honduran.id
    ctx.close()


def _summary(ctx: AppContext, workshop_id: str) -> WorkshopSummary:
    return workshop_summary(ctx, workshop_id, today=TODAY)


@needs_poppler
def test_the_pdf_prints_the_summarys_numbers(demo: tuple[AppContext, str], tmp_path: Path) -> None:
    ctx, workshop_id = demo
    pdf = write_attendance_report(
        ctx, workshop_id, tmp_path / "report.pdf", locale="en", today=TODAY
    )

    summary = _summary(ctx, workshop_id)
    assert summary.trainees and summary.sessions
    lines = _text(pdf).splitlines()
    held = len(summary.held)
    for t in summary.trainees:
        line = next(line for line in lines if t.name in line)
        attended = sum(1 for s in summary.held if summary.rule.attended(t.statuses[s]))
        assert f"{attended}/{held}" in line
        assert percent(t.rate) in line
    text = "\n".join(lines)
    for s in summary.sessions:
        assert f"{s.counts.attended}/{s.counts.total}" in text
        assert percent(s.rate) in text
    assert percent(summary.rate) in text
    assert LETTER_BOX in pdf.read_bytes()  # Honduras: Letter, landscape
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert len(fonts.stdout.splitlines()) == 3, fonts.stdout  # two header lines, one font


def test_the_workbook_holds_the_summarys_numbers(
    demo: tuple[AppContext, str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    ctx, workshop_id = demo
    path = write_attendance_report(
        ctx, workshop_id, tmp_path / "report.xlsx", locale="es", today=TODAY
    )

    summary = _summary(ctx, workshop_id)
    grid = load_workbook(path).worksheets[0]
    rows = list(grid.iter_rows(values_only=True))
    with document_language("es"):
        name_header = _("Name")
    first = next(i for i, r in enumerate(rows) if r[0] == name_header)
    count = len(summary.sessions)
    for t, row in zip(summary.trainees, rows[first + 1 :], strict=False):
        assert row[0] == t.name
        assert row[count + 3] == pytest.approx(t.rate)
    totals = rows[first + 1 + len(summary.trainees)]
    assert list(totals[1 : count + 1]) == [s.counts.attended for s in summary.sessions]
    rates = rows[first + 3 + len(summary.trainees)]
    assert list(rates[1 : count + 1]) == pytest.approx([s.rate for s in summary.sessions])
    assert rates[count + 3] == pytest.approx(summary.rate)


def _small_workshop(ctx: AppContext, *, country: str, languages: str) -> str:
    w = workshops.create_workshop(
        ctx, title="Cerámica 陶藝", country=country, languages=languages, town="Yingge"
    )
    first = workshops.add_session(ctx, w.id, "2026-11-18")
    workshops.add_session(ctx, w.id, "2026-11-19")
    for fields in (
        {"given_names": "María Fernanda", "family_names": "López Reyes"},
        {"chinese_name": "陳美玲"},
        {"given_names": "Mei-ling", "family_names": "Chen", "chinese_name": "林淑芬"},
    ):
        t = trainees.add_trainee(ctx, **fields)
        enrollments.enrol(ctx, w.id, t.id)
        attendance.mark(ctx, first.id, t.id, "present", today=TODAY)
    return w.id


@needs_poppler
def test_the_language_is_the_workshops_unless_asked_and_names_extract(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    workshop_id = _small_workshop(ctx, country="TW", languages="中文")

    pdf = write_attendance_report(ctx, workshop_id, tmp_path / "zh.pdf", today=TODAY)
    text = _text(pdf)
    with document_language("zh_Hant_TW"):
        heading = _("Rate")  # a word the catalogs already translate
    assert heading in text and heading != "Rate"
    for name in ("María Fernanda López Reyes", "陳美玲", "林淑芬 (Mei-ling Chen)"):
        assert name in text
    assert A4_BOX in pdf.read_bytes()
    assert current_locale() == "en"  # the interface kept its language

    asked = write_attendance_report(
        ctx, workshop_id, tmp_path / "es.pdf", locale="es", paper="letter", today=TODAY
    )
    with document_language("es"):
        assert _("Rate") in _text(asked)
    assert LETTER_BOX in asked.read_bytes()
    assert attendance_report_data(ctx, workshop_id).locale == "zh_Hant_TW"
    ctx.close()


def test_bad_requests_are_clear_errors_and_write_nothing(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    workshop_id = _small_workshop(ctx, country="HN", languages="es")
    empty = workshops.create_workshop(ctx, title="Sin sesiones").id
    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(ValidationError, match="Sin sesiones"):
        write_attendance_report(ctx, empty, out / "empty.pdf")
    with pytest.raises(ValidationError, match="report.docx"):
        write_attendance_report(ctx, workshop_id, out / "report.docx")
    with pytest.raises(ValidationError) as error:
        write_attendance_report(ctx, workshop_id, out / "report.pdf", paper="legal")
    assert error.value.field == "paper"
    with pytest.raises(ValidationError, match="report.pdf"):
        write_attendance_report(ctx, workshop_id, tmp_path / "missing" / "report.pdf")
    with pytest.raises(OperationCancelled):
        write_attendance_report(ctx, workshop_id, out / "report.pdf", cancelled=lambda: True)
    assert list(out.iterdir()) == []
    assert not (tmp_path / "missing").exists()
    ctx.close()


def test_progress_reaches_the_end(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    workshop_id = _small_workshop(ctx, country="HN", languages="es")
    seen: list[tuple[int, int]] = []
    for suffix in (".pdf", ".xlsx"):
        seen.clear()
        write_attendance_report(ctx, workshop_id, tmp_path / f"r{suffix}", report=_record(seen))
        assert seen and seen[-1][0] == seen[-1][1] > 0
    ctx.close()


def _record(seen: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    return lambda done, total: seen.append((done, total))


def test_cli_writes_the_report_and_fails_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    ctx = new_context(data_dir)
    workshop_id = _small_workshop(ctx, country="HN", languages="es")
    empty = workshops.create_workshop(ctx, title="Sin sesiones").id
    ctx.close()
    base = ["--data-dir", str(data_dir), "report", "attendance"]

    out = tmp_path / "report.pdf"
    assert run([*base, "--workshop", workshop_id, "--out", str(out), "--paper", "a4"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert A4_BOX in out.read_bytes()
    xlsx = tmp_path / "report.xlsx"
    assert run([*base, "--workshop", workshop_id, "--out", str(xlsx), "--pdf-lang", "zh-TW"]) == 0
    assert xlsx.exists()

    assert run([*base, "--workshop", empty, "--out", str(tmp_path / "empty.pdf")]) == 1
    assert "Sin sesiones" in capsys.readouterr().err
    assert not (tmp_path / "empty.pdf").exists()
    assert run([*base, "--workshop", "nope", "--out", str(tmp_path / "x.pdf")]) == 1
    assert (
        run(
            [*base, "--workshop", workshop_id, "--out", str(tmp_path / "x.pdf"), "--paper", "legal"]
        )
        == 1
    )
    assert run([*base, "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
