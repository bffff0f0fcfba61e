"""Follow-ups of trainees (issue #9): baseline and 3/6/12-month outcomes, one row per period.

A follow-up's id is the uuid5 of (workshop, trainee, period), so two laptops recording the same
follow-up meet in one row. Follow-ups recorded for a duplicate that was later merged count for
its survivor; new ones are recorded on the survivor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Enrollment, FollowUp, Trainee, Workshop
from otop_desktop.domain.enums import EnrollmentRole, EnrollmentStatus, FollowUpPeriod
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.follow_up_dates import (
    ALL_PERIODS,
    clean_schedule,
    parse_period,
    schedule_periods,
)
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.services.attendance import TraineeRow, trainee_rows_with_survivors
from otop_desktop.services.attendance_sheet import display_name
from otop_desktop.services.common import get_live, revive, soft_delete
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import _STATUS_RANK as STATUS_RANK
from otop_desktop.services.follow_up_due import (
    DueFollowUp,
    DueFollowUps,
    due_follow_ups,
    trainee_name,
)
from otop_desktop.services.follow_up_values import clean_values
from otop_desktop.services.trainee_merge import survivor_map, trainee_ids_of

__all__ = [
    "DueFollowUp",
    "DueFollowUps",
    "FollowUpInfo",
    "RowValidationError",
    "delete_follow_up",
    "due_follow_ups",
    "follow_up_id",
    "follow_up_schedule",
    "follow_up_trainees",
    "list_follow_ups",
    "save_follow_up",
    "save_follow_ups",
    "set_follow_up_schedule",
    "undelete_follow_up",
]

PERIOD_ORDER = {p: i for i, p in enumerate(ALL_PERIODS)}


class RowValidationError(ValidationError):
    """A bad row of a table entry: the message names the trainee; the row is in the fields."""

    def __init__(self, message: str, field: str | None, *, trainee_id: str, period: str) -> None:
        super().__init__(message, field)
        self.trainee_id = trainee_id
        self.period = period


@dataclass(frozen=True)
class FollowUpInfo:
    id: str
    trainee_id: str
    trainee_name: str
    chinese_name: str | None
    workshop_id: str
    workshop_title: str
    period: str
    date: dt.date | None
    monthly_income: Decimal | None
    currency: str | None
    employed_paid: int | None
    employed_family: int | None
    units_sold: int | None
    main_price: Decimal | None
    new_markets: str | None
    notes: str | None


def follow_up_id(workshop_id: str, trainee_id: str, period: str) -> str:
    """The id of a trainee's follow-up for `period` in a workshop: equal on every laptop."""
    return pair_id("follow-up", workshop_id, f"{trainee_id}:{period}")


def _period_label(period: str) -> str:
    try:
        return FollowUpPeriod(period).label()
    except ValueError:
        return period  # a period from a newer version: shown as stored


def _enrolled_survivor(session: Session, workshop: Workshop, trainee_id: str) -> Trainee:
    """The trainee a follow-up is recorded on (the survivor of a merge), enrolled in `workshop`."""
    trainee = get_live(session, Trainee, trainee_id, _("trainee"))
    final_id = survivor_map(session).get(trainee.id, trainee.id)
    if final_id != trainee.id:
        trainee = get_live(session, Trainee, final_id, _("trainee"))
    ids = trainee_ids_of(session, trainee.id)
    enrolled = session.scalar(
        select(Enrollment.id)
        .where(
            Enrollment.workshop_id == workshop.id,
            Enrollment.trainee_id.in_(ids),
            Enrollment.cl % 2 == 1,
        )
        .limit(1)
    )
    if enrolled is None:
        raise ValidationError(
            _("{name} is not enrolled in “{workshop}”.").format(
                name=trainee_name(trainee), workshop=workshop.title or ""
            ),
            "trainee",
        )
    return trainee


def _write(
    session: Session,
    workshop: Workshop,
    trainee_id: str,
    period_value: object,
    values: Mapping[str, object],
    today: dt.date,
) -> str:
    trainee = _enrolled_survivor(session, workshop, trainee_id)
    period = parse_period(period_value)
    if period not in schedule_periods(workshop.follow_up_schedule):
        raise ValidationError(
            _("“{workshop}” does not schedule a follow-up at {period}.").format(
                workshop=workshop.title or "", period=_period_label(period)
            ),
            "period",
        )
    row_id = follow_up_id(workshop.id, trainee.id, period)
    row = session.get(FollowUp, row_id)
    cleaned = clean_values(
        values,
        start=workshop.start_date,
        today=today,
        # Editing keeps the recorded date; a new follow-up without one is dated today.
        default_date=lambda: row.date if row is not None and row.date else today,
    )
    if row is None:
        row = FollowUp(id=row_id, trainee_id=trainee.id, workshop_id=workshop.id, period=period)
        session.add(row)
    else:
        revive(row)
    for key, value in cleaned.items():
        if getattr(row, key) != value:  # unchanged cells stay out of the sync log
            setattr(row, key, value)
    return row_id


def save_follow_up(
    ctx: AppContext,
    workshop_id: str,
    trainee_id: str,
    period: str,
    values: Mapping[str, object],
    *,
    today: dt.date | None = None,
) -> str:
    """Record (or correct) one follow-up; `values` are its fields (missing ones are cleared)."""
    day = today or dt.date.today()
    with ctx.unit_of_work() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        row_id = _write(session, workshop, trainee_id, period, values, day)
        session.flush()
        return row_id


def save_follow_ups(
    ctx: AppContext,
    workshop_id: str,
    rows: Sequence[tuple[str, str, Mapping[str, object]]],
    *,
    today: dt.date | None = None,
) -> int:
    """Record the rows (trainee id, period, values) of a table in one transaction: all or none."""
    day = today or dt.date.today()
    with ctx.unit_of_work() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        for trainee_id, period, values in rows:
            try:
                _write(session, workshop, trainee_id, period, values, day)
            except (ValidationError, NotFoundError) as exc:
                trainee = session.get(Trainee, trainee_id)
                who = trainee_name(trainee) if trainee is not None else trainee_id
                field = exc.field if isinstance(exc, ValidationError) else "trainee"
                raise RowValidationError(
                    _("{name}, {period}: {message}").format(
                        name=who, period=_period_label(str(period)), message=exc.message
                    ),
                    field,
                    trainee_id=trainee_id,
                    period=str(period),
                ) from exc
        session.flush()
    return len(rows)


def _info(
    row: FollowUp, trainee: Trainee | TraineeRow | None, workshop: Workshop | None
) -> FollowUpInfo:
    return FollowUpInfo(
        id=row.id,
        trainee_id=trainee.id if trainee is not None else row.trainee_id or "",
        trainee_name=trainee_name(trainee) if trainee is not None else "",
        chinese_name=trainee.chinese_name if trainee is not None else None,
        workshop_id=row.workshop_id or "",
        workshop_title=(workshop.title or "") if workshop is not None else "",
        period=row.period or "",
        date=row.date,
        monthly_income=row.monthly_income,
        currency=row.currency,
        employed_paid=row.employed_paid,
        employed_family=row.employed_family,
        units_sold=row.units_sold,
        main_price=row.main_price,
        new_markets=row.new_markets,
        notes=row.notes,
    )


def live_follow_ups(
    session: Session, *, workshop_id: str | None = None, trainee_id: str | None = None
) -> list[tuple[FollowUp, str]]:
    """Live follow-ups with the id of the trainee they count for, one per (workshop, trainee,
    period): the survivor's own row wins over a merged duplicate's."""
    query = select(FollowUp).where(FollowUp.cl % 2 == 1)
    if workshop_id is not None:
        query = query.where(FollowUp.workshop_id == workshop_id)
    if trainee_id is not None:
        query = query.where(FollowUp.trainee_id.in_(trainee_ids_of(session, trainee_id)))
    rows = list(session.scalars(query))
    survivors = survivor_map(session)
    best: dict[tuple[str, str, str], tuple[FollowUp, str]] = {}
    for row in rows:
        owner = survivors.get(row.trainee_id or "", row.trainee_id or "")
        key = (row.workshop_id or "", owner, row.period or "")
        current = best.get(key)
        if current is None or (row.trainee_id == owner, row.id) > (
            current[0].trainee_id == owner,
            current[0].id,
        ):
            best[key] = (row, owner)
    return list(best.values())


def list_follow_ups(
    ctx: AppContext, *, workshop_id: str | None = None, trainee_id: str | None = None
) -> list[FollowUpInfo]:
    """Recorded follow-ups, by workshop, trainee name and period (merged duplicates' included)."""
    with ctx.read() as session:
        found = live_follow_ups(session, workshop_id=workshop_id, trainee_id=trainee_id)
        trainees, _links = trainee_rows_with_survivors(session, {owner for _row, owner in found})
        workshop_ids = sorted({row.workshop_id for row, _owner in found if row.workshop_id})
        workshops = {
            w.id: w for w in session.scalars(select(Workshop).where(Workshop.id.in_(workshop_ids)))
        }
        infos = [
            _info(row, trainees.get(owner), workshops.get(row.workshop_id or ""))
            for row, owner in found
        ]
    sort_keys = {t.id: t.sort_key for t in trainees.values()}
    infos.sort(
        key=lambda i: (
            i.workshop_title,
            i.workshop_id,
            sort_keys.get(i.trainee_id, ""),
            i.trainee_id,
            PERIOD_ORDER.get(i.period, len(PERIOD_ORDER)),
        )
    )
    return infos


def follow_up_trainees(ctx: AppContext, workshop_id: str) -> list[tuple[str, str]]:
    """The trainees followed up in a workshop (not trainers, not withdrawn) as (id, name), in
    `list_enrolled`'s order and with its choice of survivor, read as light rows: for a
    workshop of thousands, ORM trainees took several times the memory."""
    with ctx.read() as session:
        enrolled = (
            session.execute(
                select(Enrollment.trainee_id, Enrollment.role, Enrollment.status)
                .join(Trainee, Trainee.id == Enrollment.trainee_id)
                .where(
                    Enrollment.workshop_id == workshop_id,
                    Enrollment.cl % 2 == 1,
                    Trainee.cl % 2 == 1,
                    Enrollment.status != EnrollmentStatus.WITHDRAWN.value,
                )
            )
            .tuples()
            .all()
        )
        rows, survivors = trainee_rows_with_survivors(session, {t for t, _r, _s in enrolled if t})
    best: dict[str, tuple[TraineeRow, str, str, bool]] = {}
    for trainee_id, role, status in enrolled:
        if trainee_id is None:  # the join keeps none: for the type checker
            continue
        own = trainee_id not in survivors
        shown = rows.get(survivors.get(trainee_id, trainee_id))
        if shown is None or not shown.alive:
            continue
        rank = (STATUS_RANK.get(status or "", 1), own)
        current = best.get(shown.id)
        if current is None or rank > (STATUS_RANK.get(current[2], 1), current[3]):
            best[shown.id] = (shown, role or "", status or "", own)
    chosen = [t for t, role, _s, _o in best.values() if role in ("", EnrollmentRole.TRAINEE.value)]
    chosen.sort(key=lambda t: (t.family_names or t.chinese_name or "", t.given_names or "", t.id))
    return [(t.id, display_name(t)) for t in chosen]


def delete_follow_up(ctx: AppContext, follow_up_id: str) -> None:
    """Mark a follow-up deleted (a tombstone that syncs; undo with `undelete_follow_up`)."""
    with ctx.unit_of_work() as session:
        soft_delete(get_live(session, FollowUp, follow_up_id, _("follow-up")))


def undelete_follow_up(ctx: AppContext, follow_up_id: str) -> None:
    """Bring a deleted follow-up back."""
    with ctx.unit_of_work() as session:
        row = session.get(FollowUp, follow_up_id)
        if row is None:
            raise NotFoundError(_("follow-up"), follow_up_id)
        revive(row)


def follow_up_schedule(ctx: AppContext, workshop_id: str) -> tuple[str, ...]:
    """Every period the workshop expects, baseline first ("baseline", "month_3", ...)."""
    with ctx.read() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        return schedule_periods(workshop.follow_up_schedule)


def set_follow_up_schedule(ctx: AppContext, workshop_id: str, periods: Iterable[str]) -> None:
    """Choose the follow-ups after the workshop's end (the baseline is always due)."""
    stored = clean_schedule(list(periods))
    with ctx.unit_of_work() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        if workshop.follow_up_schedule != stored:
            workshop.follow_up_schedule = stored
