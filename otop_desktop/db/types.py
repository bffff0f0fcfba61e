"""Column types whose stored form is also the form a change carries in a bundle.

Dates are stored as ISO text and amounts as decimal text on every engine, so the sync merge can
write a change's values straight into the table with executemany, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class IsoDate(TypeDecorator[dt.date]):
    """A calendar date kept as 'YYYY-MM-DD'."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(value)


class DecimalText(TypeDecorator[Decimal]):
    """An exact amount kept as plain decimal text ('1250.50'); never a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return format(Decimal(str(value)), "f")
        except InvalidOperation:
            raise ValueError(value) from None

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def to_wire(value: Any) -> Any:
    """A Python value as the JSON primitive that is stored and carried in changes."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value
