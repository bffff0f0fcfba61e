"""The impact report for funders: the dashboard's figures for a filter, written as a PDF.

The figures are services.dashboard.dashboard_figures, computed in the document's language so
their labels are too: the report, the dashboard page and the outcome export agree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from otop_desktop.db.models import Workshop
from otop_desktop.domain import validation as v
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, current_locale
from otop_desktop.reports.impact_data import Cancelled, ImpactReportData, Report, ReportRate
from otop_desktop.reports.language import document_language, supported_locale
from otop_desktop.reports.paper import paper_for_country, parse_paper
from otop_desktop.services.common import country_code, currency_code, get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.dashboard import DashboardFilter, dashboard_figures
from otop_desktop.services.exchange_rates import list_rates


def write_impact_report(
    ctx: AppContext,
    out: Path,
    flt: DashboardFilter,
    *,
    locale: str | None = None,
    paper: str | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write the impact report of `flt` to `out` (.pdf) in `locale` (else the interface's), on
    `paper` (else the one usual where the workshops are). Nothing is left at `out` on error."""
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise ValidationError(
            _("Choose a file name ending in .pdf (not “{name}”).").format(name=out.name), "path"
        )
    chosen = parse_paper(paper) if paper else None  # typos fail before any reading
    language = supported_locale(locale) if locale else current_locale()
    flt = DashboardFilter(
        country=country_code(flt.country),
        workshop_id=flt.workshop_id or None,
        start=flt.start,
        end=flt.end,
        currency=currency_code(flt.currency),
    )
    v.dates_in_order(flt.start, flt.end)
    day = today or dt.date.today()
    title, programmes, countries = _scope(ctx, flt)
    with document_language(language):
        figures = dashboard_figures(ctx, flt, today=day)
    if cancelled is not None and cancelled():
        raise OperationCancelled()
    where = flt.country or (countries[0] if len(countries) == 1 else None)
    papers = {paper_for_country(c) for c in countries}
    if chosen is None and where is None and len(papers) == 1:
        # Workshops in several countries that all use one paper (Honduras and Guatemala).
        chosen = papers.pop()
    data = ImpactReportData(
        figures=figures,
        locale=language,
        today=day,
        country=flt.country,
        workshop_title=title,
        programmes=programmes,
        workshops=figures.workshops,
        start=flt.start,
        end=flt.end,
        currency=flt.currency,
        rates=_rates(ctx, flt.currency),
        money_country=where,
    )
    # reportlab is imported when a report is written, not when the window opens.
    from otop_desktop.reports.impact_report import write_impact_pdf

    return write_impact_pdf(data, out, paper=chosen, report=report, cancelled=cancelled)


def _scope(ctx: AppContext, flt: DashboardFilter) -> tuple[str | None, tuple[str, ...], list[str]]:
    """The chosen workshop's title, and the programme names and countries of the workshops
    the filter selects (the dashboard's selection: live, overlapping the period)."""
    with ctx.read() as session:
        title = None
        if flt.workshop_id:
            title = get_live(session, Workshop, flt.workshop_id, _("workshop")).title or ""
        query = select(Workshop.programme, Workshop.country).where(Workshop.cl % 2 == 1)
        if flt.country:
            query = query.where(Workshop.country == flt.country)
        if flt.workshop_id:
            query = query.where(Workshop.id == flt.workshop_id)
        if flt.end is not None:
            query = query.where(Workshop.start_date <= flt.end)
        if flt.start is not None:
            query = query.where(func.coalesce(Workshop.end_date, Workshop.start_date) >= flt.start)
        rows = list(session.execute(query.distinct()).tuples())
    programmes = sorted({(p or "").strip() for p, _c in rows} - {""}, key=fold)
    countries = sorted({c for _p, c in rows if c})
    return title, tuple(programmes), countries


def _rates(ctx: AppContext, currency: str | None) -> tuple[ReportRate, ...]:
    """The rates a conversion into `currency` can use (either way round), oldest first."""
    if currency is None:
        return ()
    return tuple(
        ReportRate(r.currency, r.target_currency, r.rate, r.valid_from)
        for r in sorted(list_rates(ctx), key=lambda r: (r.currency, r.valid_from))
        if currency in (r.currency, r.target_currency)
    )
