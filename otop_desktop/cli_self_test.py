"""`self-test`: registered without Qt; the test itself (ui/self_test.py) is imported when run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from otop_desktop.i18n import _


def _run(args: argparse.Namespace) -> int:
    from otop_desktop.ui.self_test import self_test

    return self_test(args.keep, as_json=args.json)


def register(commands: Any) -> None:
    """Add the `self-test` command to the CLI's sub-parsers."""
    parser = commands.add_parser(
        "self-test",
        help=_("check that this installation works, in throw-away data folders"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.add_argument(
        "--keep",
        type=Path,
        metavar=_("DIR"),
        help=_("do the test in this empty folder and keep what it wrote"),
    )
    parser.set_defaults(handler=_run)
