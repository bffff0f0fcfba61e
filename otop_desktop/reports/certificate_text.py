"""The words of one certificate in one language: every line a column of the page prints."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date, format_interval
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _, ngettext
from otop_desktop.i18n.formatting import first_upper, label_of
from otop_desktop.reports.language import document_language, formatting_locale

if TYPE_CHECKING:
    from otop_desktop.reports.certificate import CertificateData

# Names in a trainers field: "Ana Martínez y Luis Pérez", "王老師、李老師".
_NAME_SEPARATORS = re.compile(r"\s*(?:[,;/&、，]|\s(?:y|and|e)\s)\s*")


@dataclass(frozen=True)
class CertificateText:
    """One column of a certificate, all in `locale`; empty strings are left out of the page."""

    locale: str
    programme: str
    heading: str
    intro: str
    name: str
    second_name: str
    attended: str
    title: str
    place: str
    dates: str
    attendance: str
    partners: str
    issued: str
    trainer_label: str
    coordinator_label: str
    verify_note: str
    document_title: str


def is_roc_locale(place: Locale) -> bool:
    """Whether dates are written in the Republic of China era (Traditional Chinese, Taiwan)."""
    return place.language == "zh" and (place.territory == "TW" or place.script == "Hant")


def roc_date(day: dt.date) -> str:
    """`day` in the Republic of China era, as Taiwan prints it: 中華民國115年11月25日."""
    year = day.year - 1911
    if year < 1:  # before 1912 there is no ROC year; such dates are typing errors anyway
        return format_date(day, "long", locale="zh_Hant_TW")
    # CLDR's roc calendar pattern (Gy年M月d日) with the era's full name, as on diplomas.
    return f"中華民國{year}年{day.month}月{day.day}日"


def _roc_interval(start: dt.date, end: dt.date) -> str:
    # As CLDR writes Chinese intervals: the end repeats only what differs from the start.
    if start.year == end.year and start.month == end.month:
        tail = f"{end.day}日"
    elif start.year == end.year:
        tail = f"{end.month}月{end.day}日"
    else:
        tail = roc_date(end)
    return f"{roc_date(start)}至{tail}"


def date_text(day: dt.date, place: Locale) -> str:
    """A date written out in full: "25 de noviembre de 2026", "中華民國115年11月25日"."""
    if is_roc_locale(place):
        return roc_date(day)
    return str(format_date(day, "long", locale=place))


def dates_text(start: dt.date | None, end: dt.date | None, place: Locale) -> str:
    """The workshop's dates: one day, or "18–25 de noviembre de 2026"; empty when unknown."""
    if start and end and end < start:
        start, end = end, start
    if start and end and start != end:
        if is_roc_locale(place):
            return _roc_interval(start, end)
        return str(format_interval(start, end, "yMMMMd", locale=place))
    day = start or end
    return date_text(day, place) if day else ""


def _attendance(data: CertificateData, place: Locale) -> str:
    parts: list[str] = []
    if data.hours_attended is not None:
        hours = format_decimal(data.hours_attended, "#,##0.#", locale=place)
        parts.append(_("Hours attended: {hours}").format(hours=hours))
    rate = format_percent(data.rate, locale=place) if data.rate is not None else ""
    if data.sessions_held > 0:
        if rate:
            pattern = ngettext(
                "{attended} of {held} session attended ({rate})",
                "{attended} of {held} sessions attended ({rate})",
                data.sessions_held,
            )
        else:
            pattern = ngettext(
                "{attended} of {held} session attended",
                "{attended} of {held} sessions attended",
                data.sessions_held,
            )
        parts.append(
            pattern.format(attended=data.sessions_attended, held=data.sessions_held, rate=rate)
        )
    elif rate:
        parts.append(_("Attendance rate: {rate}").format(rate=rate))
    return " · ".join(parts)


def _names(data: CertificateData, place: Locale) -> tuple[str, str]:
    """The large name and the one under it: the column's script first, never a blank."""
    latin = data.trainee_name.strip()
    chinese = (data.chinese_name or "").strip()
    if place.language == "zh":
        first, second = chinese or latin, latin if chinese else ""
    else:
        first, second = latin or chinese, chinese if latin else ""
    return first, second


def certificate_text(data: CertificateData, locale: str) -> CertificateText:
    """Every line of `data`'s certificate in `locale` (en, es or zh_Hant_TW)."""
    place = formatting_locale(locale, data.country)
    with document_language(locale):
        programme_parts = [data.programme or ""]
        if data.category:
            programme_parts.append(first_upper(label_of(ProductCategory, data.category)))
        country = (
            str(place.territories.get(data.country.upper(), data.country)) if data.country else ""
        )
        place_text = country or (data.town or "")
        if data.town and country:
            # TRANSLATORS: where a workshop is; Chinese puts the country first, without a comma.
            place_text = _("{town}, {country}").format(town=data.town, country=country)
        partners = ""
        if data.partners:
            partners = _("In partnership with {partners}").format(
                partners=format_list(list(data.partners), locale=place)
            )
        trainers = [n for n in _NAME_SEPARATORS.split(data.trainers or "") if n.strip()]
        name, second_name = _names(data, place)
        return CertificateText(
            locale=locale,
            programme=" · ".join(p for p in programme_parts if p),
            heading=_("Certificate of attendance"),
            intro=_("This certifies that"),
            name=name,
            second_name=second_name,
            attended=_("took part in the workshop"),
            title=data.workshop_title.strip(),
            place=place_text,
            dates=dates_text(data.start_date, data.end_date, place),
            attendance=_attendance(data, place),
            partners=partners,
            issued=_("Issued on {date}").format(date=date_text(data.issued_on, place)),
            trainer_label=ngettext("Trainer", "Trainers", max(1, len(trainers))),
            coordinator_label=_("Coordinator"),
            verify_note=_("Check this certificate with its code in OTOP Field Desk."),
            document_title=_("Certificates of attendance"),
        )
