"""CLI: `hub connect|show|disconnect`, pointing the data dir at a coordinator hub (PostgreSQL).

These commands open no database of their own: `connect` tests the hub, then saves the setting;
later commands without `--database-url` (and the window) use it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import add_group, add_json_flag, print_json
from otop_desktop.i18n import _
from otop_desktop.services.hub_connection import connect_hub, current_hub, disconnect_hub
from otop_desktop.services.paths import default_data_dir


def register(commands: Any) -> None:
    """Add the `hub` command group."""
    group = add_group(
        commands, "hub", _("use a coordinator hub (PostgreSQL) instead of this laptop's file")
    )
    p = group.add_parser("connect", help=_("test a hub, then use it from now on"))
    p.add_argument("url", help=_("e.g. postgresql+psycopg://otop@hub-pc/otop_hub"))
    p.add_argument(
        "--photo-folder", type=Path, default=None, help=_("shared folder of the hub's photos")
    )
    p.add_argument(
        "--test-only", action="store_true", help=_("only test the connection; save nothing")
    )
    p.set_defaults(handler=_connect)
    p = group.add_parser("show", help=_("which database and photo folder this data dir uses"))
    add_json_flag(p)
    p.set_defaults(handler=_show)
    p = group.add_parser("disconnect", help=_("use this laptop's own database again"))
    p.set_defaults(handler=_disconnect)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or default_data_dir())


def _connect(args: argparse.Namespace) -> int:
    check = connect_hub(_data_dir(args), args.url, args.photo_folder, save=not args.test_only)
    sys.stdout.write(check.summary + "\n")
    if not args.test_only:
        sys.stdout.write(
            _("From now on this data dir uses the hub {url}.").format(url=check.url) + "\n"
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    hub = current_hub(_data_dir(args))
    if args.json:
        print_json(
            {
                "database": "postgresql" if hub else "sqlite",
                "database_url": hub.shown_url if hub else None,
                "password_in_url": hub.has_password if hub else False,
                "photo_folder": str(hub.photo_folder) if hub and hub.photo_folder else None,
            }
        )
        return 0
    if hub is None:
        sys.stdout.write(_("This laptop's own database (SQLite).") + "\n")
        return 0
    sys.stdout.write(_("Coordinator hub: {url}").format(url=hub.shown_url) + "\n")
    if hub.photo_folder is not None:
        sys.stdout.write(_("Shared photo folder: {path}").format(path=hub.photo_folder) + "\n")
    return 0


def _disconnect(args: argparse.Namespace) -> int:
    if disconnect_hub(_data_dir(args)):
        sys.stdout.write(
            _("This laptop uses its own database again; the hub's data is untouched.") + "\n"
        )
    else:
        sys.stdout.write(_("This laptop already uses its own database.") + "\n")
    return 0
