"""idle_memory_frozen_50k_mb: the frozen one-folder app's resident memory, idle, vs the unfrozen.

The app trainers run is the frozen one, into which no driver can be put: both apps are started
the same way (`dist/otop-desktop/otop-desktop --data-dir DIR` and `python -m otop_desktop
--data-dir DIR`, Qt offscreen, settings in a scratch folder) on a copy of the 50,000-trainee
demo with its laptop named, opening on the Dashboard (`OTOP_START_PAGE`): every page loads
its lists when the window opens, and the dashboard's charts are what showing a page adds most.
Their VmRSS is read from /proc, from outside, once a second; the value is the RSS once it has
stayed within STEADY_MIB for STEADY_S (no sooner than MIN_S after the start). Median of RUNS
starts of each, alternating. Linux only (/proc).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import datasets
from common import PYTHON, ROOT, Sizes, child_env, copy_data_dir, log, median, scratch
from frozen_start import frozen_executable
from idle_memory import TARGET_MB, _first_run_done
from table import Row

RUNS = 2
MIN_S = 20.0
STEADY_S = 15.0
STEADY_MIB = 1.0
LIMIT_S = 300.0


def _rss_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _idle_rss(command: list[str], settings: Path) -> tuple[float | None, str]:
    """The steady RSS of `command` (MiB), or (None, why)."""
    env = child_env(
        {"XDG_CONFIG_HOME": str(settings), "HOME": str(settings), "OTOP_START_PAGE": "dashboard"}
    )
    env.pop("OTOP_SCREENSHOT", None)
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    started = time.monotonic()
    window: list[tuple[float, float]] = []
    try:
        while time.monotonic() - started < LIMIT_S:
            time.sleep(1.0)
            if proc.poll() is not None:
                err = (proc.stderr.read() if proc.stderr else "").strip().splitlines()[-3:]
                return None, f"exited {proc.returncode}: {' | '.join(err)}"
            rss = _rss_mib(proc.pid)
            if rss is None:
                continue
            now = time.monotonic()
            window = [(t, r) for t, r in window if now - t <= STEADY_S] + [(now, rss)]
            values = [r for _t, r in window]
            steady_for = now - window[0][0]
            if (
                now - started >= MIN_S
                and steady_for >= STEADY_S - 1.5
                and max(values) - min(values) <= STEADY_MIB
            ):
                return rss, ""
        return None, f"memory never settled within {LIMIT_S:.0f} s"
    finally:
        proc.kill()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()


def frozen_idle_memory(sizes: Sizes) -> list[Row]:
    """The row idle_memory_frozen_50k_mb (see the module docstring)."""
    row = Row(
        "idle_memory_frozen_50k_mb",
        unit="MB",
        target=f"<= {TARGET_MB:.0f} MB",
    )
    exe = frozen_executable()
    if not sys.platform.startswith("linux"):
        row.error = "reads /proc: Linux only"
        return [row]
    if not exe.is_file():
        row.error = "not built: run build_scripts/build_app.py first"
        return [row]
    source = datasets.demo_db(sizes.demo_trainees)
    frozen: list[float] = []
    unfrozen: list[float] = []
    with scratch("frozen-memory") as work:
        data_dir = copy_data_dir(source, work / "data")
        _first_run_done(data_dir)
        settings = work / "settings"
        settings.mkdir()
        runs = 1 if sizes.quick else RUNS
        for _run in range(runs):
            for command, into in (
                ([str(exe), "--data-dir", str(data_dir)], frozen),
                ([PYTHON, "-m", "otop_desktop", "--data-dir", str(data_dir)], unfrozen),
            ):
                rss, why = _idle_rss(command, settings)
                if rss is None:
                    row.error = why
                    return [row]
                into.append(rss)
    log(f"idle_memory_frozen: frozen {frozen}, unfrozen {unfrozen} MiB")
    row.value = median(frozen)
    row.baseline = median(unfrozen)
    row.ratio = row.value / row.baseline
    row.ok = row.value <= TARGET_MB
    row.note = (
        f"{sizes.demo_trainees:,} trainees; on the Dashboard, RSS MiB once steady for "
        f"{STEADY_S:.0f} s; median of {len(frozen)} (frozen {min(frozen):.0f}-{max(frozen):.0f},"
        f" unfrozen {min(unfrozen):.0f}-{max(unfrozen):.0f}); baseline = the unfrozen app "
        "measured the same way"
    )
    return [row]
