"""Heavy libraries are imported when they are used, not when the window's modules load: each
one imported at start stays in memory for the whole session (issue #10, idle memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Loaded only when a PDF or workbook is written, a preview or the camera opens, a HEIF
# photo comes in; rapidfuzz at the first comparison of two names; cryptography when a bundle
# is written or read (this laptop's fingerprint comes from the device_key.pub cache).
LAZY = (
    "reportlab.pdfgen",
    "reportlab.platypus",
    "openpyxl",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtMultimedia",
    "pi_heif",
    "rapidfuzz",
    "cryptography",
)

_PROBE = """
import json, sys
import otop_desktop.ui.main_window, otop_desktop.ui.shell, otop_desktop.app
print(json.dumps(sorted(sys.modules)))
"""


def test_the_windows_modules_leave_heavy_libraries_unloaded() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    assert "otop_desktop.ui.main_window" in loaded
    assert [name for name in LAZY if name in loaded] == []
