"""Attendance marks: one row per (session, trainee), the same id on every laptop."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from otop_desktop.db.models import Attendance, Enrollment, TrainingSession, Workshop
from otop_desktop.domain.enums import AttendanceStatus, EnrollmentStatus
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrollment_id


@dataclass(frozen=True)
class Mark:
    session_id: str
    trainee_id: str
    status: str
    note: str | None


def attendance_id(session_id: str, trainee_id: str) -> str:
    """The id of a trainee's mark at a session, equal on every laptop."""
    return pair_id("attendance", session_id, trainee_id)


def parse_status(text: str) -> AttendanceStatus:
    """present / late / excused / absent (or their translation); a clear error otherwise."""
    try:
        return AttendanceStatus(AttendanceStatus.parse(text))
    except ValueError:
        raise ValidationError(
            _("Unknown attendance status “{value}”: use present, late, excused or absent.").format(
                value=text
            ),
            "status",
        ) from None


def mark(
    ctx: AppContext,
    session_id: str,
    trainee_id: str,
    status: str,
    note: str | None = None,
    *,
    today: dt.date | None = None,
) -> Mark:
    """Record a trainee's attendance at a session; committed durably when this returns."""
    value = parse_status(status).value
    with ctx.unit_of_work() as session:
        training = get_live(session, TrainingSession, session_id, _("session"))
        workshop = get_live(session, Workshop, training.workshop_id or "", _("workshop"))
        if workshop.archived:
            raise ValidationError(
                _(
                    "The workshop “{title}” is archived; its attendance can no longer change."
                ).format(title=workshop.title)
            )
        day = today or dt.date.today()
        if training.date and training.date > day + dt.timedelta(days=1):
            raise ValidationError(
                _(
                    "This session is on {date}, in the future: attendance can be taken on the day."
                ).format(date=training.date.isoformat())
            )
        enrollment = session.get(Enrollment, enrollment_id(workshop.id, trainee_id))
        if (
            enrollment is None
            or not enrollment.alive
            or enrollment.status == EnrollmentStatus.WITHDRAWN.value
        ):
            raise ValidationError(
                _("This trainee is not enrolled in the workshop “{title}”.").format(
                    title=workshop.title
                )
            )
        row_id = attendance_id(session_id, trainee_id)
        row = session.get(Attendance, row_id)
        if row is None:
            row = Attendance(id=row_id, session_id=session_id, trainee_id=trainee_id)
            session.add(row)
        elif not row.alive:
            row.cl += 1
        if row.status != value:
            row.status = value
        if note is not None and row.note != (note.strip() or None):
            row.note = note.strip() or None
        return Mark(session_id, trainee_id, value, row.note)


def marks_for_session(ctx: AppContext, session_id: str) -> dict[str, Mark]:
    """The live marks of a session, by trainee id."""
    with ctx.read() as session:
        rows = session.scalars(
            select(Attendance).where(Attendance.session_id == session_id, Attendance.cl % 2 == 1)
        )
        return {
            r.trainee_id or "": Mark(session_id, r.trainee_id or "", r.status or "", r.note)
            for r in rows
        }
