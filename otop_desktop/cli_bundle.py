"""CLI commands for sync: bundle export, import and inspect, laptops, conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import AppContext, print_json, print_table, with_context
from otop_desktop.i18n import _, ngettext
from otop_desktop.services import sync_bundles, sync_review
from otop_desktop.sync import keys


def register(commands: Any) -> None:
    """Add the sync commands to the sub-command parser."""
    group = commands.add_parser("bundle", help=_("sync bundles")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True
    )
    p = group.add_parser("export", help=_("write a bundle of what other laptops may lack"))
    p.add_argument("file", type=Path, help=_("bundle file to write"))
    p.add_argument("--full", action="store_true", help=_("include everything"))
    p.add_argument(
        "--no-photos", action="store_true", help=_("leave the photos out (a small file for e-mail)")
    )
    p.add_argument("--passphrase-file", type=Path, help=_("file holding the programme passphrase"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_export))
    p = group.add_parser("import", help=_("merge bundles from other laptops"))
    p.add_argument("files", type=Path, nargs="+", help=_("bundle files"))
    p.add_argument("--passphrase-file", type=Path, help=_("file holding the programme passphrase"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_import))
    p = group.add_parser("inspect", help=_("show what a bundle holds, without importing"))
    p.add_argument("file", type=Path, help=_("bundle file"))
    p.add_argument("--passphrase-file", type=Path, help=_("file holding the programme passphrase"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_inspect))
    p = group.add_parser("history", help=_("bundles exported and imported here"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_history))

    group = commands.add_parser("laptops", help=_("laptops this database knows")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True
    )
    p = group.add_parser("list", help=_("list the known laptops"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_laptops))

    group = commands.add_parser("conflicts", help=_("concurrent edits to review")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True
    )
    p = group.add_parser("list", help=_("list open conflicts"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_conflicts))
    p = group.add_parser("resolve", help=_("keep one value of a conflict (an ordinary edit)"))
    p.add_argument("id", type=int)
    p.add_argument("--keep", choices=("kept", "lost"), help=_("which value to keep"))
    p.add_argument("--value", help=_("or type another value"))
    p.set_defaults(handler=with_context(_resolve))


def _secret(args: argparse.Namespace) -> str | None:
    path = getattr(args, "passphrase_file", None)
    return keys.read_passphrase_file(path) if path else None


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    report = sync_bundles.export_bundle(
        ctx, args.file, full=args.full, photos=not args.no_photos, passphrase=_secret(args)
    )
    if args.json:
        print_json(report)
        return 0
    sys.stdout.write(
        _("Bundle written to {path}: {changes} changes, {photos} photos.").format(
            path=report.path, changes=report.changes, photos=report.photos
        )
        + "\n"
    )
    return 0


def _import(args: argparse.Namespace, ctx: AppContext) -> int:
    reports = sync_bundles.import_bundles(ctx, args.files, passphrase=_secret(args))
    if args.json:
        print_json([r.as_dict() for r in reports])
        return 0
    for r in reports:
        sys.stdout.write(sync_review.describe_import(r) + "\n")
    return 0


def _inspect(args: argparse.Namespace, ctx: AppContext) -> int:
    info = sync_bundles.inspect(ctx, args.file, passphrase=_secret(args))
    if args.json:
        print_json(info)
        return 0
    sender = info.get("sender", {})
    counts = info.get("counts", {})
    lines = [
        _("Bundle {id}").format(id=info.get("bundle_id")),
        _("From: {name} ({id})").format(
            name=sender.get("device_name"), id=sender.get("replica_id")
        ),
        _("Made: {when}").format(when=info.get("created_at")),
        _("Schema: {rev}").format(rev=info.get("schema")),
        ngettext("{n} change", "{n} changes", counts.get("changes", 0)).format(
            n=counts.get("changes", 0)
        ),
        ngettext("{n} photo", "{n} photos", counts.get("photos", 0)).format(
            n=counts.get("photos", 0)
        ),
    ]
    for replica, (low, high) in sorted(info.get("ranges", {}).items()):
        lines.append(
            _("  laptop {id}: changes {low} to {high}").format(id=replica, low=low, high=high)
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _history(args: argparse.Namespace, ctx: AppContext) -> int:
    items = sync_review.bundle_history(ctx)
    if args.json:
        print_json(items)
        return 0
    print_table(
        [[h.at, h.direction, h.peer_name or "", h.file_name or ""] for h in items],
        [_("When"), _("Direction"), _("Laptop"), _("File")],
    )
    return 0


def _laptops(args: argparse.Namespace, ctx: AppContext) -> int:
    items = sync_review.known_laptops(ctx)
    if args.json:
        print_json(items)
        return 0
    print_table(
        [
            [
                lt.replica_id,
                lt.device_name or "",
                str(lt.seen_seq),
                lt.last_bundle_at or "",
                lt.fingerprint or "",
            ]
            for lt in items
        ],
        [_("Laptop id"), _("Name"), _("Changes seen"), _("Last bundle"), _("Key")],
    )
    return 0


def _conflicts(args: argparse.Namespace, ctx: AppContext) -> int:
    items = sync_review.open_conflicts(ctx)
    if args.json:
        print_json(items)
        return 0
    print_table(
        [
            [str(c.id), c.tbl, c.row_id, c.column, str(c.kept_value), str(c.lost_value)]
            for c in items
        ],
        [_("Id"), _("Table"), _("Record"), _("Field"), _("Kept"), _("Other value")],
    )
    return 0


def _resolve(args: argparse.Namespace, ctx: AppContext) -> int:
    sync_review.resolve_conflict(ctx, args.id, keep=args.keep, value=args.value)
    sys.stdout.write(_("Conflict resolved.") + "\n")
    return 0
