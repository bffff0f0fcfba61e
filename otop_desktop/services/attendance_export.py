"""A workshop's attendance as XLSX or CSV: a row per trainee, a column per session, the rate.

The XLSX has a second sheet with the counts of each session; a CSV file holds one table, so the
session counts go to a second CSV beside it (`sessions_csv_path`). Status labels are in the
current language. Files are written beside their target and renamed when complete.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from otop_desktop.atomic_file import SHARED, writing
from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.attendance_summary import WorkshopSummary, workshop_summary
from otop_desktop.services.context import AppContext
from otop_desktop.services.roster_files import RosterCancelled

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]
_BATCH = 50  # rows between two progress reports / cancel checks


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            _("Choose a file name ending in .xlsx or .csv (not “{name}”).").format(name=path.name),
            "path",
        )
    return suffix[1:]


def sessions_csv_path(path: Path) -> Path:
    """Where a CSV export puts the session counts: beside `path`, named after it."""
    return path.with_name(_("{name}-sessions{suffix}").format(name=path.stem, suffix=path.suffix))


def _label(status: str | None) -> str:
    if not status:
        return ""
    try:
        return AttendanceStatus(status).label()
    except ValueError:
        return status  # a value from a newer version: shown as stored


def _session_headers(summary: WorkshopSummary) -> list[str]:
    """One header per session: its date, with the start time (or a number) if a day has two."""
    days: dict[dt.date | None, int] = {}
    for s in summary.sessions:
        days[s.session.date] = days.get(s.session.date, 0) + 1
    headers: list[str] = []
    for index, s in enumerate(summary.sessions, start=1):
        info = s.session
        text = info.date.isoformat() if info.date else _("Session {number}").format(number=index)
        if days[info.date] > 1:
            text += " " + (info.start_time or f"#{index}")
        if text in headers:
            text += f" #{index}"
        headers.append(text)
    return headers


def _trainee_table(summary: WorkshopSummary) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Name"),
        *_session_headers(summary),
        _("Attended"),
        _("Held"),
        _("Attendance rate"),
        _("Withdrawn"),
        _("Id"),
    ]
    rows: list[list[Any]] = []
    held = [s.session.id for s in summary.sessions if s.session.id in summary.held]
    for t in summary.trainees:
        attended = sum(1 for s in held if summary.rule.attended(t.statuses.get(s)))
        rows.append(
            [
                t.name,
                *(_label(t.statuses.get(s.session.id)) for s in summary.sessions),
                attended,
                len(held),
                t.rate,
                _("yes") if t.trainee_id in summary.withdrawn else "",
                t.trainee_id,
            ]
        )
    return headers, rows


def _session_table(summary: WorkshopSummary) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Date"),
        _("Start"),
        _("Topic"),
        AttendanceStatus.PRESENT.label(),
        AttendanceStatus.LATE.label(),
        AttendanceStatus.EXCUSED.label(),
        AttendanceStatus.ABSENT.label(),
        _("Not marked"),
        _("Attended"),
        _("Attendance rate"),
    ]
    rows = [
        [
            s.session.date,
            s.session.start_time or "",
            s.session.topic or "",
            s.counts.present,
            s.counts.late,
            s.counts.excused,
            s.counts.absent,
            s.counts.unmarked,
            s.counts.attended,
            s.rate,
        ]
        for s in summary.sessions
    ]
    return headers, rows


def export_attendance(
    ctx: AppContext,
    workshop_id: str,
    path: Path,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
    today: dt.date | None = None,
) -> int:
    """Write a workshop's attendance to .xlsx or .csv (plus its sessions CSV); trainee rows."""
    path = Path(path)
    kind = _kind(path)
    summary = workshop_summary(ctx, workshop_id, today=today)
    trainee_headers, trainee_rows = _trainee_table(summary)
    session_headers, session_rows = _session_table(summary)
    total = len(trainee_rows)

    def progress(done: int) -> None:
        if cancelled is not None and cancelled():
            raise RosterCancelled()
        if report is not None:
            report(done, total)

    targets = [path, sessions_csv_path(path)] if kind == "csv" else [path]
    # Written beside the targets, then renamed: a cancelled or failed export leaves no half file.
    with ExitStack() as stack:
        parts = [stack.enter_context(writing(target, mode=SHARED)) for target in targets]
        if kind == "csv":
            _write_csv(parts[0], trainee_headers, trainee_rows, progress)
            _write_csv(parts[1], session_headers, session_rows, None)
        else:
            _write_xlsx(
                parts[0],
                summary.title,
                (trainee_headers, trainee_rows),
                (session_headers, session_rows),
                progress,
            )
    if report is not None:
        report(total, total)
    return total


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value * 100:.0f}%"  # only rates are floats here
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_csv(
    part: Path,
    headers: list[str],
    rows: list[list[Any]],
    progress: Callable[[int], None] | None,
) -> None:
    # UTF-8 with a BOM: Excel then reads the accents and Chinese characters right.
    with part.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for done, cells in enumerate(rows, start=1):
            writer.writerow([_csv_cell(c) for c in cells])
            if progress is not None and done % _BATCH == 0:
                progress(done)


def _write_xlsx(
    part: Path,
    title: str,
    trainees: tuple[list[str], list[list[Any]]],
    sessions: tuple[list[str], list[list[Any]]],
    progress: Callable[[int], None],
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)

    def fill(sheet: Any, headers: list[str], rows: list[list[Any]], rate_col: int) -> None:
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = bold
        for done, cells in enumerate(rows, start=1):
            sheet.append(cells)
            sheet.cell(done + 1, rate_col).number_format = "0%"
            if sheet.title == trainee_title and done % _BATCH == 0:
                progress(done)
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header)), *(len(str(r[index - 1] or "")) for r in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(40, max(10, width + 2))
        sheet.freeze_panes = "B2"

    trainee_title = _("Attendance")[:31]
    first = book.active
    first.title = trainee_title
    fill(first, *trainees, rate_col=len(trainees[0]) - 2)
    second = book.create_sheet(_("Sessions")[:31])
    fill(second, *sessions, rate_col=len(sessions[0]))
    for row in range(2, len(sessions[1]) + 2):
        second.cell(row, 1).number_format = "yyyy-mm-dd"
    book.properties.title = title
    book.save(part)
