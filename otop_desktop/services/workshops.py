"""Workshops and their sessions and partners: create, edit, archive, delete, list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otop_desktop.db.models import (
    Attendance,
    Enrollment,
    Organisation,
    TrainingSession,
    Workshop,
    WorkshopPartner,
)
from otop_desktop.domain import validation as v
from otop_desktop.domain.attendance_rules import DEFAULT_MIN_RATE, AttendanceRule
from otop_desktop.domain.enums import EnrollmentStatus, ProductCategory
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.follow_up_dates import clean_schedule
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.services.attendance import STATUS_RANK
from otop_desktop.services.common import country_code, get_live, revive, soft_delete
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import survivor_map


@dataclass(frozen=True)
class WorkshopInfo:
    id: str
    title: str
    category: str | None
    programme: str | None
    country: str | None
    town: str | None
    venue: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    languages: str | None
    trainers: str | None
    archived: bool
    min_attendance_rate: float
    rule: AttendanceRule
    trainee_count: int = 0
    session_count: int = 0
    attendance_rate: float | None = None
    # Stored comma list of follow-up periods after the end date; None = 3, 6 and 12 months.
    follow_up_schedule: str | None = None


@dataclass(frozen=True)
class SessionInfo:
    id: str
    workshop_id: str
    date: dt.date | None
    start_time: str | None
    hours: float | None
    topic: str | None


WORKSHOP_FIELDS = (
    "title",
    "category",
    "programme",
    "country",
    "town",
    "venue",
    "start_date",
    "end_date",
    "languages",
    "trainers",
    "min_attendance_rate",
    "late_counts",
    "excused_counts",
    "follow_up_schedule",
)


def _clean_workshop(fields: dict[str, Any], current: Workshop | None = None) -> dict[str, Any]:
    unknown = set(fields) - set(WORKSHOP_FIELDS) - {"archived"}
    if unknown:
        raise ValidationError(_("Unknown workshop field: {name}").format(name=", ".join(unknown)))
    out: dict[str, Any] = {}
    if "title" in fields or current is None:
        out["title"] = v.required_text(fields.get("title"), "title", _("Title"), 200)
    if "category" in fields and fields["category"]:
        try:
            out["category"] = ProductCategory.parse(str(fields["category"])).value
        except ValueError:
            raise ValidationError(
                _("Unknown product category: {value}").format(value=fields["category"]), "category"
            ) from None
    elif "category" in fields:
        out["category"] = None
    for key, label in (
        ("programme", _("Programme")),
        ("town", _("Town")),
        ("venue", _("Venue")),
        ("trainers", _("Trainers")),
        ("languages", _("Languages")),
    ):
        if key in fields:
            out[key] = v.optional_text(fields[key], key, label, 300)
    if "country" in fields:
        out["country"] = country_code(fields["country"])
    for key, label in (("start_date", _("Start date")), ("end_date", _("End date"))):
        if key in fields:
            out[key] = v.parse_date(fields[key], key, label)
    start = out.get("start_date", current.start_date if current else None)
    end = out.get("end_date", current.end_date if current else None)
    v.dates_in_order(start, end)
    if "min_attendance_rate" in fields and fields["min_attendance_rate"] is not None:
        try:
            rate = float(fields["min_attendance_rate"])
        except (TypeError, ValueError):
            rate = -1.0
        if rate > 1:
            rate /= 100  # people type 80 for 80 %
        if not 0 <= rate <= 1:
            raise ValidationError(
                _("The minimum attendance must be a percentage between 0 and 100."),
                "min_attendance_rate",
            )
        out["min_attendance_rate"] = rate
    for key in ("late_counts", "excused_counts", "archived"):
        if key in fields:
            out[key] = bool(fields[key])
    if "follow_up_schedule" in fields:
        out["follow_up_schedule"] = clean_schedule(fields["follow_up_schedule"])
    return out


def _info(w: Workshop, **extra: Any) -> WorkshopInfo:
    return WorkshopInfo(
        id=w.id,
        title=w.title or "",
        category=w.category,
        programme=w.programme,
        country=w.country,
        town=w.town,
        venue=w.venue,
        start_date=w.start_date,
        end_date=w.end_date,
        languages=w.languages,
        trainers=w.trainers,
        archived=bool(w.archived),
        min_attendance_rate=(
            w.min_attendance_rate if w.min_attendance_rate is not None else DEFAULT_MIN_RATE
        ),
        rule=rule_of(w),
        follow_up_schedule=w.follow_up_schedule,
        **extra,
    )


def rule_of(w: Workshop) -> AttendanceRule:
    """The attendance rule of workshop `w` (defaults when unset)."""
    return AttendanceRule(
        late_counts=True if w.late_counts is None else w.late_counts,
        excused_counts=bool(w.excused_counts),
    )


def create_workshop(ctx: AppContext, **fields: Any) -> WorkshopInfo:
    """A new workshop; `title` is required."""
    values = _clean_workshop(fields)
    with ctx.unit_of_work() as session:
        workshop = Workshop(**values, archived=values.get("archived", False))
        session.add(workshop)
        session.flush()
        return _info(workshop)


def edit_workshop(ctx: AppContext, workshop_id: str, **fields: Any) -> WorkshopInfo:
    """Change the given fields of a workshop."""
    with ctx.unit_of_work() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        for key, value in _clean_workshop(fields, workshop).items():
            setattr(workshop, key, value)
        session.flush()
        return _info(workshop)


def set_archived(ctx: AppContext, workshop_id: str, archived: bool) -> WorkshopInfo:
    """Archive a finished workshop (kept, read-only for attendance) or bring it back."""
    return edit_workshop(ctx, workshop_id, archived=archived)


def delete_workshop(ctx: AppContext, workshop_id: str) -> None:
    """Mark a workshop deleted (a tombstone that syncs; undo with `undelete_workshop`)."""
    with ctx.unit_of_work() as session:
        soft_delete(get_live(session, Workshop, workshop_id, _("workshop")))


def get_workshop(ctx: AppContext, workshop_id: str) -> WorkshopInfo:
    """One workshop."""
    with ctx.read() as session:
        return _info(get_live(session, Workshop, workshop_id, _("workshop")))


def list_workshops(ctx: AppContext, include_archived: bool = True) -> list[WorkshopInfo]:
    """Every live workshop with its counts and attendance rate, newest first."""
    with ctx.read() as session:
        query = select(Workshop).where(Workshop.cl % 2 == 1)
        if not include_archived:
            query = query.where(func.coalesce(Workshop.archived, False).is_(False))
        workshops = list(session.scalars(query))
        trainees = dict(
            session.execute(
                select(Enrollment.workshop_id, func.count())
                .where(Enrollment.cl % 2 == 1, Enrollment.status != EnrollmentStatus.WITHDRAWN)
                .group_by(Enrollment.workshop_id)
            )
            .tuples()
            .all()
        )
        sessions = dict(
            session.execute(
                select(TrainingSession.workshop_id, func.count())
                .where(TrainingSession.cl % 2 == 1)
                .group_by(TrainingSession.workshop_id)
            )
            .tuples()
            .all()
        )
        marks: dict[str, dict[str, int]] = {}
        rows = session.execute(
            select(TrainingSession.workshop_id, Attendance.status, func.count())
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.cl % 2 == 1, TrainingSession.cl % 2 == 1)
            .group_by(TrainingSession.workshop_id, Attendance.status)
        ).tuples()
        for workshop_id, status, count in rows:
            marks.setdefault(workshop_id or "", {})[status or ""] = count
        _follow_merges(session, trainees, marks)
        result = []
        for w in workshops:
            counts = marks.get(w.id, {})
            total = sum(counts.values())
            rule = rule_of(w)
            attended = sum(n for s, n in counts.items() if rule.attended(s))
            result.append(
                _info(
                    w,
                    trainee_count=trainees.get(w.id, 0),
                    session_count=sessions.get(w.id, 0),
                    attendance_rate=attended / total if total else None,
                )
            )
    result.sort(key=lambda w: (w.start_date or dt.date.min, w.title), reverse=True)
    return result


def _follow_merges(
    session: Session, trainees: dict[str | None, int], marks: dict[str, dict[str, int]]
) -> None:
    """Correct the per-workshop counts so that a trainee merged into another counts once.

    Only the rows of merged trainees and their survivors are read again (few): the survivor
    counts once per workshop, and once per session with the better of the two marks.
    """
    survivors = survivor_map(session)
    if not survivors:
        return
    involved = sorted(set(survivors) | set(survivors.values()))
    enrolled: list[tuple[str | None, str | None]] = []
    marked: list[tuple[str | None, str, str | None, str | None]] = []
    for start in range(0, len(involved), 500):
        chunk = involved[start : start + 500]
        enrolled += session.execute(
            select(Enrollment.workshop_id, Enrollment.trainee_id).where(
                Enrollment.trainee_id.in_(chunk),
                Enrollment.cl % 2 == 1,
                Enrollment.status != EnrollmentStatus.WITHDRAWN,
            )
        ).tuples()
        marked += session.execute(
            select(
                TrainingSession.workshop_id,
                TrainingSession.id,
                Attendance.trainee_id,
                Attendance.status,
            )
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(
                Attendance.trainee_id.in_(chunk),
                Attendance.cl % 2 == 1,
                TrainingSession.cl % 2 == 1,
            )
        ).tuples()
    people: dict[str | None, set[str]] = {}
    for workshop_id, trainee_id in enrolled:
        trainees[workshop_id] = trainees.get(workshop_id, 0) - 1
        final = survivors.get(trainee_id or "", trainee_id or "")
        people.setdefault(workshop_id, set()).add(final)
    for workshop_id, finals in people.items():
        trainees[workshop_id] += len(finals)
    best: dict[tuple[str, str, str], str] = {}
    for workshop_id, session_id, trainee_id, status in marked:
        key = workshop_id or ""
        counts = marks.setdefault(key, {})
        counts[status or ""] = counts.get(status or "", 0) - 1
        final = survivors.get(trainee_id or "", trainee_id or "")
        seen = best.get((key, session_id, final))
        if seen is None or STATUS_RANK.get(status or "", -1) > STATUS_RANK.get(seen, -1):
            best[key, session_id, final] = status or ""
    for (key, _session_id, _final), status in best.items():
        marks[key][status] = marks[key].get(status, 0) + 1


# --- sessions ---------------------------------------------------------------------------------


def _session_info(s: TrainingSession) -> SessionInfo:
    return SessionInfo(s.id, s.workshop_id or "", s.date, s.start_time, s.hours, s.topic)


def _clean_time(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text).strftime("%H:%M")
    except ValueError:
        raise ValidationError(
            _("“{value}” is not a time; write it as hours:minutes, e.g. 09:30.").format(value=text),
            "start_time",
        ) from None


def add_session(
    ctx: AppContext,
    workshop_id: str,
    date: str | dt.date,
    *,
    start_time: str | None = None,
    hours: float | str | None = None,
    topic: str | None = None,
) -> SessionInfo:
    """A new session of a workshop on `date`."""
    day = v.parse_date(date, "date", _("Date"))
    if day is None:
        raise ValidationError(_("{field} is required.").format(field=_("Date")), "date")
    values = {
        "date": day,
        "start_time": _clean_time(start_time),
        "hours": v.positive_hours(hours),
        "topic": v.optional_text(topic, "topic", _("Topic"), 300),
    }
    with ctx.unit_of_work() as session:
        get_live(session, Workshop, workshop_id, _("workshop"))
        row = TrainingSession(workshop_id=workshop_id, **values)
        session.add(row)
        session.flush()
        return _session_info(row)


def edit_session(ctx: AppContext, session_id: str, **fields: Any) -> SessionInfo:
    """Change the date, start time, hours or topic of a session."""
    values: dict[str, Any] = {}
    if "date" in fields:
        values["date"] = v.parse_date(fields["date"], "date", _("Date"))
        if values["date"] is None:
            raise ValidationError(_("{field} is required.").format(field=_("Date")), "date")
    if "start_time" in fields:
        values["start_time"] = _clean_time(fields["start_time"])
    if "hours" in fields:
        values["hours"] = v.positive_hours(fields["hours"])
    if "topic" in fields:
        values["topic"] = v.optional_text(fields["topic"], "topic", _("Topic"), 300)
    with ctx.unit_of_work() as session:
        row = get_live(session, TrainingSession, session_id, _("session"))
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return _session_info(row)


def delete_session(ctx: AppContext, session_id: str) -> None:
    """Mark a session deleted (syncs)."""
    with ctx.unit_of_work() as session:
        soft_delete(get_live(session, TrainingSession, session_id, _("session")))


def list_sessions(ctx: AppContext, workshop_id: str) -> list[SessionInfo]:
    """The live sessions of a workshop in date order."""
    with ctx.read() as session:
        get_live(session, Workshop, workshop_id, _("workshop"))
        rows = session.scalars(
            select(TrainingSession)
            .where(TrainingSession.workshop_id == workshop_id, TrainingSession.cl % 2 == 1)
            .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
        )
        return [_session_info(s) for s in rows]


# --- partners ---------------------------------------------------------------------------------


def add_partner(ctx: AppContext, workshop_id: str, organisation_id: str) -> None:
    """Link a partner organisation to a workshop (idempotent, same id on every laptop)."""
    with ctx.unit_of_work() as session:
        get_live(session, Workshop, workshop_id, _("workshop"))
        get_live(session, Organisation, organisation_id, _("organisation"))
        link_id = pair_id("partner", workshop_id, organisation_id)
        link = session.get(WorkshopPartner, link_id)
        if link is None:
            session.add(
                WorkshopPartner(
                    id=link_id, workshop_id=workshop_id, organisation_id=organisation_id
                )
            )
        elif not link.alive:
            link.cl += 1


def remove_partner(ctx: AppContext, workshop_id: str, organisation_id: str) -> None:
    """Unlink a partner organisation from a workshop."""
    with ctx.unit_of_work() as session:
        link = session.get(WorkshopPartner, pair_id("partner", workshop_id, organisation_id))
        if link is not None:
            soft_delete(link)


def partner_names(ctx: AppContext, workshop_id: str) -> list[str]:
    """Names of the live partner organisations of a workshop, sorted."""
    with ctx.read() as session:
        names = session.scalars(
            select(Organisation.name)
            .join(WorkshopPartner, WorkshopPartner.organisation_id == Organisation.id)
            .where(
                WorkshopPartner.workshop_id == workshop_id,
                WorkshopPartner.cl % 2 == 1,
                Organisation.cl % 2 == 1,
            )
        )
        return sorted(n for n in names if n)


# --- saving from a form, undoing deletes -----------------------------------------------------


def save_workshop(
    ctx: AppContext,
    workshop_id: str | None,
    *,
    partners: Sequence[str] | None = None,
    **fields: Any,
) -> WorkshopInfo:
    """Create (no id) or edit a workshop and, if given, set its partners: one transaction."""
    with ctx.unit_of_work() as session:
        if workshop_id is None:
            values = _clean_workshop(fields)
            workshop = Workshop(**values, archived=values.get("archived", False))
            session.add(workshop)
            session.flush()
        else:
            workshop = get_live(session, Workshop, workshop_id, _("workshop"))
            for key, value in _clean_workshop(fields, workshop).items():
                if getattr(workshop, key) != value:
                    setattr(workshop, key, value)
        if partners is not None:
            _set_partners(session, workshop.id, set(partners))
        session.flush()
        return _info(workshop)


def _set_partners(session: Session, workshop_id: str, wanted: set[str]) -> None:
    links = session.scalars(
        select(WorkshopPartner).where(WorkshopPartner.workshop_id == workshop_id)
    )
    present = {link.organisation_id: link for link in links}
    for organisation_id, link in present.items():
        if link.alive and organisation_id not in wanted:
            soft_delete(link)
    for organisation_id in sorted(wanted):
        existing = present.get(organisation_id)
        if existing is not None and existing.alive:
            continue
        get_live(session, Organisation, organisation_id, _("organisation"))
        if existing is None:
            session.add(
                WorkshopPartner(
                    id=pair_id("partner", workshop_id, organisation_id),
                    workshop_id=workshop_id,
                    organisation_id=organisation_id,
                )
            )
        else:
            revive(existing)


def partner_ids(ctx: AppContext, workshop_id: str) -> list[str]:
    """Ids of the live partner organisations of a workshop."""
    with ctx.read() as session:
        return list(
            session.scalars(
                select(Organisation.id)
                .join(WorkshopPartner, WorkshopPartner.organisation_id == Organisation.id)
                .where(
                    WorkshopPartner.workshop_id == workshop_id,
                    WorkshopPartner.cl % 2 == 1,
                    Organisation.cl % 2 == 1,
                )
                .order_by(Organisation.name)
            )
        )


def undelete_workshop(ctx: AppContext, workshop_id: str) -> WorkshopInfo:
    """Bring back a deleted workshop (the undo of `delete_workshop`; syncs)."""
    with ctx.unit_of_work() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise NotFoundError(_("workshop"), workshop_id)
        revive(workshop)
        session.flush()
        return _info(workshop)


def undelete_session(ctx: AppContext, session_id: str) -> SessionInfo:
    """Bring back a deleted session (the undo of `delete_session`; syncs)."""
    with ctx.unit_of_work() as session:
        row = session.get(TrainingSession, session_id)
        if row is None:
            raise NotFoundError(_("session"), session_id)
        revive(row)
        session.flush()
        return _session_info(row)
