"""One measured operation in a fresh interpreter, so its peak memory is its own.

    child.py '{"task": "import", ...}'

Prints `BENCH-RESULT {json}` as its last line (see common.run_child). With "profile": PATH in
the spec, the measured operation also runs under cProfile and the 40 most expensive calls by
cumulative time are written to PATH.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sqlite3
import sys
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    PASSPHRASE,
    current_memory_mb,
    emit_result,
    peak_memory_mb,
    reset_peak_memory,
)


def _measure(func: Callable[[], Any], profile: str | None) -> tuple[float, Any]:
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = func()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    if profiler and profile:
        with open(profile, "w", encoding="utf-8") as out:
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
    return seconds, result


def task_import(spec: dict[str, Any]) -> dict[str, Any]:
    """First import of bundle A into a fresh database, then A again, then B (same changes)."""
    from otop_desktop.services.context import initialise, open_context
    from otop_desktop.services.sync_bundles import import_bundle

    ctx = open_context(Path(spec["data_dir"]))
    initialise(ctx, "bench-target")
    first, second = Path(spec["bundle"]), Path(spec["bundle2"])
    before = current_memory_mb()
    reset = reset_peak_memory()
    seconds, report = _measure(
        lambda: import_bundle(ctx, first, passphrase=PASSPHRASE), spec.get("profile")
    )
    peak = peak_memory_mb()
    again, report_again = _measure(
        lambda: import_bundle(ctx, first, passphrase=PASSPHRASE), spec.get("profile_same")
    )
    other, report_other = _measure(
        lambda: import_bundle(ctx, second, passphrase=PASSPHRASE), spec.get("profile_new")
    )
    ctx.close()
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "before_mb": before,
        "peak_reset": reset,
        "stats": report.stats.__dict__,
        "same_file_seconds": again,
        "same_file_already": report_again.already_imported,
        "new_file_seconds": other,
        "new_file_applied": report_other.stats.applied,
        "new_file_skipped": report_other.stats.skipped,
    }


def task_export(spec: dict[str, Any]) -> dict[str, Any]:
    from otop_desktop.services.context import open_context
    from otop_desktop.services.sync_bundles import export_bundle

    ctx = open_context(Path(spec["data_dir"]))
    target = Path(spec["path"])
    before = current_memory_mb()
    reset = reset_peak_memory()
    seconds, report = _measure(
        lambda: export_bundle(ctx, target, full=True, photos=spec["photos"], passphrase=PASSPHRASE),
        spec.get("profile"),
    )
    peak = peak_memory_mb()
    ctx.close()
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "before_mb": before,
        "peak_reset": reset,
        "changes": report.changes,
        "photos": report.photos,
        "bytes": target.stat().st_size,
    }


def task_raw_insert(spec: dict[str, Any]) -> dict[str, Any]:
    """Baseline: the same rows x 10 fields by executemany into a plain table, one transaction."""
    from datasets import RECORD_FIELDS, record_fields

    rows = [
        (str(uuid.uuid4()), *(fields[k] for k in RECORD_FIELDS))
        for fields in record_fields(spec["count"])
    ]
    conn = sqlite3.connect(spec["path"], isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"CREATE TABLE trainee (id TEXT PRIMARY KEY, {', '.join(RECORD_FIELDS)})")
    marks = ", ".join("?" * (len(RECORD_FIELDS) + 1))
    before = current_memory_mb()
    reset = reset_peak_memory()

    def insert() -> None:
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO trainee VALUES ({marks})", rows)
        conn.execute("COMMIT")

    seconds, _none = _measure(insert, None)
    peak = peak_memory_mb()
    conn.close()
    return {"seconds": seconds, "peak_mb": peak, "before_mb": before, "peak_reset": reset}


def task_raw_same_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """Baseline: the imported database's trainee rows, every column, by executemany into the
    app's own (migrated, indexed) trainee table of a fresh database, one transaction."""
    from otop_desktop.services.context import open_context

    source = sqlite3.connect(Path(spec["imported"]) / "otop.sqlite3")
    columns = [r[1] for r in source.execute("PRAGMA table_info(trainee)")]
    rows = source.execute(f"SELECT {', '.join(columns)} FROM trainee").fetchall()
    source.close()
    open_context(Path(spec["data_dir"])).close()  # the app's schema, indexes included
    conn = sqlite3.connect(Path(spec["data_dir"]) / "otop.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    marks = ", ".join("?" * len(columns))

    def insert() -> None:
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO trainee ({', '.join(columns)}) VALUES ({marks})", rows)
        conn.execute("COMMIT")

    seconds, _none = _measure(insert, None)
    conn.close()
    return {"seconds": seconds, "rows": len(rows)}


def task_zip(spec: dict[str, Any]) -> dict[str, Any]:
    """Baseline: the same photo files into a plain ZIP_STORED zipfile, then fsync."""
    from datasets import photo_paths

    paths = photo_paths(Path(spec["data_dir"]))
    target = Path(spec["path"])
    before = current_memory_mb()
    reset = reset_peak_memory()

    def write() -> int:
        with target.open("wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                for path in paths:
                    archive.write(path, f"photos/{path.name}")
            raw.flush()
            os.fsync(raw.fileno())
        return sum(p.stat().st_size for p in paths)

    seconds, total = _measure(write, None)
    return {
        "seconds": seconds,
        "bytes_in": total,
        "peak_mb": peak_memory_mb(),
        "before_mb": before,
        "peak_reset": reset,
    }


TASKS = {
    "import": task_import,
    "export": task_export,
    "raw_insert": task_raw_insert,
    "raw_same_schema": task_raw_same_schema,
    "zip": task_zip,
}


if __name__ == "__main__":
    request = json.loads(sys.argv[1])
    emit_result(TASKS[request["task"]](request))
