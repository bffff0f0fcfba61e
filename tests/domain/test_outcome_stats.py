"""The pure arithmetic of the outcome figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from otop_desktop.domain.outcome_stats import (
    NOT_RECORDED,
    add_months,
    age_band,
    due_date,
    income_change,
    mean,
    median,
)


def test_median_odd_even_and_empty() -> None:
    assert median([5.0, -1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5  # (2 + 3) / 2
    assert median([Decimal("0.10"), Decimal("0.20")]) == pytest.approx(0.15)  # type: ignore[list-item]
    assert median([]) is None


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [
        (2009, "under_18"),  # 17 in 2026
        (2008, "18_29"),  # 18
        (1997, "18_29"),  # 29
        (1996, "30_44"),  # 30
        (1982, "30_44"),  # 44
        (1981, "45_59"),  # 45
        (1967, "45_59"),  # 59
        (1966, "60_plus"),  # 60
        (None, NOT_RECORDED),
        (2030, NOT_RECORDED),  # born after the workshop: a typing mistake
        (1890, NOT_RECORDED),  # 136
    ],
)
def test_age_band_at_the_workshop_year(birth_year: int | None, band: str) -> None:
    assert age_band(birth_year, 2026) == band


def test_change_and_mean_say_missing_not_zero() -> None:
    assert income_change(Decimal("3000"), Decimal("2500")) == Decimal("-500")
    assert income_change(None, Decimal("2500")) is None
    assert income_change(Decimal("3000"), None) is None
    assert mean(7, 2) == 3.5
    assert mean(0, 0) is None


def test_due_dates_months_after_the_end() -> None:
    start, end = dt.date(2025, 9, 1), dt.date(2025, 11, 30)
    assert due_date("baseline", start, end) == start
    assert due_date("month_3", start, end) == dt.date(2026, 2, 28)  # Nov 30 + 3 months
    assert due_date("month_12", start, None) == dt.date(2026, 9, 1)
    assert due_date("month_6", None, None) is None
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
