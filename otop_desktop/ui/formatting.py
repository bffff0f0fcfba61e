"""Values as the user reads them in the active language: countries, dates, numbers, labels."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from otop_desktop.i18n.catalogs import babel_locale

# CLDR territories that are groupings or placeholders, not countries a workshop is held in.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


def country_name(code: str | None) -> str:
    """The name of an ISO country code in the active language (the code if CLDR has none)."""
    if not code:
        return ""
    return str(babel_locale().territories.get(code, code))


def country_names() -> dict[str, str]:
    """Every two-letter country code with its name in the active language."""
    names = babel_locale().territories
    return {
        code: str(name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def day(value: dt.date | None) -> str:
    """A date in CLDR's medium format of the active language ("Sep 7, 2026", "7 sept 2026")."""
    if value is None:
        return ""
    return str(format_date(value, "medium", locale=babel_locale()))


def percent(rate: float | None) -> str:
    """A rate between 0 and 1 as a percentage ("92%", "92 %"); empty when unknown."""
    if rate is None:
        return ""
    return str(format_percent(rate, locale=babel_locale()))


def number(value: float | int | None) -> str:
    """A number with the grouping and decimal marks of the active language."""
    if value is None:
        return ""
    return str(format_decimal(value, locale=babel_locale()))


def label_of(enum: type[Enum], value: str | None) -> str:
    """The translated label of a stored enum value; the value itself if it is unknown."""
    if not value:
        return ""
    try:
        member = enum(value)
    except ValueError:
        return value
    label = getattr(member, "label", None)
    return str(label()) if callable(label) else value


def first_upper(text: str) -> str:
    """`text` with its first letter in capitals, as a table cell starts ("Pottery").

    Labels are kept lower-case in the catalogs because sentences use them too; scripts
    without case (Chinese) are unchanged.
    """
    return text[:1].upper() + text[1:]
