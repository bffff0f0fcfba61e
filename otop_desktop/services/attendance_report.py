"""The attendance report of a workshop, gathered from its summary and written as PDF or XLSX.

Every number comes from services.attendance_summary.workshop_summary, so the report, the
attendance export and the certificates agree on who attended.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from otop_desktop.db.models import Workshop
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.reports.attendance_data import (
    AttendanceReportData,
    Cancelled,
    Report,
    ReportSession,
    ReportTrainee,
)
from otop_desktop.reports.paper import parse_paper
from otop_desktop.services.attendance_export import _session_headers
from otop_desktop.services.attendance_summary import WorkshopSummary, workshop_summary
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.sign_in_sheets import sheet_locale

FORMATS = (".pdf", ".xlsx")


def report_format(path: Path) -> str:
    """ "pdf" or "xlsx" from the file name; a ValidationError for any other."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            _("Choose a file name ending in .pdf or .xlsx (not “{name}”).").format(
                name=Path(path).name
            ),
            "path",
        )
    return suffix[1:]


def attendance_report_data(
    ctx: AppContext,
    workshop_id: str,
    *,
    locale: str | None = None,
    today: dt.date | None = None,
) -> AttendanceReportData:
    """What the attendance report of a workshop shows; a ValidationError if it has no sessions."""
    summary = workshop_summary(ctx, workshop_id, today=today)
    with ctx.read() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        town, country, languages = workshop.town, workshop.country, workshop.languages
        start, end = workshop.start_date, workshop.end_date
    if not summary.sessions:
        raise ValidationError(
            _(
                "The workshop “{title}” has no sessions yet: add its sessions before "
                "writing its attendance report."
            ).format(title=summary.title),
            "workshop",
        )
    return AttendanceReportData(
        workshop_title=summary.title,
        town=town,
        country=country,
        start_date=start,
        end_date=end,
        min_rate=summary.min_rate,
        late_counts=summary.rule.late_counts,
        excused_counts=summary.rule.excused_counts,
        sessions=_sessions(summary),
        trainees=_trainees(summary),
        locale=sheet_locale(languages, locale),
        today=summary.today,
    )


def _sessions(summary: WorkshopSummary) -> tuple[ReportSession, ...]:
    headings = _session_headers(summary)  # the export's column titles, so both files agree
    return tuple(
        ReportSession(
            number=number,
            heading=heading,
            date=s.session.date,
            start_time=s.session.start_time,
            topic=s.session.topic,
            held=s.session.id in summary.held,
            present=s.counts.present,
            late=s.counts.late,
            excused=s.counts.excused,
            absent=s.counts.absent,
            unmarked=s.counts.unmarked,
            attended=s.counts.attended,
            listed=s.counts.total,
            rate=s.rate,
        )
        for number, (s, heading) in enumerate(zip(summary.sessions, headings, strict=True), 1)
    )


def _trainees(summary: WorkshopSummary) -> tuple[ReportTrainee, ...]:
    held = [s.session.id for s in summary.sessions if s.session.id in summary.held]
    return tuple(
        ReportTrainee(
            name=t.name,
            trainee_id=t.trainee_id,
            marks=tuple(t.statuses.get(s.session.id) for s in summary.sessions),
            attended=sum(1 for s in held if summary.rule.attended(t.statuses.get(s))),
            held=len(held),
            rate=t.rate,
            withdrawn=t.trainee_id in summary.withdrawn,
        )
        for t in summary.trainees
    )


def write_attendance_report(
    ctx: AppContext,
    workshop_id: str,
    out: Path,
    *,
    locale: str | None = None,
    paper: str | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write a workshop's attendance report to `out`: PDF or XLSX by its suffix, in `locale`
    (else the workshop's first language, else the interface's), on `paper` (else the
    country's usual). Nothing is left at `out` on error or cancellation."""
    out = Path(out)
    kind = report_format(out)
    chosen = parse_paper(paper) if paper else None  # a typo fails before any reading
    data = attendance_report_data(ctx, workshop_id, locale=locale, today=today)
    if kind == "pdf":
        # reportlab and openpyxl are imported when a report is written, not at start.
        from otop_desktop.reports.attendance_report import write_attendance_pdf

        return write_attendance_pdf(data, out, paper=chosen, report=report, cancelled=cancelled)
    from otop_desktop.reports.attendance_workbook import write_attendance_xlsx

    return write_attendance_xlsx(data, out, report=report, cancelled=cancelled)
