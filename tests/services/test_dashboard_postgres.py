"""The dashboard's SQL on a PostgreSQL hub gives the figures it gives on a SQLite laptop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from otop_desktop.services.context import initialise, open_context
from otop_desktop.services.dashboard import DashboardFigures, DashboardFilter, dashboard_figures
from otop_desktop.services.demo import build_demo
from tests.sync.test_postgres_hub import pg_url  # noqa: F401  (the server, skipped without it)

TODAY = dt.date(2026, 11, 25)


def _figures(root: Path, url: str | None) -> list[DashboardFigures]:
    ctx = open_context(root, url)
    try:
        initialise(ctx, "hub")
        build_demo(ctx, trainees=120, sessions=4, photos=0, seed=7, follow_ups=True)
        return [
            dashboard_figures(ctx, DashboardFilter(), today=TODAY),
            dashboard_figures(ctx, DashboardFilter(country="HN"), today=TODAY),
        ]
    finally:
        ctx.close()


def test_the_same_figures_on_postgresql_and_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    on_postgres = _figures(tmp_path / "hub", pg_url)
    on_sqlite = _figures(tmp_path / "laptop", None)
    assert on_postgres == on_sqlite
    whole = on_sqlite[0]
    assert whole.trainees > 0 and whole.attendance_rate is not None
    assert any(p.n for s in whole.income_change for p in s.points)
