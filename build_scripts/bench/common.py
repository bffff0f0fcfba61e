"""Shared by the benchmark groups: sizes, timing, child processes, memory, scratch folders."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTHON = sys.executable
CACHE = Path(os.environ.get("OTOP_BENCH_CACHE", "/tmp/otop-bench-cache"))
WORK_ROOT = Path(os.environ.get("OTOP_BENCH_WORK", "/tmp"))
PASSPHRASE = "bench"
SEED = 20260907
RESULT_MARK = "BENCH-RESULT "


@dataclass(frozen=True)
class Sizes:
    """How big and how often: the full run, or the quick smoke check."""

    quick: bool
    demo_trainees: int
    window_reps: int
    marks: int
    search_reps: int
    records: int
    import_reps: int
    raw_reps: int
    photos: int
    export_reps: int
    photo_size: int
    mem_photos: tuple[int, int]


FULL = Sizes(
    quick=False,
    demo_trainees=50_000,
    window_reps=5,
    marks=200,
    search_reps=5,
    records=100_000,
    import_reps=3,
    raw_reps=5,
    photos=2_000,
    export_reps=3,
    photo_size=300_000,
    mem_photos=(1_000, 5_000),
)
QUICK = Sizes(
    quick=True,
    demo_trainees=5_000,
    window_reps=3,
    marks=40,
    search_reps=2,
    records=10_000,
    import_reps=1,
    raw_reps=3,
    photos=200,
    export_reps=2,
    photo_size=300_000,
    mem_photos=(100, 500),
)


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `func` took (perf_counter) and what it returned."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the table."""
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# --- memory (read in the measured process itself) --------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_memory() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux: `echo 5 > clear_refs`)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (VmHWM; ru_maxrss where /proc is missing)."""
    kb = _status_kb("VmHWM")
    if kb is None:
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def current_memory_mb() -> float:
    kb = _status_kb("VmRSS")
    return (kb or 0) / 1024


# --- child processes -------------------------------------------------------------------------


class ChildError(RuntimeError):
    """A benchmark child process failed; the message holds the end of its stderr."""


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def run_child(task: str, timeout: float = 3600, **params: Any) -> dict[str, Any]:
    """Run `child.py task` in a new interpreter; returns the JSON result it printed."""
    spec = json.dumps({"task": task, **params})
    proc = subprocess.run(
        [PYTHON, str(HERE / "child.py"), spec],
        capture_output=True,
        check=False,
        text=True,
        timeout=timeout,
        env=child_env(),
        cwd=ROOT,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK) :])
            return result
    tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
    raise ChildError(f"child task {task} failed (exit {proc.returncode}):\n{tail}")


def emit_result(result: dict[str, Any]) -> None:
    """What a child prints as its last line for run_child()."""
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


# --- folders ---------------------------------------------------------------------------------


@contextmanager
def scratch(name: str) -> Iterator[Path]:
    """A fresh folder under /tmp for one benchmark, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"otop-bench-{name}-", dir=WORK_ROOT))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_data_dir(source: Path, target: Path, *, link_blobs: bool = False) -> Path:
    """A working copy of a cached data dir: the database copied, the photo store linked."""
    from otop_desktop.db.engine import DB_FILENAME

    target.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        src = source / (DB_FILENAME + suffix)
        if src.exists():
            shutil.copyfile(src, target / (DB_FILENAME + suffix))
    if link_blobs and (source / "blobs").is_dir():
        (target / "blobs").symlink_to(source / "blobs", target_is_directory=True)
    return target


def dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
