"""The attendance report of a workshop as XLSX: the PDF's grid and the session summary, with
the workshop's facts on top, marks as words and rates as percent-formatted numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from otop_desktop.atomic_file import write_atomically
from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.i18n import _
from otop_desktop.i18n.formatting import country_name, day
from otop_desktop.reports.attendance_data import (
    AttendanceReportData,
    Cancelled,
    Report,
    counted_text,
    mark_word,
)
from otop_desktop.reports.language import document_language

_BATCH = 50  # rows between two progress reports / cancel checks
PERCENT = "0%"
LOW_FILL = "FFF8D7DA"


def write_attendance_xlsx(
    data: AttendanceReportData,
    path: Path,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write the report workbook to `path` (atomically) in the report's language."""
    return write_atomically(Path(path), lambda part: _build(data, part, report, cancelled))


def _facts(data: AttendanceReportData) -> list[list[Any]]:
    """The header rows of both sheets: title, then label and value per fact."""
    place = ", ".join(p for p in (data.town, country_name(data.country)) if p)
    dates = " – ".join(day(d) for d in (data.start_date, data.end_date) if d)
    rows: list[list[Any]] = [
        [data.workshop_title],
        [_("Attendance report")],
        [_("Place"), place],
        [_("Dates"), dates],
        [_("Minimum for a certificate"), data.min_rate],
        [_("Counted as attended"), counted_text(data.late_counts, data.excused_counts)],
        [_("Workshop attendance rate"), data.rate],
        [_("Printed on"), data.today],
    ]
    return rows


def _build(
    data: AttendanceReportData,
    part: Path,
    report: Report | None,
    cancelled: Cancelled | None,
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    total = len(data.trainees)
    bold = Font(bold=True)
    low_fill = PatternFill("solid", fgColor=LOW_FILL)

    def progress(done: int) -> None:
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        if report is not None:
            report(done, total)

    def header(sheet: Any) -> int:
        """Write the facts; returns the row of the table's header, after a blank row."""
        facts = _facts(data)
        for row, cells in enumerate(facts, start=1):
            for column, value in enumerate(cells, start=1):
                cell = sheet.cell(row, column, value)
                if isinstance(value, float):
                    cell.number_format = PERCENT
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
            if row > 2:
                sheet.cell(row, 1).font = bold
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        return len(facts) + 2

    def table(sheet: Any, headers: list[str], first: int) -> None:
        for column, text in enumerate(headers, start=1):
            sheet.cell(first, column, text).font = bold
        sheet.freeze_panes = f"B{first + 1}"  # names and headers stay in sight

    def put(sheet: Any, cells: list[Any]) -> int:
        """Write `cells` on the row under the last one; returns its number."""
        row = int(sheet.max_row) + 1
        for column, value in enumerate(cells, start=1):
            sheet.cell(row, column, value)
        return row

    def widths(sheet: Any, first: int, narrow: int = 10) -> None:
        for column in range(1, sheet.max_column + 1):
            cells = [sheet.cell(r, column).value for r in range(first, sheet.max_row + 1)]
            wide = max((len(str(c)) for c in cells if c is not None), default=0)
            sheet.column_dimensions[get_column_letter(column)].width = min(
                40, max(narrow, wide + 2)
            )

    with document_language(data.locale):
        book = Workbook()
        grid = book.active
        grid.title = _("Attendance")[:31]
        first = header(grid)
        sessions = data.sessions
        table(
            grid,
            [
                _("Name"),
                *(s.heading for s in sessions),
                _("Attended"),
                _("Held"),
                _("Attendance rate"),
                _("Withdrawn"),
            ],
            first,
        )
        rate_col = len(sessions) + 4
        for done, t in enumerate(data.trainees, start=1):
            row = put(
                grid,
                [
                    t.name,
                    *(mark_word(m) for m in t.marks),
                    t.attended,
                    t.held,
                    t.rate,
                    _("yes") if t.withdrawn else "",
                ],
            )
            cell = grid.cell(row, rate_col)
            cell.number_format = PERCENT
            if data.below_minimum(t.rate):
                cell.fill = low_fill
            if done % _BATCH == 0:
                progress(done)
        totals: list[list[Any]] = [
            [_("Attended"), *(s.attended for s in sessions), data.attended_total],
            [_("Listed"), *(s.listed for s in sessions), data.listed_total],
            [_("Attendance rate"), *(s.rate for s in sessions), None, None, data.rate],
        ]
        for cells in totals:
            row = put(grid, cells)
            grid.cell(row, 1).font = bold
            if cells[0] == _("Attendance rate"):
                for column in range(2, rate_col + 1):
                    grid.cell(row, column).number_format = PERCENT
        widths(grid, first)
        grid.column_dimensions["A"].width = min(
            45, max([12, *(len(t.name) + 2 for t in data.trainees)])
        )

        summary = book.create_sheet(_("Sessions")[:31])
        first = header(summary)
        table(
            summary,
            [
                _("No."),
                _("Date"),
                _("Start"),
                _("Topic"),
                AttendanceStatus.PRESENT.label(),
                AttendanceStatus.LATE.label(),
                AttendanceStatus.EXCUSED.label(),
                AttendanceStatus.ABSENT.label(),
                _("Not marked"),
                _("Attended"),
                _("Listed"),
                _("Attendance rate"),
            ],
            first,
        )
        for s in sessions:
            row = put(
                summary,
                [
                    s.number,
                    s.date,
                    s.start_time or "",
                    s.topic or "",
                    s.present,
                    s.late,
                    s.excused,
                    s.absent,
                    s.unmarked,
                    s.attended,
                    s.listed,
                    s.rate,
                ],
            )
            summary.cell(row, 2).number_format = "yyyy-mm-dd"
            summary.cell(row, 12).number_format = PERCENT
        widths(summary, first, narrow=8)
        book.properties.title = data.workshop_title
        progress(total)
        book.save(part)
