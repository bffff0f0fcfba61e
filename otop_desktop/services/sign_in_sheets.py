"""The sign-in sheet of a session, gathered from the database and written as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from otop_desktop.db.models import TrainingSession, Workshop
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, current_locale
from otop_desktop.reports.language import language_of, supported_locale
from otop_desktop.reports.paper import parse_paper
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import list_enrolled
from otop_desktop.services.trainees import TraineeInfo
from otop_desktop.services.workshops import partner_names

if TYPE_CHECKING:
    from otop_desktop.reports.sign_in_sheet import SignInSheetData


def sheet_locale(workshop_languages: str | None, requested: str | None = None) -> str:
    """The language of a sheet: the one asked for, else the workshop's first language if
    supported, else the interface's."""
    if requested:
        return supported_locale(requested)
    return language_of(workshop_languages) or current_locale()


def _sort_key(t: TraineeInfo) -> tuple[str, str, str]:
    # Accent- and case-blind, as the trainee list sorts: "Álvarez" before "Bonilla".
    return (fold(t.family_names or t.chinese_name), fold(t.given_names), t.id)


def _latin(t: TraineeInfo) -> str:
    return " ".join(p for p in (t.given_names, t.family_names) if p)


def sign_in_sheet_data(
    ctx: AppContext, session_id: str, *, locale: str | None = None
) -> SignInSheetData:
    """What the sign-in sheet of a session shows: its workshop, date and enrolled trainees."""
    # reportlab (about 10 MB) is imported when a PDF is written, not when the window opens.
    from otop_desktop.reports.sign_in_sheet import SignInSheetData, names_of

    with ctx.read() as session:
        row = get_live(session, TrainingSession, session_id, _("session"))
        workshop = get_live(session, Workshop, row.workshop_id or "", _("workshop"))
        dates = session.execute(
            select(TrainingSession.id)
            .where(TrainingSession.workshop_id == workshop.id, TrainingSession.cl % 2 == 1)
            .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
        ).scalars()
        order = list(dates)
        date, start, topic = row.date, row.start_time, row.topic
        title, town, country, venue = (
            workshop.title,
            workshop.town,
            workshop.country,
            workshop.venue,
        )
        trainers, languages, workshop_id = workshop.trainers, workshop.languages, workshop.id
    trainees = sorted((e.trainee for e in list_enrolled(ctx, workshop_id)), key=_sort_key)
    return SignInSheetData(
        workshop_title=title or "",
        town=town,
        country=country,
        venue=venue,
        session_date=date,
        start_time=start,
        topic=topic,
        partners=tuple(partner_names(ctx, workshop_id)),
        trainers=trainers,
        names=names_of([(_latin(t), t.chinese_name) for t in trainees]),
        locale=sheet_locale(languages, locale),
        session_number=order.index(session_id) + 1 if session_id in order else None,
        session_count=len(order),
    )


def sign_in_sheet(
    ctx: AppContext,
    session_id: str,
    path: Path,
    *,
    locale: str | None = None,
    paper: str | None = None,
) -> Path:
    """Write the sign-in sheet PDF of a session to `path`; paper "letter"/"a4" or the
    country's usual; returns the path."""
    from otop_desktop.reports.sign_in_sheet import write_sign_in_sheet

    chosen = parse_paper(paper) if paper else None  # a typo fails before any reading
    data = sign_in_sheet_data(ctx, session_id, locale=locale)
    return write_sign_in_sheet(data, Path(path), paper=chosen)
