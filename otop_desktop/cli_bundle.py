"""CLI commands for sync: bundle export, import and inspect, laptops, conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import (
    AppContext,
    add_command,
    add_group,
    add_json_flag,
    list_output,
    print_json,
)
from otop_desktop.i18n import _, ngettext
from otop_desktop.services import sync_bundles, sync_review
from otop_desktop.sync import keys


def register(commands: Any) -> None:
    """Add the sync commands to the sub-command parser."""
    group = add_group(commands, "bundle", _("sync bundles"))
    p = add_command(group, "export", _("write a bundle of what other laptops may lack"), _export)
    p.add_argument("file", type=Path, help=_("bundle file to write"))
    p.add_argument("--full", action="store_true", help=_("include everything"))
    p.add_argument(
        "--no-photos", action="store_true", help=_("leave the photos out (a small file for e-mail)")
    )
    p.add_argument("--passphrase-file", type=Path, help=_("file holding the programme passphrase"))
    add_json_flag(p)
    p = add_command(group, "import", _("merge bundles from other laptops"), _import)
    p.add_argument("files", type=Path, nargs="+", help=_("bundle files"))
    p.add_argument("--passphrase-file", type=Path, help=_("file holding the programme passphrase"))
    add_json_flag(p)
    p = add_command(group, "inspect", _("show what a bundle holds, without importing"), _inspect)
    p.add_argument("file", type=Path, help=_("bundle file"))
    p.add_argument("--passphrase-file", type=Path, help=_("file holding the programme passphrase"))
    add_json_flag(p)
    p = add_command(group, "history", _("bundles exported and imported here"), _history)
    add_json_flag(p)

    group = add_group(commands, "laptops", _("laptops this database knows"))
    p = add_command(group, "list", _("list the known laptops"), _laptops)
    add_json_flag(p)

    group = add_group(commands, "conflicts", _("concurrent edits to review"))
    p = add_command(group, "list", _("list open conflicts"), _conflicts)
    add_json_flag(p)
    p = add_command(
        group, "resolve", _("keep one value of a conflict (an ordinary edit)"), _resolve
    )
    p.add_argument("id", type=int)
    p.add_argument("--keep", choices=("kept", "lost"), help=_("which value to keep"))
    p.add_argument("--value", help=_("or type another value"))


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
    return list_output(
        args,
        items,
        [[h.at, h.direction, h.peer_name or "", h.file_name or ""] for h in items],
        [_("When"), _("Direction"), _("Laptop"), _("File")],
    )


def _laptops(args: argparse.Namespace, ctx: AppContext) -> int:
    items = sync_review.known_laptops(ctx)
    return list_output(
        args,
        items,
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


def _conflicts(args: argparse.Namespace, ctx: AppContext) -> int:
    items = sync_review.open_conflicts(ctx)
    return list_output(
        args,
        items,
        [
            [str(c.id), c.tbl, c.row_id, c.column, str(c.kept_value), str(c.lost_value)]
            for c in items
        ],
        [_("Id"), _("Table"), _("Record"), _("Field"), _("Kept"), _("Other value")],
    )


def _resolve(args: argparse.Namespace, ctx: AppContext) -> int:
    sync_review.resolve_conflict(ctx, args.id, keep=args.keep, value=args.value)
    sys.stdout.write(_("Conflict resolved.") + "\n")
    return 0
