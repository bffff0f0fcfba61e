"""Follow-up schedules of workshops and the dates follow-ups fall due."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from otop_desktop.domain.enums import FollowUpPeriod
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _

# Periods a workshop may schedule after its end date; the baseline is always due.
LATER_PERIODS: tuple[str, ...] = (
    FollowUpPeriod.MONTH_3.value,
    FollowUpPeriod.MONTH_6.value,
    FollowUpPeriod.MONTH_12.value,
)
ALL_PERIODS: tuple[str, ...] = (FollowUpPeriod.BASELINE.value, *LATER_PERIODS)
MONTHS_AFTER: dict[str, int] = {"month_3": 3, "month_6": 6, "month_12": 12}


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved `months` later, the day clamped to the month's length (31 Aug + 6 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def parse_period(value: object, field: str = "period") -> str:
    """A follow-up period: baseline, month_3, month_6 or month_12 (also 3, 6, 12)."""
    text = str(value or "").strip().lower().replace("-", "_")
    if text in {"3", "6", "12"}:
        text = "month_" + text
    if text not in ALL_PERIODS:
        raise ValidationError(
            _(
                "“{value}” is not a follow-up period; use baseline, month_3, month_6 or month_12."
            ).format(value=value),
            field,
        )
    return text


def clean_schedule(value: str | Iterable[str] | None) -> str | None:
    """A workshop's schedule as stored: a comma list in period order, or None for all three."""
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    chosen: set[str] = set()
    for part in parts:
        if not str(part).strip():
            continue
        period = parse_period(part, "follow_up_schedule")
        if period == FollowUpPeriod.BASELINE.value:
            continue  # always due: naming it changes nothing
        chosen.add(period)
    if not chosen:
        if isinstance(value, str) and not value.strip():
            return None  # an empty field means the default schedule
        raise ValidationError(
            _("Choose at least one follow-up after the workshop: 3, 6 or 12 months."),
            "follow_up_schedule",
        )
    if chosen == set(LATER_PERIODS):
        return None
    return ",".join(p for p in LATER_PERIODS if p in chosen)


def schedule_periods(stored: str | None) -> tuple[str, ...]:
    """Every period a workshop with the stored schedule expects, baseline first."""
    if not stored:
        return ALL_PERIODS
    names = {p.strip() for p in stored.split(",")}
    later = tuple(p for p in LATER_PERIODS if p in names)
    # A schedule naming nothing known (a newer app's period) falls back to the default.
    return (FollowUpPeriod.BASELINE.value, *(later or LATER_PERIODS))


def due_date(period: str, start: dt.date | None, end: dt.date | None) -> dt.date | None:
    """When `period` falls due: the baseline at the start, month_N N months after the end."""
    if period == FollowUpPeriod.BASELINE.value:
        return start
    anchor = end or start
    if anchor is None:
        return None
    return add_months(anchor, MONTHS_AFTER[period])
