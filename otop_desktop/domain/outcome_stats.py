"""The arithmetic of the outcome figures: medians, age bands, change from baseline (no DB, no Qt).

Everything here is exact (Decimal in, float only at the end) and says "missing" with None: a
figure nobody recorded is never shown as 0.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from decimal import Decimal

from otop_desktop.domain.enums import FollowUpPeriod
from otop_desktop.i18n import N_

NOT_RECORDED = "not_recorded"

# Age bands of the dashboard, youngest first: (key, lowest age, untranslated label).
AGE_BANDS: tuple[tuple[str, int, str], ...] = (
    ("under_18", 0, N_("under 18")),
    ("18_29", 18, N_("18–29 (youth)")),
    ("30_44", 30, N_("30–44")),
    ("45_59", 45, N_("45–59")),
    ("60_plus", 60, N_("60 and over")),
)
# An age outside this range is a typing mistake in the birth year, not a trainee.
_OLDEST = 110

# Follow-up periods after the baseline, and how many months after the workshop's end each is due.
PERIOD_MONTHS: dict[str, int] = {
    FollowUpPeriod.MONTH_3.value: 3,
    FollowUpPeriod.MONTH_6.value: 6,
    FollowUpPeriod.MONTH_12.value: 12,
}
PERIODS: tuple[str, ...] = tuple(p.value for p in FollowUpPeriod)
LATER_PERIODS: tuple[str, ...] = tuple(PERIOD_MONTHS)


def median(values: Sequence[float]) -> float | None:
    """The median of `values` (the mean of the middle two for an even count); None when empty."""
    if not values:
        return None
    return float(statistics.median(values))


def age_band(birth_year: int | None, on_year: int) -> str:
    """The key of the age band of someone born in `birth_year`, in the year `on_year`."""
    if birth_year is None:
        return NOT_RECORDED
    age = on_year - birth_year
    if age < 0 or age > _OLDEST:
        return NOT_RECORDED
    band = NOT_RECORDED
    for key, lowest, _label in AGE_BANDS:
        if age >= lowest:
            band = key
    return band


def income_change(baseline: Decimal | None, later: Decimal | None) -> Decimal | None:
    """Later income minus baseline income, both in one currency; None when either is missing."""
    if baseline is None or later is None:
        return None
    return later - baseline


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, kept inside the month (Nov 30 + 3 months = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def due_date(period: str, start: dt.date | None, end: dt.date | None) -> dt.date | None:
    """When a follow-up of `period` is due: the baseline at the start, the others after the end."""
    if period == FollowUpPeriod.BASELINE.value:
        return start
    months = PERIOD_MONTHS.get(period)
    anchor = end or start
    if months is None or anchor is None:
        return None
    return add_months(anchor, months)


def mean(total: Decimal | int, count: int) -> float | None:
    """total / count as a float; None when nothing was counted."""
    return float(total) / count if count else None
