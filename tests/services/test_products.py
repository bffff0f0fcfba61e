"""Products: validation per field, prices in three languages, filters, delete and undo."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.db.models import Photo
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.i18n import set_locale
from otop_desktop.services import organisations, trainee_merge, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.products import (
    delete_product,
    get_product,
    list_products,
    parse_price,
    save_product,
    undelete_product,
)
from tests.helpers import new_context


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = new_context(tmp_path / "db")
    yield context
    context.close()


def _changes(ctx: AppContext, row_id: str) -> list[ChangeLog]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(ChangeLog).where(ChangeLog.row_id == row_id).order_by(ChangeLog.seq)
            )
        )


def _photo(ctx: AppContext, product_id: str, sha: str, **extra: object) -> str:
    with ctx.unit_of_work() as session:
        photo = Photo(sha256=sha * 64, product_id=product_id, **extra)
        session.add(photo)
        session.flush()
        return photo.id


def _field_of(ctx: AppContext, values: dict[str, object], product_id: str | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        save_product(ctx, values, product_id)
    assert caught.value.message
    assert caught.value.field is not None
    return caught.value.field


def test_a_saved_product_reads_back_with_its_owner_workshop_and_price(ctx: AppContext) -> None:
    w = workshops.create_workshop(ctx, title="Bambú Comayagua", country="HN")
    t = trainees.add_trainee(ctx, given_names="María Fernanda", family_names="López Reyes")
    pid = save_product(
        ctx,
        {
            "name": "  Silla de bambú ",
            "category": "bamboo",
            "owner_trainee_id": t.id,
            "workshop_id": w.id,
            "origin_town": "Comayagua",
            "origin_country": "hn",
            "description": "Silla tejida a mano",
            "materials": "bambú, fibra",
            "price": "1250.50",
            "currency": "hnl",
        },
    )
    info = get_product(ctx, pid)
    assert info.name == "Silla de bambú"
    assert info.owner_trainee_name == "María Fernanda López Reyes"
    assert info.workshop_title == "Bambú Comayagua"
    assert (info.origin_country, info.currency, info.price) == ("HN", "HNL", Decimal("1250.50"))
    assert info.photo_count == 0 and info.cover_sha256 is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Jarrón", "category": "jewellery"}, "category"),
        ({"name": "Jarrón", "origin_country": "Honduras"}, "origin_country"),
        ({"name": "Jarrón", "price": "10", "currency": "LEMPIRA"}, "currency"),
        ({"name": "Jarrón", "price": "-5", "currency": "HNL"}, "price"),
        ({"name": "Jarrón", "price": "diez", "currency": "HNL"}, "price"),
        ({"name": "Jarrón", "price": "1500.5", "currency": "PYG"}, "price"),
        ({"name": "Jarrón", "price": "10.125", "currency": "USD"}, "price"),
        ({"name": "Jarrón", "price": "10"}, "currency"),
        ({"name": "Jarrón", "workshop_id": "no-such-workshop"}, "workshop_id"),
        ({"name": "Jarrón", "owner_trainee_id": "no-such-trainee"}, "owner_trainee_id"),
        ({"name": "Jarrón", "owner_organisation_id": "nobody"}, "owner_organisation_id"),
        ({"name": "Jarrón", "colour": "blue"}, None),
    ],
)
def test_each_bad_value_is_refused_naming_its_field(
    ctx: AppContext, values: dict[str, object], field: str | None
) -> None:
    with pytest.raises(ValidationError) as caught:
        save_product(ctx, values)
    assert caught.value.field == field
    assert caught.value.message
    assert list_products(ctx) == []  # nothing half-saved


def test_a_product_has_at_most_one_owner_and_both_must_be_live(ctx: AppContext) -> None:
    t = trainees.add_trainee(ctx, given_names="Ana")
    o = organisations.add_organisation(ctx, name="Cooperativa Lenca")
    both = {"name": "Canasta", "owner_trainee_id": t.id, "owner_organisation_id": o.id}
    assert _field_of(ctx, both) == "owner_organisation_id"
    organisations.delete_organisation(ctx, o.id)
    assert _field_of(ctx, {"name": "Canasta", "owner_organisation_id": o.id}) == (
        "owner_organisation_id"
    )
    trainees.delete_trainee(ctx, t.id)
    assert _field_of(ctx, {"name": "Canasta", "owner_trainee_id": t.id}) == "owner_trainee_id"


def test_giving_an_organisation_as_owner_replaces_the_trainee(ctx: AppContext) -> None:
    t = trainees.add_trainee(ctx, given_names="Ana")
    o = organisations.add_organisation(ctx, name="Cooperativa Lenca")
    pid = save_product(ctx, {"name": "Canasta", "owner_trainee_id": t.id})
    save_product(ctx, {"owner_organisation_id": o.id}, pid)
    info = get_product(ctx, pid)
    assert (info.owner_trainee_id, info.owner_organisation_id) == (None, o.id)
    assert info.owner_organisation_name == "Cooperativa Lenca"


def test_a_merged_trainee_as_owner_stores_the_survivor(ctx: AppContext) -> None:
    keep = trainees.add_trainee(ctx, given_names="María", family_names="López Reyes")
    dup = trainees.add_trainee(ctx, given_names="Maria", family_names="Lopez")
    trainee_merge.merge_trainees(ctx, keep.id, dup.id)
    pid = save_product(ctx, {"name": "Canasta", "owner_trainee_id": dup.id})
    assert get_product(ctx, pid).owner_trainee_id == keep.id


def test_a_product_whose_owner_is_merged_later_shows_the_survivor(ctx: AppContext) -> None:
    keep = trainees.add_trainee(ctx, given_names="María", family_names="López Reyes")
    dup = trainees.add_trainee(ctx, given_names="Maria", family_names="Lopez")
    pid = save_product(ctx, {"name": "Canasta", "owner_trainee_id": dup.id})
    trainee_merge.merge_trainees(ctx, keep.id, dup.id)
    info = get_product(ctx, pid)
    assert (info.owner_trainee_id, info.owner_trainee_name) == (keep.id, "María López Reyes")


@pytest.mark.parametrize(
    ("country", "currency"),
    [("HN", "HNL"), ("GT", "GTQ"), ("SV", "USD"), ("NI", "NIO"), ("TW", "TWD"), ("PY", "PYG")],
)
def test_the_currency_defaults_to_the_country_of_origin(
    ctx: AppContext, country: str, currency: str
) -> None:
    pid = save_product(ctx, {"name": "Jarrón", "origin_country": country, "price": "25"})
    assert get_product(ctx, pid).currency == currency


def test_prices_follow_the_minor_units_of_their_currency(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Hamaca", "price": "1500.00", "currency": "PYG"})
    assert str(get_product(ctx, pid).price) == "1500"
    assert _field_of(ctx, {"price": "1500.5"}, pid) == "price"
    save_product(ctx, {"price": "1500.5", "currency": "USD"}, pid)
    assert get_product(ctx, pid).price == Decimal("1500.5")
    # Changing the currency alone re-checks the price it would have.
    assert _field_of(ctx, {"currency": "VND"}, pid) == "price"
    assert get_product(ctx, pid).currency == "USD"


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("es", "1.234,50", "1234.50"),
        ("es", "1234,5", "1234.5"),
        ("es", "1234.50", "1234.50"),
        ("es", "25", "25"),
        ("en", "1,234.50", "1234.50"),
        ("en", "1234.50", "1234.50"),
        ("zh_Hant_TW", "1,250", "1250"),
        ("zh_Hant_TW", "1250.5", "1250.5"),
        ("en", "  ", None),
    ],
)
def test_parse_price_reads_the_current_languages_separators(
    locale: str, text: str, expected: str | None
) -> None:
    set_locale(locale)
    value = parse_price(text)
    assert value == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(("locale", "text"), [("en", "1,5"), ("es", "1,2,3"), ("en", "12abc")])
def test_parse_price_refuses_what_is_no_number(locale: str, text: str) -> None:
    set_locale(locale)
    with pytest.raises(ValidationError) as caught:
        parse_price(text)
    assert caught.value.field == "price"


def test_a_price_typed_in_spanish_is_saved(ctx: AppContext) -> None:
    set_locale("es")
    pid = save_product(ctx, {"name": "Comal", "price": "1.234,50", "currency": "GTQ"})
    assert get_product(ctx, pid).price == Decimal("1234.50")


def test_filters_by_workshop_category_country_and_words(ctx: AppContext) -> None:
    w1 = workshops.create_workshop(ctx, title="Bambú", country="HN")
    w2 = workshops.create_workshop(ctx, title="Cerámica", country="TW")
    owner = trainees.add_trainee(ctx, chinese_name="陳美玲")
    chair = save_product(
        ctx,
        {"name": "Silla de bambú", "category": "bamboo", "workshop_id": w1.id,
         "origin_country": "HN", "origin_town": "Comayagua"},
    )  # fmt: skip
    pot = save_product(
        ctx,
        {"name": "柴燒花器", "category": "pottery", "workshop_id": w2.id,
         "origin_country": "TW", "owner_trainee_id": owner.id, "description": "Vasija única"},
    )  # fmt: skip
    ids = lambda items: [i.id for i in items]  # noqa: E731
    assert set(ids(list_products(ctx))) == {chair, pot}
    assert ids(list_products(ctx, workshop_id=w1.id)) == [chair]
    assert ids(list_products(ctx, category="pottery")) == [pot]
    assert ids(list_products(ctx, category="textiles")) == []
    assert ids(list_products(ctx, country="tw")) == [pot]
    assert ids(list_products(ctx, text="COMAYAGUA")) == [chair]
    assert ids(list_products(ctx, text="unica")) == [pot]  # accents do not matter
    assert ids(list_products(ctx, text="陳美玲")) == [pot]  # the owner's name
    assert ids(list_products(ctx, text="silla bambu")) == [chair]
    assert ids(list_products(ctx, text="silla 陳")) == []


def test_count_and_cover_skip_deleted_photos_and_refused_consent(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Jarrón"})
    _photo(ctx, pid, "a", taken_at="2026-01-01T10:00:00", consent=False)
    _photo(ctx, pid, "b", taken_at="2026-01-02T10:00:00")
    _photo(ctx, pid, "c", taken_at="2026-01-03T10:00:00", consent=True)
    gone = _photo(ctx, pid, "d", taken_at="2025-01-01T10:00:00", consent=True)
    with ctx.unit_of_work() as session:
        photo = session.get(Photo, gone)
        assert photo is not None
        photo.cl += 1
    info = get_product(ctx, pid)
    assert info.photo_count == 3
    assert info.cover_sha256 == "b" * 64


def test_each_write_is_one_change_in_the_log(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Comal", "price": "30", "currency": "GTQ"})
    save_product(ctx, {"description": "De barro"}, pid)
    save_product(ctx, {"description": "De barro"}, pid)  # nothing changed: no change
    delete_product(ctx, pid)
    undelete_product(ctx, pid)
    changes = _changes(ctx, pid)
    assert [c.cl for c in changes] == [1, 1, 2, 3]
    assert json.loads(changes[0].payload) == {"currency": "GTQ", "name": "Comal", "price": "30"}
    assert json.loads(changes[1].payload) == {"description": "De barro"}


def test_delete_takes_the_photos_and_undo_brings_back_exactly_those(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Jarrón"})
    other = save_product(ctx, {"name": "Comal"})
    kept = [_photo(ctx, pid, "a"), _photo(ctx, pid, "b")]
    earlier = _photo(ctx, pid, "c")
    elsewhere = _photo(ctx, other, "d")
    with ctx.unit_of_work() as session:  # deleted on its own before the product
        photo = session.get(Photo, earlier)
        assert photo is not None
        photo.cl += 1

    def alive() -> set[str]:
        with ctx.read() as session:
            return set(session.scalars(select(Photo.id).where(Photo.cl % 2 == 1)))

    delete_product(ctx, pid)
    assert alive() == {elsewhere}
    assert [p.id for p in list_products(ctx)] == [other]
    with pytest.raises(NotFoundError):
        get_product(ctx, pid)
    for photo_id in kept:
        assert [c.cl for c in _changes(ctx, photo_id)] == [1, 2]
    undelete_product(ctx, pid)
    assert alive() == {*kept, elsewhere}
    assert get_product(ctx, pid).photo_count == 2
    # A second round finds the second deletion, not the first.
    delete_product(ctx, pid)
    undelete_product(ctx, pid)
    assert alive() == {*kept, elsewhere}


def test_editing_a_deleted_product_is_refused(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Jarrón"})
    delete_product(ctx, pid)
    with pytest.raises(NotFoundError):
        save_product(ctx, {"name": "Jarrón rojo"}, pid)
    with pytest.raises(NotFoundError):
        undelete_product(ctx, "no-such-product")
