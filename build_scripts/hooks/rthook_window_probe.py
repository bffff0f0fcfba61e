"""PyInstaller runtime hook: with OTOP_BENCH_WINDOW_PROBE=1, print a mark at the first paint.

build_scripts/bench/frozen_start.py times the frozen app's start to its first painted window
the same way window_probe.py times the unfrozen one; without the variable nothing happens.
"""

import os

if os.environ.get("OTOP_BENCH_WINDOW_PROBE") == "1":
    import window_probe

    window_probe._install_probe()
