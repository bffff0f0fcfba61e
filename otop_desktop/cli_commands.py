"""CLI commands about the database as a whole: init, demo, dump, check, backup, restore."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import AppContext, open_for, print_json, with_context
from otop_desktop.i18n import _
from otop_desktop.services import backup, check, demo, dump
from otop_desktop.services.context import initialise
from otop_desktop.services.paths import default_data_dir


def register(commands: Any) -> None:
    """Add the database-wide commands to the sub-command parser."""
    p = commands.add_parser("init", help=_("make this database a laptop (replica) of its own"))
    p.add_argument("--device-name", required=True, help=_("a name people recognise this laptop by"))
    p.add_argument(
        "--passphrase-file",
        type=Path,
        help=_("file holding the programme passphrase, used for sync bundles"),
    )
    p.set_defaults(handler=with_context(_init, init=False))

    p = commands.add_parser("demo", help=_("add a demo programme (three workshops)"))
    p.add_argument("--trainees", type=int, default=60, help=_("number of trainees"))
    p.add_argument("--sessions", type=int, default=6, help=_("sessions per workshop"))
    p.add_argument("--photos", type=int, default=6, help=_("number of product photos"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed (same seed, same data)"))
    p.add_argument(
        "--follow-ups",
        action="store_true",
        help=_("a year earlier, with baselines and 3, 6 and 12-month follow-ups"),
    )
    p.set_defaults(handler=with_context(_demo))

    p = commands.add_parser("dump", help=_("print every live record as canonical JSON"))
    p.set_defaults(handler=with_context(_dump))

    p = commands.add_parser("check", help=_("check the database and the photo store"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_check))

    p = commands.add_parser("backup", help=_("write a backup of the database and photos"))
    p.add_argument("file", type=Path, help=_("backup file to write"))
    p.set_defaults(handler=with_context(_backup))

    p = commands.add_parser("restore", help=_("replace the database with a backup"))
    p.add_argument("file", type=Path, help=_("backup file to read"))
    p.set_defaults(handler=_restore)


def _init(args: argparse.Namespace, ctx: AppContext) -> int:
    name = args.device_name.strip()
    if not name:
        from otop_desktop.domain.errors import ValidationError

        raise ValidationError(_("The device name may not be empty."), "device_name")
    if args.passphrase_file is not None:
        from otop_desktop.sync import keys

        keys.save_passphrase(ctx.data_dir.keys, keys.read_passphrase_file(args.passphrase_file))
    replica_id = initialise(ctx, name)
    # A laptop named on the command line has been set up: the GUI does not ask again.
    from otop_desktop.services.laptop import rename_laptop

    rename_laptop(ctx, name)
    try:
        from otop_desktop.sync import keys

        keys.device_public_key_text(ctx.data_dir.keys)  # makes the key and its cache
    except ImportError:
        pass
    sys.stdout.write(
        _("This laptop is “{name}” (replica {id}).").format(name=name, id=replica_id) + "\n"
    )
    return 0


def _demo(args: argparse.Namespace, ctx: AppContext) -> int:
    for key in ("trainees", "sessions", "photos"):
        if getattr(args, key) < 0:
            from otop_desktop.domain.errors import ValidationError

            raise ValidationError(_("--{name} may not be negative.").format(name=key))
    summary = demo.build_demo(
        ctx,
        trainees=args.trainees,
        sessions=args.sessions,
        photos=args.photos,
        seed=args.seed,
        follow_ups=args.follow_ups,
    )
    sys.stdout.write(
        _("Demo added: {w} workshops, {t} trainees, {s} sessions, {m} marks, {p} photos.").format(
            w=summary.workshops,
            t=summary.trainees,
            s=summary.sessions,
            m=summary.marks,
            p=summary.photos,
        )
        + "\n"
    )
    return 0


def _dump(args: argparse.Namespace, ctx: AppContext) -> int:
    out = sys.stdout.buffer
    out.write(dump.dump_text(ctx).encode("utf-8"))
    out.flush()
    return 0


def _check(args: argparse.Namespace, ctx: AppContext) -> int:
    report = check.run_check(ctx)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                # "problems" stays a list of texts: coordinators' scripts read it so.
                "problems": [p.text for p in report.problems],
                "advice": [{"problem": p.text, "advice": p.advice} for p in report.problems],
                "notes": list(report.notes),
                "facts": report.facts,
            }
        )
    else:
        for key, value in sorted(report.facts.items()):
            sys.stdout.write(f"{key}: {value}\n")
        for note in report.notes:
            sys.stdout.write(_("Note: {text}").format(text=note) + "\n")
        for problem in report.problems:
            sys.stdout.write(_("Problem: {text}").format(text=problem.text) + "\n")
            sys.stdout.write("  " + _("What to do: {text}").format(text=problem.advice) + "\n")
        if report.ok:
            sys.stdout.write(_("Everything is in order.") + "\n")
    return 0 if report.ok else 1


def _backup(args: argparse.Namespace, ctx: AppContext) -> int:
    path = backup.write_backup(ctx, args.file)
    sys.stdout.write(_("Backup written to {path}.").format(path=path) + "\n")
    return 0


def _restore(args: argparse.Namespace) -> int:
    if args.database_url:
        raise backup.BackupError(
            _("Backups of a PostgreSQL hub are made with the server's own tools (pg_dump).")
        )
    data_dir = args.data_dir or default_data_dir()
    replica_id = backup.restore_backup(data_dir, args.file)
    ctx = open_for(args)
    ctx.close()
    sys.stdout.write(
        _("Backup restored. This laptop now writes as replica {id}.").format(id=replica_id) + "\n"
    )
    return 0
