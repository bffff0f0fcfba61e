"""Who the dashboard counts, read in bulk: the few merged records apart from everyone else.

A programme has tens of thousands of trainees and a handful of merged duplicates. Trainees no
merge touches ("simple": not merged into anyone, nobody merged into them) are counted by grouped
SQL (`SIMPLE`); the members of merge groups are read row by row and counted as their survivor,
exactly as the attendance pages do (services.attendance_sheet.load_people). The two sets never
overlap, so their counts add up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, String, bindparam, select, text
from sqlalchemy.orm import Session

from otop_desktop.db.models import Enrollment, Trainee
from otop_desktop.domain.enums import EnrollmentRole, EnrollmentStatus
from otop_desktop.services.attendance import trainees_with_survivors
from otop_desktop.services.trainee_merge import survivor_map

# SQL conditions on a trainee aliased `t`: untouched by any merge (bind `involved` to
# MergeGroups.involved) / live.
SIMPLE = "t.id NOT IN :involved"
LIVE = "{alias}.cl % 2 = 1"
# The same for a trainee id column without reading the trainee row (a look-up per mark or
# follow-up is most of the dashboard's time): bind `skip` to the ids the grouped SQL must
# leave out, MergeGroups.involved plus the enrolled trainees who are deleted or missing.
COUNTED = "{column} NOT IN :skip"
WITHDRAWN = EnrollmentStatus.WITHDRAWN.value
TRAINEE_ROLE = EnrollmentRole.TRAINEE.value
# Enrolment `e` on an attendance list / counted as a trainee trained (a missing role is the
# default one, trainee).
ACTIVE = f"coalesce(e.status, '') != '{WITHDRAWN}'"
TRAINED = f"{ACTIVE} AND coalesce(e.role, '{TRAINEE_ROLE}') = '{TRAINEE_ROLE}'"


def in_list(name: str) -> BindParameter[Any]:
    """An expanding bind parameter for `IN :name` of ids (typed: an empty list becomes a text
    NULL, which PostgreSQL compares with an id; an untyped one is an integer it refuses)."""
    return bindparam(name, expanding=True, type_=String())


@dataclass
class MergeGroups:
    """The enrolments of merged records in the selected workshops, by survivor."""

    rows: dict[str, Trainee] = field(default_factory=dict)
    finals: dict[str, str] = field(default_factory=dict)
    # Survivor id -> every record counted as that person (the survivor included).
    members: dict[str, set[str]] = field(default_factory=dict)
    # (workshop id, member id, role, status) of each live enrolment of a member.
    enrolments: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    # Every trainee a merge touches (merged, or merged into), in or out of these workshops.
    involved: list[str] = field(default_factory=list)

    def final(self, trainee_id: str) -> str:
        return self.finals.get(trainee_id, trainee_id)

    def alive(self, trainee_id: str) -> bool:
        row = self.rows.get(trainee_id)
        return row is not None and row.alive

    def counts(self, trainee_id: str) -> bool:
        """Whether a record and its survivor are both live (else it counts for nobody)."""
        return self.alive(trainee_id) and self.alive(self.final(trainee_id))

    def all_members(self) -> set[str]:
        return set().union(*self.members.values()) if self.members else set()

    def people(self, workshop_id: str, *, active: bool, trained: bool) -> set[str]:
        """Survivors with a live enrolment in `workshop_id` (not withdrawn / as a trainee)."""
        out: set[str] = set()
        for w, member, role, status in self.enrolments:
            if w != workshop_id or not self.counts(member):
                continue
            if (active or trained) and status == WITHDRAWN:
                continue
            if trained and (role or TRAINEE_ROLE) != TRAINEE_ROLE:
                continue
            out.add(self.final(member))
        return out


def involved_ids(session: Session) -> list[str]:
    """Ids of the trainees a merge touches: merged ones and those they were merged into."""
    # A range (every id is > ''): SQLite reads only the merged rows, through their index.
    links = session.execute(
        text("SELECT id, merged_into FROM trainee WHERE merged_into > ''")
    ).tuples()
    out: set[str] = set()
    for merged, into in links:
        out.update((merged, into))
    return sorted(out)


def merge_groups(session: Session, workshop_ids: list[str]) -> MergeGroups:
    """The merge groups with a live enrolment in `workshop_ids` (usually none or a few)."""
    involved = involved_ids(session)
    if not involved or not workshop_ids:
        return MergeGroups(involved=involved)
    found = session.execute(
        select(
            Enrollment.workshop_id, Enrollment.trainee_id, Enrollment.role, Enrollment.status
        ).where(
            Enrollment.workshop_id.in_(workshop_ids),
            Enrollment.trainee_id.in_(involved),
            Enrollment.cl % 2 == 1,
        )
    ).tuples()
    first = [(w or "", t or "", role, status) for w, t, role, status in found]
    if not first:
        return MergeGroups(involved=involved)
    links = survivor_map(session)
    groups: dict[str, set[str]] = {}
    for merged, final in links.items():
        groups.setdefault(final, {final}).add(merged)
    wanted = {links.get(t, t) for _w, t, _r, _s in first}
    members = {f: groups.get(f, {f}) for f in wanted}
    rows, finals = trainees_with_survivors(session, set().union(*members.values()))
    # Every member is touched by a merge, so its enrolments in these workshops are in `first`.
    return MergeGroups(rows, finals, members, first, involved)


def joined(session: Session, expression: str) -> str:
    """An aggregate joining the text of `expression` over a group with commas (NULLs left out)."""
    if session.get_bind().dialect.name == "sqlite":
        return f"group_concat({expression})"
    return f"string_agg(CAST({expression} AS TEXT), ',')"


def unique(values: Iterable[str]) -> list[str]:
    """Sorted distinct values (for IN lists)."""
    return sorted(set(values))
