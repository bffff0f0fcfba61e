"""Command line: the same services as the GUI, for coordinators' scripts and for tests.

Exit codes: 0 success; 1 bad input (one translated line on stderr); 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from otop_desktop.app_logging import log_failure, start_command_log
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, set_locale
from otop_desktop.services.context import AppContext, initialise, is_initialised, open_context

__all__ = [
    "AppContext",
    "UsageError",
    "add_command",
    "add_group",
    "add_json_flag",
    "list_output",
    "open_for",
    "print_json",
    "print_table",
    "run",
    "with_context",
]
from otop_desktop.services.paths import default_data_dir

Handler = Callable[[argparse.Namespace, AppContext], int]


class UsageError(Exception):
    """Bad usage: exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are translated and raise instead of exiting."""

    def error(self, message: str) -> Any:
        raise UsageError(message)


def _json_default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    """Write `data` as JSON on stdout (dates as ISO text)."""
    sys.stdout.write(json.dumps(data, default=_json_default, ensure_ascii=False, indent=1) + "\n")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(rows: list[list[str]], headers: list[str]) -> None:
    """A plain aligned table on stdout (aligned for Chinese names and topics too)."""
    table = [[str(c) for c in line] for line in [headers, *rows]]
    widths = [max(display_width(x) for x in col) for col in zip(*table, strict=False)]
    for line in table:
        cells = [c + " " * (w - display_width(c)) for c, w in zip(line, widths, strict=False)]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")


def list_output(
    args: argparse.Namespace, data: Any, rows: list[list[str]], headers: list[str]
) -> int:
    """Print `data` as JSON when `--json` was given, else `rows` as a table; exit code 0."""
    if args.json:
        print_json(data)
    else:
        print_table(rows, headers)
    return 0


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The `--json` option of commands whose output scripts read."""
    parser.add_argument("--json", action="store_true", help=_("print JSON"))


def add_group(commands: Any, name: str, help_text: str) -> Any:
    """A command taking an action, e.g. `workshop list`; returns its action sub-parsers."""
    return commands.add_parser(name, help=help_text).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True
    )


def add_command(group: Any, name: str, help_text: str, func: Handler) -> argparse.ArgumentParser:
    """An action of `group` run by `func` with an open database; returns its parser."""
    parser: argparse.ArgumentParser = group.add_parser(name, help=help_text)
    parser.set_defaults(handler=with_context(func))
    return parser


def version_line() -> str:
    """What `--version` prints: "OTOP Field Desk 0.1.0"."""
    from otop_desktop.version import __version__

    return " ".join((_("OTOP Field Desk"), __version__))


def build_parser() -> _Parser:
    """The whole command line (DESIGN.md section 6, plus additions)."""
    from otop_desktop import (
        cli_bundle,
        cli_catalogue,
        cli_certificates,
        cli_commands,
        cli_products,
        cli_records,
        cli_reports,
        cli_roster,
    )

    parser = _Parser(
        prog="otop-desktop",
        description=_(
            "OTOP Field Desk: workshops, attendance and sync for OTOP programmes. "
            "Without a command, the window opens."
        ),
    )
    parser.add_argument(
        "--data-dir", type=Path, help=_("folder of the data (default: %(default)s)"), default=None
    )
    parser.add_argument("--database-url", help=_("use this database instead (e.g. PostgreSQL)"))
    parser.add_argument("--lang", help=_("language: en, es or zh_Hant_TW"))
    parser.add_argument(
        "--version", action="version", version=version_line(), help=_("show the version and exit")
    )
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)
    cli_commands.register(commands)
    cli_records.register(commands)
    cli_bundle.register(commands)
    cli_roster.register(commands)
    cli_products.register(commands)
    cli_certificates.register(commands)
    cli_reports.register(commands)
    cli_catalogue.register(commands)
    __import__("otop_desktop.cli_outcomes").cli_outcomes.register(commands)
    __import__("otop_desktop.cli_self_test").cli_self_test.register(commands)
    __import__("otop_desktop.cli_hub").cli_hub.register(commands)
    return parser


def open_for(args: argparse.Namespace, *, init: bool = True) -> AppContext:
    """Open the database named by the global options, initialising it when needed."""
    ctx = open_context(args.data_dir or default_data_dir(), args.database_url)
    if init and not is_initialised(ctx):
        initialise(ctx)
    return ctx


def run(argv: Sequence[str]) -> int:
    """Run one command; returns the exit code."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    pre.add_argument("--version", action="store_true")
    known, _rest = pre.parse_known_args(argv)
    set_locale(known.lang)
    if known.version:
        # Before the parser is built: that imports every command module and SQLAlchemy.
        sys.stdout.write(version_line() + "\n")
        return 0
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(parser.format_usage())
        sys.stderr.write(_("error: {message}").format(message=exc) + "\n")
        return 2
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        return -1  # no command: the caller opens the GUI
    command = " ".join(str(n) for n in (args.command, getattr(args, "action", None)) if n)
    start_command_log(command, args.data_dir, args.database_url)
    try:
        return handler(args)
    except UsageError as exc:
        sys.stderr.write(_("error: {message}").format(message=exc) + "\n")
        return 2
    except OtopError as exc:
        log_failure(exc)
        sys.stderr.write(str(exc).replace("\n", " ") + "\n")
        return exc.exit_code
    except Exception as exc:
        # Python prints the traceback on stderr as before; the log keeps it too.
        log_failure(exc)
        raise
    except KeyboardInterrupt:
        sys.stderr.write(_("Interrupted; nothing more was saved.") + "\n")
        return 130


def with_context(func: Handler, *, init: bool = True) -> Callable[[argparse.Namespace], int]:
    """Wrap a handler so it gets an open database and always closes it."""

    def handler(args: argparse.Namespace) -> int:
        ctx = open_for(args, init=init)
        try:
            return func(args, ctx)
        finally:
            ctx.close()

    return handler
