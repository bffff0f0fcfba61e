"""Restoring a backup under the running window: close the database, restore, open it again.

Run on the runner's thread once the old window's work has been delivered (the runner runs one
task at a time). Whatever happens, a database is open at the end: the restored one, or the one
that was there when the restore was refused (a damaged backup changes nothing).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from otop_desktop.domain.errors import OtopError
from otop_desktop.services.backup import restore_backup
from otop_desktop.services.context import AppContext
from otop_desktop.ui.startup import open_database

# The event main_window.Desk shows a notice for (main_window.NEW_REPLICA_EVENT).
NEW_REPLICA_EVENT = "new-replica-id"


@dataclass(frozen=True)
class Reopened:
    """The database open again, and why the restore was refused (None when it was done)."""

    ctx: AppContext
    error: OtopError | None


def restore_and_reopen(
    ctx: AppContext,
    source: Path,
    options: argparse.Namespace,
) -> Reopened:
    """Close `ctx`, restore `source` into its data dir and open the database again."""
    data_dir = ctx.data_dir.root
    ctx.close()
    error: OtopError | None = None
    try:
        restore_backup(data_dir, source)
    except OtopError as exc:
        error = exc
    again = open_database(argparse.Namespace(**{**vars(options), "data_dir": data_dir}))
    if error is None:
        again.events.append(NEW_REPLICA_EVENT)
    return Reopened(again, error)
