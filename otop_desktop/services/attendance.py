"""Attendance marks: one row per (session, trainee), the same id on every laptop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Attendance, Enrollment, Trainee, TrainingSession, Workshop
from otop_desktop.domain.enums import AttendanceStatus, EnrollmentStatus
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.ids import pair_id
from otop_desktop.domain.merge_links import follow_links
from otop_desktop.i18n import _
from otop_desktop.services.common import get_live, revive, soft_delete
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrollment_id
from otop_desktop.services.trainee_merge import survivor_map, trainee_ids_of

_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class TraineeRow:
    """A trainee's names, phone and order keys, what lists show, without an ORM row's weight:
    read for a workshop of 12,500, ORM rows held four times the memory (and kept it)."""

    id: str
    cl: int
    merged_into: str | None
    given_names: str | None
    family_names: str | None
    chinese_name: str | None
    phone: str | None
    sort_key: str
    search_key: str

    @property
    def alive(self) -> bool:
        return self.cl % 2 == 1


_ROW_COLUMNS = (
    Trainee.id,
    Trainee.cl,
    Trainee.merged_into,
    Trainee.given_names,
    Trainee.family_names,
    Trainee.chinese_name,
    Trainee.phone,
    Trainee.sort_key,
    Trainee.search_key,
)


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


def open_session(session: Session, session_id: str) -> tuple[TrainingSession, Workshop]:
    """The live session and its workshop, if its workshop is not archived."""
    training = get_live(session, TrainingSession, session_id, _("session"))
    workshop = get_live(session, Workshop, training.workshop_id or "", _("workshop"))
    if workshop.archived:
        raise ValidationError(
            _("The workshop “{title}” is archived; its attendance can no longer change.").format(
                title=workshop.title
            )
        )
    return training, workshop


def open_session_for_marks(
    session: Session, session_id: str, *, today: dt.date | None = None
) -> tuple[TrainingSession, Workshop]:
    """The live session and its workshop, if its marks may change: not archived, not future."""
    training, workshop = open_session(session, session_id)
    day = today or dt.date.today()
    if training.date and training.date > day + dt.timedelta(days=1):
        raise ValidationError(
            _(
                "This session is on {date}, in the future: attendance can be taken on the day."
            ).format(date=training.date.isoformat())
        )
    return training, workshop


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
        _training, workshop = open_session_for_marks(session, session_id, today=today)
        group = trainee_ids_of(session, trainee_id)
        # A survivor of a merge may be enrolled only under its duplicate's record.
        enrollments = [session.get(Enrollment, enrollment_id(workshop.id, t)) for t in group]
        if not any(
            e is not None and e.alive and e.status != EnrollmentStatus.WITHDRAWN.value
            for e in enrollments
        ):
            raise ValidationError(
                _("This trainee is not enrolled in the workshop “{title}”.").format(
                    title=workshop.title
                )
            )
        others = [session.get(Attendance, attendance_id(session_id, t)) for t in group]
        row = write_mark(
            session,
            session_id,
            trainee_id,
            value,
            note,
            others=[r for r in others if r is not None and r.trainee_id != trainee_id],
        )
        return Mark(session_id, trainee_id, value, row.note)


def write_mark(
    session: Session,
    session_id: str,
    trainee_id: str,
    status: str,
    note: str | None = None,
    *,
    others: Iterable[Attendance] = (),
) -> Attendance:
    """Set the mark row of (session, trainee), creating or reviving it; the checks are the
    caller's. `others` are the live marks of the same person under merged records: they are
    tombstoned, or their better mark would still be the one shown."""
    row_id = attendance_id(session_id, trainee_id)
    row = session.get(Attendance, row_id)
    if row is None:
        row = Attendance(id=row_id, session_id=session_id, trainee_id=trainee_id)
        session.add(row)
    else:
        revive(row)
    if row.status != status:
        row.status = status
    if note is not None and row.note != (note.strip() or None):
        row.note = note.strip() or None
    for other in others:
        if other.id != row_id:
            soft_delete(other)
    return row


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


_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on parameters


def trainees_with_survivors(
    session: Session, trainee_ids: Iterable[str]
) -> tuple[dict[str, Trainee], dict[str, str]]:
    """The trainee rows of `trainee_ids` and of the trainees they were merged into, and the
    merged id -> final survivor id map of those rows (as `survivor_map`, chains and cycles
    alike), read without scanning every trainee: a session's page reads a few dozen rows."""

    def load(chunk: list[str]) -> Iterable[tuple[str, str | None, Trainee]]:
        for row in session.scalars(select(Trainee).where(Trainee.id.in_(chunk))):
            yield row.id, row.merged_into, row

    return _with_survivors(trainee_ids, load)


def trainee_rows_with_survivors(
    session: Session, trainee_ids: Iterable[str]
) -> tuple[dict[str, TraineeRow], dict[str, str]]:
    """As `trainees_with_survivors`, read-only `TraineeRow`s: for lists of a whole workshop."""

    def load(chunk: list[str]) -> Iterable[tuple[str, str | None, TraineeRow]]:
        for values in session.execute(select(*_ROW_COLUMNS).where(Trainee.id.in_(chunk))):
            row = TraineeRow(*values)
            yield row.id, row.merged_into, row

    return _with_survivors(trainee_ids, load)


def _with_survivors(
    trainee_ids: Iterable[str], load: Callable[[list[str]], Iterable[tuple[str, str | None, _R]]]
) -> tuple[dict[str, _R], dict[str, str]]:
    """What `load(ids)` gives (id, merged into, row) for `trainee_ids` and their survivors."""
    rows: dict[str, _R] = {}
    merged: dict[str, str] = {}  # only the merged ones: most trainees never are
    wanted = set(trainee_ids)
    missing: set[str] = set()
    while wanted:
        ordered = sorted(wanted)
        for start in range(0, len(ordered), _CHUNK):
            for trainee_id, merged_into, row in load(ordered[start : start + _CHUNK]):
                rows[trainee_id] = row
                if merged_into:
                    merged[trainee_id] = merged_into
        missing |= wanted - rows.keys()
        wanted = {into for into in merged.values() if into not in rows and into not in missing}
    # As in survivor_map: only links to a trainee this laptop has count.
    links = {
        trainee_id: into
        for trainee_id, into in merged.items()
        if into != trainee_id and into in rows
    }
    return rows, follow_links(links)
