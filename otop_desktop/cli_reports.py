"""CLI commands for reports: `report attendance` writes a workshop's report as PDF or XLSX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import AppContext, add_command, add_group
from otop_desktop.i18n import _
from otop_desktop.services.attendance_report import write_attendance_report


def register(commands: Any) -> None:
    """Add the report commands to the sub-command parser."""
    group = add_group(commands, "report", _("printable reports of a workshop"))
    p = add_command(
        group,
        "attendance",
        _("write the attendance report of a workshop (sessions × trainees, totals, chart)"),
        _attendance,
    )
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("--out", required=True, type=Path, help=_("the .pdf or .xlsx file to write"))
    p.add_argument(
        "--pdf-lang",
        help=_("language of the report: en, es or zh_Hant_TW (default: the workshop's)"),
    )
    p.add_argument("--paper", help=_("letter or a4 (default: the usual one in the country)"))
    __import__("otop_desktop.cli_impact").cli_impact.add_impact(group)


def _attendance(args: argparse.Namespace, ctx: AppContext) -> int:
    path = write_attendance_report(
        ctx, args.workshop, args.out, locale=args.pdf_lang, paper=args.paper
    )
    sys.stdout.write(f"{path}\n")  # the path alone: scripts read it
    return 0
