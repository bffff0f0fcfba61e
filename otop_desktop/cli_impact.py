"""CLI command `report impact`: the impact report PDF of the programme, a country or a workshop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import AppContext, add_command
from otop_desktop.domain import validation as v
from otop_desktop.i18n import _, pgettext
from otop_desktop.services.dashboard import DashboardFilter
from otop_desktop.services.impact_report import write_impact_report


def add_impact(group: Any) -> None:
    """Add `impact` to the `report` command's actions."""
    p = add_command(
        group,
        "impact",
        _("write the impact report for funders (trainees, attendance, income, sales, products)"),
        _impact,
    )
    p.add_argument("--out", required=True, type=Path, help=_("the .pdf file to write"))
    p.add_argument("--country", help=_("only the workshops in this country (e.g. HN)"))
    p.add_argument("--workshop", help=_("only this workshop (its id)"))
    p.add_argument(
        "--from", dest="start", help=_("only workshops running on or after this date (YYYY-MM-DD)")
    )
    p.add_argument(
        "--to", dest="end", help=_("only workshops starting on or before this date (YYYY-MM-DD)")
    )
    p.add_argument(
        "--currency",
        help=_("convert amounts into this currency with the rates entered (default: per currency)"),
    )
    p.add_argument(
        "--pdf-lang",
        help=_("language of the report: en, es or zh_Hant_TW (default: the interface's)"),
    )
    p.add_argument("--paper", help=_("letter or a4 (default: the usual one in the country)"))


def _impact(args: argparse.Namespace, ctx: AppContext) -> int:
    flt = DashboardFilter(
        country=args.country,
        workshop_id=args.workshop,
        start=v.parse_date(args.start, "start", pgettext("dates", "From")),
        end=v.parse_date(args.end, "end", pgettext("dates", "To")),
        currency=args.currency,
    )
    path = write_impact_report(ctx, args.out, flt, locale=args.pdf_lang, paper=args.paper)
    sys.stdout.write(f"{path}\n")  # the path alone: scripts read it
    return 0
