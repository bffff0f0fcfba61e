"""Exchange rates: entry checks, conversion by date, inverse pairs, no rate before the first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.services.context import AppContext
from otop_desktop.services.exchange_rates import (
    RateTable,
    delete_rate,
    list_rates,
    save_rate,
    undelete_rate,
)
from tests.helpers import new_context


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = new_context(tmp_path)
    yield context
    context.close()


def test_rates_are_saved_listed_corrected_and_deleted(ctx: AppContext) -> None:
    first = save_rate(ctx, "hnl", "usd", "0.0405", dt.date(2026, 1, 1), "Banco Central")
    save_rate(ctx, "TWD", "USD", Decimal("0.031"), "2026-03-01")
    again = save_rate(ctx, "HNL", "USD", "0.0410", dt.date(2026, 1, 1))
    assert again == first  # same pair and date: the entry is corrected, not doubled
    rates = list_rates(ctx)
    assert [(r.currency, r.target_currency, r.rate, r.valid_from, r.note) for r in rates] == [
        ("HNL", "USD", Decimal("0.0410"), dt.date(2026, 1, 1), None),
        ("TWD", "USD", Decimal("0.031"), dt.date(2026, 3, 1), None),
    ]
    delete_rate(ctx, first)
    assert [r.currency for r in list_rates(ctx)] == ["TWD"]
    with pytest.raises(NotFoundError):
        delete_rate(ctx, first)
    undelete_rate(ctx, first)
    assert len(list_rates(ctx)) == 2


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("HNL", "XXY", "1", "2026-01-01"), "target_currency"),
        (("LPS", "USD", "1", "2026-01-01"), "currency"),
        (("HNL", "HNL", "1", "2026-01-01"), "target_currency"),
        (("HNL", "USD", "0", "2026-01-01"), "rate"),
        (("HNL", "USD", "-0.04", "2026-01-01"), "rate"),
        (("HNL", "USD", "cuatro", "2026-01-01"), "rate"),
        (("HNL", "USD", "0.04", "enero"), "valid_from"),
        (("HNL", "USD", "0.04", ""), "valid_from"),
        (("", "USD", "0.04", "2026-01-01"), "currency"),
    ],
)
def test_bad_rates_are_refused(ctx: AppContext, args: tuple[str, ...], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        save_rate(ctx, *args)
    assert caught.value.field == field
    assert list_rates(ctx) == []


def test_conversion_uses_the_rate_valid_on_the_day(ctx: AppContext) -> None:
    save_rate(ctx, "HNL", "USD", "0.04", dt.date(2026, 1, 1))
    save_rate(ctx, "HNL", "USD", "0.05", dt.date(2026, 7, 1))
    save_rate(ctx, "USD", "TWD", "32", dt.date(2026, 2, 1))
    table = RateTable.load(ctx)
    amount = Decimal("1000")
    assert table.convert(amount, "HNL", "USD", dt.date(2025, 12, 31)) is None  # before the first
    assert table.convert(amount, "HNL", "USD", dt.date(2026, 1, 1)) == Decimal("40.00")
    assert table.convert(amount, "HNL", "USD", dt.date(2026, 6, 30)) == Decimal("40.00")
    assert table.convert(amount, "HNL", "USD", dt.date(2026, 7, 1)) == Decimal("50.00")
    # The inverse pair: 1 TWD = 1/32 USD.
    assert table.convert(Decimal("320"), "TWD", "USD", dt.date(2026, 3, 1)) == Decimal("10")
    assert table.convert(Decimal("320"), "TWD", "USD", dt.date(2026, 1, 31)) is None
    assert table.convert(amount, "HNL", "HNL", dt.date(2020, 1, 1)) == amount
    # No chaining through a third currency: HNL -> TWD has no entered rate.
    assert table.convert(amount, "HNL", "TWD", dt.date(2026, 8, 1)) is None


def test_the_newer_of_direct_and_inverse_wins(ctx: AppContext) -> None:
    save_rate(ctx, "USD", "GTQ", "7.5", dt.date(2026, 1, 1))
    save_rate(ctx, "GTQ", "USD", "0.125", dt.date(2026, 5, 1))  # = 8 GTQ per USD
    table = RateTable.load(ctx)
    assert table.convert(Decimal("10"), "USD", "GTQ", dt.date(2026, 2, 1)) == Decimal("75.0")
    assert table.convert(Decimal("10"), "USD", "GTQ", dt.date(2026, 6, 1)) == Decimal("80")
    assert table.convert(Decimal("75"), "GTQ", "USD", dt.date(2026, 2, 1)) == Decimal("10")
