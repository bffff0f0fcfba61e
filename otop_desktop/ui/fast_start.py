"""Whether a command line only opens the window, decided without importing Qt or the CLI.

`otop-desktop` with no command (at most the global options) opens the window. Building the
CLI's parser imports every command module and, through them, the service layer (SQLAlchemy,
the models): a third of a second or more before the window could even start to appear.
`app.main()` asks `opens_window()` first and, when it says yes, calls `ui.launch.launch()`
straight away; anything else (a command, `--help`, a misspelt option) goes to the CLI as before.
"""

from __future__ import annotations

from collections.abc import Sequence

# The CLI's global options (cli.build_parser; a test keeps the two in step), each with a value.
WINDOW_OPTIONS = frozenset({"--data-dir", "--database-url", "--lang"})


def opens_window(argv: Sequence[str]) -> bool:
    """True when `argv` holds only global options with their values: no command, no --help.

    Strict on purpose: whatever it does not recognise (abbreviations, a missing value) is left
    to the CLI, which opens the window too when there is no command, or explains the mistake.
    """
    items = list(argv)
    i = 0
    while i < len(items):
        name, equals, _value = items[i].partition("=")
        if name not in WINDOW_OPTIONS:
            return False
        if not equals:
            i += 1
            if i >= len(items) or items[i].startswith("-"):
                return False
        i += 1
    return True
