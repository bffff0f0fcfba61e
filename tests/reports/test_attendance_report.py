"""Attendance report documents: fonts, names in three scripts, pages, shrink-to-fit, safety."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.i18n import _
from otop_desktop.reports.attendance_data import (
    AttendanceReportData,
    ReportSession,
    ReportTrainee,
    legend,
    mark_symbols,
)
from otop_desktop.reports.attendance_report import write_attendance_pdf
from otop_desktop.reports.attendance_workbook import write_attendance_xlsx
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.language import document_language
from otop_desktop.reports.text_fit import MIN_SIZE, FitText

POPPLER = all(shutil.which(t) for t in ("pdffonts", "pdftotext", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")

STATUSES = [s.value for s in AttendanceStatus]
NAMES = ["María Fernanda López Reyes", "陳美玲 (Chen Mei-ling)", "José Núñez", "Ñandú Óscar Ú"]


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _font_rows(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))  # type: ignore[union-attr]


def _data(
    sessions: int,
    trainees: int,
    *,
    locale: str = "en",
    country: str = "HN",
    names: list[str] = NAMES,
) -> AttendanceReportData:
    """A report of `sessions` held sessions and `trainees` people, marks in a fixed pattern."""
    people = []
    for i in range(trainees):
        marks = tuple(
            None if (i + j) % 11 == 0 else STATUSES[(i * 3 + j) % 4] for j in range(sessions)
        )
        attended = sum(1 for m in marks if m in ("present", "late"))
        name = f"{names[i % len(names)]} {i + 1:03d}"
        people.append(
            ReportTrainee(name, f"t{i}", marks, attended, sessions, attended / sessions, i == 2)
        )
    rows = []
    for j in range(sessions):
        column = [p.marks[j] for p in people]
        attended = sum(1 for m in column if m in ("present", "late"))
        rows.append(
            ReportSession(
                number=j + 1,
                heading=f"S{j + 1}",
                date=dt.date(2026, 9, 1) + dt.timedelta(days=j),
                start_time="09:00",
                topic=f"Tema {j + 1}",
                held=True,
                present=column.count("present"),
                late=column.count("late"),
                excused=column.count("excused"),
                absent=column.count("absent"),
                unmarked=column.count(None),
                attended=attended,
                listed=len(column),
                rate=attended / len(column) if column else None,
            )
        )
    return AttendanceReportData(
        workshop_title="Cerámica 陶藝",
        town="Comayagua",
        country=country,
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2026, 10, 20),
        min_rate=0.8,
        late_counts=True,
        excused_counts=False,
        sessions=tuple(rows),
        trainees=tuple(people),
        locale=locale,
        today=dt.date(2026, 11, 25),
    )


@needs_poppler
@pytest.mark.parametrize("locale", ["en", "es", "zh_Hant_TW"])
def test_only_the_embedded_font_and_names_extract_in_every_script(
    tmp_path: Path, locale: str
) -> None:
    pdf = write_attendance_pdf(_data(6, 8, locale=locale), tmp_path / "report.pdf")

    rows = _font_rows(pdf)
    assert len(rows) == 1, rows  # chart labels too: no Helvetica, no Times-Roman
    assert "WenQuanYiMicroHei" in rows[0][0] and rows[0][-5:-3] == ["yes", "yes"]
    text = _text(pdf)
    for name in NAMES:
        assert name in text
    with document_language(locale):
        assert _("Attendance per session") in text
        assert legend().split("   ")[1] in text  # the late mark, with its letter in the language


def test_marks_follow_the_language_of_the_attendance_page() -> None:
    with document_language("es"):
        spanish = mark_symbols()
    with document_language("en"):
        english = mark_symbols()
    # The attendance page's keys: T (tarde) and J (justificado) in Spanish.
    assert spanish["late"] != english["late"] and spanish["excused"] != english["excused"]
    assert english["present"] == spanish["present"] == "✓"
    face = pdfmetrics.getFont(pdf_font()).face
    for symbol in (*english.values(), *spanish.values(), "▼"):
        assert all(ord(c) in face.charToGlyph for c in symbol), symbol


@needs_poppler
def test_forty_sessions_and_120_trainees_split_by_columns_and_rows(tmp_path: Path) -> None:
    data = _data(40, 120)
    pdf = write_attendance_pdf(data, tmp_path / "big.pdf", paper="letter")

    pages = _text(pdf).split("\f")
    assert _pages(pdf) > 4
    text = "\f".join(pages)
    for trainee in data.trainees:
        assert trainee.name in text  # the name column repeats on every column block
        assert text.count(trainee.name) >= 2
    grid_pages = [p for p in pages if any(t.name in p for t in data.trainees)]
    assert len(grid_pages) >= 4
    assert all("Name" in p and "Attended" in p for p in grid_pages)  # header row repeated
    assert "Sessions 1–20 of 40" in text and "Sessions 21–40 of 40" in text
    last = data.sessions[-1]
    assert f"{last.attended}/{last.listed}" in text


def test_a_long_name_shrinks_then_wraps_but_never_passes_its_cell() -> None:
    font = pdf_font()
    short = FitText("José Núñez", font, 8.5)
    assert short.wrap(100, 100)[1] == pytest.approx(8.5 * 1.2) and short.drawn_size == 8.5
    long = "María Fernanda de los Ángeles López Reyes de la Santísima Trinidad"
    shrunk = FitText(long, font, 8.5)
    shrunk.wrap(220, 100)
    assert MIN_SIZE <= shrunk.drawn_size < 8.5 and shrunk.lines == [long]
    assert stringWidth(long, font, shrunk.drawn_size) <= 220
    wrapped = FitText(long + " 陳美玲陳美玲陳美玲陳美玲陳美玲陳美玲陳美玲", font, 8.5)
    wrapped.wrap(80, 100)
    assert wrapped.drawn_size == MIN_SIZE and len(wrapped.lines) > 1
    assert all(stringWidth(line, font, MIN_SIZE) <= 80 for line in wrapped.lines)
    assert "".join(wrapped.lines).replace(" ", "") == (wrapped.text).replace(" ", "")


@needs_poppler
def test_a_name_too_long_for_its_line_is_printed_whole(tmp_path: Path) -> None:
    long = "María Fernanda de los Ángeles López Reyes de la Santísima Trinidad y Montenegro"
    pdf = write_attendance_pdf(_data(30, 3, names=[long]), tmp_path / "long.pdf")
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    words = raw.stdout.decode("utf-8").split()
    for word in long.split():
        assert word in words


def test_the_workbook_holds_the_same_grid_and_totals(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = _data(5, 7, locale="es")
    path = write_attendance_xlsx(data, tmp_path / "report.xlsx")

    book = load_workbook(path)
    grid, sessions = book.worksheets
    rows = list(grid.iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[1] == "S1")
    with document_language("es"):
        assert rows[first][0] == _("Name")
        words = {s.value: s.label() for s in AttendanceStatus}
    for trainee, row in zip(data.trainees, rows[first + 1 :], strict=False):
        assert row[0] == trainee.name
        assert list(row[1:6]) == [words.get(m or "", None) or None for m in trainee.marks]
        assert row[6:9] == (trainee.attended, trainee.held, pytest.approx(trainee.rate))
    attended, listed, rate = rows[first + 1 + len(data.trainees) :]
    assert list(attended[1:7]) == [s.attended for s in data.sessions] + [data.attended_total]
    assert list(listed[1:6]) == [s.listed for s in data.sessions]
    assert rate[8] == pytest.approx(data.rate)
    assert grid.cell(first + 2, 9).number_format == "0%"
    assert grid.freeze_panes == f"B{first + 2}"
    session_rows = [r for r in sessions.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[9] for r in session_rows] == [s.attended for s in data.sessions]


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx"])
def test_cancelling_leaves_no_file_and_no_part(tmp_path: Path, suffix: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    write = write_attendance_pdf if suffix == ".pdf" else write_attendance_xlsx
    with pytest.raises(OperationCancelled):
        write(_data(6, 120), folder / f"report{suffix}", cancelled=cancelled)
    assert list(folder.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError, match="report.pdf"):
        write_attendance_pdf(_data(2, 2), tmp_path / "missing" / "report.pdf")
    assert not (tmp_path / "missing").exists()
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    with pytest.raises(ValidationError):
        write_attendance_xlsx(_data(2, 2), a_file / "report.xlsx")

    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b"old report")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ValidationError, match="No space left"):
        write_attendance_pdf(_data(2, 2), folder / "report.pdf")
    assert sorted(p.name for p in folder.iterdir()) == ["report.pdf"]
    assert (folder / "report.pdf").read_bytes() == b"old report"
