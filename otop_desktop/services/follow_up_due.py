"""Follow-ups due and overdue: what the home page lists for the trainer to collect."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Enrollment, FollowUp, Trainee, Workshop
from otop_desktop.domain.enums import EnrollmentRole, EnrollmentStatus
from otop_desktop.domain.follow_up_dates import due_date, schedule_periods
from otop_desktop.domain.packed_texts import PackedTexts, ReadOnDemand
from otop_desktop.services.attendance import TraineeRow, trainee_rows_with_survivors
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import survivor_map


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    workshop_id: str
    workshop_title: str
    trainee_id: str
    trainee_name: str
    period: str
    due_on: dt.date
    overdue: bool


def trainee_name(trainee: Trainee | TraineeRow) -> str:
    """The romanised name ("María Fernanda López Reyes"), or the Chinese one when that is all."""
    latin = " ".join(p for p in (trainee.given_names, trainee.family_names) if p)
    return latin or trainee.chinese_name or ""


@dataclass(frozen=True, slots=True)
class DueCounts:
    """How many follow-ups are overdue, and how many fall due from today to the horizon."""

    overdue: int
    due_soon: int


# Rows fetched at a time: a big programme has 50,000 enrolments (all at once, 10 MB of rows).
_BATCH = 2_000

_Pending = tuple[str, str, str, dt.date]  # workshop id, trainee (survivor) id, period, due on


def _pending(session: Session, horizon: dt.date) -> tuple[dict[str, Workshop], list[_Pending]]:
    """The workshops read, and every follow-up not yet recorded that falls due by `horizon`."""
    workshops = {
        w.id: w
        for w in session.scalars(
            select(Workshop).where(Workshop.cl % 2 == 1, Workshop.start_date <= horizon)
        )
    }
    # Which periods of which workshop fall due by the horizon (none: nothing to read).
    due_by_workshop: dict[str, list[tuple[str, dt.date]]] = {}
    for w in workshops.values():
        dates = [
            (period, due)
            for period in schedule_periods(w.follow_up_schedule)
            if (due := due_date(period, w.start_date, w.end_date)) is not None and due <= horizon
        ]
        if dates:
            due_by_workshop[w.id] = dates
    if not due_by_workshop:
        return workshops, []
    survivors = survivor_map(session)
    # A person withdrawn under one record but enrolled under a merged one is followed up.
    enrolled: set[tuple[str, str]] = set()
    ids = sorted(due_by_workshop)
    # Each fetched row brings its own copy of the workshop id: the lines (50,000 in a big
    # programme) share the workshop's one instead, 85 bytes a line.
    same_id = {workshop_id: workshop_id for workshop_id in ids}
    for start in range(0, len(ids), 500):
        for workshop_id, trainee_id, role, status in session.execute(
            select(
                Enrollment.workshop_id,
                Enrollment.trainee_id,
                Enrollment.role,
                Enrollment.status,
            )
            .where(Enrollment.cl % 2 == 1, Enrollment.workshop_id.in_(ids[start : start + 500]))
            .execution_options(yield_per=_BATCH)
        ).tuples():
            if not workshop_id or not trainee_id:
                continue
            if role not in (None, "", EnrollmentRole.TRAINEE.value):
                continue
            if status != EnrollmentStatus.WITHDRAWN.value:
                enrolled.add(
                    (same_id.get(workshop_id, workshop_id), survivors.get(trainee_id, trainee_id))
                )
    recorded: set[tuple[str, str, str]] = set()
    for start in range(0, len(ids), 500):
        for workshop_id, trainee_id, period in session.execute(
            select(FollowUp.workshop_id, FollowUp.trainee_id, FollowUp.period)
            .where(FollowUp.cl % 2 == 1, FollowUp.workshop_id.in_(ids[start : start + 500]))
            .execution_options(yield_per=_BATCH)
        ).tuples():
            owner = survivors.get(trainee_id or "", trainee_id or "")
            recorded.add((workshop_id or "", owner, period or ""))
    pending = [
        (workshop_id, trainee_id, period, due)
        for workshop_id, trainee_id in enrolled
        for period, due in due_by_workshop[workshop_id]
        if (workshop_id, trainee_id, period) not in recorded
    ]
    return workshops, pending


def due_follow_up_counts(
    ctx: AppContext, *, today: dt.date | None = None, within_days: int = 7
) -> DueCounts:
    """The counts `due_follow_ups(today, within_days)` would list, without reading names.

    For the status bar: with 50,000 follow-ups due, the lines (names and all) are never built.
    """
    day = today or dt.date.today()
    horizon = day + dt.timedelta(days=max(within_days, 0))
    with ctx.read() as session:
        _workshops, pending = _pending(session, horizon)
        wanted = sorted({p[1] for p in pending})
        alive: set[str] = set()
        for start in range(0, len(wanted), 500):
            alive.update(
                session.scalars(
                    select(Trainee.id).where(
                        Trainee.cl % 2 == 1, Trainee.id.in_(wanted[start : start + 500])
                    )
                )
            )
    overdue = soon = 0
    for _workshop_id, trainee_id, _period, due in pending:
        if trainee_id in alive:
            if due < day:
                overdue += 1
            else:
                soon += 1
    return DueCounts(overdue, soon)


class DueFollowUps(ReadOnDemand[DueFollowUp]):
    """The lines `due_follow_ups` lists, in order, kept packed.

    A big programme has tens of thousands of follow-ups due at once, and the Follow-ups page
    keeps the list for as long as it is open: as `DueFollowUp` records they took about 200
    bytes a line in 150,000 small objects. Here each line is four numbers (workshop, trainee,
    period, due day) and each trainee's id and name are characters in one string; a line
    becomes a `DueFollowUp` when it is read.
    """

    __slots__ = (
        "_days",
        "_names",
        "_periods",
        "_today",
        "_trainee_ids",
        "_which_period",
        "_which_trainee",
        "_which_workshop",
        "_workshops",
        "overdue",
    )

    def __init__(
        self,
        today: dt.date,
        workshops: Sequence[tuple[str, str]],
        trainees: Sequence[tuple[str, str]],
        periods: Sequence[str],
        lines: Iterable[tuple[int, int, int, int]],
    ) -> None:
        """`workshops` are (id, title), `trainees` (id, name); each line is (workshop,
        trainee, period) positions in those and the due day as a date ordinal."""
        self._today = today.toordinal()
        self._workshops = tuple(workshops)
        self._trainee_ids = PackedTexts([t[0] for t in trainees])
        self._names = PackedTexts([t[1] for t in trainees])
        self._periods = tuple(periods)
        self._which_workshop = array("L")
        self._which_trainee = array("L")
        self._which_period = array("H")
        self._days = array("l")
        for workshop, trainee, period, day in lines:
            self._which_workshop.append(workshop)
            self._which_trainee.append(trainee)
            self._which_period.append(period)
            self._days.append(day)
        self.overdue = sum(1 for day in self._days if day < self._today)

    def __len__(self) -> int:
        return len(self._days)

    def _at(self, i: int) -> DueFollowUp:
        workshop_id, title = self._workshops[self._which_workshop[i]]
        trainee = self._which_trainee[i]
        day = self._days[i]
        return DueFollowUp(
            workshop_id=workshop_id,
            workshop_title=title,
            trainee_id=self._trainee_ids[trainee],
            trainee_name=self._names[trainee],
            period=self._periods[self._which_period[i]],
            due_on=dt.date.fromordinal(day),
            overdue=day < self._today,
        )


def due_follow_ups(
    ctx: AppContext, *, today: dt.date | None = None, within_days: int = 14
) -> DueFollowUps:
    """Follow-ups not yet recorded that are overdue or due within `within_days`, by due date
    (then workshop title, trainee's family name, period).

    Trainers and assistants and withdrawn trainees are not followed up; a merged duplicate's
    enrolment and follow-ups count for its survivor.
    """
    day = today or dt.date.today()
    horizon = day + dt.timedelta(days=max(within_days, 0))
    with ctx.read() as session:
        workshops, pending = _pending(session, horizon)
        trainees, _links = trainee_rows_with_survivors(session, {p[1] for p in pending})
    workshop_at: dict[str, int] = {}
    trainee_at: dict[str, int] = {}
    period_at: dict[str, int] = {}
    titles: list[tuple[str, str]] = []
    people: list[tuple[str, str]] = []
    sort_keys: list[str] = []
    lines: list[tuple[int, str, str, str, int, int, int]] = []
    for workshop_id, trainee_id, period, due in pending:
        row = trainees.get(trainee_id)
        if row is None or not row.alive:
            continue
        w = workshop_at.get(workshop_id)
        if w is None:
            w = workshop_at[workshop_id] = len(titles)
            titles.append((workshop_id, workshops[workshop_id].title or ""))
        t = trainee_at.get(trainee_id)
        if t is None:
            t = trainee_at[trainee_id] = len(people)
            people.append((trainee_id, trainee_name(row)))
            sort_keys.append(row.sort_key)
        p = period_at.setdefault(period, len(period_at))
        lines.append((due.toordinal(), titles[w][1], sort_keys[t], period, w, t, p))
    del trainees, pending
    lines.sort()
    return DueFollowUps(
        day, titles, people, list(period_at), (line[4:] + line[:1] for line in lines)
    )
