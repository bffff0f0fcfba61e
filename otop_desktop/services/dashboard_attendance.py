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
from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.services.attendance import STATUS_RANK, trainees_with_survivors
from otop_desktop.services.dashboard_people import (
    ACTIVE,
    COUNTED,
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
    session: Session,
    workshops: Sequence[Workshop],
    groups: MergeGroups,
    today: dt.date,
    skip: list[str],
) -> tuple[int, int]:
    """(attended marks, trainees listed) summed over the held sessions of `workshops`
    (`skip`: the trainee ids the grouped SQL leaves out, see dashboard._trained)."""
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
    params = {"workshops": ids, "skip": skip, "withdrawn": WITHDRAWN}
    # Simple trainees actively enrolled: on the list of every held session of their workshop.
    for w, count in session.execute(
        text(
            "SELECT e.workshop_id, count(*) FROM enrollment e "
            f"WHERE e.workshop_id IN :workshops AND {LIVE.format(alias='e')} AND {ACTIVE} "
            f"AND {COUNTED.format(column='e.trainee_id')} GROUP BY e.workshop_id"
        ).bindparams(in_list("workshops"), in_list("skip")),
        params,
    ).tuples():
        listed += count * held_per_workshop.get(w, 0)
    # Their marks (a mark makes its session held), and those of the withdrawn ones: enrolment by
    # enrolment, the trainee's marks from the covering index of the marks (one look-up, not one
    # per mark), kept when the session is the workshop's; counted in the workshop's order, so
    # nothing is sorted. One query per attendance rule (usually one or two), so that a mark is
    # tested once against the statuses its workshop counts.
    by_rule: dict[tuple[str, ...], list[str]] = {}
    for w in ids:
        counts = tuple(s.value for s in AttendanceStatus if rules[w].attended(s.value))
        by_rule.setdefault(counts, []).append(w)
    for counts, workshop_ids in by_rule.items():
        statuses = ", ".join(f"'{status}'" for status in counts) or "NULL"  # (counts nothing)
        for withdrawn, marks in session.execute(
            text(
                "SELECT count(CASE WHEN coalesce(e.status, '') = :withdrawn THEN 1 END), "
                f"count(CASE WHEN a.status IN ({statuses}) THEN 1 END) "
                "FROM enrollment e CROSS JOIN attendance a CROSS JOIN training_session s "
                f"WHERE e.workshop_id IN :workshops AND {LIVE.format(alias='e')} "
                f"AND {COUNTED.format(column='e.trainee_id')} "
                f"AND a.trainee_id = e.trainee_id AND {LIVE.format(alias='a')} "
                "AND s.id = a.session_id AND s.workshop_id = e.workshop_id "
                f"AND {LIVE.format(alias='s')}"
            ).bindparams(in_list("workshops"), in_list("skip")),
            {**params, "workshops": workshop_ids},
        ).tuples():
            attended += marks
            listed += withdrawn
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
