"""Numbers, shares, money and dates of the impact report, all in one regional style.

The document's language as written in the report's country when CLDR has it (es + HN: "1,250.50",
"L1,250.50"), else the language's own ("1.250,50", "1.250,50 HNL"): one style throughout, so an
amount never sits next to a count written with the other decimal mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_interval
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_name

from otop_desktop.i18n import _
from otop_desktop.reports.language import formatting_locale

MISSING = "—"  # a figure nobody recorded: never written as 0


@dataclass(frozen=True)
class ReportFormat:
    """Formatting in `place` (a Babel locale)."""

    place: Locale

    @classmethod
    def of(cls, locale: str, country: str | None) -> ReportFormat:
        """The style of `locale` as written in `country`."""
        return cls(formatting_locale(locale, country))

    def number(self, value: Decimal | float | int) -> str:
        """A count or a mean with the place's marks."""
        return str(format_decimal(value, locale=self.place))

    def exact(self, value: Decimal) -> str:
        """A number with all its digits (a rate such as 0.0405, not 0.04)."""
        return str(format_decimal(value, locale=self.place, decimal_quantization=False))

    def one_decimal(self, value: float) -> str:
        """A mean such as 2.3 people (2 for 2.0)."""
        return self.number(Decimal(str(round(value, 1))))

    def whole(self, value: float) -> str:
        """A total such as units sold, rounded to a whole number."""
        return self.number(round(value))

    def axis(self, value: float) -> str:
        """A chart's axis tick: whole from 10 up, else one decimal."""
        return self.whole(value) if abs(value) >= 10 else self.one_decimal(value)

    def count_axis(self, value: float) -> str:
        """A tick of a count axis: nothing between whole numbers."""
        return self.number(int(value)) if value == int(value) else ""

    def percent(self, rate: float | None) -> str:
        """A rate between 0 and 1 as a percentage; "—" when unknown."""
        return MISSING if rate is None else str(format_percent(rate, locale=self.place))

    def share(self, part: int, whole: int) -> str:
        """`part` of `whole` as a percentage; "—" when there is no whole."""
        return self.percent(part / whole) if whole else MISSING

    def money(self, amount: Decimal | float, currency: str) -> str:
        """An amount with its currency ("L1,250.50")."""
        return str(format_currency(Decimal(str(amount)), currency, locale=self.place))

    def change(self, amount: float, currency: str) -> str:
        """A change of an amount, rounded to cents: a rise written with "+"."""
        text = self.money(round(amount, 2), currency)
        return f"+{text}" if amount > 0 else text

    def currency_name(self, code: str) -> str:
        """The name of a currency in the document's language."""
        return str(get_currency_name(code, locale=self.place))

    def day(self, value: dt.date) -> str:
        """A date in the medium style ("25 nov 2026")."""
        return str(format_date(value, "medium", locale=self.place))

    def period(self, start: dt.date | None, end: dt.date | None) -> str:
        """The period the figures cover; "all dates" when open at both ends."""
        if start and end:
            return str(format_interval(start, end, "yMMMd", locale=self.place))
        if start:
            return _("from {date}").format(date=self.day(start))
        if end:
            return _("until {date}").format(date=self.day(end))
        return _("all dates")
