"""CLI commands on products and their photos: add, list, edit, delete, photo add with a batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import (
    AppContext,
    UsageError,
    add_command,
    add_group,
    add_json_flag,
    list_output,
)
from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.media.photo_ingest import IngestOptions
from otop_desktop.services import photos, products

# option name -> (field of save_product, help)
PRODUCT_OPTIONS: dict[str, tuple[str, Any]] = {
    "name": ("name", lambda: _("product name")),
    "category": (
        "category",
        lambda: _("product category: bamboo, pottery, textiles, food, farm, other"),
    ),
    "workshop": ("workshop_id", lambda: _("id of the workshop it was made in")),
    "owner_trainee": ("owner_trainee_id", lambda: _("id of the trainee who makes it")),
    "owner_organisation": (
        "owner_organisation_id",
        lambda: _("id of the organisation that makes it"),
    ),
    "town": ("origin_town", lambda: _("town of origin")),
    "country": ("origin_country", lambda: _("country of origin, e.g. HN, GT, TW")),
    "description": ("description", lambda: _("description")),
    "materials": ("materials", lambda: _("materials")),
    "price": ("price", lambda: _("price, e.g. 1250.50")),
    "currency": (
        "currency",
        lambda: _("currency code, e.g. HNL, GTQ, TWD (default: the country's)"),
    ),
}
CONSENT = {"yes": True, "no": False, "unknown": None}


def _add_options(parser: argparse.ArgumentParser) -> None:
    for option, (_field, helptext) in PRODUCT_OPTIONS.items():
        parser.add_argument(
            "--" + option.replace("_", "-"), dest=option, default=argparse.SUPPRESS, help=helptext()
        )


def _values(args: argparse.Namespace) -> dict[str, object]:
    return {
        field: getattr(args, o) for o, (field, _h) in PRODUCT_OPTIONS.items() if hasattr(args, o)
    }


def register(commands: Any) -> None:
    """Add the `product` and `photo` commands to the sub-command parser."""
    group = add_group(commands, "product", _("products made by trainees and organisations"))
    p = add_command(group, "add", _("add a product"), _product_add)
    _add_options(p)
    p = add_command(group, "edit", _("change fields of a product"), _product_edit)
    p.add_argument("id")
    _add_options(p)
    p = add_command(group, "delete", _("delete a product and its photos"), _product_delete)
    p.add_argument("id")
    p = add_command(group, "list", _("list products"), _product_list)
    p.add_argument("--workshop", help=_("only products of this workshop"))
    p.add_argument("--category", help=_("only this category"))
    p.add_argument("--country", help=_("only products from this country"))
    p.add_argument("--search", default="", help=_("words of the name, maker, town or description"))
    add_json_flag(p)

    group = add_group(commands, "photo", _("photos of products"))
    p = add_command(group, "add", _("add photo files or folders to a product"), _photo_add)
    p.add_argument("files", nargs="+", type=Path, metavar=_("FILE"))
    p.add_argument("--product", required=True, help=_("product id"))
    p.add_argument(
        "--keep-location", action="store_true", help=_("keep the GPS location in the photos")
    )
    p.add_argument("--keep-original", action="store_true", help=_("also keep the original files"))
    p.add_argument(
        "--max-edge",
        type=int,
        default=IngestOptions.max_edge,
        help=_("longest side of the stored photos in pixels (default: %(default)s)"),
    )
    p.add_argument(
        "--consent", choices=list(CONSENT), default="unknown", help=_("people agreed to its use")
    )
    p = add_command(group, "list", _("list the photos of a product"), _photo_list)
    p.add_argument("--product", required=True, help=_("product id"))
    add_json_flag(p)
    p = add_command(group, "caption", _("set the caption of a photo"), _photo_caption)
    p.add_argument("id")
    p.add_argument("text", help=_("the caption (empty to remove it)"))
    p = add_command(
        group, "consent", _("record whether people agreed to the photo's use"), _photo_consent
    )
    p.add_argument("id")
    p.add_argument("answer", choices=list(CONSENT))
    p = add_command(group, "delete", _("delete a photo"), _photo_delete)
    p.add_argument("id")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _product_add(args: argparse.Namespace, ctx: AppContext) -> int:
    _say(products.save_product(ctx, _values(args)))
    return 0


def _product_edit(args: argparse.Namespace, ctx: AppContext) -> int:
    values = _values(args)
    if not values:
        raise UsageError(_("name at least one field to change, e.g. --price 250"))
    products.save_product(ctx, values, args.id)
    _say(_("Product saved."))
    return 0


def _product_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    products.delete_product(ctx, args.id)
    _say(_("Product deleted, with its photos."))
    return 0


def _product_list(args: argparse.Namespace, ctx: AppContext) -> int:
    items = products.list_products(
        ctx,
        workshop_id=args.workshop,
        category=args.category,
        country=args.country,
        text=args.search,
    )
    data = [
        {
            **{k: getattr(i, k) for k in i.__dataclass_fields__},
            "price": None if i.price is None else format(i.price, "f"),
        }
        for i in items
    ]
    rows = [
        [
            i.id,
            i.name,
            formatting.label_of(ProductCategory, i.category),
            i.owner_trainee_name or i.owner_organisation_name or "",
            formatting.country_name(i.origin_country),
            formatting.money(i.price, i.currency, i.origin_country),
            str(i.photo_count),
        ]
        for i in items
    ]
    headers = [
        _("Id"),
        _("Product"),
        _("Category"),
        _("Made by"),
        _("Country"),
        _("Price"),
        _("Photos"),
    ]
    return list_output(args, data, rows, headers)


def _photo_add(args: argparse.Namespace, ctx: AppContext) -> int:
    options = IngestOptions(
        max_edge=args.max_edge, keep_location=args.keep_location, keep_original=args.keep_original
    )
    result = photos.add_photos(
        ctx, args.product, args.files, options=options, consent=CONSENT[args.consent]
    )
    messages = iter(message for _name, message in result.failed)
    for name, status in result.outcomes:
        if status == photos.ADDED:
            _say(_("{name}: added").format(name=name))
        elif status == photos.ALREADY_THERE:
            _say(_("{name}: already there").format(name=name))
        else:
            sys.stderr.write(_("{name}: failed: {reason}").format(name=name, reason=next(messages)))
            sys.stderr.write("\n")
    _say(
        ngettext(
            "{added} photo added, {already} already there, {failed} failed.",
            "{added} photos added, {already} already there, {failed} failed.",
            len(result.added),
        ).format(added=len(result.added), already=result.already_there, failed=len(result.failed))
    )
    return 1 if result.failed else 0


def _photo_list(args: argparse.Namespace, ctx: AppContext) -> int:
    products.get_product(ctx, args.product)  # an unknown product is an error, not an empty list
    items = photos.photos_by_id(ctx, photos.photo_ids(ctx, product_id=args.product))
    consent = {True: _("yes"), False: _("no"), None: _("unknown")}
    return list_output(
        args,
        items,
        [
            [
                p.id,
                p.sha256[:12],
                f"{p.width or '?'}×{p.height or '?'}",
                formatting.moment_iso(p.taken_at),
                consent[p.consent],
                p.caption or "",
            ]
            for p in items
        ],
        [_("Id"), _("Photo"), _("Size"), _("Taken"), _("Consent"), _("Caption")],
    )


def _photo_caption(args: argparse.Namespace, ctx: AppContext) -> int:
    photos.set_caption(ctx, args.id, args.text)
    _say(_("Caption saved."))
    return 0


def _photo_consent(args: argparse.Namespace, ctx: AppContext) -> int:
    photos.set_consent(ctx, args.id, CONSENT[args.answer])
    _say(_("Consent recorded."))
    return 0


def _photo_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    photos.delete_photo(ctx, args.id)
    _say(_("Photo deleted."))
    return 0
