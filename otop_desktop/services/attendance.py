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
from otop_desktop.services.trainee_merge import survivor_map, trainee_ids_of


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
        # A survivor of a merge may be enrolled only under its duplicate's record.
        enrollments = [
            session.get(Enrollment, enrollment_id(workshop.id, t))
            for t in trainee_ids_of(session, trainee_id)
        ]
        if not any(
            e is not None and e.alive and e.status != EnrollmentStatus.WITHDRAWN.value
            for e in enrollments
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


# When a trainee and a duplicate merged into it were both marked at one session, the better
# mark wins: a "present" under either record means the person was there (the other record's
# "absent" only says that name was not answered to), and late beats excused beats absent.
STATUS_RANK = {
    AttendanceStatus.PRESENT.value: 3,
    AttendanceStatus.LATE.value: 2,
    AttendanceStatus.EXCUSED.value: 1,
    AttendanceStatus.ABSENT.value: 0,
}


def marks_for_session(ctx: AppContext, session_id: str) -> dict[str, Mark]:
    """The live marks of a session, by trainee id; marks of a trainee merged into another are
    the survivor's (the better mark wins when both were marked)."""
    with ctx.read() as session:
        rows = session.scalars(
            select(Attendance).where(Attendance.session_id == session_id, Attendance.cl % 2 == 1)
        )
        survivors = survivor_map(session)
        best: dict[str, tuple[tuple[int, bool], Mark]] = {}
        for r in rows:
            trainee_id = r.trainee_id or ""
            final = survivors.get(trainee_id, trainee_id)
            # On equal marks the survivor's own row (and its note) is the one shown.
            rank = (STATUS_RANK.get(r.status or "", -1), final == trainee_id)
            if final not in best or rank > best[final][0]:
                best[final] = (rank, Mark(session_id, final, r.status or "", r.note))
        return {k: mark for k, (_rank, mark) in best.items()}
