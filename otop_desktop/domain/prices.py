"""Prices as people type them, checked against the minor units of their currency."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import (
    NumberFormatError,
    get_currency_precision,
    get_territory_currencies,
    parse_decimal,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.i18n.catalogs import babel_locale

# "1234.50" is read as plain decimal text in every language: what scripts and spreadsheets write.
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_price(text: str | None) -> Decimal | None:
    """An amount typed in the current language ("1.234,50" in es, "1,234.50" in en) or "25"."""
    cleaned = _SPACES.sub("", text or "")
    if not cleaned:
        return None
    try:
        return Decimal(parse_decimal(cleaned, locale=babel_locale(), strict=True))
    except (NumberFormatError, InvalidOperation):
        pass
    if _PLAIN.match(cleaned):
        return Decimal(cleaned)
    raise ValidationError(
        _("“{value}” is not a price; write a number such as 1250 or 1250.50.").format(value=text),
        "price",
    )


def to_price(value: object) -> Decimal | None:
    """A price from a Decimal, a number or typed text; None when empty."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):  # bool is an int; a checkbox value is no price
        raise ValidationError(_("The price must be a number."), "price")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return parse_price(str(value))


def currency_of_country(country: str | None) -> str | None:
    """The currency in use in `country` today (HN -> HNL, SV -> USD, TW -> TWD), or None."""
    if not country:
        return None
    found = get_territory_currencies(country, dt.date.today())
    return found[0] if found else None


def check_price(price: Decimal, currency: str) -> Decimal:
    """`price` when it is ≥ 0 and has no more decimals than `currency` has minor units."""
    if not price.is_finite() or price < 0:
        raise ValidationError(_("The price cannot be negative."), "price")
    digits = get_currency_precision(currency)
    step = Decimal(1).scaleb(-digits)
    if price != price.quantize(step):
        if digits == 0:
            message = _("Prices in {currency} have no decimals: {price} is not possible.")
        else:
            message = _(
                "Prices in {currency} have at most {digits} decimals: {price} is not possible."
            )
        raise ValidationError(
            message.format(currency=currency, digits=digits, price=format(price, "f")), "price"
        )
    exponent = price.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -digits:
        return price.quantize(step)  # "1500.00" guaraníes are stored as 1500
    return price
