"""idle_memory_50k_mb: the window's resident memory, idle, after every page has been visited.

Measured in a child process (this file run as a script, Qt offscreen, settings in a scratch
folder): the app as `otop-desktop --data-dir DIR` starts it, on a copy of the 50,000-trainee
demo database (first run marked done, so nothing is asked). A driver, installed the way
`window_probe.py` installs its probe, waits until the pages are attached and every background
load has been delivered, idles IDLE_S and samples; then shows each page in navigation order
(as a user clicking through them), waiting for its loads, samples after each; then idles
IDLE_S again and samples: that last resident size (VmRSS) is the row's value. Each sample also
reads PSS and USS (private clean + dirty) from `/proc/self/smaps_rollup`.

The baseline, in the same run, is a bare PySide6 `QApplication` + `QMainWindow` of the same
size in a child that imports every PySide6 module the app had imported, idle for BARE_IDLE_S.

`OTOP_BENCH_LONG_IDLE_S=300` adds one more sample after that long an idle (not in the row).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from common import (  # noqa: E402
    PYTHON,
    ROOT,
    Sizes,
    child_env,
    copy_data_dir,
    emit_result,
    log,
    scratch,
)
from table import Row  # noqa: E402

TARGET_MB = 250.0
IDLE_S = 20.0
QUICK_IDLE_S = 5.0
BARE_IDLE_S = 5.0
# A page counts as loaded when no task has been pending for this long.
SETTLE_S = 1.5
# Nothing that takes longer than this to load counts as idle.
LOAD_LIMIT_S = 180.0
TIMEOUT_S = 900
LONG_IDLE_ENV = "OTOP_BENCH_LONG_IDLE_S"
# A 1366x768 screen less the task bar: the window's size on a workshop laptop.
WINDOW_SIZE = (1366, 728)


# --- in the child --------------------------------------------------------------------------


def memory_sample(label: str) -> dict[str, Any]:
    """This process's resident, proportional and unique set sizes now, in MiB."""
    fields: dict[str, int] = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 3 and parts[-1] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    rss = 0
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return {
        "label": label,
        "rss": rss / 1024,
        "pss": fields.get("Pss", 0) / 1024,
        "uss": (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024,
    }


def _qt_modules() -> list[str]:
    return sorted(name for name in sys.modules if name.startswith("PySide6.Qt"))


def _drive(spec: dict[str, Any]) -> Iterator[float]:
    """The visit, as a generator: each value is how long to wait before going on."""
    from PySide6.QtWidgets import QApplication

    from otop_desktop.ui.shell import PAGE_ENTRIES, MainWindowShell

    samples: list[dict[str, Any]] = []
    started = time.monotonic()

    def window() -> MainWindowShell | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindowShell) and widget.desk is not None:
                return widget
        return None

    def settled() -> Iterator[float]:
        """Wait until no task of the runner has been pending for SETTLE_S."""
        begun = time.monotonic()
        quiet_since: float | None = None
        while time.monotonic() - begun < LOAD_LIMIT_S:
            main = window()
            busy = main is None or main.desk is None or main.desk._runner.busy
            now = time.monotonic()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= SETTLE_S:
                return
            yield 0.1
        raise RuntimeError(f"the window was still loading after {LOAD_LIMIT_S:.0f} s")

    yield from settled()
    loaded_s = time.monotonic() - started
    yield spec["idle_s"]
    samples.append(memory_sample("opened"))
    main = window()
    assert main is not None
    for key, _title in PAGE_ENTRIES:
        main.show_page(key)
        yield 0.0
        yield from settled()
        samples.append(memory_sample(key))
    yield spec["idle_s"]
    samples.append(memory_sample("visited"))
    if spec.get("long_idle_s"):
        yield float(spec["long_idle_s"])
        samples.append(memory_sample("long_idle"))
    emit_result({"samples": samples, "loaded_s": loaded_s, "modules": _qt_modules()})


def _install_driver(spec: dict[str, Any]) -> None:
    """Make QApplication a subclass that runs _drive() from its event loop."""
    from PySide6 import QtCore, QtWidgets

    original = QtWidgets.QApplication
    steps = _drive(spec)

    def step() -> None:
        try:
            wait = next(steps)
        except StopIteration:
            os._exit(0)  # the time and memory to shut down are not measured
        except BaseException:
            import traceback

            traceback.print_exc()
            os._exit(3)
        QtCore.QTimer.singleShot(int(wait * 1000), step)

    class DrivenApplication(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            QtCore.QTimer.singleShot(0, step)

    QtWidgets.QApplication = DrivenApplication  # type: ignore[misc]


def child_app(spec: dict[str, Any]) -> int:
    _install_driver(spec)
    from otop_desktop.app import main

    return main(["--data-dir", spec["data_dir"]])


def child_bare(spec: dict[str, Any]) -> int:
    import importlib

    for name in spec["modules"]:
        importlib.import_module(name)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(*WINDOW_SIZE)
    window.show()

    def done() -> None:
        emit_result({"samples": [memory_sample("bare")], "modules": _qt_modules()})
        os._exit(0)

    QTimer.singleShot(int(spec["idle_s"] * 1000), done)
    return int(app.exec())


# --- in the runner -------------------------------------------------------------------------


def _run(mode: str, spec: dict[str, Any], settings: Path) -> dict[str, Any]:
    """Run this file as `mode` in a new interpreter; the JSON it printed."""
    env = child_env({"XDG_CONFIG_HOME": str(settings), "HOME": str(settings)})
    env.pop("OTOP_SCREENSHOT", None)
    proc = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), mode, json.dumps(spec)],
        capture_output=True,
        check=False,
        text=True,
        timeout=TIMEOUT_S + float(spec.get("long_idle_s") or 0),
        env=env,
        cwd=ROOT,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            result: dict[str, Any] = json.loads(line[len("BENCH-RESULT ") :])
            return result
    tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
    raise RuntimeError(f"idle memory child {mode} failed (exit {proc.returncode}):\n{tail}")


def _first_run_done(data_dir: Path) -> None:
    """Name the laptop, so the window opens without the first-run set-up, and make its device
    key, as `init` or the set-up leave a laptop (the window is measured on a later start)."""
    from otop_desktop.services.context import open_context
    from otop_desktop.services.laptop import rename_laptop, this_laptop

    ctx = open_context(data_dir)
    try:
        rename_laptop(ctx, "bench-laptop")
        this_laptop(ctx)
    finally:
        ctx.close()


def idle_memory(sizes: Sizes) -> list[Row]:
    """The row idle_memory_50k_mb (see the module docstring)."""
    import datasets

    source = datasets.demo_db(sizes.demo_trainees)
    idle_s = QUICK_IDLE_S if sizes.quick else IDLE_S
    long_idle = float(os.environ.get(LONG_IDLE_ENV) or 0)
    with scratch("idle-memory") as work:
        data_dir = copy_data_dir(source, work / "data")
        _first_run_done(data_dir)
        settings = work / "settings"
        settings.mkdir()
        app = _run(
            "app",
            {"data_dir": str(data_dir), "idle_s": idle_s, "long_idle_s": long_idle},
            settings,
        )
        bare = _run("bare", {"modules": app["modules"], "idle_s": BARE_IDLE_S}, settings)
    samples = {s["label"]: s for s in app["samples"]}
    for sample in app["samples"]:
        log(
            f"  {sample['label']:<14} RSS {sample['rss']:6.1f}  PSS {sample['pss']:6.1f}  "
            f"USS {sample['uss']:6.1f} MiB"
        )
    value = samples["visited"]["rss"]
    baseline = bare["samples"][0]["rss"]
    pages = ", ".join(
        f"{s['label']} {s['rss']:.0f}"
        for s in app["samples"]
        if s["label"] not in ("opened", "visited", "long_idle")
    )
    long_note = (
        f"; after {long_idle:.0f} s more idle {samples['long_idle']['rss']:.0f}"
        if "long_idle" in samples
        else ""
    )
    return [
        Row(
            "idle_memory_50k_mb",
            value=value,
            unit="MB",
            baseline=baseline,
            ratio=value / baseline if baseline else None,
            target=f"<= {TARGET_MB:.0f} MB",
            ok=value <= TARGET_MB,
            note=(
                f"{sizes.demo_trainees:,} trainees; RSS MiB idle after opening "
                f"{samples['opened']['rss']:.0f}, after each page: {pages}; after "
                f"{idle_s:.0f} s idle {value:.0f} (PSS {samples['visited']['pss']:.0f}, USS "
                f"{samples['visited']['uss']:.0f}){long_note}; loaded in "
                f"{app['loaded_s']:.1f} s; baseline = bare QMainWindow, same Qt modules"
            ),
        )
    ]


if __name__ == "__main__":
    request = json.loads(sys.argv[2])
    sys.exit(child_app(request) if sys.argv[1] == "app" else child_bare(request))
