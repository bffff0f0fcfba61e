"""Helpers shared by the services: fetching live rows, soft delete, country and currency checks."""

from __future__ import annotations

from typing import TypeVar

from babel import Locale
from sqlalchemy.orm import Session

from otop_desktop.db.models import SyncedRow
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.i18n import _

RowT = TypeVar("RowT", bound=SyncedRow)

_ENGLISH = Locale.parse("en")


def get_live(session: Session, model: type[RowT], record_id: str, label: str) -> RowT:
    """The live row `record_id` of `model`, or a NotFoundError naming `label`."""
    row = session.get(model, record_id)
    if row is None or not row.alive:
        raise NotFoundError(label, record_id)
    return row


def soft_delete(row: SyncedRow) -> None:
    """Tombstone `row`: its causal length becomes even, and the deletion syncs."""
    if row.cl % 2 == 1:
        row.cl += 1


def revive(row: SyncedRow) -> None:
    """Bring a tombstoned row back (undo of a delete); also syncs."""
    if row.cl % 2 == 0:
        row.cl += 1


def country_code(value: str | None, field: str = "country") -> str | None:
    """An ISO 3166 country code such as HN, GT, TW (case-insensitive), or None."""
    text = (value or "").strip().upper()
    if not text:
        return None
    if len(text) != 2 or text not in _ENGLISH.territories:
        raise ValidationError(
            _("“{value}” is not a country code; use two letters such as HN, GT or TW.").format(
                value=value
            ),
            field,
        )
    return text


def currency_code(value: str | None, field: str = "currency") -> str | None:
    """An ISO 4217 currency code such as HNL, GTQ, USD, TWD, or None."""
    text = (value or "").strip().upper()
    if not text:
        return None
    if len(text) != 3 or text not in _ENGLISH.currencies:
        raise ValidationError(
            _(
                "“{value}” is not a currency code; use three letters such as HNL, GTQ or TWD."
            ).format(value=value),
            field,
        )
    return text
