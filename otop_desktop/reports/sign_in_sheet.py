"""The printable sign-in sheet of one session: who is expected, a blank column to sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Spacer,
    Table,
    TableStyle,
)

from otop_desktop.atomic_file import writing
from otop_desktop.i18n import _, pgettext
from otop_desktop.reports.doc_setup import facts_style, pdf_document, wrapping_paragraph
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.language import document_language, formatting_locale
from otop_desktop.reports.numbered_canvas import GREY, page_count_canvas
from otop_desktop.reports.paper import page_size

MARGIN = 1.5 * cm
ROW_HEIGHT = 0.9 * cm  # tall enough to sign in a hurry
BLANK_ROWS = 5  # for walk-ins, typed in later in back-entry mode
NAME_SIZE = 11
GRID = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)


@dataclass(frozen=True)
class SheetName:
    """One line of the sheet: its number and the trainee's name (romanised and/or Chinese)."""

    number: int
    name: str
    chinese_name: str | None = None

    @property
    def shown(self) -> str:
        """The Chinese-character name first, the romanised one beside it, as on TraineeInfo."""
        if self.chinese_name and self.name and self.name != self.chinese_name:
            return f"{self.chinese_name} ({self.name})"
        return self.chinese_name or self.name


@dataclass(frozen=True)
class SignInSheetData:
    """Everything printed on a sign-in sheet, as plain values; `locale` is its language."""

    workshop_title: str
    town: str | None
    country: str | None
    venue: str | None
    session_date: dt.date | None
    start_time: str | None
    topic: str | None
    partners: tuple[str, ...]
    trainers: str | None
    names: tuple[SheetName, ...]
    locale: str
    session_number: int | None = None
    session_count: int | None = None
    blank_rows: int = BLANK_ROWS


@dataclass(frozen=True)
class _Labels:
    """The sheet's words in its language, gathered in one go (see document_language)."""

    heading: str
    session: str | None
    place: str
    venue: str
    date: str
    time: str
    topic: str
    partners: str
    trainers: str
    number: str
    name: str
    signature: str
    walk_ins: str
    page: str  # with {page} and {pages} still to fill
    subject: str
    town_country: str  # with {town} and {country} still to fill


def _labels(data: SignInSheetData) -> _Labels:
    with document_language(data.locale):
        session = None
        if data.session_number and data.session_count:
            session = _("Session {number} of {count}").format(
                number=data.session_number, count=data.session_count
            )
        return _Labels(
            heading=_("Attendance sign-in sheet"),
            session=session,
            place=_("Place"),
            venue=_("Venue"),
            date=_("Date"),
            time=_("Time"),
            topic=_("Topic"),
            partners=_("Partners"),
            trainers=_("Trainers"),
            number=_("No."),
            name=pgettext("person", "Name"),
            signature=_("Signature"),
            walk_ins=_("Not on the list? Write your name and phone number below."),
            page=_("Page {page} / {pages}"),
            subject=_("Sign-in sheet"),
            # TRANSLATORS: where a workshop is; Chinese puts the country first, without a comma.
            town_country=_("{town}, {country}"),
        )


def write_sign_in_sheet(data: SignInSheetData, path: Path, *, paper: str | None = None) -> Path:
    """Write the sign-in sheet PDF to `path` (atomically) on `paper`, else the country's usual."""
    size = page_size(paper, data.country)
    font = pdf_font()
    labels = _labels(data)
    place = formatting_locale(data.locale, data.country)
    path = Path(path)
    # Whatever goes wrong, no half-written sheet is left beside the good ones.
    with writing(path) as part:
        _build(data, labels, place, font, size, part)
    return path


def _build(
    data: SignInSheetData,
    labels: _Labels,
    place: Locale,
    font: str,
    size: tuple[float, float],
    target: Path,
) -> None:
    width, height = size
    when = _date_text(data.session_date, place, "full")
    doc = pdf_document(
        target,
        size,
        font,
        MARGIN,
        title=" — ".join(p for p in (labels.subject, data.workshop_title, when) if p),
        subject=labels.subject,
        locale=data.locale,
        template="sheet",
    )
    running = " — ".join(
        p for p in (data.workshop_title, _date_text(data.session_date, place, "yMd")) if p
    )
    story = [
        *_header(data, labels, place, font, width - 2 * MARGIN),
        Spacer(1, 0.4 * cm),
        _names_table(data, labels, font, width - 2 * MARGIN),
    ]
    doc.build(story, canvasmaker=_numbered_canvas(font, labels.page, running))


def _style(font: str, size: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        f"otop-{size}", fontName=font, fontSize=size, leading=size * 1.25, **extra
    )


def _date_text(day: dt.date | None, place: Locale, form: str) -> str:
    if day is None:
        return ""
    if form == "full":
        return format_date(day, "full", locale=place)
    return format_skeleton(form, day, locale=place)


def _time_text(start: str | None, place: Locale) -> str:
    if not start:
        return ""
    try:
        return format_time(dt.time.fromisoformat(start), "short", locale=place)
    except ValueError:
        return start  # stored as typed by an older version: print it as it is


def _place_text(pattern: str, town: str | None, country: str | None) -> str:
    if town and country:
        return pattern.format(town=town, country=country)
    return town or country or ""


def _header(
    data: SignInSheetData, labels: _Labels, place: Locale, font: str, width: float
) -> list[Flowable]:
    title = _style(font, 16, spaceAfter=2)
    small = _style(font, 10, textColor=colors.Color(0.3, 0.3, 0.3))
    body = _style(font, 10)
    country = place.territories.get((data.country or "").upper()) if data.country else None
    rows = [
        (labels.date, _date_text(data.session_date, place, "full")),
        (labels.time, _time_text(data.start_time, place)),
        (labels.place, _place_text(labels.town_country, data.town, country)),
        (labels.venue, data.venue or ""),
        (labels.topic, data.topic or ""),
        (labels.trainers, data.trainers or ""),
        (labels.partners, format_list(list(data.partners), locale=place) if data.partners else ""),
    ]
    subtitle = " · ".join(p for p in (labels.heading, labels.session) if p)
    story: list[Flowable] = [
        wrapping_paragraph(data.workshop_title, title),
        wrapping_paragraph(subtitle, small),
    ]
    shown = [[wrapping_paragraph(k, small), wrapping_paragraph(v, body)] for k, v in rows if v]
    if shown:
        label_width = 3.2 * cm
        details = Table(shown, colWidths=[label_width, width - label_width], hAlign="LEFT")
        details.setStyle(facts_style(font, 1))
        story += [Spacer(1, 0.2 * cm), details]
    return story


def _names_table(data: SignInSheetData, labels: _Labels, font: str, width: float) -> Table:
    name_style = _style(font, NAME_SIZE)
    head_style = _style(font, 10)
    number_width = 1.2 * cm
    name_width = (width - number_width) * 0.52
    widths = [number_width, name_width, width - number_width - name_width]
    cell = 2 * 4  # ReportLab's default left + right padding
    rows: list[list[Any]] = [
        [
            wrapping_paragraph(labels.number, head_style),
            wrapping_paragraph(labels.name, head_style),
            wrapping_paragraph(labels.signature, head_style),
        ]
    ]
    heights: list[float] = [0.8 * cm]
    for entry in data.names:
        name = wrapping_paragraph(entry.shown, name_style)
        needed = name.wrap(name_width - cell, 10 * ROW_HEIGHT)[1] + 8
        rows.append([wrapping_paragraph(str(entry.number), name_style), name, ""])
        heights.append(max(ROW_HEIGHT, needed))
    style: list[tuple[Any, ...]] = [
        # Table's own font for the empty cells; else the PDF names a Helvetica not embedded.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if data.blank_rows > 0:
        walk_in_row = len(rows)
        rows.append([wrapping_paragraph(labels.walk_ins, head_style), "", ""])
        heights.append(0.8 * cm)
        style += [
            ("SPAN", (0, walk_in_row), (-1, walk_in_row)),
            ("BACKGROUND", (0, walk_in_row), (-1, walk_in_row), SHADE),
        ]
        last = max((n.number for n in data.names), default=0)
        for number in range(last + 1, last + 1 + data.blank_rows):
            rows.append([wrapping_paragraph(str(number), name_style), "", ""])
            heights.append(ROW_HEIGHT)
    table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _numbered_canvas(font: str, page_text: str, running: str) -> Callable[..., Canvas]:
    """A canvas that writes "page x / y" on every page (and a running title after the first)
    once the number of pages is known."""

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        width, height = canvas._pagesize
        canvas.setFont(font, 8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(width / 2, MARGIN / 2, page_text.format(page=page, pages=total))
        if page > 1 and running:
            canvas.drawString(MARGIN, height - MARGIN / 2 - 4, running)

    return page_count_canvas(decorate)


def names_of(entries: Sequence[tuple[str, str | None]]) -> tuple[SheetName, ...]:
    """Numbered sheet lines from (romanised name, Chinese name) pairs, in the given order."""
    return tuple(SheetName(i, name, chinese) for i, (name, chinese) in enumerate(entries, 1))
