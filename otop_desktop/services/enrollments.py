"""Enrolling trainees in workshops, and withdrawing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Enrollment, Trainee, Workshop
from otop_desktop.domain.enums import EnrollmentRole, EnrollmentStatus
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import survivor_map, trainee_ids_of
from otop_desktop.services.trainees import TraineeInfo, trainee_info


@dataclass(frozen=True)
class EnrolledTrainee:
    trainee: TraineeInfo
    role: str
    status: str


def enrollment_id(workshop_id: str, trainee_id: str) -> str:
    """The id of the enrollment of a trainee in a workshop, equal on every laptop."""
    return pair_id("enrollment", workshop_id, trainee_id)


def _role_value(role: str) -> str:
    try:
        return str(EnrollmentRole.parse(role).value)
    except ValueError:
        raise ValidationError(_("Unknown role: {value}").format(value=role), "role") from None


def _enrol_in(session: Session, workshop_id: str, trainee_id: str, role_value: str) -> bool:
    """Enrol in the open transaction; whether the trainee was not enrolled before."""
    get_live(session, Trainee, trainee_id, _("trainee"))
    was_enrolled = any(
        r.status != EnrollmentStatus.WITHDRAWN.value
        for r in _enrollments_of(session, workshop_id, trainee_id)
    )
    row_id = enrollment_id(workshop_id, trainee_id)
    row = session.get(Enrollment, row_id)
    if row is None:
        session.add(
            Enrollment(
                id=row_id,
                workshop_id=workshop_id,
                trainee_id=trainee_id,
                role=role_value,
                status=EnrollmentStatus.ENROLLED.value,
            )
        )
        return not was_enrolled
    if not row.alive:
        row.cl += 1
    if row.status != EnrollmentStatus.ENROLLED.value:
        row.status = EnrollmentStatus.ENROLLED.value
    if row.role != role_value:
        row.role = role_value
    return not was_enrolled


def enrol(
    ctx: AppContext,
    workshop_id: str,
    trainee_id: str,
    role: str = EnrollmentRole.TRAINEE.value,
) -> None:
    """Enrol a trainee in a workshop (again, if withdrawn); does nothing if already enrolled."""
    enrol_many(ctx, workshop_id, [trainee_id], role)


def enrol_many(
    ctx: AppContext,
    workshop_id: str,
    trainee_ids: Sequence[str],
    role: str = EnrollmentRole.TRAINEE.value,
) -> int:
    """Enrol trainees in one transaction (all or none); how many were not enrolled before."""
    role_value = _role_value(role)
    with ctx.unit_of_work() as session:
        get_live(session, Workshop, workshop_id, _("workshop"))
        unique = dict.fromkeys(trainee_ids)  # a trainee chosen twice is enrolled once
        return sum(_enrol_in(session, workshop_id, t, role_value) for t in unique)


def _enrollments_of(session: Session, workshop_id: str, trainee_id: str) -> list[Enrollment]:
    """The live enrolment rows of a trainee and of every trainee merged into it."""
    rows = [
        session.get(Enrollment, enrollment_id(workshop_id, t))
        for t in trainee_ids_of(session, trainee_id)
    ]
    return [r for r in rows if r is not None and r.alive]


def withdraw(ctx: AppContext, workshop_id: str, trainee_id: str) -> None:
    """Withdraw a trainee (with any duplicate merged into it) from a workshop; attendance so
    far is kept."""
    with ctx.unit_of_work() as session:
        if not _withdraw_in(session, workshop_id, trainee_id):
            raise ValidationError(_("This trainee is not enrolled in this workshop."))


def withdraw_many(ctx: AppContext, workshop_id: str, trainee_ids: Sequence[str]) -> int:
    """Withdraw those of the trainees that are enrolled, in one transaction; how many were."""
    with ctx.unit_of_work() as session:
        return sum(_withdraw_in(session, workshop_id, t) for t in dict.fromkeys(trainee_ids))


def _withdraw_in(session: Session, workshop_id: str, trainee_id: str) -> bool:
    """Withdraw in the open transaction; whether the trainee was enrolled (not withdrawn)."""
    rows = _enrollments_of(session, workshop_id, trainee_id)
    enrolled = any(r.status != EnrollmentStatus.WITHDRAWN.value for r in rows)
    for row in rows:
        if row.status != EnrollmentStatus.WITHDRAWN.value:
            row.status = EnrollmentStatus.WITHDRAWN.value
    return enrolled


def is_enrolled(ctx: AppContext, workshop_id: str, trainee_id: str) -> bool:
    """Whether the trainee (or a duplicate merged into it) is enrolled, not withdrawn."""
    with ctx.read() as session:
        return any(
            r.status != EnrollmentStatus.WITHDRAWN.value
            for r in _enrollments_of(session, workshop_id, trainee_id)
        )


# When a trainee and a duplicate merged into it are both enrolled, the list shows the more
# advanced enrolment: having completed under one record means the person completed.
_STATUS_RANK = {
    EnrollmentStatus.WITHDRAWN.value: 0,
    EnrollmentStatus.ENROLLED.value: 1,
    EnrollmentStatus.COMPLETED.value: 2,
}


def list_enrolled(
    ctx: AppContext, workshop_id: str, include_withdrawn: bool = False
) -> list[EnrolledTrainee]:
    """The trainees of a workshop, sorted by family name then given names; a trainee merged
    into another shows as that survivor, once."""
    with ctx.read() as session:
        query = (
            select(Trainee, Enrollment.role, Enrollment.status)
            .join(Enrollment, Enrollment.trainee_id == Trainee.id)
            .where(
                Enrollment.workshop_id == workshop_id,
                Enrollment.cl % 2 == 1,
                Trainee.cl % 2 == 1,
            )
        )
        if not include_withdrawn:
            query = query.where(Enrollment.status != EnrollmentStatus.WITHDRAWN.value)
        survivors = survivor_map(session)
        best: dict[str, tuple[Trainee, str, str, bool]] = {}
        for t, role, status in session.execute(query).tuples():
            own = t.id not in survivors
            shown = t if own else session.get(Trainee, survivors[t.id])
            if shown is None or not shown.alive:
                continue
            rank = (_STATUS_RANK.get(status or "", 1), own)
            current = best.get(shown.id)
            if current is None or rank > (_STATUS_RANK.get(current[2], 1), current[3]):
                best[shown.id] = (shown, role or "", status or "", own)
        rows = [EnrolledTrainee(trainee_info(t), r, st) for t, r, st, _own in best.values()]
    rows.sort(
        key=lambda r: (
            r.trainee.family_names or r.trainee.chinese_name or "",
            r.trainee.given_names or "",
            r.trainee.id,
        )
    )
    return rows
