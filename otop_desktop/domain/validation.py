"""Validation rules with messages the user reads next to the field."""

from __future__ import annotations

import datetime as dt
import re

from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.text import digits
from otop_desktop.i18n import _

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-./]+$")
MAX_NAME = 120
MAX_TEXT = 2000


def required_text(value: str | None, field: str, label: str, max_length: int = MAX_NAME) -> str:
    """`value` stripped; an error naming `label` when it is empty or too long."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("{field} is required.").format(field=label), field)
    return optional_text(text, field, label, max_length) or ""


def optional_text(
    value: str | None, field: str, label: str, max_length: int = MAX_TEXT
) -> str | None:
    """`value` stripped, or None when empty; an error when longer than `max_length`."""
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValidationError(
            _("{field} is too long (at most {n} characters).").format(field=label, n=max_length),
            field,
        )
    return text or None


def birth_year(value: int | str | None, today: dt.date | None = None) -> int | None:
    """A plausible year of birth (people aged 10 to 110), or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Birth year must be a number, such as 1985."), "birth_year"
        ) from None
    this_year = (today or dt.date.today()).year
    if not this_year - 110 <= year <= this_year - 10:
        raise ValidationError(
            _("Birth year {year} is not plausible: enter a year between {low} and {high}.").format(
                year=year, low=this_year - 110, high=this_year - 10
            ),
            "birth_year",
        )
    return year


def email(value: str | None) -> str | None:
    """An e-mail address of the usual shape, or None."""
    text = (value or "").strip()
    if not text:
        return None
    if not _EMAIL.match(text) or len(text) > 254:
        raise ValidationError(
            _("“{value}” does not look like an e-mail address (name@example.org).").format(
                value=text
            ),
            "email",
        )
    return text


def phone(value: str | None) -> str | None:
    """A phone number kept as typed; it must have 7 to 15 digits and phone characters only."""
    text = (value or "").strip()
    if not text:
        return None
    count = len(digits(text))
    if not _PHONE_CHARS.match(text) or not 7 <= count <= 15:
        raise ValidationError(
            _(
                "“{value}” does not look like a phone number (7 to 15 digits, such as 9876-5432)."
            ).format(value=text),
            "phone",
        )
    return text


def parse_date(value: str | dt.date | None, field: str, label: str) -> dt.date | None:
    """An ISO date (2026-11-25) or None; a clear message for anything else."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _(
                "{field}: “{value}” is not a date; write it as year-month-day, e.g. 2026-11-25."
            ).format(field=label, value=text),
            field,
        ) from None


def dates_in_order(start: dt.date | None, end: dt.date | None) -> None:
    """The end date may not come before the start date."""
    if start and end and end < start:
        raise ValidationError(_("The end date comes before the start date."), "end_date")


def positive_hours(value: float | str | None) -> float | None:
    """Hours of a session: a number between 0 and 24."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Hours must be a number, such as 3 or 2.5."), "hours") from None
    if not 0 < hours <= 24:
        raise ValidationError(_("Hours must be more than 0 and at most 24."), "hours")
    return hours
