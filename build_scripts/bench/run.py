"""Run the benchmarks and print the table (see README.md in this folder).

    .venv/bin/python build_scripts/bench/run.py [--only NAME ...] [--quick] [--profile DIR]

Informational only: the exit code is 0 whatever the results, unless a benchmark crashed (1).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

import attendance_page  # noqa: E402
import certificates  # noqa: E402
import core  # noqa: E402
import dashboard  # noqa: E402
import frozen_memory  # noqa: E402
import frozen_start  # noqa: E402
import gallery  # noqa: E402
import hub_import  # noqa: E402
import idle_memory  # noqa: E402
import photos_ingest  # noqa: E402
import roster  # noqa: E402
import sync  # noqa: E402
import trainee_filter  # noqa: E402
from common import CACHE, FULL, QUICK, Sizes, log  # noqa: E402
from table import Row, render  # noqa: E402

Bench = Callable[[Sizes], list[Row]]
# Name, the rows it produces, the function. A name given to --only selects its benchmark.
BENCHMARKS: list[tuple[str, tuple[str, ...], Bench]] = [
    ("start_to_window", ("start_to_window",), core.start_to_window),
    ("attendance_mark_ms", ("attendance_mark_ms",), core.attendance_mark),
    (
        "attendance_page_open_ms",
        ("attendance_page_open_ms",),
        attendance_page.attendance_page,
    ),
    ("trainee_search_ms", ("trainee_search_ms",), core.trainee_search),
    (
        "trainee_filter_keystroke_ms",
        ("trainee_filter_keystroke_ms",),
        trainee_filter.trainee_filter,
    ),
    (
        "import_100k",
        (
            "import_100k",
            "import_100k_peak_mem",
            "reimport_100k_same_file",
            "reimport_100k_new_file",
            "export_100k",
        ),
        sync.import_rows,
    ),
    ("export_photos", ("export_photos", "export_photos_mem_*"), sync.export_photo_rows),
    ("hub_import_100k", ("hub_import_100k",), hub_import.hub_import),
    ("photo_ingest_12mp", ("photo_ingest_12mp",), photos_ingest.photo_ingest),
    ("gallery_10k_open_ms", ("gallery_10k_open_ms",), gallery.gallery),
    (
        "roster_import_5000_s",
        ("roster_import_5000_s", "roster_import_5000_hub_s"),
        roster.roster_import,
    ),
    ("certificates_500", ("certificates_500",), certificates.certificate_rows),
    ("dashboard_50k_ms", ("dashboard_50k_ms",), dashboard.dashboard),
    ("frozen_start", ("frozen_start",), frozen_start.frozen_start),
    ("idle_memory_50k_mb", ("idle_memory_50k_mb",), idle_memory.idle_memory),
    (
        "idle_memory_frozen_50k_mb",
        ("idle_memory_frozen_50k_mb",),
        frozen_memory.frozen_idle_memory,
    ),
]
ALIASES = {"reimport_100k": "import_100k", "export_100k": "import_100k"}
LAST_RUN = HERE / "last-run.txt"


def _selected(only: list[str] | None) -> list[tuple[str, tuple[str, ...], Bench]]:
    if not only:
        return BENCHMARKS
    wanted = {ALIASES.get(name, name) for name in only}
    known = {name for name, _rows, _func in BENCHMARKS}
    unknown = wanted - known
    if unknown:
        raise SystemExit(
            f"unknown benchmark {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(sorted(known | set(ALIASES)))}"
        )
    return [b for b in BENCHMARKS if b[0] in wanted]


def _last_error(exc: Exception) -> str:
    """The exception's last line, class without its module, cut to fit in the table."""
    lines = str(exc).strip().splitlines()
    line = lines[-1] if lines else type(exc).__name__
    kind, sep, message = line.partition(":")
    text = f"{kind.rsplit('.', 1)[-1]}{sep}{message}" if sep and " " not in kind else line
    return text if len(text) <= 60 else text[:57] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes: a 1-2 minute smoke run")
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="write cProfile summaries of sync children"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    sync.PROFILE_DIR = args.profile.resolve() if args.profile else None
    rows: list[Row] = []
    crashed = False
    started = time.perf_counter()
    for name, _names, func in _selected(args.only):
        log(f"running {name}")
        try:
            rows.extend(func(sizes))
        except Exception as exc:  # one crashing benchmark must not hide the others
            crashed = True
            traceback.print_exc()
            rows.append(Row(name, error=f"crashed: {_last_error(exc)}", crashed=True))
    title = (
        f"OTOP Field Desk benchmarks ({'quick' if sizes.quick else 'full'} run, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, Python "
        f"{platform.python_version()}, {time.perf_counter() - started:.0f} s; cache {CACHE})"
    )
    text = render(rows, title)
    sys.stdout.write("\n" + text)
    LAST_RUN.write_text(text, encoding="utf-8")
    log(f"table saved to {LAST_RUN}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
