"""The programme dashboard: who was trained and what came of it, by country, workshop, period.

Key figures on top (trainees, women, attendance rate, certificates), then charts: the median
change of monthly income since the baseline (a line per currency, or converted with the rates
entered), trainees by gender and by age, people employed and units sold over time, products
by category and by country of origin. A figure nobody recorded shows as "no data", never as 0.
The figures are computed off the GUI thread when the page is first shown, when a filter
changes (the newest answer wins) and when the data behind them changes while it is shown.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.dashboard import DashboardFigures, DashboardFilter, dashboard_figures
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs.exchange_rates_dialog import RATES, open_exchange_rates
from otop_desktop.ui.dialogs.follow_up_dialog import FOLLOW_UPS
from otop_desktop.ui.file_chooser import FileChooser
from otop_desktop.ui.language import language_names
from otop_desktop.ui.models.certificate_table import CERTIFICATES
from otop_desktop.ui.pages.dashboard_actions import DashboardWork
from otop_desktop.ui.pages.dashboard_filters import DashboardFilters
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.dashboard_charts import (
    ChartPanel,
    Line,
    count_chart,
    counts_empty,
    line_chart,
    lines_empty,
    money_lines,
)

# What, changed elsewhere, changes the figures.
TOPICS = (WORKSHOPS, TRAINEES, SYNC, CERTIFICATES, FOLLOW_UPS, RATES)
_NOTICE_STYLE = "background: #fff4ce; border: 1px solid #e0b000; color: #1f1f1f; padding: 4px;"
_TILE_STYLE = "QFrame#tile { border: 1px solid palette(mid); border-radius: 4px; }"
Choices = tuple[list[tuple[str, str]], list[tuple[str, str]], dict[str, str | None]]


def load_choices(ctx: AppContext) -> Choices:
    """The countries with workshops, the workshops (newest first) and each one's country."""
    countries: dict[str, str] = {}
    workshops = sorted(
        list_workshops(ctx), key=lambda w: (w.start_date is not None, w.start_date), reverse=True
    )
    for workshop in workshops:
        if workshop.country:
            countries[workshop.country] = formatting.country_name(workshop.country)
    return (
        sorted(countries.items(), key=lambda pair: pair[1]),
        [(w.id, w.title) for w in workshops],
        {w.id: w.country for w in workshops},
    )


class _Tile(QFrame):
    """A key figure: its value large, what it is below."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.setStyleSheet(_TILE_STYLE)
        self.value_label = QLabel("—")
        self.value_label.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.caption_label = QLabel(caption)
        self.detail_label = QLabel()
        self.detail_label.setStyleSheet("color: palette(dark);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.detail_label)

    def show_value(self, value: str, detail: str = "") -> None:
        self.value_label.setText(value or _("no data"))
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))


class DashboardPage(QWidget):
    """Key figures and charts of the workshops the filters choose."""

    key = "dashboard"

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        chooser: FileChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.figures: DashboardFigures | None = None
        self.shown_filter: DashboardFilter | None = None
        self._generation = 0
        self._stale = True  # nothing loaded yet, or the data changed while hidden
        self.work = DashboardWork(ctx, runner, self, chooser)

        self.title = _("Dashboard")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.report_button = QPushButton(_("Impact report PDF…"))
        self.report_button.setToolTip(_("The figures of this dashboard as a PDF for funders"))
        self.report_menu = QMenu(self)
        for code, name in language_names():
            action = QAction(name, self.report_menu)
            action.triggered.connect(lambda _checked=False, c=code: self.impact_report(c))
            self.report_menu.addAction(action)
        self.report_button.setMenu(self.report_menu)
        self.export_button = QPushButton(_("Export data…"))
        self.export_button.setToolTip(
            _("One row per trainee per follow-up, as Excel or CSV, for analysis")
        )
        self.export_button.clicked.connect(self.export_data)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: palette(dark);")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.status_label, 1)
        # A link rather than a button: the rates belong to the "Amounts" filter below.
        self.rates_button = QPushButton(_("Exchange rates…"))
        self.rates_button.setFlat(True)
        self.rates_button.setStyleSheet("color: palette(link); text-decoration: underline;")
        self.rates_button.setToolTip(_("The rates used to convert amounts into one currency"))
        self.rates_button.clicked.connect(self.open_rates)
        top.addWidget(self.rates_button)
        top.addWidget(self.report_button)
        top.addWidget(self.export_button)

        self.filters = DashboardFilters()
        self.filters.changed.connect(self.reload)

        self.trainees_tile = _Tile(_("trainees trained"))
        self.women_tile = _Tile(_("women"))
        self.attendance_tile = _Tile(_("attendance rate"))
        self.certificates_tile = _Tile(_("certificates issued"))
        tiles = QHBoxLayout()
        for tile in self.tiles():
            tiles.addWidget(tile, 1)

        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(_NOTICE_STYLE)
        self.notice_label.hide()

        self.income_chart = ChartPanel("income-change")
        self.gender_chart = ChartPanel("gender")
        self.age_chart = ChartPanel("age")
        self.employment_chart = ChartPanel("employment")
        self.units_chart = ChartPanel("units-sold")
        self.category_chart = ChartPanel("products-by-category")
        self.country_chart = ChartPanel("products-by-country")
        for panel in self.charts():
            panel.on_error = runner.show_error
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 6, 0)
        grid.addWidget(self.income_chart, 0, 0, 1, 2)
        grid.addWidget(self.gender_chart, 1, 0)
        grid.addWidget(self.age_chart, 1, 1)
        grid.addWidget(self.employment_chart, 2, 0)
        grid.addWidget(self.units_chart, 2, 1)
        grid.addWidget(self.category_chart, 3, 0)
        grid.addWidget(self.country_chart, 3, 1)
        holder = QWidget()
        holder.setLayout(grid)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(holder)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addLayout(tiles)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.scroll_area, 1)
        runner.changed.connect(self._on_changed)

    def tiles(self) -> list[_Tile]:
        return [self.trainees_tile, self.women_tile, self.attendance_tile, self.certificates_tile]

    def charts(self) -> list[ChartPanel]:
        return [
            self.income_chart,
            self.gender_chart,
            self.age_chart,
            self.employment_chart,
            self.units_chart,
            self.category_chart,
            self.country_chart,
        ]

    # --- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload_all()

    def _on_changed(self, what: str) -> None:
        if what not in TOPICS:
            return
        if self.isVisible():
            self.reload_all()
        else:
            # Worked out when next shown, not for every change made on other pages.
            self._stale = True

    def reload_all(self) -> None:
        """Reload the filter choices, then the figures."""
        self._stale = False
        self._runner.run(load_choices, self._ctx, on_done=self._choices_loaded)

    def _choices_loaded(self, choices: Choices) -> None:
        self.filters.set_choices(*choices)
        self.reload()

    def reload(self) -> None:
        """Work out the figures of the filter shown; an answer to an older filter is dropped."""
        self._generation += 1
        generation = self._generation
        flt = self.filters.current()
        self.status_label.setText(_("Working out the figures…"))
        self._runner.run(
            dashboard_figures,
            self._ctx,
            flt,
            on_done=lambda figures: self._loaded(generation, flt, figures),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status_label.clear()
            self._runner.show_error(exc)

    def _loaded(self, generation: int, flt: DashboardFilter, figures: DashboardFigures) -> None:
        if generation != self._generation:
            return
        self.figures = figures
        self.shown_filter = flt
        self.status_label.setText(
            ngettext("{n} workshop", "{n} workshops", figures.workshops).format(
                n=formatting.number(figures.workshops)
            )
        )
        self._show_tiles(figures)
        self._show_notices(figures, flt)
        self._show_charts(figures, flt)

    # --- showing ------------------------------------------------------------------------------

    def _show_tiles(self, figures: DashboardFigures) -> None:
        self.trainees_tile.show_value(formatting.number(figures.trainees))
        share = figures.women / figures.trainees if figures.trainees else None
        self.women_tile.show_value(
            formatting.percent(share),
            _("{n} of {total}").format(
                n=formatting.number(figures.women), total=formatting.number(figures.trainees)
            )
            if figures.trainees
            else "",
        )
        self.attendance_tile.show_value(formatting.percent(figures.attendance_rate))
        self.certificates_tile.show_value(formatting.number(figures.certificates))

    def _show_notices(self, figures: DashboardFigures, flt: DashboardFilter) -> None:
        notes = []
        if figures.missing_baseline:
            notes.append(
                ngettext(
                    "{n} trainee with follow-ups has no baseline income and is left out of "
                    "the income change.",
                    "{n} trainees with follow-ups have no baseline income and are left out "
                    "of the income change.",
                    figures.missing_baseline,
                ).format(n=formatting.number(figures.missing_baseline))
            )
        if figures.unconverted:
            notes.append(
                _(
                    "No exchange rate into {target} for {currencies}: those amounts are left "
                    "out. Enter the rates under “Exchange rates…”."
                ).format(target=flt.currency or "", currencies=", ".join(figures.unconverted))
            )
        if figures.mixed_currency:
            notes.append(
                ngettext(
                    "{n} follow-up in another currency than its baseline is left out of the "
                    "income change.",
                    "{n} follow-ups in another currency than their baseline are left out of "
                    "the income change.",
                    figures.mixed_currency,
                ).format(n=formatting.number(figures.mixed_currency))
            )
        if figures.invalid_follow_ups:
            notes.append(
                ngettext(
                    "{n} follow-up has a value that cannot be right (negative, dated before "
                    "the workshop, or an unknown currency); that value is left out.",
                    "{n} follow-ups have values that cannot be right (negative, dated before "
                    "the workshop, or an unknown currency); those values are left out.",
                    figures.invalid_follow_ups,
                ).format(n=formatting.number(figures.invalid_follow_ups))
            )
        self.notice_label.setText("\n".join(notes))
        self.notice_label.setVisible(bool(notes))

    def _show_charts(self, figures: DashboardFigures, flt: DashboardFilter) -> None:
        income = money_lines(figures.income_change)
        if flt.currency:
            income = [
                Line(_("{currency}, converted").format(currency=line.name), line.points, line.text)
                if series.converted
                else line
                for line, series in zip(income, figures.income_change, strict=True)
            ]
        # One currency names the axis; several are named in the legend, each line its own.
        axis = income[0].name if len(income) == 1 else ""
        self.income_chart.set_chart(
            line_chart(_("Median change in monthly income since the baseline"), income, axis),
            empty=lines_empty(income),
        )
        for panel, title, counts in (
            (self.gender_chart, _("Trainees by gender"), figures.by_gender),
            (self.age_chart, _("Trainees by age"), figures.by_age_band),
            (self.category_chart, _("Products by category"), figures.products_by_category),
            (self.country_chart, _("Products by country of origin"), figures.products_by_country),
        ):
            panel.set_chart(count_chart(title, counts), empty=counts_empty(counts))
        employment = [
            Line(_("people employed"), figures.employment, lambda v: formatting.number(round(v, 1)))
        ]
        self.employment_chart.set_chart(
            line_chart(_("People employed per business (mean, paid and family)"), employment),
            empty=lines_empty(employment),
        )
        units = [Line(_("units sold"), figures.units_sold, lambda v: formatting.number(round(v)))]
        self.units_chart.set_chart(
            line_chart(_("Units sold (total)"), units), empty=lines_empty(units)
        )

    # --- actions ------------------------------------------------------------------------------

    def scope_text(self) -> str:
        """What the filter covers, for file names: the workshop, the country, or everything."""
        workshop = self.filters.workshop_combo
        if workshop.currentData():
            return workshop.currentText()
        country = self.filters.country_combo
        if country.currentData():
            return country.currentText()
        return _("all workshops")

    def impact_report(self, locale: str) -> int | None:
        """Write the impact report of the filter shown in `locale`, then preview it."""
        self.filters.flush()
        return self.work.impact_report(self.filters.current(), locale, self.scope_text())

    def export_data(self) -> int | None:
        """Export the follow-ups of the country or workshop chosen (one row each)."""
        self.filters.flush()
        return self.work.export_data(self.filters.current(), self.scope_text())

    def open_rates(self) -> QWidget:
        """The exchange rates (saving them reloads the figures through RATES)."""
        return open_exchange_rates(self._ctx, self._runner, self.window())
