"""Composition root: settings, database and services, then the CLI or the GUI."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """Run the CLI command in `argv`; with none, open the window."""
    from otop_desktop.ui.fast_start import opens_window

    if opens_window(argv):
        # No command: straight to the window, without building the CLI's parser (which
        # imports every command module and, through them, SQLAlchemy) before it is shown.
        from otop_desktop.ui.launch import launch

        return int(launch(list(argv)))
    from otop_desktop import cli

    code = cli.run(argv)
    if code != -1:
        return code
    from otop_desktop.ui.launch import launch

    return int(launch(list(argv)))
