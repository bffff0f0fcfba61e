"""dashboard_50k_ms: the programme dashboard's figures over the demo with follow-ups.

`services.dashboard.dashboard_figures(ctx, DashboardFilter())` (the whole programme, figures per
currency) on the demo programme of 50,000 trainees with its follow-ups (`build_demo(...,
follow_ups=True)`: baselines and 3/6/12-month follow-ups, about 150,000), 6 sessions per
workshop (300,000 marks). One warm-up, then the median of REPS runs in this process. The
baseline, in the same run and on the same file, is the raw `sqlite3` count of the live
follow-ups grouped by period: the least any figure over the follow-ups has to read.

The dashboard's queries read the covering indexes of migration 0004; the dataset is cached per
schema revision, so a new revision rebuilds it once (a few minutes).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from common import SEED, Sizes, copy_data_dir, log, median, scratch, timed
from table import Row

REPS = 5
TARGET_MS = 500.0


def demo_follow_ups_db(trainees: int, seed: int = SEED) -> Path:
    """The demo programme of `trainees` with follow-ups, cached like the other datasets."""
    import datasets

    def build(folder: Path) -> None:
        from otop_desktop.services.context import initialise, open_context
        from otop_desktop.services.demo import build_demo

        ctx = open_context(folder)
        try:
            initialise(ctx, "bench-demo")
            build_demo(ctx, trainees=trainees, sessions=6, photos=0, seed=seed, follow_ups=True)
        finally:
            ctx.close()

    return datasets._cached(f"demo-fu-t{trainees}-s{seed}", build)


def dashboard(sizes: Sizes) -> list[Row]:
    """The row dashboard_50k_ms (see the module docstring)."""
    from otop_desktop.db.engine import DB_FILENAME
    from otop_desktop.services.context import open_context
    from otop_desktop.services.dashboard import DashboardFilter, dashboard_figures

    source = demo_follow_ups_db(sizes.demo_trainees)
    with scratch("dashboard") as work:
        data_dir = copy_data_dir(source, work / "data")
        ctx = open_context(data_dir)
        raw = sqlite3.connect(data_dir / DB_FILENAME)
        try:
            today = dt.date.today()

            def ours() -> object:
                return dashboard_figures(ctx, DashboardFilter(), today=today)

            def base() -> object:
                return raw.execute(
                    "SELECT period, count(*) FROM follow_up WHERE cl % 2 = 1 GROUP BY period"
                ).fetchall()

            ours()
            base()
            times: list[float] = []
            base_times: list[float] = []
            for _rep in range(REPS):
                seconds, figures = timed(ours)
                times.append(seconds * 1000)
                seconds, counts = timed(base)
                base_times.append(seconds * 1000)
                log(f"  dashboard {times[-1]:.0f} ms, raw count {base_times[-1]:.0f} ms")
        finally:
            raw.close()
            ctx.close()
    value, baseline = median(times), median(base_times)
    follow_ups = sum(n for _period, n in counts)  # type: ignore[attr-defined]
    return [
        Row(
            "dashboard_50k_ms",
            value=value,
            unit="ms",
            baseline=baseline,
            ratio=value / baseline if baseline else None,
            target=f"<= {TARGET_MS:.0f} ms",
            ok=value <= TARGET_MS,
            note=(
                f"dashboard_figures, whole programme per currency: {figures.trainees:,} "  # type: ignore[attr-defined]
                f"trainees, {follow_ups:,} follow-ups; median of {REPS} after a warm-up; "
                "baseline = raw sqlite3 count of follow-ups by period"
            ),
        )
    ]
