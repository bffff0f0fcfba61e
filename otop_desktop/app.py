"""Composition root: settings, database and services, then the CLI or the GUI."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """Run the CLI command in `argv`; with none, open the window."""
    from otop_desktop.ui.fast_start import opens_window

    if opens_window(argv):
        # No command: straight to the window, without building the CLI's parser (which
        # imports every command module and, through them, SQLAlchemy) before it is shown.
        from otop_desktop.ui.pyside_sources import stop_caching_sources

        stop_caching_sources()  # before the window's modules and the services are imported
        from otop_desktop.ui.launch import launch

        return int(launch(list(argv)))
    from otop_desktop import cli

    try:
        code = cli.run(argv)
    except BrokenPipeError:
        # The reader went away (`... | head`): what it wanted was printed; no traceback.
        # Python's advice: point stdout at devnull so the flush at exit does not fail again.
        import os
        import sys

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    if code != -1:
        return code
    from otop_desktop.ui.launch import launch

    return int(launch(list(argv)))
