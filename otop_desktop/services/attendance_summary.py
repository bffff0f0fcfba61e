"""Attendance summaries: per session, per trainee over a workshop, per workshop.

Every count and rate goes through the workshop's one AttendanceRule (domain.attendance_rules),
so the summaries, the exports and the certificates agree on who attended.

Which sessions count: a session is *held* when it is dated on or before `today`, or when it
already has a mark (a mark proves it took place, even if the laptop's date is wrong). A trainee's
rate is the share of held sessions they attended; a held session where they were not marked
counts as not attended, and sessions still to come count for nobody. A session's rate is the
share of the trainees on its list who attended it. Trainees merged into another count as the
survivor, once, with the better mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from otop_desktop.db.models import TrainingSession, Workshop
from otop_desktop.domain.attendance_rules import DEFAULT_MIN_RATE, AttendanceRule
from otop_desktop.i18n import _
from otop_desktop.services.attendance import trainees_with_survivors
from otop_desktop.services.attendance_sheet import (
    SessionCounts,
    count_marks,
    display_name,
    load_people,
    session_info,
    session_roster,
)
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import SessionInfo, rule_of

__all__ = [
    "SessionCounts",
    "SessionSummary",
    "TraineeSummary",
    "WorkshopSummary",
    "session_counts",
    "trainee_rate",
    "workshop_summary",
]


class SessionSummary(NamedTuple):
    """One session: its counts and attendance rate (None if not held or nobody listed)."""

    session: SessionInfo
    counts: SessionCounts
    rate: float | None


class TraineeSummary(NamedTuple):
    """One trainee over the workshop: the name shown, the rate over the held sessions (None
    when none is held) and the mark at each session by session id (None = not marked)."""

    name: str
    trainee_id: str
    rate: float | None
    statuses: dict[str, str | None]


@dataclass(frozen=True)
class WorkshopSummary:
    """Every session and every trainee of a workshop, with the rule that counted them."""

    workshop_id: str
    title: str
    rule: AttendanceRule
    min_rate: float
    today: dt.date
    sessions: list[SessionSummary]
    trainees: list[TraineeSummary]
    # Ids of the sessions that count (see the module's docstring), and of the trainees listed
    # because they were marked before withdrawing.
    held: frozenset[str] = frozenset()
    withdrawn: frozenset[str] = frozenset()

    @property
    def rate(self) -> float | None:
        """The workshop's rate: attended marks over trainees listed, summed over held sessions."""
        listed = sum(s.counts.total for s in self.sessions if s.session.id in self.held)
        attended = sum(s.counts.attended for s in self.sessions if s.session.id in self.held)
        return attended / listed if listed else None

    def below_minimum(self) -> list[TraineeSummary]:
        """The trainees whose rate is under the workshop's minimum for a certificate."""
        return [t for t in self.trainees if t.rate is not None and t.rate < self.min_rate]


def session_counts(ctx: AppContext, session_id: str) -> SessionCounts:
    """Present, late, excused, absent and unmarked trainees of one session, and how many
    attended by the workshop's rule: the counts its attendance page shows."""
    return session_roster(ctx, session_id).counts


def workshop_summary(
    ctx: AppContext, workshop_id: str, *, today: dt.date | None = None
) -> WorkshopSummary:
    """Counts and rate of every session, rate and marks of every trainee, of one workshop."""
    day = today or dt.date.today()
    with ctx.read() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        rows = list(
            session.scalars(
                select(TrainingSession)
                .where(TrainingSession.workshop_id == workshop_id, TrainingSession.cl % 2 == 1)
                .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
            )
        )
        people = load_people(session, workshop_id, [s.id for s in rows])
        rule = rule_of(workshop)
        held = frozenset(
            s.id for s in rows if (s.date is not None and s.date <= day) or people.marks.get(s.id)
        )
        sessions: list[SessionSummary] = []
        everyone: set[str] = set(people.active)
        for s in rows:
            listed = people.listed(s.id)
            everyone.update(listed)
            marks = people.marks.get(s.id, {})
            counts = count_marks((marks[t].status if t in marks else None for t in listed), rule)
            rate = counts.attended / counts.total if s.id in held and counts.total else None
            sessions.append(SessionSummary(session_info(s), counts, rate))
        trainees: list[TraineeSummary] = []
        for trainee_id in people.sorted_ids(everyone):
            statuses: dict[str, str | None] = {}
            for s in rows:
                m = people.marks.get(s.id, {}).get(trainee_id)
                statuses[s.id] = m.status if m is not None else None
            trainees.append(
                TraineeSummary(
                    display_name(people.rows[trainee_id]) or trainee_id,
                    trainee_id,
                    rule.rate([statuses[s] for s in held], len(held)),
                    statuses,
                )
            )
        return WorkshopSummary(
            workshop_id=workshop_id,
            title=workshop.title or "",
            rule=rule,
            min_rate=(
                workshop.min_attendance_rate
                if workshop.min_attendance_rate is not None
                else DEFAULT_MIN_RATE
            ),
            today=day,
            sessions=sessions,
            trainees=trainees,
            held=held,
            withdrawn=frozenset(everyone - people.active),
        )


def trainee_rate(
    ctx: AppContext, workshop_id: str, trainee_id: str, *, today: dt.date | None = None
) -> float | None:
    """One trainee's rate over a workshop (a duplicate's id gives its survivor's rate)."""
    summary = workshop_summary(ctx, workshop_id, today=today)
    with ctx.read() as session:
        _rows, finals = trainees_with_survivors(session, [trainee_id])
    final = finals.get(trainee_id, trainee_id)
    for line in summary.trainees:
        if line.trainee_id == final:
            return line.rate
    return None
