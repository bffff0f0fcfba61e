"""Roster cells to trainee field values: names split, phones kept as text, dates to years."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.text import digits, fold
from otop_desktop.i18n import _
from otop_desktop.services.roster_files import excel_serial_date, parse_date_text

# Columns that several roster columns may fill together, and how their parts are joined:
# "Primer apellido" + "Segundo apellido", 姓 + 名, "Municipio" + "Aldea".
JOINED = {
    "given_names": " ",
    "family_names": " ",
    "chinese_name": "",
    "town": ", ",
    "notes": "; ",
    "business_name": " ",
}
_PARTICLES = {"de", "del", "la", "las", "los", "y", "da", "das", "do", "dos", "van", "von"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_SHORTENED = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_PHONE_SPLIT = re.compile(r"\s*[/,;]\s*|\s+(?:y|o|or|and)\s+")
_FEMALE = {"f", "fem", "female", "woman", "mujer", "femenino", "femenina", "女", "女性"}
_MALE = {"male", "man", "hombre", "masculino", "varon", "男", "男性"}
_OTHER = {"other", "otro", "otra", "其他"}
_LANGUAGES = {
    "es": {"es", "espanol", "spanish", "castellano"},
    "en": {"en", "english", "ingles"},
    "zh_Hant_TW": {"zh", "zh_hant_tw", "zh-tw", "chinese", "chino", "中文", "華語", "國語"},
}


def cell_text(value: Any) -> str | None:
    """A cell as text: numbers without ".0", dates as ISO; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def split_full_name(text: str) -> dict[str, str]:
    """A whole name in one cell: Chinese characters, then given names and two family names."""
    out: dict[str, str] = {}
    chinese = "".join(_CJK.findall(text))
    if chinese:
        out["chinese_name"] = chinese
    units: list[str] = []
    pending: list[str] = []
    for word in _CJK.sub(" ", text).split():
        # "de la Cruz" is one family name: particles stay with the word after them.
        pending.append(word)
        if fold(word) not in _PARTICLES:
            units.append(" ".join(pending))
            pending = []
    if pending:
        units.append(" ".join(pending))
    if len(units) == 1:
        out["given_names"] = units[0]
    elif len(units) >= 2:
        # Spanish names: the last two are the family names (paternal, maternal).
        family = 1 if len(units) == 2 else 2
        out["given_names"] = " ".join(units[:-family])
        out["family_names"] = " ".join(units[-family:])
    return out


def phone_text(value: Any) -> tuple[str | None, str | None]:
    """(the phone as text, another phone of the same cell); numbers from Excel made text again."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(
                _(
                    "The phone {value} was stored as a number with decimals: format the column "
                    "as text in Excel and type it again."
                ).format(value=value),
                "phone",
            )
        value = int(value)
    text = cell_text(value)
    if text is None:
        return None, None
    if _SHORTENED.match(text):
        raise ValidationError(
            _(
                "The phone “{value}” was shortened by Excel (scientific notation): its digits "
                "are lost. Format the column as text in Excel, type the numbers again and export."
            ).format(value=text),
            "phone",
        )
    parts = [p for p in _PHONE_SPLIT.split(text) if p]
    if len(parts) > 1 and len(digits(text)) > 15:
        # Two numbers in one cell: the first is the phone, the others are kept in the notes.
        return parts[0], ", ".join(parts[1:])
    return text, None


def birth_year_value(value: Any) -> Any:
    """A year from a year, an Excel date or serial number, or a date written as text."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if 1000 <= value <= 2999:
            return value
        serial = excel_serial_date(value)
        return serial.year if serial else value
    text = cell_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d{4}(\.0+)?", text):
        return int(float(text))
    parsed = parse_date_text(text)
    return parsed.year if parsed else text


def gender_value(value: Any, m_is_female: bool) -> Any:
    """The gender key of what rosters write: F/M, M/H (mujer/hombre), 女/男, words."""
    text = cell_text(value)
    if text is None:
        return None
    key = fold(text).rstrip(".")
    if key in _FEMALE or (key == "m" and m_is_female):
        return "female"
    if key in _MALE or key == "h" or (key == "m" and not m_is_female):
        return "male"
    if key in _OTHER:
        return "other"
    return text


def m_means_female(values: list[Any]) -> bool:
    """Whether "M" means mujer in this column: it does when the men are written "H" (hombre)."""
    keys = {fold(cell_text(v) or "").rstrip(".") for v in values}
    return "h" in keys and "f" not in keys


def language_value(value: Any) -> Any:
    """en, es or zh_Hant_TW from a code or a language name."""
    text = cell_text(value)
    if text is None:
        return None
    key = fold(text)
    return next((code for code, words in _LANGUAGES.items() if key in words), text)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for locale in ("en", "es", "zh_Hant_TW"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), code)
    names.setdefault("台灣", "TW")
    return names


def country_value(value: Any) -> Any:
    """A country code from a code or a country name in English, Spanish or Chinese."""
    text = cell_text(value)
    if text is None or len(text) == 2:
        return text
    return _country_names().get(fold(text), text)


def consent_value(value: Any) -> Any:
    """True/False from a tick, 1/0, yes/no/sí/是 (the words are read by the trainee service)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bool(value)
    return value if isinstance(value, bool) else cell_text(value)


def row_fields(
    cells: list[Any],
    mapping: Mapping[int, str | None],
    organisations: Mapping[str, str],
    m_is_female: bool = False,
) -> tuple[dict[str, Any], list[str], ValidationError | None]:
    """Trainee fields of one row (non-empty cells only), notes for the user about it, and the
    first cell that cannot be a value of its field (kept as text in the fields)."""
    parts: dict[str, list[Any]] = {}
    for column, field in mapping.items():
        if field is None or column >= len(cells) or cells[column] is None:
            continue
        value = cells[column]
        if isinstance(value, str) and not value.strip():
            continue
        parts.setdefault(field, []).append(value)
    fields: dict[str, Any] = {}
    notes: list[str] = []
    extra_notes: list[str] = []
    error: ValidationError | None = None
    for field, values in parts.items():
        if field in JOINED:
            texts = [t for t in (cell_text(v) for v in values) if t]
            if texts:
                fields[field] = JOINED[field].join(texts)
            continue
        value = values[0]
        if field == "full_name":
            # Columns of their own (given names, family names) win over the split.
            for key, part in split_full_name(cell_text(value) or "").items():
                if key not in parts:
                    fields[key] = part
        elif field == "phone":
            try:
                phone, other = phone_text(value)
            except ValidationError as exc:
                error = error or exc
                phone, other = cell_text(value), None
            fields["phone"] = phone
            if other:
                extra_notes.append(_("Other phone: {phone}").format(phone=other))
        elif field == "birth_year":
            fields["birth_year"] = birth_year_value(value)
        elif field == "gender":
            fields["gender"] = gender_value(value, m_is_female)
        elif field == "country":
            fields["country"] = country_value(value)
        elif field == "preferred_language":
            fields["preferred_language"] = language_value(value)
        elif field in ("consent_data", "consent_photos"):
            fields[field] = consent_value(value)
        elif field == "organisation":
            name = cell_text(value) or ""
            found = organisations.get(fold(name))
            if found:
                fields["organisation_id"] = found
            else:
                notes.append(
                    _("No organisation named “{name}”: the trainee is not linked to one.").format(
                        name=name
                    )
                )
        else:
            fields[field] = cell_text(value)
    if extra_notes:
        fields["notes"] = "; ".join([*filter(None, [fields.get("notes")]), *extra_notes])
    return {k: v for k, v in fields.items() if v is not None}, notes, error
