"""Values as people read them in the active language: countries, dates, numbers, money, labels.

One module for the window, the command line and the PDFs (no Qt here), all from Babel's CLDR
data: "7 sept 2026" in Spanish, "2026年9月7日" in Chinese, "L 1,250.00" for lempiras.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from babel import Locale, localedata
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal, format_percent

from otop_desktop.i18n import _
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


def moment(value: dt.datetime | None) -> str:
    """A date and time in this laptop's time zone ("Sep 7, 2026, 2:05 PM"); naive means UTC.

    Seconds are left out: people compare edits and bundles by the minute.
    """
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone()
    locale = babel_locale()
    pattern = str(get_datetime_format("medium", locale=locale))
    date_text = str(format_date(local, "medium", locale=locale))
    time_text = str(format_time(local, "short", locale=locale))
    return pattern.replace("{1}", date_text).replace("{0}", time_text)


def moment_ms(ms: int | None) -> str:
    """`moment` of milliseconds since 1970 (the wall time in sync stamps)."""
    if not ms:
        return ""
    return moment(dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc))


def moment_iso(text: str | None) -> str:
    """`moment` of stored ISO text ("2026-09-07T14:05:00+00:00"); unreadable text as it is."""
    if not text:
        return ""
    try:
        return moment(dt.datetime.fromisoformat(text))
    except ValueError:
        return text


def short_id(record_id: str | None) -> str:
    """The end of an id, enough to tell records apart (ids start with their creation time)."""
    if not record_id:
        return ""
    return record_id if len(record_id) <= 10 else "…" + record_id[-8:]


def value(raw: Any) -> str:
    """A stored field value as text: yes/no for flags, nothing for an empty value."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    if isinstance(raw, float):
        return number(raw)
    return str(raw)  # integers too: a birth year is not written "1,985"


def percent(rate: float | None) -> str:
    """A rate between 0 and 1 as a percentage ("92%", "92 %"); empty when unknown."""
    if rate is None:
        return ""
    return str(format_percent(rate, locale=babel_locale()))


def number(value: Decimal | float | int | None) -> str:
    """A number with the grouping and decimal marks of the active language."""
    if value is None:
        return ""
    return str(format_decimal(value, locale=babel_locale()))


def regional_locale(country: str | None) -> Locale:
    """The active language as written in `country` (es + HN -> es_HN), when CLDR has it."""
    base = babel_locale()
    if not country or base.territory == country:
        return base
    # Checked by name first: Locale() itself raises for a pair CLDR lacks (en + HN).
    name = "_".join(p for p in (base.language, base.script, country.upper()) if p)
    return Locale.parse(name) if localedata.exists(name) else base


def money(
    amount: Decimal | float | int | None, currency: str | None, country: str | None = None
) -> str:
    """An amount with its currency as the active language writes it in `country`
    ("L1,250.50" in Honduras, "Gs. 1.250" in Paraguay, "NT$1,250.00" elsewhere).

    Minor units follow CLDR (none for PYG and VND); amounts of two currencies are never added,
    so each amount carries its own code.
    """
    if amount is None:
        return ""
    if not currency:
        return number(amount)
    return str(format_currency(amount, currency, locale=regional_locale(country)))


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
