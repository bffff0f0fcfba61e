"""Exchange rates the coordinator enters, dated: amounts are converted with them, never summed raw.

A rate's id is the uuid5 of (currency, target, valid_from): entering the same dated rate again
corrects it, and two laptops entering it meet in one row.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from otop_desktop.db.models import ExchangeRate
from otop_desktop.domain import validation as v
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.services.common import currency_code, get_live, revive, soft_delete
from otop_desktop.services.context import AppContext

# Beyond this a rate is a typing slip (the widest real pair, e.g. VND per KWD, is below it).
_MAX_RATE = Decimal(10) ** 9


@dataclass(frozen=True)
class RateInfo:
    id: str
    currency: str
    target_currency: str
    rate: Decimal
    valid_from: dt.date
    note: str | None


def rate_id(currency: str, target_currency: str, valid_from: dt.date) -> str:
    """The id of the rate of a pair from a date: equal on every laptop."""
    return pair_id("exchange-rate", f"{currency}:{target_currency}", valid_from.isoformat())


def _rate_value(value: Decimal | str | float | int) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        rate = Decimal(str(value).strip().replace(",", ".")) if value != "" else Decimal("nan")
    except InvalidOperation:
        raise ValidationError(
            _("The rate “{value}” is not a number; write it such as 0.0405 or 24.6.").format(
                value=value
            ),
            "rate",
        ) from None
    if not rate.is_finite() or rate <= 0 or rate > _MAX_RATE:
        raise ValidationError(_("The rate must be a number greater than 0."), "rate")
    return rate


def save_rate(
    ctx: AppContext,
    currency: str,
    target_currency: str,
    rate: Decimal | str,
    valid_from: dt.date | str,
    note: str | None = None,
) -> str:
    """Record that 1 `currency` = `rate` `target_currency` from `valid_from` on; returns its id."""
    source = currency_code(currency, "currency")
    target = currency_code(target_currency, "target_currency")
    if source is None:
        raise ValidationError(_("Currency is required."), "currency")
    if target is None:
        raise ValidationError(_("Target currency is required."), "target_currency")
    if source == target:
        raise ValidationError(
            _("A rate converts between two different currencies."), "target_currency"
        )
    value = _rate_value(rate)
    day = v.parse_date(valid_from, "valid_from", _("Valid from"))
    if day is None:
        raise ValidationError(_("{field} is required.").format(field=_("Valid from")), "valid_from")
    text = v.optional_text(note, "note", _("Note"))
    row_id = rate_id(source, target, day)
    with ctx.unit_of_work() as session:
        row = session.get(ExchangeRate, row_id)
        if row is None:
            session.add(
                ExchangeRate(
                    id=row_id,
                    currency=source,
                    target_currency=target,
                    rate=value,
                    valid_from=day,
                    note=text,
                )
            )
        else:
            revive(row)
            if row.rate != value:
                row.rate = value
            if row.note != text:
                row.note = text
    return row_id


def _info(row: ExchangeRate) -> RateInfo | None:
    if not (row.currency and row.target_currency and row.rate and row.valid_from):
        return None  # a row still arriving by sync: not usable yet
    return RateInfo(
        id=row.id,
        currency=row.currency,
        target_currency=row.target_currency,
        rate=row.rate,
        valid_from=row.valid_from,
        note=row.note,
    )


def list_rates(ctx: AppContext) -> list[RateInfo]:
    """Every rate entered, by pair then date."""
    with ctx.read() as session:
        rows = session.scalars(select(ExchangeRate).where(ExchangeRate.cl % 2 == 1)).all()
        infos = [info for row in rows if (info := _info(row)) is not None]
    infos.sort(key=lambda r: (r.currency, r.target_currency, r.valid_from))
    return infos


def delete_rate(ctx: AppContext, rate_id: str) -> None:
    """Mark a rate deleted (syncs; undo with `undelete_rate`)."""
    with ctx.unit_of_work() as session:
        soft_delete(get_live(session, ExchangeRate, rate_id, _("exchange rate")))


def undelete_rate(ctx: AppContext, rate_id: str) -> None:
    """Bring a deleted rate back."""
    with ctx.unit_of_work() as session:
        row = session.get(ExchangeRate, rate_id)
        if row is None:
            raise NotFoundError(_("exchange rate"), rate_id)
        revive(row)


class RateTable:
    """Every rate, loaded once: many conversions without a query each (the dashboard)."""

    def __init__(self, rates: list[RateInfo]) -> None:
        pairs: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = {}
        for r in sorted(rates, key=lambda r: r.valid_from):
            pairs.setdefault((r.currency, r.target_currency), []).append((r.valid_from, r.rate))
        self._dates = {pair: [d for d, _r in rows] for pair, rows in pairs.items()}
        self._rates = {pair: [r for _d, r in rows] for pair, rows in pairs.items()}

    @classmethod
    def load(cls, ctx: AppContext) -> RateTable:
        """The table of every rate in the database."""
        return cls(list_rates(ctx))

    def _newest(self, pair: tuple[str, str], on: dt.date) -> tuple[dt.date, Decimal] | None:
        dates = self._dates.get(pair)
        if not dates:
            return None
        index = bisect.bisect_right(dates, on) - 1
        if index < 0:
            return None  # before the first rate of the pair: no rate, not the oldest one
        return dates[index], self._rates[pair][index]

    def _pick(self, currency: str, target: str, on: dt.date) -> tuple[Decimal, bool] | None:
        """The rate to use and whether it is the reverse pair's (to divide by)."""
        direct = self._newest((currency, target), on)
        inverse = self._newest((target, currency), on)
        # The newer of the two entries wins; on the same day the one entered this way round.
        if direct is not None and (inverse is None or direct[0] >= inverse[0]):
            return direct[1], False
        if inverse is not None:
            return inverse[1], True
        return None

    def rate(self, currency: str, target: str, on: dt.date) -> Decimal | None:
        """How many `target` one `currency` is worth on `on`, or None when no rate applies."""
        if currency == target:
            return Decimal(1)
        picked = self._pick(currency, target, on)
        if picked is None:
            return None
        return Decimal(1) / picked[0] if picked[1] else picked[0]

    def convert(self, amount: Decimal, currency: str, target: str, on: dt.date) -> Decimal | None:
        """`amount` in `currency` as `target` with the rate valid on `on`; None when none is."""
        if currency == target:
            return amount
        picked = self._pick(currency, target, on)
        if picked is None:
            return None
        # Dividing by the reverse rate (not multiplying by its inverse) keeps 75 / 7.5 exact.
        return amount / picked[0] if picked[1] else amount * picked[0]
