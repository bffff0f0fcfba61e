"""Small builders shared by the core tests (no Qt)."""

from __future__ import annotations

from pathlib import Path

from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.sync.capture import SyncContext


def new_context(root: Path, name: str = "laptop", sync: SyncContext | None = None) -> AppContext:
    """A fresh, initialised database in `root`."""
    ctx = open_context(root, sync=sync)
    initialise(ctx, name)
    return ctx
