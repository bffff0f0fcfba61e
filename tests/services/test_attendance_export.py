"""Attendance export: XLSX with a sessions sheet, CSV with a sessions CSV, atomic, cancellable."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import set_locale
from otop_desktop.services import attendance, attendance_export, enrollments, trainees, workshops
from otop_desktop.services.attendance_export import export_attendance, sessions_csv_path
from otop_desktop.services.context import AppContext
from otop_desktop.services.roster_files import RosterCancelled
from tests.helpers import new_context

DAY1 = dt.date(2026, 9, 1)
DAY2 = dt.date(2026, 9, 8)
TODAY = dt.date(2026, 9, 20)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path / "data")
    yield context
    context.close()


@pytest.fixture
def workshop(ctx: AppContext) -> str:
    w = workshops.create_workshop(ctx, title="Textiles", country="TW")
    s1 = workshops.add_session(ctx, w.id, DAY1, start_time="09:00", topic="Telar").id
    s2 = workshops.add_session(ctx, w.id, DAY2, topic="Tinte").id
    marks = {
        ("María Fernanda", "López Reyes", None): ("present", "late"),
        ("Mei-ling", "Chen", "陳美玲"): ("absent", "present"),
    }
    for (given, family, chinese), (m1, m2) in marks.items():
        t = trainees.add_trainee(
            ctx, given_names=given, family_names=family, chinese_name=chinese
        ).id
        enrollments.enrol(ctx, w.id, t)
        attendance.mark(ctx, s1, t, m1, today=TODAY)
        attendance.mark(ctx, s2, t, m2, today=TODAY)
    return w.id


def test_xlsx_has_a_row_per_trainee_a_column_per_session_and_the_counts_sheet(
    ctx: AppContext, workshop: str, tmp_path: Path
) -> None:
    path = tmp_path / "asistencia.xlsx"
    set_locale("es")
    reports: list[tuple[int, int]] = []
    assert (
        export_attendance(
            ctx, workshop, path, report=lambda d, t: reports.append((d, t)), today=TODAY
        )
        == 2
    )
    assert reports[-1] == (2, 2)
    book = load_workbook(path)
    first, second = book.worksheets
    rows = [list(r) for r in first.iter_rows(values_only=True)]
    assert rows[0][1:3] == ["2026-09-01", "2026-09-08"]
    # Sorted by family name; statuses in the current language; the rate as a number.
    assert rows[1][:3] == ["陳美玲 (Mei-ling Chen)", "ausente", "presente"]
    assert rows[2][:3] == ["María Fernanda López Reyes", "presente", "tarde"]
    assert rows[2][3:6] == [2, 2, 1.0]
    assert rows[1][5] == 0.5
    assert first.cell(2, 6).number_format == "0%"
    counts = [list(r) for r in second.iter_rows(values_only=True)]
    assert counts[1][1:9] == ["09:00", "Telar", 1, 0, 0, 1, 0, 1]
    assert counts[2][3:] == [1, 1, 0, 0, 0, 2, 1.0]
    assert not list(tmp_path.glob("*.part"))


def test_csv_is_utf8_with_bom_and_has_a_sessions_csv_beside(
    ctx: AppContext, workshop: str, tmp_path: Path
) -> None:
    path = tmp_path / "attendance.csv"
    assert export_attendance(ctx, workshop, path, today=TODAY) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Name", "2026-09-01", "2026-09-08"]
    assert rows[1][:6] == ["陳美玲 (Mei-ling Chen)", "absent", "present", "1", "2", "50%"]
    sessions = sessions_csv_path(path)
    assert sessions.name == "attendance-sessions.csv"
    with sessions.open(encoding="utf-8-sig", newline="") as handle:
        counts = list(csv.reader(handle))
    assert counts[0][:4] == ["Date", "Start", "Topic", "present"]
    assert counts[1] == ["2026-09-01", "09:00", "Telar", "1", "0", "0", "1", "0", "1", "50%"]


def test_cancel_leaves_the_old_file_and_no_part(
    ctx: AppContext, workshop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attendance_export, "_BATCH", 1)
    for name in ("old.xlsx", "old.csv"):
        path = tmp_path / name
        path.write_bytes(b"previous")
        with pytest.raises(RosterCancelled):
            export_attendance(ctx, workshop, path, cancelled=lambda: True, today=TODAY)
        assert path.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["old.csv", "old.xlsx"]


def test_refuses_other_file_kinds(ctx: AppContext, workshop: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"\.xlsx or \.csv"):
        export_attendance(ctx, workshop, tmp_path / "attendance.pdf")


def test_two_sessions_on_one_day_get_their_start_times(ctx: AppContext, tmp_path: Path) -> None:
    w = workshops.create_workshop(ctx, title="Doble")
    workshops.add_session(ctx, w.id, DAY1, start_time="14:00")
    workshops.add_session(ctx, w.id, DAY1, start_time="09:00")
    path = tmp_path / "a.csv"
    assert export_attendance(ctx, w.id, path, today=TODAY) == 0
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Name,2026-09-01 09:00,2026-09-01 14:00,")
