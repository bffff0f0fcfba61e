"""CLI command `catalogue`: the product catalogue PDF of a workshop or of chosen products."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import AppContext, with_context
from otop_desktop.i18n import _
from otop_desktop.services.catalogue import write_catalogue


def register(commands: Any) -> None:
    """Add the `catalogue` command to the sub-command parser."""
    parser = commands.add_parser(
        "catalogue",
        help=_("write the product catalogue PDF of a workshop or of chosen products"),
    )
    parser.set_defaults(handler=with_context(_catalogue))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--workshop", help=_("workshop id: all its products"))
    which.add_argument(
        "--product",
        action="append",
        metavar="ID",
        help=_("product id; repeat for several, printed in the order given"),
    )
    parser.add_argument("--out", required=True, type=Path, help=_("the PDF file to write"))
    parser.add_argument(
        "--pdf-lang",
        help=_("language of the catalogue: en, es or zh_Hant_TW (default: the workshop's)"),
    )
    parser.add_argument("--paper", help=_("letter or a4 (default: the usual one in the country)"))


def _catalogue(args: argparse.Namespace, ctx: AppContext) -> int:
    path = write_catalogue(
        ctx,
        args.out,
        workshop_id=args.workshop,
        product_ids=args.product,
        locale=args.pdf_lang,
        paper=args.paper,
    )
    sys.stdout.write(_("Catalogue written to {path}.").format(path=path) + "\n")
    return 0
