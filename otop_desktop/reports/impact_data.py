"""What the impact report shows: the dashboard's figures and the facts of their selection.

The service fills this from services.dashboard.dashboard_figures (computed in the document's
language, so the labels of the figures are already translated); the PDF only lays it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the document needs the shape only; reports do not import services
    from otop_desktop.services.dashboard import DashboardFigures

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ReportRate:
    """A rate the coordinator entered: 1 `currency` = `rate` `target_currency` from `valid_from`."""

    currency: str
    target_currency: str
    rate: Decimal
    valid_from: dt.date


@dataclass(frozen=True)
class ImpactReportData:
    """The figures of one selection, with what the selection was and the document's language."""

    figures: DashboardFigures
    locale: str
    today: dt.date
    country: str | None = None  # the filter's country
    workshop_title: str | None = None  # the filter's workshop
    programmes: tuple[str, ...] = ()  # programme names of the workshops counted
    workshops: int = 0  # workshops counted
    start: dt.date | None = None
    end: dt.date | None = None
    currency: str | None = None  # amounts converted into it; None = per currency
    rates: tuple[ReportRate, ...] = ()  # the rates that conversion could use
    money_country: str | None = None  # where amounts are written ("L 1,250.00" in Honduras)
