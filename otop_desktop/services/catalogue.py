"""The product catalogue of a workshop or of chosen products, gathered and written as a PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Organisation, Photo, Product, Trainee, Workshop
from otop_desktop.domain.enums import ProductCategory
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _
from otop_desktop.media.store import BlobStore, StoreError
from otop_desktop.reports.catalogue import (
    CatalogueData,
    CatalogueItem,
    CataloguePhoto,
    write_catalogue_pdf,
)
from otop_desktop.reports.paper import parse_paper
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.sign_in_sheets import sheet_locale
from otop_desktop.services.workshops import partner_names

_CATEGORY_ORDER = {member.value: index for index, member in enumerate(ProductCategory)}


def write_catalogue(
    ctx: AppContext,
    out: Path,
    *,
    workshop_id: str | None = None,
    product_ids: Sequence[str] | None = None,
    locale: str | None = None,
    paper: str | None = None,
    report: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the catalogue PDF of a workshop's products (by category, then name) or of the
    chosen products (in the order given) to `out`; returns the path."""
    chosen = parse_paper(paper) if paper else None  # a typo fails before any reading
    data = catalogue_data(ctx, workshop_id=workshop_id, product_ids=product_ids, locale=locale)
    return write_catalogue_pdf(data, Path(out), paper=chosen, report=report, cancelled=cancelled)


def catalogue_data(
    ctx: AppContext,
    *,
    workshop_id: str | None = None,
    product_ids: Sequence[str] | None = None,
    locale: str | None = None,
) -> CatalogueData:
    """What the catalogue prints: the cover's workshop (if any) and each product's page."""
    store = BlobStore(ctx.data_dir.blobs)
    with ctx.read() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop")) if workshop_id else None
        if product_ids is not None:
            products = [get_live(session, Product, pid, _("product")) for pid in product_ids]
        elif workshop is not None:
            products = _workshop_products(session, workshop.id)
        else:
            raise ValidationError(
                _("Choose a workshop or some products for the catalogue."), "products"
            )
        if not products:
            raise ValidationError(_("There are no products to put in the catalogue."), "products")
        if workshop is None:
            workshop = _common_workshop(session, products)
        items = tuple(_item(session, store, product) for product in products)
        countries = {p.origin_country for p in products if p.origin_country}
        country = (workshop.country if workshop else None) or (
            next(iter(countries)) if len(countries) == 1 else None
        )
        languages = workshop.languages if workshop else None
        title = workshop.title if workshop else None
        programme = workshop.programme if workshop else None
        town = workshop.town if workshop else None
        start = workshop.start_date if workshop else None
        end = workshop.end_date if workshop else None
        cover_id = workshop.id if workshop else None
    return CatalogueData(
        title=title,
        programme=programme,
        town=town,
        country=country,
        start_date=start,
        end_date=end,
        partners=tuple(partner_names(ctx, cover_id)) if cover_id else (),
        items=items,
        locale=sheet_locale(languages, locale),
        printed_on=dt.date.today(),
    )


def _workshop_products(session: Session, workshop_id: str) -> list[Product]:
    rows = session.scalars(
        select(Product).where(Product.workshop_id == workshop_id, Product.cl % 2 == 1)
    )
    # Category in the order of the list people pick from, then name as the product list sorts.
    return sorted(
        rows,
        key=lambda p: (
            _CATEGORY_ORDER.get(p.category or "", len(_CATEGORY_ORDER)),
            fold(p.name),
            p.id,
        ),
    )


def _common_workshop(session: Session, products: Sequence[Product]) -> Workshop | None:
    """The workshop every chosen product comes from, for the cover; None when they differ."""
    ids = {p.workshop_id for p in products}
    if len(ids) != 1 or None in ids:
        return None
    workshop = session.get(Workshop, ids.pop())
    return workshop if workshop is not None and workshop.alive else None


def _item(session: Session, store: BlobStore, product: Product) -> CatalogueItem:
    photos = session.scalars(
        select(Photo)
        .where(
            Photo.product_id == product.id,
            Photo.cl % 2 == 1,
            # Only an explicit "no" keeps a photo out; not asked yet still prints.
            or_(Photo.consent.is_(None), Photo.consent.is_(True)),
        )
        # The gallery's order (when taken, then as added), so the main photo is the product's
        # cover in the product list too.
        .order_by(func.coalesce(Photo.taken_at, ""), Photo.id)
    )
    return CatalogueItem(
        name=product.name or "",
        category=product.category,
        origin_town=product.origin_town,
        origin_country=product.origin_country,
        maker=_maker(session, product),
        description=product.description,
        materials=product.materials,
        price=product.price,
        currency=product.currency,
        photos=tuple(CataloguePhoto(_blob(store, p.sha256), p.caption) for p in photos),
    )


def _blob(store: BlobStore, sha256: str | None) -> Path | None:
    if not sha256:
        return None
    try:
        return store.path_of(sha256)
    except StoreError:
        return None  # a damaged hash prints as a missing photo, not as a failed catalogue


def _maker(session: Session, product: Product) -> str | None:
    """Who made it: the trainee (Chinese name first, as in the trainee list) and/or group."""
    parts: list[str] = []
    trainee = session.get(Trainee, product.owner_trainee_id) if product.owner_trainee_id else None
    if trainee is not None and trainee.alive:
        latin = " ".join(p for p in (trainee.given_names, trainee.family_names) if p)
        chinese = trainee.chinese_name
        if chinese and latin and latin != chinese:
            parts.append(f"{chinese} ({latin})")
        elif chinese or latin:
            parts.append(chinese or latin)
    organisation = (
        session.get(Organisation, product.owner_organisation_id)
        if product.owner_organisation_id
        else None
    )
    if organisation is not None and organisation.alive and organisation.name:
        parts.append(organisation.name)
    return " · ".join(parts) or None
