"""Entry point: `otop-desktop` and `python -m otop_desktop`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run a command, or open the window when none is given."""
    from otop_desktop.app import main as app_main

    return app_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
