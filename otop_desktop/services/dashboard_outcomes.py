"""Follow-up figures of many workshops at once: income change, employment, units sold.

Counted for every trainee trained in a selected workshop (one series entry per workshop and
trainee). A value that cannot be right is left out and counted, never read as 0: a negative
amount or count, a follow-up dated before its workshop's start, an income without a known
currency. Income changes are taken in one currency only: the baseline's, or `target` with the
coordinator's rates (each amount at its own date); nothing in two currencies is ever subtracted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from babel import Locale
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from otop_desktop.db.models import FollowUp, Workshop
from otop_desktop.domain.enums import FollowUpPeriod
from otop_desktop.domain.outcome_stats import due_date
from otop_desktop.services.dashboard_people import (
    LIVE,
    SIMPLE,
    TRAINED,
    MergeGroups,
    in_list,
    unique,
)

_CHUNK = 500
_KNOWN = frozenset(Locale.parse("en").currencies)
BASELINE = FollowUpPeriod.BASELINE.value


class Converter(Protocol):
    """What converts amounts (services.exchange_rates.RateTable)."""

    def convert(
        self, amount: Decimal, currency: str, target: str, on: dt.date
    ) -> Decimal | None: ...


@dataclass
class Outcomes:
    """Sums and lists per period, before the medians and means are taken."""

    employment: dict[str, list[int]] = field(default_factory=dict)  # period -> [sum, n]
    units: dict[str, list[int]] = field(default_factory=dict)
    changes: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # currency ->
    missing_baseline: int = 0
    mixed_currency: int = 0
    invalid: int = 0
    unconverted: set[str] = field(default_factory=set)

    def add(self, table: dict[str, list[int]], period: str, value: int, n: int = 1) -> None:
        entry = table.setdefault(period, [0, 0])
        entry[0] += value
        entry[1] += n


# The joins that keep a follow-up `f` of a simple trainee trained in its workshop `w`.
_FROM = (
    "FROM follow_up f "
    "JOIN enrollment e ON e.trainee_id = f.trainee_id AND e.workshop_id || '' = f.workshop_id "
    "JOIN trainee t ON t.id = f.trainee_id "
    "JOIN workshop w ON w.id = f.workshop_id "
)
_WHERE = (
    f"WHERE f.workshop_id IN :workshops AND {LIVE.format(alias='f')} "
    f"AND {LIVE.format(alias='e')} AND {TRAINED} AND {LIVE.format(alias='t')} AND {SIMPLE} "
)
_DATED_OK = "({a}.date IS NULL OR w.start_date IS NULL OR {a}.date >= w.start_date)"
_INCOME_OK = "({a}.monthly_income IS NOT NULL AND CAST({a}.monthly_income AS REAL) >= 0)"
_BAD = (
    f"(NOT {_DATED_OK.format(a='f')} OR f.employed_paid < 0 OR f.employed_family < 0 "
    "OR f.units_sold < 0 OR CAST(f.monthly_income AS REAL) < 0)"
)
_EMPLOYED = "f.employed_paid >= 0 AND f.employed_family >= 0"


def outcomes(
    session: Session,
    workshops: Sequence[Workshop],
    groups: MergeGroups,
    target: str | None,
    rates: Converter | None,
) -> Outcomes:
    """The follow-up sums of the trainees trained in `workshops`."""
    out = Outcomes()
    ids = [w.id for w in workshops]
    if not ids:
        return out
    params = {"workshops": ids, "involved": groups.involved}
    for period, currency, bad, count, incomes, emp, emp_n, units, units_n in session.execute(
        text(
            f"SELECT f.period, f.currency, {_BAD}, count(*), "
            "count(f.monthly_income), "
            f"sum(CASE WHEN {_EMPLOYED} THEN f.employed_paid + f.employed_family END), "
            f"count(CASE WHEN {_EMPLOYED} THEN 1 END), "
            "sum(CASE WHEN f.units_sold >= 0 THEN f.units_sold END), "
            "count(CASE WHEN f.units_sold >= 0 THEN 1 END) "
            f"{_FROM}{_WHERE}GROUP BY f.period, f.currency, {_BAD}"
        ).bindparams(in_list("workshops"), in_list("involved")),
        params,
    ).tuples():
        if bad:
            out.invalid += count
            continue
        if incomes and currency not in _KNOWN:
            out.invalid += incomes
        if emp_n:
            out.add(out.employment, period or "", emp or 0, emp_n)
        if units_n:
            out.add(out.units, period or "", units or 0, units_n)
    converting = target is not None and rates is not None
    columns = (
        "f.period, b.currency, f.currency, b.monthly_income, f.monthly_income, "
        "b.date, f.date, w.start_date, w.end_date"
        if converting
        else "f.period, b.currency, f.currency, "
        "CAST(f.monthly_income AS REAL) - CAST(b.monthly_income AS REAL)"
    )
    changes = session.execute(
        text(
            f"SELECT {columns} {_FROM}"
            "JOIN follow_up b "
            "ON b.trainee_id = f.trainee_id AND b.workshop_id || '' = f.workshop_id "
            f"{_WHERE}AND f.period != :baseline AND b.period = :baseline "
            f"AND {LIVE.format(alias='b')} AND {_INCOME_OK.format(a='f')} "
            f"AND {_INCOME_OK.format(a='b')} AND {_DATED_OK.format(a='f')} "
            f"AND {_DATED_OK.format(a='b')}"
        ).bindparams(in_list("workshops"), in_list("involved")),
        {**params, "baseline": BASELINE},
    ).tuples()
    if converting:
        for period, b_cur, f_cur, b_inc, f_inc, b_day, f_day, start, end in changes:
            _change_converted(
                out,
                period,
                (_amount(b_inc), b_cur, _day(b_day) or due_date(BASELINE, *_span(start, end))),
                (_amount(f_inc), f_cur, _day(f_day) or due_date(period, *_span(start, end))),
                target or "",
                rates,
            )
    else:
        for period, b_cur, f_cur, change in changes:
            _change_same(out, period, b_cur, f_cur, float(change))
    out.missing_baseline = session.execute(
        text(
            "SELECT count(*) FROM (SELECT DISTINCT f.workshop_id, f.trainee_id "
            f"{_FROM}{_WHERE}AND f.period != :baseline AND NOT EXISTS (SELECT 1 FROM follow_up b "
            "WHERE b.trainee_id = f.trainee_id AND b.workshop_id || '' = f.workshop_id "
            f"AND b.period = :baseline AND {LIVE.format(alias='b')} "
            f"AND {_INCOME_OK.format(a='b')} AND {_DATED_OK.format(a='b')})) AS missing"
        ).bindparams(in_list("workshops"), in_list("involved")),
        {**params, "baseline": BASELINE},
    ).scalar_one()
    _merged(session, workshops, groups, out, target if converting else None, rates)
    return out


def _known(currency: str | None) -> bool:
    return currency is not None and currency in _KNOWN


def _change_same(
    out: Outcomes, period: str, b_cur: str | None, f_cur: str | None, change: float
) -> None:
    if not (_known(b_cur) and _known(f_cur)):
        return  # counted as invalid by the first query
    if b_cur != f_cur:
        out.mixed_currency += 1
        return
    out.changes.setdefault(b_cur or "", {}).setdefault(period, []).append(change)


def _change_converted(
    out: Outcomes,
    period: str,
    baseline: tuple[Decimal | None, str | None, dt.date | None],
    later: tuple[Decimal | None, str | None, dt.date | None],
    target: str,
    rates: Converter | None,
) -> None:
    values: list[Decimal] = []
    for amount, currency, day in (baseline, later):
        if amount is None or not _known(currency) or rates is None:
            return
        value = amount if currency == target else None
        if value is None and day is not None:
            value = rates.convert(amount, currency or "", target, day)
        if value is None:
            out.unconverted.add(currency or "")
            return
        values.append(value)
    out.changes.setdefault(target, {}).setdefault(period, []).append(float(values[1] - values[0]))


def _amount(raw: object) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def _day(raw: object) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        return None


def _span(start: object, end: object) -> tuple[dt.date | None, dt.date | None]:
    return _day(start), _day(end)


def _merged(
    session: Session,
    workshops: Sequence[Workshop],
    groups: MergeGroups,
    out: Outcomes,
    target: str | None,
    rates: Converter | None,
) -> None:
    """The follow-ups of merge groups, as their survivor's (the survivor's own row first)."""
    members = unique(groups.all_members())
    if not members:
        return
    by_id = {w.id: w for w in workshops}
    trained = {w.id: groups.people(w.id, active=True, trained=True) for w in workshops}
    chosen: dict[tuple[str, str, str], FollowUp] = {}
    for start in range(0, len(members), _CHUNK):
        for row in session.scalars(
            select(FollowUp).where(
                FollowUp.trainee_id.in_(members[start : start + _CHUNK]),
                FollowUp.workshop_id.in_(list(by_id)),
                FollowUp.cl % 2 == 1,
            )
        ):
            final = groups.final(row.trainee_id or "")
            w = row.workshop_id or ""
            if final not in trained.get(w, set()) or not groups.counts(row.trainee_id or ""):
                continue
            key = (w, final, row.period or "")
            rank = (row.trainee_id == final, row.date or dt.date.min, row.id)
            old = chosen.get(key)
            if old is None or rank > (old.trainee_id == final, old.date or dt.date.min, old.id):
                chosen[key] = row
    pairs: dict[tuple[str, str], dict[str, FollowUp]] = {}
    for (w, final, period), row in chosen.items():
        pairs.setdefault((w, final), {})[period] = _checked(row, by_id[w], out)
    for (w, _final), rows in pairs.items():
        _pair(out, by_id[w], rows, target, rates)


def _checked(row: FollowUp, workshop: Workshop, out: Outcomes) -> FollowUp:
    """`row`, counted as invalid if some value is (the callers skip those values)."""
    start = workshop.start_date
    numbers = (row.employed_paid, row.employed_family, row.units_sold, row.monthly_income)
    if (row.date and start and row.date < start) or any(n is not None and n < 0 for n in numbers):
        out.invalid += 1
    elif row.monthly_income is not None and not _known(row.currency):
        out.invalid += 1
    return row


def _usable(row: FollowUp | None, workshop: Workshop) -> bool:
    start = workshop.start_date
    return row is not None and not (row.date and start and row.date < start)


def _pair(
    out: Outcomes,
    workshop: Workshop,
    rows: dict[str, FollowUp],
    target: str | None,
    rates: Converter | None,
) -> None:
    """One merged trainee's follow-ups in one workshop, added to the sums."""
    rows = {p: r for p, r in rows.items() if _usable(r, workshop)}
    for period, row in rows.items():
        paid, family, units = row.employed_paid, row.employed_family, row.units_sold
        if paid is not None and family is not None and paid >= 0 and family >= 0:
            out.add(out.employment, period, paid + family)
        if units is not None and units >= 0:
            out.add(out.units, period, units)
    base = rows.get(BASELINE)
    base_ok = base is not None and base.monthly_income is not None and base.monthly_income >= 0
    later = [r for p, r in rows.items() if p != BASELINE]
    if later and not base_ok:
        out.missing_baseline += 1
    if base is None or not base_ok:
        return
    span = (workshop.start_date, workshop.end_date)
    for row in later:
        if row.monthly_income is None or row.monthly_income < 0:
            continue
        period = row.period or ""
        if target is not None:
            _change_converted(
                out,
                period,
                (base.monthly_income, base.currency, base.date or due_date(BASELINE, *span)),
                (row.monthly_income, row.currency, row.date or due_date(period, *span)),
                target,
                rates,
            )
        else:
            change = float((row.monthly_income or 0) - (base.monthly_income or 0))
            _change_same(out, period, base.currency, row.currency, change)
