"""The attendance report of a workshop as a landscape PDF: a sessions × trainees grid with
totals, and a chart of the rate per session.

Many sessions split the grid into column blocks (the name column repeated on each); many
trainees run over pages with the header row repeated. Names shrink to fit their cell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from otop_desktop.atomic_file import write_atomically
from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.i18n import _
from otop_desktop.i18n.formatting import percent
from otop_desktop.reports.attendance_chart import rate_chart
from otop_desktop.reports.attendance_data import (
    AttendanceReportData,
    Cancelled,
    Report,
    ReportTrainee,
    counted_text,
    legend,
    mark_symbols,
)
from otop_desktop.reports.doc_setup import (
    CancellableDoc,
    facts_style,
    pdf_document,
    plain_paragraph,
)
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.language import document_language, formatting_locale
from otop_desktop.reports.numbered_canvas import numbered_canvas
from otop_desktop.reports.paper import page_size
from otop_desktop.reports.text_fit import FitText

MARGIN = 1.3 * cm
MARK_WIDTH = 0.8 * cm
NAME_MIN, NAME_MAX = 5.2 * cm, 8.5 * cm
COUNT_WIDTH, RATE_WIDTH = 1.5 * cm, 1.5 * cm
NAME_SIZE, CELL_SIZE = 8.5, 8
GRID = colors.Color(0.6, 0.6, 0.6)
SHADE = colors.Color(0.9, 0.9, 0.9)
ZEBRA = colors.Color(0.965, 0.965, 0.965)
LOW = colors.Color(0.78, 0.16, 0.16)
LOW_SHADE = colors.Color(0.99, 0.88, 0.88)
GREY = colors.Color(0.35, 0.35, 0.35)
LOW_MARK = "▼"
MARK_COLOURS = {  # the attendance page's colours
    AttendanceStatus.PRESENT.value: colors.Color(0.18, 0.49, 0.2),
    AttendanceStatus.LATE.value: colors.Color(0.9, 0.32, 0.0),
    AttendanceStatus.EXCUSED.value: colors.Color(0.08, 0.4, 0.75),
    AttendanceStatus.ABSENT.value: LOW,
}


def write_attendance_pdf(
    data: AttendanceReportData,
    path: Path,
    *,
    paper: str | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write the report PDF to `path` (atomically), landscape, on `paper` or the country's."""
    size = landscape(page_size(paper, data.country))
    font = pdf_font()
    return write_atomically(
        Path(path), lambda part: _build(data, font, size, part, report, cancelled)
    )


def _build(
    data: AttendanceReportData,
    font: str,
    size: tuple[float, float],
    target: Path,
    report: Report | None,
    cancelled: Cancelled | None,
) -> None:
    width, height = size
    inner = width - 2 * MARGIN
    blocks = _blocks(len(data.sessions), inner)
    total = len(data.trainees) * len(blocks)
    done = 0

    def progress(rows: int) -> None:
        nonlocal done
        done += rows
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        if report is not None:
            report(done, total)

    with document_language(data.locale):
        place = formatting_locale(data.locale, data.country)
        subject = _("Attendance report")
        doc = pdf_document(
            target,
            size,
            font,
            MARGIN,
            title=f"{subject} — {data.workshop_title}",
            subject=subject,
            locale=data.locale,
            template="report",
            doc_class=CancellableDoc,
        )
        doc.cancelled = cancelled
        story: list[Flowable] = _header(data, place, font, inner)
        for index, block in enumerate(blocks):
            if index:
                story.append(PageBreak())
            if len(blocks) > 1:
                story.append(
                    plain_paragraph(
                        _("Sessions {first}–{last} of {count}").format(
                            first=block[0] + 1, last=block[-1] + 1, count=len(data.sessions)
                        ),
                        _style(font, 10, spaceAfter=4),
                    )
                )
            story.append(_grid(data, block, place, font, inner, progress))
        story += [PageBreak(), *_chart_part(data, place, font, inner, height - 2 * MARGIN)]
        canvas = numbered_canvas(
            font, _("Page {page} / {pages}"), data.workshop_title, _legend_line(data), MARGIN
        )
        doc.build(story, canvasmaker=canvas)
    if report is not None:
        report(total, total)


def _blocks(count: int, inner: float) -> list[list[int]]:
    """Session indexes per column block: as few blocks as fit the page, evenly filled."""
    room = inner - NAME_MIN - COUNT_WIDTH - RATE_WIDTH
    per_block = max(1, int(room // MARK_WIDTH))
    parts = max(1, math.ceil(count / per_block))
    size = math.ceil(count / parts) if count else 0
    return [list(range(i, min(i + size, count))) for i in range(0, count, size)] if size else [[]]


def _style(font: str, size: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        f"otop-{size}-{len(extra)}", fontName=font, fontSize=size, leading=size * 1.25, **extra
    )


def _date(day: dt.date | None, place: Locale, form: str = "yMMMd") -> str:
    return format_skeleton(form, day, locale=place) if day else ""


def _dates(data: AttendanceReportData, place: Locale) -> str:
    start, end = data.start_date, data.end_date
    if start and end and start < end:
        return str(format_interval(start, end, "yMMMd", locale=place))
    return _date(start or end, place)


def _header(data: AttendanceReportData, place: Locale, font: str, width: float) -> list[Flowable]:
    small = _style(font, 9, textColor=GREY)
    body = _style(font, 9)
    country = place.territories.get((data.country or "").upper()) if data.country else None
    where = data.town or country or ""
    if data.town and country:
        # TRANSLATORS: where a workshop is; Chinese puts the country first, without a comma.
        where = _("{town}, {country}").format(town=data.town, country=country)
    rows = [
        (_("Place"), where),
        (_("Dates"), _dates(data, place)),
        (
            _("Sessions"),
            _("{held} held of {count}").format(held=data.held_count, count=len(data.sessions)),
        ),
        (_("Trainees"), str(len(data.trainees))),
        (_("Minimum for a certificate"), percent(data.min_rate)),
        (_("Counted as attended"), counted_text(data.late_counts, data.excused_counts)),
        (_("Workshop attendance rate"), percent(data.rate) or "—"),
        (_("Printed on"), format_date(data.today, "long", locale=place)),
    ]
    shown = [[plain_paragraph(k, small), plain_paragraph(v, body)] for k, v in rows if v]
    half = math.ceil(len(shown) / 2)
    # Two columns of facts: the grid starts higher and more trainees fit on the first page.
    pairs = [
        [*shown[i], *(shown[i + half] if i + half < len(shown) else ["", ""])] for i in range(half)
    ]
    label = 4.6 * cm
    facts = Table(
        pairs, colWidths=[label, width / 2 - label, label, width / 2 - label], hAlign="LEFT"
    )
    facts.setStyle(facts_style(font, 0.5))
    return [
        plain_paragraph(data.workshop_title, _style(font, 15, spaceAfter=2)),
        plain_paragraph(_("Attendance report"), _style(font, 10, textColor=GREY, spaceAfter=4)),
        facts,
        Spacer(1, 0.3 * cm),
    ]


def _name_text(trainee: ReportTrainee) -> str:
    if trainee.withdrawn:
        return _("{name} (withdrawn)").format(name=trainee.name)
    return trainee.name


def _grid(
    data: AttendanceReportData,
    block: Sequence[int],
    place: Locale,
    font: str,
    width: float,
    progress: Callable[[int], None],
) -> Table:
    symbols = mark_symbols()
    head = _style(font, 6.5, alignment=TA_CENTER)
    head_left = _style(font, 8)
    name_width = min(NAME_MAX, width - len(block) * MARK_WIDTH - COUNT_WIDTH - RATE_WIDTH)
    sessions = [data.sessions[i] for i in block]
    rows: list[list[Any]] = [
        [
            plain_paragraph(_("Name"), head_left),
            *(plain_paragraph(f"{s.number}\n{_date(s.date, place, 'Md')}", head) for s in sessions),
            plain_paragraph(_("Attended"), head),
            plain_paragraph(_("Rate"), head),
        ]
    ]
    style: list[tuple[Any, ...]] = [
        # The table's own font for plain cells; else the PDF names a Helvetica not embedded.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        # "12/10" and "12/15" fit a mark's column with thin padding.
        ("LEFTPADDING", (1, 0), (len(sessions), -1), 1),
        ("RIGHTPADDING", (1, 0), (len(sessions), -1), 1),
    ]
    last = len(sessions) + 2  # the rate column
    for row, trainee in enumerate(data.trainees, start=1):
        marks = [trainee.marks[i] for i in block]
        low = data.below_minimum(trainee.rate)
        rate = percent(trainee.rate) or "—"
        rows.append(
            [
                FitText(_name_text(trainee), font, NAME_SIZE),
                *(symbols.get(m, m or "") for m in marks),
                f"{trainee.attended}/{trainee.held}",
                f"{LOW_MARK} {rate}" if low else rate,
            ]
        )
        for column, mark in enumerate(marks, start=1):
            if mark in MARK_COLOURS:
                style.append(("TEXTCOLOR", (column, row), (column, row), MARK_COLOURS[mark]))
        if low:
            style += [
                ("TEXTCOLOR", (last, row), (last, row), LOW),
                ("BACKGROUND", (last, row), (last, row), LOW_SHADE),
            ]
        if row % 50 == 0:
            progress(50)
    progress(len(data.trainees) % 50)
    totals = len(rows)

    def small(text: str, size: float = 6) -> FitText:
        # Counts such as "120/120" shrink to their narrow column rather than spill over.
        return FitText(text, font, size, min_size=4, centred=True)

    rows.append(
        [
            FitText(_("Attended / listed"), font, CELL_SIZE),
            *(small(f"{s.attended}/{s.listed}" if s.held else "—") for s in sessions),
            small(f"{data.attended_total}/{data.listed_total}", CELL_SIZE),
            "",
        ]
    )
    rows.append(
        [
            FitText(_("Rate"), font, CELL_SIZE),
            *(small((percent(s.rate) or "—") if s.held else "—") for s in sessions),
            "",
            small(percent(data.rate) or "—", CELL_SIZE),
        ]
    )
    style += [
        ("BACKGROUND", (0, totals), (-1, -1), SHADE),
        ("LINEABOVE", (0, totals), (-1, totals), 1.0, GREY),
    ]
    table = Table(
        rows,
        colWidths=[name_width, *([MARK_WIDTH] * len(sessions)), COUNT_WIDTH, RATE_WIDTH],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(style))
    return table


def _chart_part(
    data: AttendanceReportData, place: Locale, font: str, width: float, height: float
) -> list[Flowable]:
    heading = plain_paragraph(_("Attendance per session"), _style(font, 13, spaceAfter=6))
    note = plain_paragraph(
        _("Share of the trainees listed at each held session who attended it."),
        _style(font, 9, textColor=GREY, spaceAfter=6),
    )
    chart = rate_chart(data, font, width, min(height * 0.62, 11 * cm))
    small = _style(font, 8)
    rows: list[list[Any]] = [
        [
            plain_paragraph(t, small)
            for t in (_("No."), _("Date"), _("Topic"), _("Attended"), _("Rate"))
        ]
    ]
    for s in data.sessions:
        rows.append(
            [
                str(s.number),
                " ".join(p for p in (_date(s.date, place), s.start_time or "") if p),
                plain_paragraph(s.topic or "", small),
                f"{s.attended}/{s.listed}" if s.held else _("not held yet"),
                (percent(s.rate) or "—") if s.held else "",
            ]
        )
    table = Table(
        rows,
        colWidths=[1.2 * cm, 4.5 * cm, width - 10.7 * cm, 3 * cm, 2 * cm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [heading, note, chart, Spacer(1, 0.4 * cm), table]


def _legend_line(data: AttendanceReportData) -> str:
    below = _("{mark} below the minimum of {rate}").format(
        mark=LOW_MARK, rate=percent(data.min_rate)
    )
    return f"{legend()}   {below}"
