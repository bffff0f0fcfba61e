"""Enrolling trainees in workshops, and withdrawing them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from otop_desktop.db.models import Enrollment, Trainee, Workshop
from otop_desktop.domain.enums import EnrollmentRole, EnrollmentStatus
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import TraineeInfo, trainee_info


@dataclass(frozen=True)
class EnrolledTrainee:
    trainee: TraineeInfo
    role: str
    status: str


def enrollment_id(workshop_id: str, trainee_id: str) -> str:
    """The id of the enrollment of a trainee in a workshop, equal on every laptop."""
    return pair_id("enrollment", workshop_id, trainee_id)


def enrol(
    ctx: AppContext,
    workshop_id: str,
    trainee_id: str,
    role: str = EnrollmentRole.TRAINEE.value,
) -> None:
    """Enrol a trainee in a workshop (again, if withdrawn); does nothing if already enrolled."""
    try:
        role_value = EnrollmentRole.parse(role).value
    except ValueError:
        raise ValidationError(_("Unknown role: {value}").format(value=role), "role") from None
    with ctx.unit_of_work() as session:
        get_live(session, Workshop, workshop_id, _("workshop"))
        get_live(session, Trainee, trainee_id, _("trainee"))
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
            return
        if not row.alive:
            row.cl += 1
        if row.status != EnrollmentStatus.ENROLLED.value:
            row.status = EnrollmentStatus.ENROLLED.value
        if row.role != role_value:
            row.role = role_value


def withdraw(ctx: AppContext, workshop_id: str, trainee_id: str) -> None:
    """Withdraw a trainee from a workshop; their attendance so far is kept."""
    with ctx.unit_of_work() as session:
        row = session.get(Enrollment, enrollment_id(workshop_id, trainee_id))
        if row is None or not row.alive:
            raise ValidationError(_("This trainee is not enrolled in this workshop."))
        row.status = EnrollmentStatus.WITHDRAWN.value


def is_enrolled(ctx: AppContext, workshop_id: str, trainee_id: str) -> bool:
    """Whether the trainee is enrolled (and not withdrawn) in the workshop."""
    with ctx.read() as session:
        row = session.get(Enrollment, enrollment_id(workshop_id, trainee_id))
        return bool(row and row.alive and row.status != EnrollmentStatus.WITHDRAWN.value)


def list_enrolled(
    ctx: AppContext, workshop_id: str, include_withdrawn: bool = False
) -> list[EnrolledTrainee]:
    """The trainees of a workshop, sorted by family name then given names."""
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
        rows = [
            EnrolledTrainee(trainee_info(t), role or "", status or "")
            for t, role, status in session.execute(query).tuples()
        ]
    rows.sort(
        key=lambda r: (
            r.trainee.family_names or r.trainee.chinese_name or "",
            r.trainee.given_names or "",
            r.trainee.id,
        )
    )
    return rows
