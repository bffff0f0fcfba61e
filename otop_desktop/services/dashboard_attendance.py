"""The attendance rate of many workshops at once, by the definitions of attendance_summary.

WorkshopSummary.rate is attended marks over trainees listed, summed over held sessions; pooled
over workshops it is the same two sums over all of them. Reading every mark of a programme one
workshop_summary at a time is far too slow, so the sums are taken with grouped queries:

* listed at a held session = the trainees actively enrolled (one per enrolment: the same for
  every held session of the workshop) + those withdrawn but marked at that session;
* attended = the marks of enrolled trainees whose status the workshop's rule counts.

Merged records are counted as their survivor, with the better mark, row by row (dashboard_people).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from otop_desktop.db.models import Attendance, TrainingSession, Workshop
from otop_desktop.domain.attendance_rules import AttendanceRule
from otop_desktop.services.attendance import STATUS_RANK, trainees_with_survivors
from otop_desktop.services.dashboard_people import (
    ACTIVE,
    LIVE,
    SIMPLE,
    WITHDRAWN,
    MergeGroups,
    in_list,
    unique,
)
from otop_desktop.services.workshops import rule_of

_CHUNK = 500


def pooled_attendance(
    session: Session, workshops: Sequence[Workshop], groups: MergeGroups, today: dt.date
) -> tuple[int, int]:
    """(attended marks, trainees listed) summed over the held sessions of `workshops`."""
    ids = [w.id for w in workshops]
    if not ids:
        return 0, 0
    rules = {w.id: rule_of(w) for w in workshops}
    sessions = session.execute(
        select(TrainingSession.id, TrainingSession.workshop_id, TrainingSession.date).where(
            TrainingSession.workshop_id.in_(ids), TrainingSession.cl % 2 == 1
        )
    ).tuples()
    workshop_of: dict[str, str] = {}
    held: set[str] = set()
    later: list[str] = []
    for session_id, workshop_id, date in sessions:
        workshop_of[session_id] = workshop_id or ""
        if date is not None and date <= today:
            held.add(session_id)
        else:
            later.append(session_id)
    held |= _marked(session, later, groups)
    held_per_workshop: dict[str, int] = {}
    for session_id in held:
        w = workshop_of[session_id]
        held_per_workshop[w] = held_per_workshop.get(w, 0) + 1
    attended = listed = 0
    # Simple trainees actively enrolled: on the list of every held session of their workshop.
    for w, count in session.execute(
        text(
            "SELECT e.workshop_id, count(*) FROM enrollment e "
            "JOIN trainee t ON t.id = e.trainee_id "
            f"WHERE e.workshop_id IN :workshops AND {LIVE.format(alias='e')} AND {ACTIVE} "
            f"AND {LIVE.format(alias='t')} AND {SIMPLE} GROUP BY e.workshop_id"
        ).bindparams(in_list("workshops"), in_list("involved")),
        {"workshops": ids, "involved": groups.involved},
    ).tuples():
        listed += count * held_per_workshop.get(w, 0)
    # Their marks (a mark makes its session held), and those of the withdrawn ones.
    for w, status, withdrawn, count in session.execute(
        text(
            "SELECT s.workshop_id, a.status, coalesce(e.status, '') = :withdrawn, count(*) "
            "FROM attendance a "
            "JOIN training_session s ON s.id = a.session_id "
            "JOIN enrollment e ON e.trainee_id = a.trainee_id AND e.workshop_id = s.workshop_id "
            "JOIN trainee t ON t.id = a.trainee_id "
            f"WHERE s.workshop_id IN :workshops AND {LIVE.format(alias='s')} "
            f"AND {LIVE.format(alias='a')} AND {LIVE.format(alias='e')} "
            f"AND {LIVE.format(alias='t')} AND {SIMPLE} "
            "GROUP BY s.workshop_id, a.status, coalesce(e.status, '') = :withdrawn"
        ).bindparams(in_list("workshops"), in_list("involved")),
        {"workshops": ids, "withdrawn": WITHDRAWN, "involved": groups.involved},
    ).tuples():
        if rules[w].attended(status):
            attended += count
        if withdrawn:
            listed += count
    merged_attended, merged_listed = _merged(session, groups, rules, workshop_of, held)
    return attended + merged_attended, listed + merged_listed


def _marked(session: Session, session_ids: list[str], groups: MergeGroups) -> set[str]:
    """Sessions among `session_ids` (not yet dated past) with a mark of a live person."""
    out: set[str] = set()
    for start in range(0, len(session_ids), _CHUNK):
        chunk = session_ids[start : start + _CHUNK]
        rows = session.execute(
            text(
                "SELECT DISTINCT a.session_id, a.trainee_id, t.cl % 2 = 1 AND "
                f"({SIMPLE}) FROM attendance a JOIN trainee t ON t.id = a.trainee_id "
                f"WHERE a.session_id IN :sessions AND {LIVE.format(alias='a')}"
            ).bindparams(in_list("sessions"), in_list("involved")),
            {"sessions": chunk, "involved": groups.involved},
        ).tuples()
        for session_id, trainee_id, simple_alive in rows:
            if simple_alive or groups.counts(trainee_id):
                out.add(session_id)
            elif trainee_id not in groups.rows:
                out |= _marked_by_merged(session, session_id, trainee_id)
    return out


def _marked_by_merged(session: Session, session_id: str, trainee_id: str) -> set[str]:
    """{session_id} if `trainee_id` (merged, outside the selected workshops) counts."""
    rows, finals = trainees_with_survivors(session, [trainee_id])
    final = finals.get(trainee_id, trainee_id)
    alive = all(r is not None and r.alive for r in (rows.get(trainee_id), rows.get(final)))
    return {session_id} if alive else set()


def _merged(
    session: Session,
    groups: MergeGroups,
    rules: dict[str, AttendanceRule],
    workshop_of: dict[str, str],
    held: set[str],
) -> tuple[int, int]:
    """(attended, listed) of the merge groups, each person once with their better mark."""
    members = unique(groups.all_members())
    if not members:
        return 0, 0
    best: dict[tuple[str, str], tuple[int, str | None]] = {}
    for start in range(0, len(members), _CHUNK):
        marks = session.execute(
            select(Attendance.session_id, Attendance.trainee_id, Attendance.status).where(
                Attendance.trainee_id.in_(members[start : start + _CHUNK]),
                Attendance.cl % 2 == 1,
            )
        ).tuples()
        for session_id, trainee_id, status in marks:
            if session_id not in held or not groups.counts(trainee_id or ""):
                continue
            key = (session_id, groups.final(trainee_id or ""))
            rank = STATUS_RANK.get(status or "", -1)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, status)
    attended = listed = 0
    by_workshop: dict[str, list[str]] = {}
    for session_id in held:
        by_workshop.setdefault(workshop_of[session_id], []).append(session_id)
    for w, session_ids in by_workshop.items():
        enrolled = groups.people(w, active=False, trained=False)
        active = groups.people(w, active=True, trained=False)
        if not enrolled:
            continue
        for session_id in session_ids:
            marked = {f for (s, f) in best if s == session_id}
            for person in active | (marked & enrolled):
                mark = best.get((session_id, person))
                listed += 1
                attended += bool(mark is not None and rules[w].attended(mark[1]))
    return attended, listed
