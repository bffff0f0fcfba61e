"""Composition root: settings, database and services, then the CLI or the GUI."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """Run the CLI command in `argv`; with none, open the window."""
    from otop_desktop import cli

    code = cli.run(argv)
    if code != -1:
        return code
    from otop_desktop.ui.launch import launch

    return int(launch(list(argv)))
