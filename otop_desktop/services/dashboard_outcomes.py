"""Follow-up figures of many workshops at once: income change, employment, units sold.

Counted for every trainee trained in a selected workshop (one series entry per workshop and
trainee). A value that cannot be right is left out and counted, never read as 0: a negative
amount or count, a follow-up dated before its workshop's start, an income without a known
currency. Income changes are taken in one currency only: the baseline's, or `target` with the
coordinator's rates (each amount at its own date); nothing in two currencies is ever subtracted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
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
    COUNTED,
    LIVE,
    TRAINED,
    MergeGroups,
    in_list,
    joined,
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


# The follow-ups `f` of simple trainees trained in their workshop `w`: the workshop first (read
# once), its follow-ups in (period, currency) order from their covering index, each checked
# against the enrolments' covering index; no trainee row is read (bind `skip`, see COUNTED).
# Each (workshop, trainee, period) has one row: the id is made of them (follow_up_id).
_FROM = "FROM workshop w CROSS JOIN follow_up f CROSS JOIN enrollment e "
_WHERE = (
    f"WHERE w.id IN :workshops AND f.workshop_id = w.id AND {LIVE.format(alias='f')} "
    "AND e.workshop_id = f.workshop_id AND e.trainee_id = f.trainee_id "
    f"AND {LIVE.format(alias='e')} AND {TRAINED} AND {COUNTED.format(column='f.trainee_id')} "
)
_GROUPS = "GROUP BY w.id, f.period, f.currency"
_DATED_OK = "({a}.date IS NULL OR w.start_date IS NULL OR {a}.date >= w.start_date)"
_INCOME_OK = "({a}.monthly_income IS NOT NULL AND CAST({a}.monthly_income AS REAL) >= 0)"
_BAD = (
    f"(NOT {_DATED_OK.format(a='f')} OR f.employed_paid < 0 OR f.employed_family < 0 "
    "OR f.units_sold < 0 OR CAST(f.monthly_income AS REAL) < 0)"
)
_EMPLOYED = "f.employed_paid >= 0 AND f.employed_family >= 0"
# The sums per group, for every follow-up and again for the invalid ones (then subtracted:
# testing validity in the big query, once per sum, would cost more than the second, small one).
_SUMS = (
    "count(f.monthly_income), "
    f"sum(CASE WHEN {_EMPLOYED} THEN f.employed_paid + f.employed_family END), "
    f"count(CASE WHEN {_EMPLOYED} THEN 1 END), "
    "sum(CASE WHEN f.units_sold >= 0 THEN f.units_sold END), "
    "count(CASE WHEN f.units_sold >= 0 THEN 1 END)"
)
# The valid baseline `b` of a later follow-up `f` (NULLs when there is none).
_BASELINE = (
    "LEFT JOIN follow_up b ON f.period != :baseline AND b.workshop_id = f.workshop_id "
    "AND b.trainee_id = f.trainee_id AND b.period = :baseline "
    f"AND {LIVE.format(alias='b')} AND {_INCOME_OK.format(a='b')} AND {_DATED_OK.format(a='b')} "
)
_LATER_OK = f"{_INCOME_OK.format(a='f')} AND {_DATED_OK.format(a='f')}"
# A later follow-up without a baseline, counted once per trainee and workshop: at the first
# later period recorded.
_MISSING = (
    "count(CASE WHEN b.cl IS NULL AND f.period != :baseline THEN CASE WHEN NOT EXISTS ("
    "SELECT 1 FROM follow_up o WHERE o.workshop_id = f.workshop_id "
    "AND o.trainee_id = f.trainee_id AND o.period != :baseline AND o.period < f.period "
    f"AND {LIVE.format(alias='o')}) THEN 1 END END)"
)


def outcomes(
    session: Session,
    workshops: Sequence[Workshop],
    groups: MergeGroups,
    skip: list[str],
    target: str | None,
    rates: Converter | None,
) -> Outcomes:
    """The follow-up sums of the trainees trained in `workshops` (`skip`: the trainee ids the
    grouped SQL leaves out, see dashboard._trained)."""
    out = Outcomes()
    ids = [w.id for w in workshops]
    if not ids:
        return out
    params = {"workshops": ids, "skip": skip, "baseline": BASELINE}
    binds = (in_list("workshops"), in_list("skip"))
    converting = target is not None and rates is not None
    # Per currency, the changes from a baseline in the same currency, joined into one text
    # (fetching 100,000 rows costs more than parsing them), and the baseline currencies of
    # those in another.
    changes = (
        ""
        if converting
        else ", "
        + joined(
            session,
            f"CASE WHEN b.cl IS NULL THEN NULL WHEN b.currency = f.currency AND {_LATER_OK} "
            "THEN CAST(f.monthly_income AS REAL) - CAST(b.monthly_income AS REAL) END",
        )
        + ", "
        + joined(
            session,
            "CASE WHEN b.cl IS NULL OR b.currency = f.currency THEN NULL "
            f"WHEN {_LATER_OK} THEN b.currency END",
        )
    )
    totals: dict[tuple[str, str | None], list[int]] = {}
    for _w, period, currency, *sums in session.execute(
        text(
            f"SELECT w.id, f.period, f.currency, {_SUMS}, {_MISSING}{changes} "
            f"{_FROM}{_BASELINE}{_WHERE}{_GROUPS}"
        ).bindparams(*binds),
        params,
    ).tuples():
        key = (period or "", currency)
        _accumulate(totals, key, sums[:5], 1)
        out.missing_baseline += sums[5]
        if not converting and _known(currency):
            same, other = sums[6], sums[7]
            if same:
                found = out.changes.setdefault(currency or "", {}).setdefault(key[0], [])
                found.extend(map(float, same.split(",")))
            if other:
                out.mixed_currency += sum(1 for c in other.split(",") if _known(c))
    for _w, period, currency, rows, *sums in session.execute(
        text(
            f"SELECT w.id, f.period, f.currency, count(*), {_SUMS} "
            f"{_FROM}{_WHERE}AND {_BAD} {_GROUPS}"
        ).bindparams(*binds),
        params,
    ).tuples():
        _accumulate(totals, (period or "", currency), sums, -1)
        out.invalid += rows
    for (period, currency), (incomes, emp, emp_n, units, units_n) in totals.items():
        if incomes and currency not in _KNOWN:
            out.invalid += incomes
        if emp_n:
            out.add(out.employment, period, emp, emp_n)
        if units_n:
            out.add(out.units, period, units, units_n)
    if converting:
        _converted_changes(session, out, params, target or "", rates)
    _merged(session, workshops, groups, out, target if converting else None, rates)
    return out


def _accumulate(
    totals: dict[tuple[str, str | None], list[int]],
    key: tuple[str, str | None],
    sums: Sequence[int | None],
    sign: int,
) -> None:
    entry = totals.setdefault(key, [0] * len(sums))
    for index, value in enumerate(sums):
        entry[index] += sign * (value or 0)


def _converted_changes(
    session: Session,
    out: Outcomes,
    params: Mapping[str, object],
    target: str,
    rates: Converter | None,
) -> None:
    """Changes from baseline in `target`, each amount converted at its own date."""
    for period, b_cur, f_cur, b_inc, f_inc, b_day, f_day, start, end in session.execute(
        text(
            "SELECT f.period, b.currency, f.currency, b.monthly_income, f.monthly_income, "
            f"b.date, f.date, w.start_date, w.end_date {_FROM}"
            "CROSS JOIN follow_up b "
            f"{_WHERE}AND f.period != :baseline AND b.workshop_id = f.workshop_id "
            "AND b.trainee_id = f.trainee_id AND b.period = :baseline "
            f"AND {LIVE.format(alias='b')} AND {_LATER_OK} AND {_INCOME_OK.format(a='b')} "
            f"AND {_DATED_OK.format(a='b')}"
        ).bindparams(in_list("workshops"), in_list("skip")),
        params,
    ).tuples():
        _change_converted(
            out,
            period,
            (_amount(b_inc), b_cur, _day(b_day) or due_date(BASELINE, *_span(start, end))),
            (_amount(f_inc), f_cur, _day(f_day) or due_date(period, *_span(start, end))),
            target,
            rates,
        )


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
