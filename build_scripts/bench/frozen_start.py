"""`frozen_start`: the frozen one-folder app's start to its first painted window, vs the unfrozen.

The unfrozen app is started as `window_probe.py app DIR` (that is `python -m otop_desktop
--data-dir DIR` with the probe); the frozen one as `dist/otop-desktop/otop-desktop --data-dir
DIR` with OTOP_BENCH_WINDOW_PROBE=1, which makes its runtime hook (build_scripts/hooks/
rthook_window_probe.py) install the same probe. Both print the same mark at the first paint.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import datasets
from common import HERE, PYTHON, ROOT, Sizes, child_env, copy_data_dir, log, median, scratch
from table import Row
from window_probe import MARK

TIMEOUT = 120.0
DIST = ROOT / "build_scripts" / "dist" / "otop-desktop"
TARGET = 1.5


def frozen_executable() -> Path:
    """The one-folder app's executable (the console one on Windows)."""
    if sys.platform == "win32":
        return DIST / "otop-desktop-cli.exe"
    return DIST / "otop-desktop"


def _start_once(command: list[str], env_extra: dict[str, str]) -> tuple[float | None, str]:
    """Seconds from spawn until MARK was printed; (None, why) when it was not."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(env_extra),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == MARK:
                return time.perf_counter() - start, ""
        proc.wait(timeout=TIMEOUT)
        err = (proc.stderr.read() if proc.stderr else "").strip().splitlines()[-3:]
        return None, f"exited {proc.returncode} without a window: {' | '.join(err)}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def frozen_start(sizes: Sizes) -> list[Row]:
    """The `frozen_start` row: median start-to-window of the frozen app / of the unfrozen app."""
    row = Row("frozen_start", unit="s", target=f"<= {TARGET}x unfrozen")
    exe = frozen_executable()
    if not exe.is_file():
        row.error = "not built: run build_scripts/build_app.py first"
        return [row]
    source = datasets.demo_db(sizes.demo_trainees)
    with scratch("frozen-start") as work:
        data_dir = copy_data_dir(source, work / "data")
        # Both at their default size, not at one saved in this user's settings.
        env = {"OTOP_SCREENSHOT": str(work / "shot.png")}
        frozen_cmd = [str(exe), "--data-dir", str(data_dir)]
        frozen_env = {**env, "OTOP_BENCH_WINDOW_PROBE": "1"}
        unfrozen_cmd = [PYTHON, str(HERE / "window_probe.py"), "app", str(data_dir)]
        frozen: list[float] = []
        unfrozen: list[float] = []
        # One start of each first, not counted: it warms the disk cache for both alike.
        for command, extra, into in (
            (frozen_cmd, frozen_env, None),
            (unfrozen_cmd, env, None),
            *[
                pair
                for _rep in range(sizes.window_reps)
                for pair in ((frozen_cmd, frozen_env, frozen), (unfrozen_cmd, env, unfrozen))
            ],
        ):
            seconds, why = _start_once(command, extra)
            if seconds is None:
                row.error = why
                return [row]
            if into is not None:
                into.append(seconds)
        log(f"frozen_start: frozen {frozen}, unfrozen {unfrozen}")
    row.value = median(frozen)
    row.baseline = median(unfrozen)
    row.ratio = row.value / row.baseline
    row.ok = row.ratio <= TARGET
    row.note = (
        f"{sizes.demo_trainees:,} trainees; median of {len(frozen)} (frozen "
        f"{min(frozen):.2f}-{max(frozen):.2f} s, unfrozen {min(unfrozen):.2f}-"
        f"{max(unfrozen):.2f} s)"
    )
    return [row]
