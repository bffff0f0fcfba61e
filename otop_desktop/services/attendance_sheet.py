"""What the attendance page of one session shows, and its marks taken many at once or undone.

A session's roster is every trainee enrolled in its workshop (not withdrawn), plus anyone
already marked at the session whose enrolment was withdrawn later (so the page and the
summaries count the same marks). A trainee merged into another shows as that survivor, once,
with the better of the two marks, as everywhere else (services.attendance.STATUS_RANK).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Attendance, Enrollment, Trainee, TrainingSession, Workshop
from otop_desktop.domain.attendance_rules import AttendanceRule
from otop_desktop.domain.enums import AttendanceStatus, EnrollmentStatus
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.attendance import (
    STATUS_RANK,
    TraineeRow,
    open_session,
    open_session_for_marks,
    parse_status,
    trainee_rows_with_survivors,
    write_mark,
)
from otop_desktop.services.common import get_live, soft_delete
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import SessionInfo, rule_of

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class RosterLine:
    """One trainee on a session's page: the name shown, the mark (None = not marked yet)."""

    trainee_id: str
    name: str
    status: str | None
    note: str | None
    phone: str | None
    chinese_name: str | None = None
    given_names: str | None = None
    family_names: str | None = None
    # Folded family then given names (the trainees page's order); search_key: folded words of
    # the names and town, for type-ahead.
    sort_key: str = ""
    search_key: str = ""
    # False for a trainee withdrawn after being marked here: shown, no longer markable.
    enrolled: bool = True

    @property
    def family_first(self) -> str:
        """The name as a sign-in list reads it: "López Reyes, María Fernanda", "陳美玲"."""
        latin = ", ".join(p for p in (self.family_names, self.given_names) if p)
        if self.chinese_name and latin:
            return f"{self.chinese_name} ({latin})"
        return self.chinese_name or latin or self.name


@dataclass(frozen=True)
class SessionCounts:
    """Marks of one session by status; `attended` counts what the workshop's rule counts."""

    present: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0
    unmarked: int = 0
    attended: int = 0

    @property
    def marked(self) -> int:
        return self.present + self.late + self.excused + self.absent

    @property
    def total(self) -> int:
        return self.marked + self.unmarked


def count_marks(statuses: Iterable[str | None], rule: AttendanceRule) -> SessionCounts:
    """The counts of a session whose trainees have these marks (None = unmarked)."""
    tally = {s.value: 0 for s in AttendanceStatus}
    unmarked = attended = 0
    for status in statuses:
        if status in tally:
            tally[status] += 1
            attended += rule.attended(status)
        else:
            unmarked += 1
    return SessionCounts(
        present=tally[AttendanceStatus.PRESENT.value],
        late=tally[AttendanceStatus.LATE.value],
        excused=tally[AttendanceStatus.EXCUSED.value],
        absent=tally[AttendanceStatus.ABSENT.value],
        unmarked=unmarked,
        attended=attended,
    )


@dataclass(frozen=True)
class SessionRoster:
    """A session with its workshop's title and rule, and one line per trainee, sorted."""

    session: SessionInfo
    workshop_id: str
    workshop_title: str
    rule: AttendanceRule
    lines: list[RosterLine]
    archived: bool
    languages: str | None = None
    country: str | None = None

    @property
    def counts(self) -> SessionCounts:
        """How many are present, late, excused, absent and not marked yet."""
        return count_marks((line.status for line in self.lines), self.rule)


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A live mark as read for the lists (internal): a workshop's marks as ORM rows held four
    times the memory. Writes get the ORM row by `id`."""

    id: str
    session_id: str
    trainee_id: str
    status: str | None
    note: str | None


@dataclass
class WorkshopPeople:
    """Who belongs on a workshop's attendance lists, and their best marks (internal)."""

    rows: dict[str, TraineeRow]
    finals: dict[str, str]
    # Final ids of live trainees with a live enrolment that is not withdrawn / of any status.
    active: set[str] = field(default_factory=set)
    enrolled: set[str] = field(default_factory=set)
    # session id -> final trainee id -> the mark row shown.
    marks: dict[str, dict[str, MarkRow]] = field(default_factory=dict)
    # Every live mark row read, merged records' included.
    mark_rows: list[MarkRow] = field(default_factory=list)

    def final(self, trainee_id: str) -> str:
        return self.finals.get(trainee_id, trainee_id)

    def listed(self, session_id: str) -> list[str]:
        """Final ids on the list of `session_id`: the active ones and the marked enrolled ones."""
        marked = self.marks.get(session_id, {})
        return sorted(self.active | (marked.keys() & self.enrolled))

    def sorted_ids(self, ids: Iterable[str]) -> list[str]:
        """`ids` in the order of the trainees page: family name, given names, id."""
        return sorted(ids, key=lambda t: (self.rows[t].sort_key, t))


# Marks fetched at a time (a session of a big workshop has 12,500).
_BATCH = 2_000


def load_people(
    session: Session, workshop_id: str, session_ids: Sequence[str], also: Iterable[str] = ()
) -> WorkshopPeople:
    """Enrolments of a workshop, marks of `session_ids`, the trainees concerned (and `also`)."""
    enrolments = session.execute(
        select(Enrollment.trainee_id, Enrollment.status).where(
            Enrollment.workshop_id == workshop_id, Enrollment.cl % 2 == 1
        )
    ).tuples()
    enrolled = [(t or "", s) for t, s in enrolments]
    # Each fetched mark brings its own copies of its session id, trainee id and status: the
    # 75,000 marks of a big workshop share one of each (the peak of a list is 20 MB less).
    shared: dict[str | None, str] = {t: t for t, _s in enrolled}
    shared.update((s, s) for s in session_ids)
    shared[None] = ""

    def same(text: str | None) -> str:
        return shared.setdefault(text, text or "")

    marks: list[MarkRow] = []
    for start in range(0, len(session_ids), _CHUNK):
        marks += (
            MarkRow(mark_id, same(mark_session), same(trainee_id), status and same(status), note)
            for mark_id, mark_session, trainee_id, status, note in session.execute(
                select(
                    Attendance.id,
                    Attendance.session_id,
                    Attendance.trainee_id,
                    Attendance.status,
                    Attendance.note,
                )
                .where(
                    Attendance.session_id.in_(session_ids[start : start + _CHUNK]),
                    Attendance.cl % 2 == 1,
                )
                # In batches: all at once, a big workshop's raw rows were 30 MB at the peak.
                .execution_options(yield_per=_BATCH)
            ).tuples()
        )
    rows, finals = trainee_rows_with_survivors(
        session, {t for t, _s in enrolled} | {m.trainee_id for m in marks} | set(also)
    )
    people = WorkshopPeople(rows, finals, mark_rows=marks)

    def alive(trainee_id: str) -> bool:
        row = rows.get(trainee_id)
        return row is not None and row.alive

    for trainee_id, status in enrolled:
        final = people.final(trainee_id)
        if not (alive(trainee_id) and alive(final)):
            continue
        people.enrolled.add(final)
        if status != EnrollmentStatus.WITHDRAWN.value:
            people.active.add(final)
    best: dict[tuple[str, str], tuple[tuple[int, bool], MarkRow]] = {}
    for m in marks:
        trainee_id = m.trainee_id
        final = people.final(trainee_id)
        if not (alive(trainee_id) and alive(final)):
            continue
        # On equal marks the survivor's own row (and its note) is the one shown.
        rank = (STATUS_RANK.get(m.status or "", -1), final == trainee_id)
        key = (m.session_id, final)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, m)
    for (session_id, final), (_rank, m) in best.items():
        people.marks.setdefault(session_id, {})[final] = m
    return people


def display_name(t: Trainee | TraineeRow) -> str:
    """The name as TraineeInfo.display_name shows it, from a trainee's row."""
    latin = " ".join(p for p in (t.given_names, t.family_names) if p)
    if t.chinese_name and latin:
        return f"{t.chinese_name} ({latin})"
    return t.chinese_name or latin


def roster_line(people: WorkshopPeople, session_id: str, trainee_id: str) -> RosterLine:
    """The line of final trainee `trainee_id` on the list of `session_id`."""
    t = people.rows[trainee_id]
    m = people.marks.get(session_id, {}).get(trainee_id)
    return RosterLine(
        trainee_id=trainee_id,
        name=display_name(t) or trainee_id,
        status=m.status if m is not None else None,
        note=m.note if m is not None else None,
        phone=t.phone,
        chinese_name=t.chinese_name,
        given_names=t.given_names,
        family_names=t.family_names,
        sort_key=t.sort_key,
        search_key=t.search_key,
        enrolled=trainee_id in people.active,
    )


def session_info(s: TrainingSession) -> SessionInfo:
    """The plain record of an ORM session."""
    return SessionInfo(s.id, s.workshop_id or "", s.date, s.start_time, s.hours, s.topic)


def session_roster(ctx: AppContext, session_id: str) -> SessionRoster:
    """Everything the attendance page of one session shows, in one read."""
    with ctx.read() as session:
        training = get_live(session, TrainingSession, session_id, _("session"))
        workshop = get_live(session, Workshop, training.workshop_id or "", _("workshop"))
        people = load_people(session, workshop.id, [session_id])
        lines = [
            roster_line(people, session_id, t) for t in people.sorted_ids(people.listed(session_id))
        ]
        return SessionRoster(
            session=session_info(training),
            workshop_id=workshop.id,
            workshop_title=workshop.title or "",
            rule=rule_of(workshop),
            lines=lines,
            archived=bool(workshop.archived),
            languages=workshop.languages,
            country=workshop.country,
        )


def mark_many(
    ctx: AppContext,
    session_id: str,
    trainee_ids: Sequence[str],
    status: str,
    *,
    only_unmarked: bool = True,
    today: dt.date | None = None,
) -> int:
    """Mark these trainees with `status` in one transaction ("mark all present"): only those
    not marked yet, or all of them; each row written is one change. Returns rows changed.

    One trainee not enrolled (or withdrawn) refuses the whole action: nothing is written."""
    value = parse_status(status).value
    with ctx.unit_of_work() as session:
        _training, workshop = open_session_for_marks(session, session_id, today=today)
        people = load_people(session, workshop.id, [session_id], also=trainee_ids)
        marked = people.marks.get(session_id, {})
        todo: list[str] = []
        seen: set[str] = set()
        for trainee_id in trainee_ids:
            row = people.rows.get(trainee_id)
            if row is None or not row.alive:
                raise NotFoundError(_("trainee"), trainee_id)
            final = people.final(trainee_id)
            if final not in people.active:
                raise ValidationError(
                    _("{name} is not enrolled in the workshop “{title}”.").format(
                        name=display_name(row) or trainee_id, title=workshop.title
                    )
                )
            if final in seen or (only_unmarked and final in marked):
                continue
            seen.add(final)
            todo.append(trainee_id)
        others = _marks_by_final(people, session_id)
        changed = 0
        for trainee_id in todo:
            final = people.final(trainee_id)
            current = marked.get(final)
            group = [m for m in others.get(final, []) if m.trainee_id != trainee_id]
            if current is not None and current.trainee_id == trainee_id and not group:
                if current.status == value:
                    continue  # already so: no change to log
            write_mark(session, session_id, trainee_id, value, others=_orm_rows(session, group))
            changed += 1
        return changed


def _marks_by_final(people: WorkshopPeople, session_id: str) -> dict[str, list[MarkRow]]:
    """The live mark rows of a session, grouped by the final trainee they belong to."""
    out: dict[str, list[MarkRow]] = {}
    for m in people.mark_rows:
        if m.session_id == session_id:
            out.setdefault(people.final(m.trainee_id), []).append(m)
    return out


def _orm_rows(session: Session, marks: Iterable[MarkRow]) -> list[Attendance]:
    """The ORM rows of these marks, to write (a person's few, never a whole list)."""
    rows = (session.get(Attendance, m.id) for m in marks)
    return [row for row in rows if row is not None]


def clear_mark(ctx: AppContext, session_id: str, trainee_id: str) -> None:
    """Take back the mark of a trainee at a session (the undo of a first mark); the mark
    under any record merged into the same person goes too. Nothing to clear is no error."""
    with ctx.unit_of_work() as session:
        _training, workshop = open_session(session, session_id)
        people = load_people(session, workshop.id, [session_id], also=[trainee_id])
        final = people.final(trainee_id)
        for m in _orm_rows(session, _marks_by_final(people, session_id).get(final, [])):
            soft_delete(m)
