"""The dashboard page: tiles and charts show the service's figures, filters recompute them,
charts copy and save as images, and missing figures say "no data" instead of showing 0."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractBarSeries, QLineSeries
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import formatting
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.dashboard import (
    DashboardFigures,
    DashboardFilter,
    dashboard_figures,
)
from otop_desktop.services.demo import build_demo
from otop_desktop.services.follow_ups import delete_follow_up, list_follow_ups
from otop_desktop.ui.file_chooser import FileType
from otop_desktop.ui.pages.dashboard_page import DashboardPage
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.dashboard_charts import ChartPanel


class _Chooser:
    """Answers every save dialog with `path`."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        return None

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        return self.path


@pytest.fixture
def outcomes_ctx(tmp_path: Path) -> Iterator[AppContext]:
    """The demo a year earlier, with baselines and 3/6/12-month follow-ups."""
    ctx = open_context(tmp_path / "outcomes")
    initialise(ctx, "test-laptop")
    build_demo(ctx, trainees=30, photos=0, follow_ups=True)
    yield ctx
    ctx.close()


def _open(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> DashboardPage:
    page = DashboardPage(ctx, runner)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    assert runner.wait_idle(10_000)
    return page


def _choose(qtbot: QtBot, page: DashboardPage, flt: DashboardFilter) -> None:
    """Wait until the page shows the figures of `flt`."""
    qtbot.waitUntil(lambda: page.shown_filter == flt, timeout=10_000)


def _bars(panel: ChartPanel) -> list[float]:
    """The bar values of a count chart, top to bottom."""
    series = panel.view.chart().series()[0]
    assert isinstance(series, QAbstractBarSeries)
    values = series.barSets()[0]
    return [values.at(i) for i in reversed(range(values.count()))]


def _line_values(panel: ChartPanel) -> list[tuple[float, float]]:
    points = []
    for series in panel.view.chart().series():
        assert isinstance(series, QLineSeries)
        points.extend((p.x(), p.y()) for p in series.points())
    return sorted(points)


def _gap_notes(panel: ChartPanel) -> list[str]:
    chart = panel.view.chart()
    return [i.text() for i in chart.childItems() if isinstance(i, QGraphicsSimpleTextItem)]


def _assert_shows(page: DashboardPage, figures: DashboardFigures) -> None:
    assert page.trainees_tile.value_label.text() == formatting.number(figures.trainees)
    assert page.certificates_tile.value_label.text() == formatting.number(figures.certificates)
    assert figures.attendance_rate is not None
    assert page.attendance_tile.value_label.text() == formatting.percent(figures.attendance_rate)
    assert page.women_tile.value_label.text() == formatting.percent(
        figures.women / figures.trainees
    )
    assert _bars(page.gender_chart) == [c.count for c in figures.by_gender]
    assert _bars(page.age_chart) == [c.count for c in figures.by_age_band]
    expected_units = [
        (float(x), p.value) for x, p in enumerate(figures.units_sold) if p.value is not None
    ]
    assert _line_values(page.units_chart) == expected_units


def test_tiles_and_charts_show_the_figures(
    qtbot: QtBot, outcomes_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _open(qtbot, outcomes_ctx, runner)
    figures = dashboard_figures(outcomes_ctx, DashboardFilter())
    assert page.figures == figures
    assert figures.trainees > 0
    _assert_shows(page, figures)
    # One line per currency, each named in the legend, each point its own currency's median.
    lines = {s.name() for s in page.income_chart.view.chart().series()}
    assert lines == {s.currency for s in figures.income_change}
    assert len(lines) > 1  # the demo's workshops are paid in three currencies
    # The demo leaves some baselines out: the page says so.
    assert figures.missing_baseline > 0
    assert page.notice_label.isVisible()
    assert formatting.number(figures.missing_baseline) in page.notice_label.text()


def test_country_and_workshop_filters_recompute(
    qtbot: QtBot, outcomes_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _open(qtbot, outcomes_ctx, runner)
    everyone = page.figures
    assert everyone is not None
    filters = page.filters
    assert filters.choose(filters.country_combo, "TW")
    _choose(qtbot, page, DashboardFilter(country="TW"))
    taiwan = dashboard_figures(outcomes_ctx, DashboardFilter(country="TW"))
    assert 0 < taiwan.trainees < everyone.trainees
    _assert_shows(page, taiwan)
    assert [s.name() for s in page.income_chart.view.chart().series()] == ["TWD"]
    # Only Taiwan's workshops are left to choose.
    assert filters.workshop_combo.count() == 2
    workshop_id = filters.workshop_combo.itemData(1)
    assert filters.choose(filters.workshop_combo, workshop_id)
    _choose(qtbot, page, DashboardFilter(country="TW", workshop_id=workshop_id))
    assert page.figures == dashboard_figures(
        outcomes_ctx, DashboardFilter(country="TW", workshop_id=workshop_id)
    )
    # Back to every country: every workshop again, and the first figures.
    assert filters.choose(filters.country_combo, None)
    _choose(qtbot, page, DashboardFilter(workshop_id=workshop_id))
    assert filters.workshop_combo.count() == 4


def test_a_newer_filter_wins_over_one_still_running(
    qtbot: QtBot, outcomes_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _open(qtbot, outcomes_ctx, runner)
    filters = page.filters
    filters.choose(filters.country_combo, "HN")
    filters.flush()
    filters.choose(filters.country_combo, "GT")
    filters.flush()
    assert runner.wait_idle(10_000)
    assert page.shown_filter == DashboardFilter(country="GT")
    assert page.figures == dashboard_figures(outcomes_ctx, DashboardFilter(country="GT"))


def test_copy_and_save_a_chart_as_an_image(
    qtbot: QtBot, outcomes_ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    page = _open(qtbot, outcomes_ctx, runner)
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    page.gender_chart.copy_button.click()
    copied = clipboard.pixmap()
    assert not copied.isNull()
    assert copied.width() == page.gender_chart.view.width()

    out = tmp_path / "gender.png"
    page.gender_chart.chooser = _Chooser(out)
    assert page.gender_chart.save_image() == out
    assert not QImage(str(out)).isNull()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".part-")] == []

    # A folder that does not exist: a clear error, and no file.
    errors: list[BaseException] = []
    page.age_chart.on_error = errors.append
    page.age_chart.chooser = _Chooser(tmp_path / "missing" / "age.png")
    assert page.age_chart.save_image() is None
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert not (tmp_path / "missing").exists()


def test_figures_nobody_recorded_show_no_data(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    # The plain demo has no follow-ups at all: every figure over time is missing.
    page = _open(qtbot, demo_ctx, runner)
    for panel in (page.income_chart, page.employment_chart, page.units_chart):
        assert panel.empty
        assert panel.view.overlay.isVisible()
        assert panel.view.overlay.text() == "no data"
        assert _line_values(panel) == []  # no line drawn at 0
    assert not page.gender_chart.empty


def test_a_missing_period_is_a_gap_marked_no_data(
    qtbot: QtBot, outcomes_ctx: AppContext, runner: TaskRunner
) -> None:
    # Nobody's 3-month follow-up of one workshop was recorded.
    page = _open(qtbot, outcomes_ctx, runner)
    workshop_id = page.filters.workshop_combo.itemData(1)
    for row in list_follow_ups(outcomes_ctx, workshop_id=workshop_id):
        if row.period == "month_3":
            delete_follow_up(outcomes_ctx, row.id)
    flt = DashboardFilter(workshop_id=workshop_id)
    figures = dashboard_figures(outcomes_ctx, flt)
    periods = [p.period for p in figures.units_sold]
    gap = periods.index("month_3")
    assert figures.units_sold[gap].value is None
    page.filters.choose(page.filters.workshop_combo, workshop_id)
    _choose(qtbot, page, flt)
    drawn = _line_values(page.units_chart)
    assert float(gap) not in [x for x, _y in drawn]  # a gap, not a point at 0
    assert len(drawn) == len(periods) - 1
    assert _gap_notes(page.units_chart) == ["no data"]
    assert not page.units_chart.empty


def test_converting_without_rates_says_which_currencies_are_left_out(
    qtbot: QtBot, outcomes_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _open(qtbot, outcomes_ctx, runner)
    page.filters.choose(page.filters.currency_combo, "USD")
    _choose(qtbot, page, DashboardFilter(currency="USD"))
    assert page.figures is not None and page.figures.unconverted
    for code in page.figures.unconverted:
        assert code in page.notice_label.text()
    assert page.income_chart.empty
    assert page.income_chart.view.overlay.isVisible()
