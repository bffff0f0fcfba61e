"""Formatting from CLDR shared by the window, the CLI and the PDFs (no Qt)."""

from __future__ import annotations


def test_money_follows_the_language_and_the_currency() -> None:
    # Proves: amounts are written with CLDR's symbol and minor units of their own currency.
    from decimal import Decimal

    from otop_desktop.i18n import formatting, set_locale

    try:
        set_locale("es")
        assert formatting.money(Decimal("1250.5"), "HNL", "HN") == "L1,250.50"
        assert formatting.money(Decimal("1250"), "PYG", "PY") == "Gs.\xa01.250"
        assert formatting.money(Decimal("1250.5"), "GTQ", "GT") == "Q1,250.50"
        set_locale("zh_Hant_TW")
        assert formatting.money(Decimal("1250"), "TWD", "TW") == "$1,250.00"
        assert formatting.money(Decimal("1250"), "HNL") == "HNL1,250.00"
        assert formatting.money(None, "USD") == ""
    finally:
        set_locale("en")
