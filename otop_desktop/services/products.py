"""Products made by trainees and organisations: save with validation, list, delete and undo."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.db.models import Organisation, Photo, Product, Trainee, Workshop
from otop_desktop.domain import validation as v
from otop_desktop.domain.enums import ProductCategory
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.prices import check_price, currency_of_country, parse_price, to_price
from otop_desktop.domain.text import fold, fold_words
from otop_desktop.i18n import _
from otop_desktop.services.common import country_code, currency_code, get_live, revive, soft_delete
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import survivor_map
from otop_desktop.services.trainees import trainee_info

__all__ = [
    "PRODUCT_FIELDS",
    "ProductInfo",
    "delete_product",
    "get_product",
    "list_products",
    "parse_price",
    "save_product",
    "undelete_product",
]

PRODUCT_FIELDS = (
    "name",
    "category",
    "owner_trainee_id",
    "owner_organisation_id",
    "workshop_id",
    "origin_town",
    "origin_country",
    "description",
    "materials",
    "price",
    "currency",
)
# ProductInfo fields that are read, never written: a form may hand its whole record back.
_READ_ONLY = frozenset(
    {
        "id",
        "owner_trainee_name",
        "owner_organisation_name",
        "workshop_title",
        "photo_count",
        "cover_sha256",
    }
)


@dataclass(frozen=True)
class ProductInfo:
    id: str
    name: str
    category: str | None
    owner_trainee_id: str | None
    owner_trainee_name: str | None
    owner_organisation_id: str | None
    owner_organisation_name: str | None
    workshop_id: str | None
    workshop_title: str | None
    origin_town: str | None
    origin_country: str | None
    description: str | None
    materials: str | None
    price: Decimal | None
    currency: str | None
    photo_count: int
    cover_sha256: str | None


def _category(value: object) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return str(ProductCategory.parse(str(value)).value)
    except ValueError:
        raise ValidationError(
            _("Unknown product category: {value}").format(value=value), "category"
        ) from None


def _owner_trainee(session: Session, trainee_id: str) -> str:
    # A trainee merged into another: the product belongs to the one that stays.
    final = survivor_map(session).get(trainee_id, trainee_id)
    try:
        return get_live(session, Trainee, final, _("trainee")).id
    except NotFoundError as exc:
        raise ValidationError(exc.message, "owner_trainee_id") from None


def _reference(session: Session, model: type[Any], value: str, label: str, key: str) -> str:
    try:
        return str(get_live(session, model, value, label).id)
    except NotFoundError as exc:
        raise ValidationError(exc.message, key) from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _clean(
    session: Session, values: Mapping[str, object], current: Product | None
) -> dict[str, Any]:
    unknown = set(values) - set(PRODUCT_FIELDS) - _READ_ONLY
    if unknown:
        raise ValidationError(
            _("Unknown product field: {name}").format(name=", ".join(sorted(unknown)))
        )
    fields = {k: values[k] for k in PRODUCT_FIELDS if k in values}
    out: dict[str, Any] = {}
    if "name" in fields or current is None:
        out["name"] = v.required_text(_text(fields.get("name")), "name", _("Name"), 200)
    if "category" in fields:
        out["category"] = _category(fields["category"])
    for key, label, limit in (
        ("origin_town", _("Town of origin"), 120),
        ("description", _("Description"), v.MAX_TEXT),
        ("materials", _("Materials"), v.MAX_TEXT),
    ):
        if key in fields:
            out[key] = v.optional_text(_text(fields[key]), key, label, limit)
    if "origin_country" in fields:
        out["origin_country"] = country_code(_text(fields["origin_country"]), "origin_country")
    _clean_owners(session, fields, current, out)
    if "workshop_id" in fields:
        workshop = _text(fields["workshop_id"]) or None
        if workshop is not None and (current is None or workshop != current.workshop_id):
            workshop = _reference(session, Workshop, workshop, _("workshop"), "workshop_id")
        out["workshop_id"] = workshop
    _clean_price(fields, current, out)
    return out


def _clean_owners(
    session: Session, fields: dict[str, object], current: Product | None, out: dict[str, Any]
) -> None:
    trainee = _text(fields.get("owner_trainee_id")) or None
    organisation = _text(fields.get("owner_organisation_id")) or None
    if trainee and organisation:
        raise ValidationError(
            _("A product belongs to a trainee or to an organisation, not both."),
            "owner_organisation_id",
        )
    if "owner_trainee_id" in fields:
        if trainee is not None and (current is None or trainee != current.owner_trainee_id):
            trainee = _owner_trainee(session, trainee)
        out["owner_trainee_id"] = trainee
        if trainee is not None:
            out["owner_organisation_id"] = None  # a new owner replaces the other kind
    if "owner_organisation_id" in fields:
        if organisation is not None and (
            current is None or organisation != current.owner_organisation_id
        ):
            organisation = _reference(
                session, Organisation, organisation, _("organisation"), "owner_organisation_id"
            )
        out["owner_organisation_id"] = organisation
        if organisation is not None:
            out["owner_trainee_id"] = None


def _clean_price(fields: dict[str, object], current: Product | None, out: dict[str, Any]) -> None:
    if not {"price", "currency", "origin_country"} & set(fields):
        return
    if "price" in fields:
        price = to_price(fields["price"])
    else:
        price = current.price if current else None
    if "currency" in fields:
        currency = currency_code(_text(fields["currency"]), "currency")
    else:
        currency = current.currency if current else None
    if price is None:
        if "currency" in fields:
            out["currency"] = currency
        if "price" in fields:
            out["price"] = None
        return
    if currency is None:
        country = out.get("origin_country", current.origin_country if current else None)
        currency = currency_of_country(country)
    if currency is None:
        raise ValidationError(
            _("Which currency is the price in? Enter a currency code such as HNL, GTQ or TWD."),
            "currency",
        )
    out["price"] = check_price(price, currency)
    out["currency"] = currency


def save_product(
    ctx: AppContext, values: Mapping[str, object], product_id: str | None = None
) -> str:
    """Create a product (no id) or change the given fields of one; returns its id."""
    with ctx.unit_of_work() as session:
        if product_id is None:
            product = Product(**_clean(session, values, None))
            session.add(product)
        else:
            product = get_live(session, Product, product_id, _("product"))
            for key, value in _clean(session, values, product).items():
                if getattr(product, key) != value:
                    setattr(product, key, value)
        session.flush()
        return product.id


def get_product(ctx: AppContext, product_id: str) -> ProductInfo:
    """One live product."""
    with ctx.read() as session:
        product = get_live(session, Product, product_id, _("product"))
        return _infos(session, [product])[0]


def list_products(
    ctx: AppContext,
    *,
    workshop_id: str | None = None,
    category: str | None = None,
    country: str | None = None,
    text: str = "",
) -> list[ProductInfo]:
    """Live products by name, filtered by workshop, category, country of origin and words."""
    query = select(Product).where(Product.cl % 2 == 1)
    if workshop_id:
        query = query.where(Product.workshop_id == workshop_id)
    if category:
        query = query.where(Product.category == _category(category))
    if country:
        query = query.where(Product.origin_country == country.strip().upper())
    with ctx.read() as session:
        infos = _infos(session, list(session.scalars(query)))
    words = fold(text).split()
    if words:
        infos = [i for i in infos if all(w in _haystack(i) for w in words)]
    return sorted(infos, key=lambda i: (fold(i.name), i.id))


def _haystack(info: ProductInfo) -> str:
    return fold_words(
        info.name,
        info.owner_trainee_name,
        info.owner_organisation_name,
        info.origin_town,
        info.description,
    )


def _infos(session: Session, products: list[Product]) -> list[ProductInfo]:
    """ProductInfo of `products`, reading names, counts and covers in a few queries."""
    merged = survivor_map(session)
    trainee_ids = {merged.get(p.owner_trainee_id or "", p.owner_trainee_id) for p in products}
    org_ids = {p.owner_organisation_id for p in products}
    workshop_ids = {p.workshop_id for p in products}
    trainees = _by_id(session, Trainee, trainee_ids)
    organisations = _by_id(session, Organisation, org_ids)
    workshops = _by_id(session, Workshop, workshop_ids)
    counts, covers = _photo_summary(session, {p.id for p in products})
    out = []
    for p in products:
        trainee_id = merged.get(p.owner_trainee_id or "", p.owner_trainee_id)
        trainee = trainees.get(trainee_id or "")
        organisation = organisations.get(p.owner_organisation_id or "")
        workshop = workshops.get(p.workshop_id or "")
        out.append(
            ProductInfo(
                id=p.id,
                name=p.name or "",
                category=p.category,
                owner_trainee_id=trainee_id,
                owner_trainee_name=trainee_info(trainee).display_name if trainee else None,
                owner_organisation_id=p.owner_organisation_id,
                owner_organisation_name=organisation.name if organisation else None,
                workshop_id=p.workshop_id,
                workshop_title=workshop.title if workshop else None,
                origin_town=p.origin_town,
                origin_country=p.origin_country,
                description=p.description,
                materials=p.materials,
                price=p.price,
                currency=p.currency,
                photo_count=counts.get(p.id, 0),
                cover_sha256=covers.get(p.id),
            )
        )
    return out


CHUNK = 500  # ids per IN (...): under every database's limit of bound parameters
# Photos of a product in the order they were taken (unknown dates first, on every database).
PHOTO_ORDER = func.coalesce(Photo.taken_at, "")


def _by_id(session: Session, model: type[Any], ids: set[str | None]) -> dict[str, Any]:
    wanted = sorted(i for i in ids if i)
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.scalars(
            select(model).where(model.id.in_(wanted[start : start + CHUNK]), model.cl % 2 == 1)
        )
        found.update((row.id, row) for row in rows)
    return found


def _photo_summary(
    session: Session, product_ids: set[str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Live photos per product, and the sha256 of each product's cover (consent not refused)."""
    counts: dict[str, int] = {}
    covers: dict[str, str] = {}
    if not product_ids:
        return counts, covers
    wanted = sorted(product_ids)
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Photo.product_id, Photo.sha256, Photo.consent)
            .where(Photo.cl % 2 == 1, Photo.product_id.in_(wanted[start : start + CHUNK]))
            .order_by(Photo.product_id, PHOTO_ORDER, Photo.id)
        ).tuples()
        for product_id, sha256, consent in rows:
            if product_id is None:
                continue
            counts[product_id] = counts.get(product_id, 0) + 1
            if consent is not False and sha256 and product_id not in covers:
                covers[product_id] = sha256
    return counts, covers


def delete_product(ctx: AppContext, product_id: str) -> None:
    """Mark a product deleted with its photos, in one transaction (undo: `undelete_product`)."""
    with ctx.unit_of_work() as session:
        product = get_live(session, Product, product_id, _("product"))
        soft_delete(product)
        # The product's change first, then its photos' in the same transaction: their seqs
        # follow the product's, which is how the undo finds exactly the photos that went with it.
        session.flush()
        photos = session.scalars(
            select(Photo)
            .where(Photo.product_id == product_id, Photo.cl % 2 == 1)
            .order_by(Photo.id)
        ).all()
        for photo in photos:
            soft_delete(photo)


def undelete_product(ctx: AppContext, product_id: str) -> None:
    """Bring back a deleted product and exactly the photos its deletion took with it."""
    with ctx.unit_of_work() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFoundError(_("product"), product_id)
        if product.alive:
            return
        photos = _photos_deleted_with(session, product)
        revive(product)
        session.flush()
        for photo in photos:
            revive(photo)


def _photos_deleted_with(session: Session, product: Product) -> list[Photo]:
    deletion = session.execute(
        select(ChangeLog.replica_id, ChangeLog.seq)
        .where(
            ChangeLog.tbl == Product.__tablename__,
            ChangeLog.row_id == product.id,
            ChangeLog.cl == product.cl,
        )
        .order_by(ChangeLog.hlc)
        .limit(1)
    ).first()
    dead = {
        p.id: p
        for p in session.scalars(
            select(Photo).where(Photo.product_id == product.id, Photo.cl % 2 == 0)
        )
    }
    if deletion is None or not dead:
        return []
    replica, seq = deletion
    following = session.execute(
        select(ChangeLog.tbl, ChangeLog.row_id, ChangeLog.cl, ChangeLog.payload)
        .where(
            ChangeLog.replica_id == replica,
            ChangeLog.seq > seq,
            ChangeLog.seq <= seq + len(dead),
        )
        .order_by(ChangeLog.seq)
    ).tuples()
    taken: list[Photo] = []
    for tbl, row_id, cl, payload in following:
        photo = dead.get(row_id)
        # The run of photo tombstones right after the product's is what its deletion wrote.
        if tbl != Photo.__tablename__ or photo is None or cl % 2 or json.loads(payload):
            break
        if photo.cl == cl:  # not deleted again (or revived) since
            taken.append(photo)
    return taken
