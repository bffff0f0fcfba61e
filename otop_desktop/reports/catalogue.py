"""The product catalogue PDF: a cover, then a page per product with its photos, for fairs and
buyers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, localedata
from babel.dates import format_date, format_interval
from babel.lists import format_list
from babel.numbers import get_currency_symbol
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from otop_desktop.atomic_file import SHARED, writing
from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _, ngettext
from otop_desktop.i18n.catalogs import babel_locale
from otop_desktop.i18n.formatting import country_name, label_of, money
from otop_desktop.reports.catalogue_parts import (
    MARGIN,
    Cancelled,
    PhotoBox,
    ProgressMark,
    Report,
    numbered_canvas,
)
from otop_desktop.reports.doc_setup import facts_style, pdf_document, wrapping_paragraph
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.language import document_language, formatting_locale
from otop_desktop.reports.numbered_canvas import GREY
from otop_desktop.reports.paper import page_size

MAIN_SHARE = 0.42  # of the frame height, for the main photo
THUMB_SHARE = 0.13  # of the frame height, for the small photos
MORE_PHOTOS = 3


@dataclass(frozen=True)
class CataloguePhoto:
    """A photo to print: its stored file (None when this laptop does not have it) and caption."""

    path: Path | None
    caption: str | None = None


@dataclass(frozen=True)
class CatalogueItem:
    """One product page, as plain values; `maker` is the trainee's or organisation's name."""

    name: str
    category: str | None
    origin_town: str | None
    origin_country: str | None
    maker: str | None
    description: str | None
    materials: str | None
    price: Decimal | None
    currency: str | None
    photos: tuple[CataloguePhoto, ...] = ()


@dataclass(frozen=True)
class CatalogueData:
    """Everything a catalogue prints; `locale` is its language, `country` picks the paper."""

    title: str | None
    programme: str | None
    town: str | None
    country: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    partners: tuple[str, ...]
    items: tuple[CatalogueItem, ...]
    locale: str
    printed_on: dt.date


def write_catalogue_pdf(
    data: CatalogueData,
    path: Path,
    *,
    paper: str | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write the catalogue PDF to `path` (atomically) on `paper`, else the country's usual."""
    size = page_size(paper, data.country)
    font = pdf_font()
    path = Path(path)
    # Cancelled or failed: no half-written catalogue is left in the folder.
    with writing(path, mode=SHARED) as part:
        # Every word, number and country name below is in the document's language, on this
        # thread only: a catalogue written in the background leaves the window as it is.
        with document_language(data.locale):
            _build(data, font, size, part, report, cancelled)
    if report:
        report(len(data.items), len(data.items))
    return path


# --- the document ------------------------------------------------------------------------------


def _build(
    data: CatalogueData,
    font: str,
    size: tuple[float, float],
    target: Path,
    report: Report | None,
    cancelled: Cancelled | None,
) -> None:
    width, height = size
    frame_width, frame_height = width - 2 * MARGIN, height - 2 * MARGIN
    subject = _("Product catalogue")
    doc = pdf_document(
        target,
        size,
        font,
        MARGIN,
        title=" — ".join(p for p in (subject, data.title) if p),
        subject=subject,
        locale=data.locale,
        template="page",
    )
    story = _cover(data, font, frame_width, frame_height)
    total = len(data.items)
    for index, item in enumerate(data.items):
        story += [PageBreak(), ProgressMark(index, total, report, cancelled)]
        story += _product(item, font, frame_width, frame_height)
    running = " — ".join(p for p in (data.title, subject) if p)
    doc.build(story, canvasmaker=numbered_canvas(font, _("Page {page} / {pages}"), running))


def _style(font: str, size: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        f"otop-catalogue-{size}", fontName=font, fontSize=size, leading=size * 1.3, **extra
    )


def _fitted(text: str, font: str, width: float, largest: float, smallest: float) -> Paragraph:
    """`text` on one line at the largest size that fits `width`; wrapped at `smallest`."""
    natural = stringWidth(text, font, largest)
    size = largest if natural <= width else max(smallest, largest * width / natural * 0.98)
    return wrapping_paragraph(text, _style(font, size, spaceAfter=4))


def _details(rows: list[tuple[str, Paragraph]], font: str, width: float) -> Table:
    small = _style(font, 10, textColor=GREY)
    label_width = min(4 * cm, width * 0.3)
    table = Table(
        [[wrapping_paragraph(label, small), value] for label, value in rows],
        colWidths=[label_width, width - label_width],
        hAlign="LEFT",
    )
    table.setStyle(facts_style(font, 2))
    return table


def _cover(data: CatalogueData, font: str, width: float, height: float) -> list[Flowable]:
    place = formatting_locale(data.locale, data.country)
    body = _style(font, 12)
    count = len(data.items)
    rows = [
        (_("Place"), _place(data.town, data.country)),
        (_("Dates"), _dates(data.start_date, data.end_date, place)),
        (_("Partners"), format_list(list(data.partners), locale=place) if data.partners else ""),
        (
            _("Products"),
            ngettext("{count} product", "{count} products", count).format(count=count),
        ),
        (_("Printed on"), str(format_date(data.printed_on, "long", locale=place))),
    ]
    story: list[Flowable] = [Spacer(1, height * 0.18)]
    if data.programme:
        story.append(
            wrapping_paragraph(data.programme, _style(font, 14, textColor=GREY, spaceAfter=6))
        )
    story.append(_fitted(data.title or _("Product catalogue"), font, width, 30, 18))
    if data.title:
        story.append(wrapping_paragraph(_("Product catalogue"), _style(font, 16, textColor=GREY)))
    story += [
        Spacer(1, 1.2 * cm),
        _details([(k, wrapping_paragraph(v, body)) for k, v in rows if v], font, width),
    ]
    return story


def _product(item: CatalogueItem, font: str, width: float, height: float) -> list[Flowable]:
    body = _style(font, 11)
    heading = _style(font, 10, textColor=GREY, spaceBefore=8, spaceAfter=2)
    paragraph = _style(font, 11, spaceAfter=4)
    story: list[Flowable] = [_fitted(item.name, font, width, 26, 14)]
    main = item.photos[0] if item.photos else None
    story.append(
        PhotoBox(
            main.path if main else None,
            width,
            height * MAIN_SHARE,
            font,
            12,
            has_photo=main is not None,
        )
    )
    if main is not None and main.caption:
        caption = _style(font, 9, textColor=GREY, alignment=TA_CENTER, spaceBefore=3)
        story.append(wrapping_paragraph(main.caption, caption))
    more = item.photos[1 : 1 + MORE_PHOTOS]
    if more:
        gap = 0.3 * cm
        thumb_width = (width - gap * (MORE_PHOTOS - 1)) / MORE_PHOTOS
        boxes: list[Any] = [
            PhotoBox(p.path, thumb_width, height * THUMB_SHARE, font, 8) for p in more
        ]
        boxes += [""] * (MORE_PHOTOS - len(more))
        row = Table(
            [boxes],
            colWidths=[thumb_width + gap] * (MORE_PHOTOS - 1) + [thumb_width],
            hAlign="LEFT",
        )
        row.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story += [Spacer(1, 0.2 * cm), row]
    story.append(Spacer(1, 0.3 * cm))
    price = _price(item.price, item.currency, item.origin_country)
    rows = [
        (_("Price"), wrapping_paragraph(price, _style(font, 15))),
        (_("Category"), wrapping_paragraph(label_of(ProductCategory, item.category), body)),
        (_("Origin"), wrapping_paragraph(_place(item.origin_town, item.origin_country), body)),
        (_("Made by"), wrapping_paragraph(item.maker or "", body)),
    ]
    story.append(_details([(k, v) for k, v in rows if v.text], font, width))
    for label, text in ((_("Description"), item.description), (_("Materials"), item.materials)):
        if text and text.strip():
            story.append(wrapping_paragraph(label, heading))
            # Long text flows on to the next page rather than being cut at the bottom.
            story += [
                wrapping_paragraph(part.strip(), paragraph)
                for part in re.split(r"\n\s*\n", text.strip())
            ]
    return story


def _place(town: str | None, country: str | None) -> str:
    name = country_name(country.upper()) if country else ""
    if town and name:
        # TRANSLATORS: where a workshop is; Chinese puts the country first, without a comma.
        return _("{town}, {country}").format(town=town, country=name)
    return town or name


def _dates(start: dt.date | None, end: dt.date | None, place: Locale) -> str:
    if start and end and end != start:
        return str(format_interval(start, end, "yMMMd", locale=place))
    day = start or end
    return str(format_date(day, "long", locale=place)) if day else ""


def _price(amount: Decimal | None, currency: str | None, country: str | None) -> str:
    if amount is None:
        return _("no price")
    # money() writes the amount as the language does in the country; CLDR has no such
    # locale for every pair (English in Honduras), and then the language's own way is used.
    base = babel_locale()
    regional = "_".join(p for p in (base.language, base.script, (country or "").upper()) if p)
    usable = country if country and localedata.exists(regional) else None
    text = money(amount, currency, usable)
    if (
        currency
        and "$" in text
        and get_currency_symbol(currency, _regional_or(base, usable)) == "$"
    ):
        # A bare "$" (Taiwan dollars in Chinese, US dollars in English) is ambiguous for a
        # buyer from elsewhere: "NT$", "US$" as CLDR writes them internationally.
        text = text.replace("$", get_currency_symbol(currency, "en_001"), 1)
    return text


def _regional_or(base: Locale, country: str | None) -> Locale:
    """The locale money() formats with: the language as used in `country`, else its own."""
    if not country:
        return base
    return Locale(base.language, territory=country.upper(), script=base.script)
