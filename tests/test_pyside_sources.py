"""Started as the window, PySide6 does not leave the source lines of every module imported
after it in memory (ui/pyside_sources.py; issue #10, idle memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import json, linecache, sys


def report(argv=()):
    import sqlalchemy.orm
    import otop_desktop.services.context, otop_desktop.ui.startup
    # (The probe imported the window's own modules before main() ran: only these count.)
    cached = [name for name in linecache.cache if "sqlalchemy" in name or "services" in name]
    from otop_desktop.ui.pyside_sources import module_mentions_pyside
    import otop_desktop.ui.shell, otop_desktop.domain.text
    print(json.dumps({"cached": len(cached), "shell": module_mentions_pyside(otop_desktop.ui.shell),
                      "text": module_mentions_pyside(otop_desktop.domain.text),
                      "builtin": module_mentions_pyside(sys)}))
    return 0


if sys.argv[1] == "app":
    # The window's start as `otop-desktop` runs it, up to where the window would open.
    import otop_desktop.ui.launch
    otop_desktop.ui.launch.launch = report
    from otop_desktop.app import main
    main([])
else:
    import PySide6.QtCore
    report()
"""


def _probe(mode: str) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True, env=env
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def test_modules_imported_after_the_window_starts_leave_no_lines_cached() -> None:
    # Without the replacement, PySide6 reads each of these modules' source into linecache:
    # if this ever stops, the replacement is no longer needed.
    assert int(_probe("plain")["cached"]) > 50  # type: ignore[call-overload]
    found = _probe("app")
    assert found["cached"] == 0
    # The same answers as PySide6's own check gives.
    assert found["shell"] is True
    assert found["text"] is False
    assert found["builtin"] is False
