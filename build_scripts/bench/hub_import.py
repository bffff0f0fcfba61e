"""Importing the 100,000-change bundle into a PostgreSQL hub, with SQLite beside it in the run.

The bundle is the one `import_100k` imports: the cached 100,000-record database exported in
full, without photos. Each repetition imports it into a fresh database on a throw-away local
PostgreSQL server (pg.py, default durability) and into a fresh SQLite data dir, alternating,
each in a new interpreter (`python hub_import.py SPEC` runs one import and prints its result).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

import datasets  # noqa: E402
import pg  # noqa: E402
from common import (  # noqa: E402
    PASSPHRASE,
    PYTHON,
    RESULT_MARK,
    ROOT,
    ChildError,
    Sizes,
    child_env,
    copy_data_dir,
    emit_result,
    log,
    median,
    run_child,
    scratch,
)
from table import Row  # noqa: E402

NAME = "hub_import_100k"


def _import_once(spec: dict[str, Any]) -> dict[str, Any]:
    """One timed import_bundle into a fresh database (the child's work)."""
    import time

    from otop_desktop.services.context import initialise, open_context
    from otop_desktop.services.sync_bundles import import_bundle

    ctx = open_context(Path(spec["data_dir"]), spec.get("url"))
    try:
        initialise(ctx, "bench-hub" if spec.get("url") else "bench-laptop")
        start = time.perf_counter()
        report = import_bundle(ctx, Path(spec["bundle"]), passphrase=PASSPHRASE)
        seconds = time.perf_counter() - start
    finally:
        ctx.close()
    return {"seconds": seconds, "applied": report.stats.applied, "created": report.stats.created}


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), json.dumps(spec)],
        capture_output=True, check=False, text=True, timeout=3600, env=child_env(), cwd=ROOT,
    )  # fmt: skip
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK) :])
            return result
    tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
    raise ChildError(f"hub import failed (exit {proc.returncode}):\n{tail}")


def hub_import(sizes: Sizes) -> list[Row]:
    """hub_import_100k: seconds on PostgreSQL, SQLite seconds as the baseline, their ratio."""
    n = sizes.records
    server = pg.start()
    if server is None:
        return [Row(NAME, error="not available: PostgreSQL server binaries not installed")]
    try:
        source = datasets.records_db(n)
        with scratch("hub-import") as work:
            data = copy_data_dir(source, work / "source")
            bundle = work / "all.otopbundle"
            log(f"exporting {n:,} records for the hub import")
            run_child("export", data_dir=str(data), path=str(bundle), photos=False)
            hub: list[float] = []
            laptop: list[float] = []
            applied = 0
            for rep in range(sizes.import_reps):
                on_pg = _child({"data_dir": str(work / f"hub-{rep}"), "bundle": str(bundle),
                                "url": server.create_database()})  # fmt: skip
                on_sqlite = _child({"data_dir": str(work / f"sqlite-{rep}"),
                                    "bundle": str(bundle)})  # fmt: skip
                hub.append(on_pg["seconds"])
                laptop.append(on_sqlite["seconds"])
                applied = on_pg["applied"]
                log(f"hub import {rep + 1}/{sizes.import_reps}: PostgreSQL "
                    f"{hub[-1]:.1f} s, SQLite {laptop[-1]:.1f} s")  # fmt: skip
        version = server.version()
    finally:
        server.stop()
    hub_s, sqlite_s = median(hub), median(laptop)
    return [
        Row(
            NAME,
            value=hub_s,
            unit="s",
            baseline=sqlite_s,
            ratio=hub_s / sqlite_s,
            target="<= 5x SQLite",
            ok=hub_s / sqlite_s <= 5,
            note=(
                f"import_bundle of the import_100k bundle ({n:,} changes, applied {applied:,}) "
                f"into a fresh database on a local PostgreSQL {version} (fsync on), median of "
                f"{len(hub)}; baseline = the same bundle into a fresh SQLite data dir"
            ),
        )
    ]


if __name__ == "__main__":
    emit_result(_import_once(json.loads(sys.argv[1])))
