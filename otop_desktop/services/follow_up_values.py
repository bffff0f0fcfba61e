"""The values of one follow-up as typed (form, table, CLI) checked and made ready to store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision

from otop_desktop.domain import validation as v
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.prices import parse_price
from otop_desktop.i18n import _, formatting, pgettext
from otop_desktop.services.common import currency_code

MONEY_FIELDS = ("monthly_income", "main_price")
COUNT_FIELDS = ("employed_paid", "employed_family", "units_sold")
TEXT_FIELDS = ("new_markets", "notes")
VALUE_FIELDS = ("date", *MONEY_FIELDS, "currency", *COUNT_FIELDS, *TEXT_FIELDS)
# Beyond this a count is a typing slip (and it must fit the database's integer).
_MAX_COUNT = 1_000_000_000


def field_labels() -> dict[str, str]:
    """The label of each follow-up field, in the current language (for messages and headers)."""
    return {
        "date": _("Date"),
        "monthly_income": _("Monthly income"),
        "currency": _("Currency"),
        "employed_paid": _("People employed (paid)"),
        "employed_family": _("People employed (family)"),
        "units_sold": _("Units sold"),
        "main_price": _("Price of the main product"),
        "new_markets": _("New markets or buyers"),
        "notes": _("Notes"),
        "period": pgettext("follow-up", "Period"),
    }


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _money(value: object, field: str, label: str) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):  # a checkbox value is no amount
        raise ValidationError(_("{field} must be a number.").format(field=label), field)
    amount: Decimal | None
    try:
        if isinstance(value, Decimal):
            amount = value
        elif isinstance(value, int):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(str(value))
        else:
            amount = parse_price(str(value))
    except (ValidationError, InvalidOperation):
        raise ValidationError(
            _("{field}: “{value}” is not a number; write it such as 1250 or 1250.50.").format(
                field=label, value=value
            ),
            field,
        ) from None
    if amount is None:
        return None
    if not amount.is_finite():
        raise ValidationError(_("{field} must be a number.").format(field=label), field)
    if amount < 0:
        raise ValidationError(_("{field} cannot be negative.").format(field=label), field)
    return amount


def _in_precision(amount: Decimal, currency: str, field: str, label: str) -> Decimal:
    digits = get_currency_precision(currency)
    step = Decimal(1).scaleb(-digits)
    if amount != amount.quantize(step):
        if digits == 0:
            message = _(
                "{field}: amounts in {currency} have no decimals ({amount} is not possible)."
            )
        else:
            message = _(
                "{field}: amounts in {currency} have at most {digits} decimals "
                "({amount} is not possible)."
            )
        raise ValidationError(
            message.format(field=label, currency=currency, digits=digits, amount=f"{amount:f}"),
            field,
        )
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -digits:
        return amount.quantize(step)  # "1500.00" TWD is stored as 1500
    return amount


def _count(value: object, field: str, label: str) -> int | None:
    if _blank(value):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, Decimal) and value == value.to_integral_value():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            number = None
    if number is None:
        raise ValidationError(
            _("{field}: “{value}” is not a whole number.").format(field=label, value=value), field
        )
    if number < 0:
        raise ValidationError(_("{field} cannot be negative.").format(field=label), field)
    if number > _MAX_COUNT:
        raise ValidationError(
            _("{field}: {value} is not plausible.").format(field=label, value=number), field
        )
    return number


def clean_values(
    values: Mapping[str, object],
    *,
    start: dt.date | None,
    today: dt.date,
    default_date: Callable[[], dt.date | None] | None = None,
) -> dict[str, Any]:
    """Every value column of a follow-up, checked; `start` is the workshop's first day."""
    labels = field_labels()
    unknown = sorted(set(values) - set(VALUE_FIELDS))
    if unknown:
        raise ValidationError(
            _("Unknown follow-up field: {name}").format(name=", ".join(unknown)), unknown[0]
        )
    out: dict[str, Any] = {}
    raw_date = values.get("date")
    day = v.parse_date(
        raw_date if isinstance(raw_date, (str, dt.date)) or raw_date is None else str(raw_date),
        "date",
        labels["date"],
    )
    if day is None and default_date is not None:
        day = default_date()
    if day is not None:
        if isinstance(day, dt.datetime):
            day = day.date()
        if start is not None and day < start:
            raise ValidationError(
                _(
                    "The follow-up date {date} comes before the workshop started ({start}): "
                    "a follow-up cannot be before enrolment."
                ).format(date=formatting.day(day), start=formatting.day(start)),
                "date",
            )
        if day > today:
            raise ValidationError(
                _("The follow-up date {date} is in the future.").format(date=formatting.day(day)),
                "date",
            )
    out["date"] = day
    currency_value = values.get("currency")
    currency = currency_code(None if _blank(currency_value) else str(currency_value), "currency")
    out["currency"] = currency
    for field in MONEY_FIELDS:
        amount = _money(values.get(field), field, labels[field])
        if amount is not None:
            if currency is None:
                raise ValidationError(
                    _("{field}: say in which currency (e.g. HNL, GTQ or TWD).").format(
                        field=labels[field]
                    ),
                    "currency",
                )
            amount = _in_precision(amount, currency, field, labels[field])
        out[field] = amount
    for field in COUNT_FIELDS:
        out[field] = _count(values.get(field), field, labels[field])
    for field in TEXT_FIELDS:
        raw = values.get(field)
        out[field] = v.optional_text(None if raw is None else str(raw), field, labels[field])
    return out
