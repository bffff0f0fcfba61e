"""The programme dashboard's figures for a filter: who was trained, attendance, outcomes.

One read, a handful of grouped queries (see dashboard_people, dashboard_attendance and
dashboard_outcomes) over covering indexes (migration 0004), so no query reads whole rows of the
big tables: 50,000 trainees with 150,000 follow-ups and 300,000 marks take about 0.6 s.
Figures nobody recorded are None ("missing"), never 0; amounts in different currencies are never
added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from otop_desktop.db.models import Certificate, Product, Workshop
from otop_desktop.domain.enums import FollowUpPeriod, Gender, ProductCategory
from otop_desktop.domain.outcome_stats import (
    AGE_BANDS,
    LATER_PERIODS,
    NOT_RECORDED,
    PERIODS,
    age_band,
    mean,
    median,
)
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _
from otop_desktop.i18n.formatting import country_name, label_of
from otop_desktop.services.common import country_code, currency_code
from otop_desktop.services.context import AppContext
from otop_desktop.services.dashboard_attendance import pooled_attendance
from otop_desktop.services.dashboard_outcomes import Converter, Outcomes, outcomes
from otop_desktop.services.dashboard_people import (
    LIVE,
    TRAINED,
    MergeGroups,
    in_list,
    merge_groups,
)


@dataclass(frozen=True)
class DashboardFilter:
    """Which workshops the figures are about, and the currency to convert amounts into."""

    country: str | None = None
    workshop_id: str | None = None
    start: dt.date | None = None  # workshops overlapping start..end
    end: dt.date | None = None
    currency: str | None = None  # None = figures per currency


@dataclass(frozen=True)
class CountBy:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    label: str
    value: float | None  # None = missing (nobody recorded it)
    n: int  # trainees counted


@dataclass(frozen=True)
class MoneySeries:
    currency: str
    converted: bool
    points: list[SeriesPoint]


@dataclass(frozen=True)
class DashboardFigures:
    trainees: int
    women: int
    by_gender: list[CountBy]
    by_age_band: list[CountBy]
    attendance_rate: float | None
    certificates: int
    income_change: list[MoneySeries]  # median change of monthly income from baseline
    employment: list[SeriesPoint]  # mean people employed (paid + family) per period
    units_sold: list[SeriesPoint]  # total units sold per period
    products_by_category: list[CountBy]
    products_by_country: list[CountBy]
    missing_baseline: int  # trainees with follow-ups but no baseline income
    unconverted: list[str]  # currencies left out for want of a rate (when converting)
    # Changes left out because the follow-up's currency is not the baseline's (per currency).
    mixed_currency: int = 0
    # Follow-ups with a value that cannot be right (negative, dated before the workshop, an
    # unknown currency): those values are left out.
    invalid_follow_ups: int = 0
    workshops: int = 0


_GENDERS = tuple(g.value for g in Gender)
# The first year of a trainee with no enrolment as a trainee (sorts after every year and '',
# the mark of an undated workshop).
_NOT_TRAINED = "x"
T = TypeVar("T")


def dashboard_figures(
    ctx: AppContext, flt: DashboardFilter, *, today: dt.date | None = None
) -> DashboardFigures:
    """Every figure of the dashboard for `flt` (sessions after `today` are not yet held)."""
    day = today or dt.date.today()
    target = currency_code(flt.currency)
    rates: Converter | None = None
    if target is not None:
        from otop_desktop.services.exchange_rates import RateTable

        rates = RateTable.load(ctx)
    with ctx.read() as session:
        workshops = _workshops(session, flt)
        ids = [w.id for w in workshops]
        groups = merge_groups(session, ids)
        skip = [*groups.involved, *_gone(session, ids, groups)]
        certificates = _certificates(session, ids, groups)
        categories, countries = _products(session, ids, everything=_unfiltered(flt))
    # The three grouped scans are independent, and SQLite (like psycopg) lets go of the GIL
    # while a query runs: on two cores they overlap, which is what brings the programme's
    # dashboard under half a second. Each reads in its own session; a write landing between
    # them shows on the next refresh, which that write triggers anyway.
    with ThreadPoolExecutor(max_workers=3) as pool:
        trained = pool.submit(_reading, ctx, _trained, workshops, groups, day)
        pooled = pool.submit(_reading, ctx, pooled_attendance, workshops, groups, day, skip)
        summed = pool.submit(_reading, ctx, outcomes, workshops, groups, skip, target, rates)
        gender, ages, _skip = trained.result()
        attended, listed = pooled.result()
        sums = summed.result()
    return DashboardFigures(
        trainees=sum(gender.values()),
        women=gender.get(Gender.FEMALE.value, 0),
        by_gender=[_count(k, _gender_label(k), gender.get(k, 0)) for k in (*_GENDERS, "")],
        by_age_band=[_count(key, _(label), ages.get(key, 0)) for key, _low, label in AGE_BANDS]
        + [_count(NOT_RECORDED, _("not recorded"), ages.get(NOT_RECORDED, 0))],
        attendance_rate=attended / listed if listed else None,
        certificates=certificates,
        income_change=_money_series(sums, target),
        employment=_series(sums.employment, PERIODS, average=True),
        units_sold=_series(sums.units, PERIODS, average=False),
        products_by_category=_sorted(
            _count(k or NOT_RECORDED, _label(ProductCategory, k), n) for k, n in categories
        ),
        products_by_country=_sorted(
            _count(k or NOT_RECORDED, country_name(k) if k else _("not recorded"), n)
            for k, n in countries
        ),
        missing_baseline=sums.missing_baseline,
        unconverted=sorted(sums.unconverted),
        mixed_currency=sums.mixed_currency,
        invalid_follow_ups=sums.invalid,
        workshops=len(ids),
    )


def filter_choices(ctx: AppContext) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(country code, name) of the countries with workshops, and (id, title) of the workshops."""
    with ctx.read() as session:
        rows = session.execute(
            select(Workshop.id, Workshop.title, Workshop.country, Workshop.start_date).where(
                Workshop.cl % 2 == 1
            )
        ).tuples()
        found = list(rows)
    codes = {c for _i, _t, c, _d in found if c}
    countries = sorted(((c, country_name(c)) for c in codes), key=lambda p: fold(p[1]))
    # The newest first: the workshops a trainer is following up now.
    found.sort(key=lambda r: (r[3] or dt.date.min, fold(r[1] or "")), reverse=True)
    return countries, [(i, t or "") for i, t, _c, _d in found]


def _unfiltered(flt: DashboardFilter) -> bool:
    return not (flt.country or flt.workshop_id or flt.start or flt.end)


def _workshops(session: Session, flt: DashboardFilter) -> list[Workshop]:
    """The live workshops of the filter."""
    query = select(Workshop).where(Workshop.cl % 2 == 1)
    country = country_code(flt.country)
    if country:
        query = query.where(Workshop.country == country)
    if flt.workshop_id:
        query = query.where(Workshop.id == flt.workshop_id)
    if flt.end is not None:
        query = query.where(Workshop.start_date <= flt.end)
    if flt.start is not None:
        # An undated end: the workshop lasted its start day.
        query = query.where(func.coalesce(Workshop.end_date, Workshop.start_date) >= flt.start)
    return list(session.scalars(query.order_by(Workshop.start_date, Workshop.id)))


def _trained(
    session: Session, workshops: list[Workshop], groups: MergeGroups, today: dt.date
) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Trainees trained (each once) by gender key ("" = not recorded) and by age band, and the
    ids the other grouped queries must skip (merged, or enrolled but deleted or missing)."""
    gender: dict[str, int] = {}
    ages: dict[str, int] = {}
    skip = list(groups.involved)
    if not workshops:
        return gender, ages, skip

    def add(sex: str | None, birth_year: int | None, year: int, count: int) -> None:
        key = sex if sex in _GENDERS else ""
        gender[key] = gender.get(key, 0) + count
        band = age_band(birth_year, year)
        ages[band] = ages.get(band, 0) + count

    # One pass over the live enrolments (the workshop first, so each is read once): grouped by
    # trainee (each counted once, with the start of their first workshop), then by kind. A
    # trainee whose row is deleted or missing comes out alone, by id, to be skipped elsewhere:
    # the other queries then need no look-up of the trainee row per mark or follow-up.
    for gone, sex, birth_year, first, count in session.execute(
        text(
            "SELECT p.gone, p.gender, p.birth_year, p.first, count(*) FROM ("
            "SELECT CASE WHEN t.id IS NULL OR t.cl % 2 = 0 THEN coalesce(e.trainee_id, '') "
            "END AS gone, t.gender AS gender, t.birth_year AS birth_year, "
            f"min(CASE WHEN {TRAINED} THEN coalesce(substr(w.start_date, 1, 4), '') "
            f"ELSE '{_NOT_TRAINED}' END) AS first "
            "FROM workshop w CROSS JOIN enrollment e LEFT JOIN trainee t ON t.id = e.trainee_id "
            f"WHERE w.id IN :workshops AND e.workshop_id = w.id AND {LIVE.format(alias='e')} "
            "AND e.trainee_id NOT IN :involved GROUP BY e.trainee_id, t.id"
            f") AS p WHERE p.first != '{_NOT_TRAINED}' OR p.gone IS NOT NULL "
            "GROUP BY p.gone, p.gender, p.birth_year, p.first"
        ).bindparams(in_list("workshops"), in_list("involved")),
        {"workshops": [w.id for w in workshops], "involved": groups.involved},
    ).tuples():
        if gone is not None:
            skip.append(gone)
        else:
            add(sex, birth_year, int(first) if first else today.year, count)
    first_year: dict[str, int] = {}
    for w in workshops:
        year = w.start_date.year if w.start_date else today.year
        for person in groups.people(w.id, active=True, trained=True):
            first_year[person] = min(year, first_year.get(person, year))
    for person, year in first_year.items():
        row = groups.rows[person]
        add(row.gender, row.birth_year, year, 1)
    return gender, ages, skip


def _reading(ctx: AppContext, work: Callable[..., T], *args: Any) -> T:
    """`work(session, *args)` in a reading session of its own (for a worker thread)."""
    with ctx.read() as session:
        return work(session, *args)


def _gone(session: Session, ids: list[str], groups: MergeGroups) -> list[str]:
    """Trainees enrolled in the workshops whose row is deleted or missing: skipped everywhere."""
    if not ids:
        return []
    return list(
        session.execute(
            text(
                "SELECT DISTINCT e.trainee_id FROM enrollment e "
                "LEFT JOIN trainee t ON t.id = e.trainee_id "
                f"WHERE e.workshop_id IN :workshops AND {LIVE.format(alias='e')} "
                "AND e.trainee_id NOT IN :involved AND (t.id IS NULL OR t.cl % 2 = 0)"
            ).bindparams(in_list("workshops"), in_list("involved")),
            {"workshops": ids, "involved": groups.involved},
        ).scalars()
    )


def _certificates(session: Session, ids: list[str], groups: MergeGroups) -> int:
    """Certificates issued in the workshops, one per person and workshop."""
    if not ids:
        return 0
    simple = session.execute(
        text(
            "SELECT count(*) FROM certificate c "
            f"WHERE c.workshop_id IN :workshops AND {LIVE.format(alias='c')} "
            "AND coalesce(c.issued_at, '') != '' AND c.trainee_id NOT IN :involved"
        ).bindparams(in_list("workshops"), in_list("involved")),
        {"workshops": ids, "involved": groups.involved},
    ).scalar_one()
    members = groups.involved
    merged: set[tuple[str, str]] = set()
    for start in range(0, len(members), 500):
        for w, t in session.execute(
            select(Certificate.workshop_id, Certificate.trainee_id).where(
                Certificate.workshop_id.in_(ids),
                Certificate.trainee_id.in_(members[start : start + 500]),
                Certificate.cl % 2 == 1,
                func.coalesce(Certificate.issued_at, "") != "",
            )
        ).tuples():
            merged.add((w or "", groups.final(t or "")))
    return int(simple) + len(merged)


def _products(
    session: Session, ids: list[str], *, everything: bool
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(category, count) and (origin country, count) of the live products of the workshops
    (of every product when nothing is filtered: some are recorded without a workshop)."""
    out: list[list[tuple[str, int]]] = []
    for column in (Product.category, Product.origin_country):
        query = select(column, func.count()).where(Product.cl % 2 == 1).group_by(column)
        if not everything:
            query = query.where(Product.workshop_id.in_(ids))
        out.append([(k or "", n) for k, n in session.execute(query).tuples()])
    return out[0], out[1]


def _count(key: str, label: str, count: int) -> CountBy:
    return CountBy(key or NOT_RECORDED, label, count)


def _gender_label(key: str) -> str:
    return label_of(Gender, key) if key else _("not recorded")


def _label(enum: type[ProductCategory], key: str) -> str:
    return label_of(enum, key) if key else _("not recorded")


def _sorted(items: Iterable[CountBy]) -> list[CountBy]:
    """Most first, then by label."""
    return sorted(items, key=lambda c: (-c.count, fold(c.label)))


def _period_label(period: str) -> str:
    return label_of(FollowUpPeriod, period)


def _series(
    table: dict[str, list[int]], periods: tuple[str, ...], *, average: bool
) -> list[SeriesPoint]:
    points = []
    for period in periods:
        total, n = table.get(period, [0, 0])
        value = mean(total, n) if average else (float(total) if n else None)
        points.append(SeriesPoint(period, _period_label(period), value, n))
    return points


def _money_series(sums: Outcomes, target: str | None) -> list[MoneySeries]:
    currencies = [target] if target else sorted(sums.changes)
    out = []
    for currency in currencies:
        by_period = sums.changes.get(currency, {})
        points = [
            SeriesPoint(
                p, _period_label(p), median(by_period.get(p, [])), len(by_period.get(p, []))
            )
            for p in LATER_PERIODS
        ]
        out.append(MoneySeries(currency, target is not None, points))
    return out


__all__ = [
    "CountBy",
    "DashboardFigures",
    "DashboardFilter",
    "MoneySeries",
    "SeriesPoint",
    "dashboard_figures",
    "filter_choices",
]
