"""Sync bundles: importing 100,000 changed records, re-importing them, exporting photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import datasets
from common import Sizes, copy_data_dir, log, median, run_child, scratch
from table import Row

# Set by run.py --profile DIR: children then write cProfile summaries of what they measure there.
PROFILE_DIR: Path | None = None


def _profile(name: str) -> str | None:
    """Where a child writes its cProfile summary, when profiling was asked for."""
    if PROFILE_DIR is None:
        return None
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    return str(PROFILE_DIR / f"{name}.txt")


def _mb(value: float) -> str:
    return f"{value:.0f} MiB"


def import_rows(sizes: Sizes) -> list[Row]:
    """import_100k, its memory, reimport (same file, new file), and export_100k (info)."""
    n = sizes.records
    source = datasets.records_db(n)
    with scratch("import") as work:
        data = copy_data_dir(source, work / "source")
        first, second = work / "a.otopbundle", work / "b.otopbundle"
        log(f"exporting {n:,} records (twice: the second file is the 'new bundle')")
        export_a = run_child("export", data_dir=str(data), path=str(first), photos=False)
        export_b = run_child("export", data_dir=str(data), path=str(second), photos=False)
        imports: list[dict[str, Any]] = []
        raws: list[float] = []
        raw_peak: list[float] = []
        for rep in range(max(sizes.import_reps, sizes.raw_reps)):
            if rep < sizes.raw_reps:
                raw = run_child("raw_insert", path=str(work / f"raw-{rep}.sqlite3"), count=n)
                raws.append(raw["seconds"])
                raw_peak.append(raw["peak_mb"])
                (work / f"raw-{rep}.sqlite3").unlink()
            if rep < sizes.import_reps:
                log(f"import {rep + 1}/{sizes.import_reps} of {n:,} records")
                result = run_child(
                    "import",
                    data_dir=str(work / f"target-{rep}"),
                    bundle=str(first),
                    bundle2=str(second),
                )
                log(
                    f"  first {result['seconds']:.1f} s, same file "
                    f"{result['same_file_seconds']:.2f} s, new file "
                    f"{result['new_file_seconds']:.2f} s, peak {result['peak_mb']:.0f} MiB"
                )
                imports.append(result)
        if PROFILE_DIR is not None:  # extra runs, not counted: profiling slows them down
            log("profiling export and import (not counted)")
            run_child(
                "export", data_dir=str(data), path=str(work / "p.otopbundle"), photos=False,
                profile=_profile("export_records"),
            )  # fmt: skip
            run_child(
                "import", data_dir=str(work / "target-profiled"), bundle=str(first),
                bundle2=str(second), profile=_profile("import_first"),
                profile_new=_profile("import_new_file"),
            )  # fmt: skip
        same_schema = [
            run_child("raw_same_schema", imported=str(work / "target-0"),
                      data_dir=str(work / f"raw-schema-{rep}"))["seconds"]
            for rep in range(sizes.raw_reps)
        ]  # fmt: skip
    first_s = median([r["seconds"] for r in imports])
    ours = n / first_s
    raw_rate = n / median(raws)
    stats = imports[0]["stats"]
    same = median([r["same_file_seconds"] for r in imports])
    new = median([r["new_file_seconds"] for r in imports])
    peak = median([r["peak_mb"] for r in imports])
    before = median([r["before_mb"] for r in imports])
    export_s = median([export_a["seconds"], export_b["seconds"]])
    rows = [
        Row(
            "import_100k",
            value=ours,
            unit="rec/s",
            baseline=raw_rate,
            ratio=ours / raw_rate,
            target=">= 0.17x (1/6) of raw",
            ok=ours / raw_rate >= 1 / 6,
            note=(
                f"{n:,} records x 10 fields, {first_s:.1f} s (median of {len(imports)}); "
                f"created {stats['created']:,}, applied {stats['applied']:,}; baseline = raw "
                f"executemany, WAL, synchronous=FULL, one transaction ({median(raws):.2f} s)"
            ),
        ),
        Row(
            "import_100k_vs_table",
            value=ours,
            unit="rec/s",
            baseline=n / median(same_schema),
            ratio=ours * median(same_schema) / n,
            target="info (1/6 = 0.17x)",
            note=(
                f"baseline = raw executemany of the same {n:,} final trainee rows (all columns) "
                f"into the app's own indexed trainee table, one durable transaction "
                f"({median(same_schema):.2f} s); our import also writes the change log"
            ),
        ),
        Row(
            "import_100k_peak_mem",
            value=peak,
            unit="MiB",
            baseline=median(raw_peak),
            ratio=peak / median(raw_peak),
            note=(
                f"VmHWM of the importing process ({_mb(before)} before the import); baseline = "
                "raw executemany process holding all rows"
            ),
        ),
        Row(
            "reimport_100k_same_file",
            value=same * 1000,
            unit="ms",
            baseline=first_s * 1000,
            ratio=same / first_s,
            ratio_unit="%",
            target="<= 2 % of first import",
            ok=same / first_s <= 0.02,
            note=(
                "same bundle file again (file-hash fast path; "
                f"already_imported={imports[0]['same_file_already']})"
            ),
        ),
        Row(
            "reimport_100k_new_file",
            value=new * 1000,
            unit="ms",
            baseline=first_s * 1000,
            ratio=new / first_s,
            ratio_unit="%",
            target="<= 2 % of first import",
            ok=new / first_s <= 0.02,
            note=(
                "same changes in a new bundle file (seen-vector skip; "
                f"applied {imports[0]['new_file_applied']:,}, "
                f"skipped {imports[0]['new_file_skipped']:,})"
            ),
        ),
        Row(
            "export_100k",
            value=n / export_s,
            unit="rec/s",
            note=(
                f"info: export_bundle(full=True, photos=False) of {n:,} records, {export_s:.1f} s, "
                f"{export_a['bytes'] / 1e6:.1f} MB file, peak {_mb(export_a['peak_mb'])}"
            ),
        ),
    ]
    return rows


def export_photo_rows(sizes: Sizes) -> list[Row]:
    """export_photos throughput vs plain zipfile, and export peak memory at two sizes."""
    source = datasets.photos_db(sizes.photos, sizes.photo_size)
    ours: list[float] = []
    base: list[float] = []
    total = 0
    peak_ours: list[float] = []
    with scratch("export") as work:
        data = copy_data_dir(source, work / "data", link_blobs=True)
        for rep in range(sizes.export_reps):
            zipped = run_child("zip", data_dir=str(data), path=str(work / "plain.zip"))
            (work / "plain.zip").unlink()
            total = zipped["bytes_in"]
            base.append(total / zipped["seconds"] / 1e6)
            bundle = work / "photos.otopbundle"
            result = run_child("export", data_dir=str(data), path=str(bundle), photos=True)
            bundle.unlink()
            ours.append(total / result["seconds"] / 1e6)
            peak_ours.append(result["peak_mb"])
            log(f"export photos {rep + 1}/{sizes.export_reps}: {ours[-1]:.0f} MB/s, "
                f"zip {base[-1]:.0f} MB/s")  # fmt: skip
        if PROFILE_DIR is not None:  # an extra run, not counted
            bundle = work / "photos.otopbundle"
            run_child(
                "export", data_dir=str(data), path=str(bundle), photos=True,
                profile=_profile("export_photos"),
            )  # fmt: skip
            bundle.unlink()
    value = median(ours)
    rows = [
        Row(
            "export_photos",
            value=value,
            unit="MB/s",
            baseline=median(base),
            ratio=value / median(base),
            target=">= 0.5x plain zip",
            ok=value / median(base) >= 0.5,
            note=(
                f"{sizes.photos:,} photos, {total / 1e6:.0f} MB, median of {len(ours)}; "
                f"peak {_mb(median(peak_ours))}; baseline = zipfile ZIP_STORED + fsync"
            ),
        )
    ]
    peaks: list[float] = []
    for count in sizes.mem_photos:
        folder = datasets.photos_db(count, sizes.photo_size)
        with scratch("export-mem") as work:
            data = copy_data_dir(folder, work / "data", link_blobs=True)
            result = run_child(
                "export", data_dir=str(data), path=str(work / "m.otopbundle"), photos=True
            )
        peaks.append(result["peak_mb"])
        growth = result["peak_mb"] / peaks[0]
        flat = len(peaks) == 1 or growth <= 1.25
        rows.append(
            Row(
                f"export_photos_mem_{count}",
                value=result["peak_mb"],
                unit="MiB",
                baseline=peaks[0] if len(peaks) > 1 else None,
                ratio=growth if len(peaks) > 1 else None,
                target="< 200 MiB" + (", <= 1.25x smaller run" if len(peaks) > 1 else ""),
                ok=result["peak_mb"] < 200 and flat,
                note=(
                    f"VmHWM of the exporting process, {count:,} photos "
                    f"({_mb(result['before_mb'])} before export)"
                    + (f"; baseline = peak at {sizes.mem_photos[0]:,}" if len(peaks) > 1 else "")
                ),
            )
        )
    return rows
