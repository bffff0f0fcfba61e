"""The impact report for funders: the dashboard's figures as a portrait PDF, with charts.

Title facts, key figures, who was trained, the median change of income from the baseline (per
currency, or converted with the rates listed), employment and units sold over time, products,
and what the figures count. A figure nobody recorded is "—" or "no data", never 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from otop_desktop.atomic_file import write_atomically
from otop_desktop.i18n import _, ngettext, pgettext
from otop_desktop.i18n.formatting import country_name, first_upper
from otop_desktop.reports.doc_setup import CancellableDoc, facts_style, pdf_document
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.impact_charts import period_chart
from otop_desktop.reports.impact_data import Cancelled, ImpactReportData, Report
from otop_desktop.reports.impact_format import MISSING, ReportFormat
from otop_desktop.reports.impact_layout import (
    BOX,
    CHART_SHARE,
    GREY,
    count_part,
    counted,
    heading,
    para,
    side_by_side,
    style,
    table,
)
from otop_desktop.reports.language import document_language
from otop_desktop.reports.numbered_canvas import numbered_canvas
from otop_desktop.reports.paper import page_size

MARGIN = 1.5 * cm
SHADE = colors.Color(0.92, 0.94, 0.96)


def write_impact_pdf(
    data: ImpactReportData,
    path: Path,
    *,
    paper: str | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write the impact report to `path` (atomically), portrait, on `paper` or the country's."""
    size = page_size(paper, data.money_country or data.country)
    font = pdf_font()
    return write_atomically(
        Path(path), lambda part: _build(data, font, size, part, report, cancelled)
    )


def _build(
    data: ImpactReportData,
    font: str,
    size: tuple[float, float],
    target: Path,
    report: Report | None,
    cancelled: Cancelled | None,
) -> None:
    width, height = size
    inner = width - 2 * MARGIN
    with document_language(data.locale):
        subject = _("Impact report")
        scope = _scope(data)
        fm = ReportFormat.of(data.locale, data.money_country or data.country)
        doc = pdf_document(
            target,
            size,
            font,
            MARGIN,
            title=f"{subject} — {scope}",
            subject=subject,
            locale=data.locale,
            template="report",
            doc_class=CancellableDoc,
        )
        story = [
            *_title(data, fm, scope, font, inner),
            *_people(data, fm, font, inner),
            *_income(data, fm, font, inner),
            *_work(data, fm, font, inner),
            *_products(data, fm, font, inner),
            *_about(data, fm, font),
        ]
        total = len(story)  # build() empties the list
        doc.cancelled, doc.report, doc.total = cancelled, report, total
        running = f"{subject} — {scope}"
        footer = _("Printed on {date}").format(date=fm.day(data.today))
        canvas = numbered_canvas(font, _("Page {page} / {pages}"), running, footer, MARGIN)
        doc.build(story, canvasmaker=canvas)
    if report is not None:
        report(total, total)


def _scope(data: ImpactReportData) -> str:
    """What the figures are about, in a few words: the workshop, else the country, else all."""
    if data.workshop_title:
        return data.workshop_title
    if data.country:
        return country_name(data.country)
    if len(data.programmes) == 1:
        return data.programmes[0]
    return _("the whole programme")


def _title(
    data: ImpactReportData, fm: ReportFormat, scope: str, font: str, width: float
) -> list[Flowable]:
    small = style(font, 9, textColor=GREY)
    body = style(font, 9)
    if data.currency:
        amounts = _("converted to {currency} with the rates entered").format(currency=data.currency)
    else:
        amounts = _("per currency, never added together")
    facts = [
        (_("Programme"), "\n".join(data.programmes)),  # names may hold commas
        (_("Country"), country_name(data.country) if data.country else _("all countries")),
        (_("Workshop"), data.workshop_title or _("all workshops")),
        (_("Workshops counted"), fm.number(data.workshops)),
        (pgettext("dates", "Period"), fm.period(data.start, data.end)),
        (_("Amounts"), amounts),
        (_("Printed on"), fm.day(data.today)),
    ]
    label = 4.2 * cm
    table = Table(
        [[para(k, small), para(v, body)] for k, v in facts if v],
        colWidths=[label, width - label],
        hAlign="LEFT",
    )
    table.setStyle(facts_style(font, 1))
    return [
        para(_("Impact report"), style(font, 20, spaceAfter=4)),
        para(first_upper(scope), style(font, 12, textColor=GREY, spaceAfter=10)),
        table,
        Spacer(1, 0.5 * cm),
        _key_figures(data, fm, font, width),
    ]


def _key_figures(data: ImpactReportData, fm: ReportFormat, font: str, width: float) -> Table:
    f = data.figures
    boxes = [
        (fm.number(f.trainees), _("trainees trained")),
        (fm.share(f.women, f.trainees), _("women")),
        (fm.percent(f.attendance_rate), _("attendance rate")),
        (fm.number(f.certificates), _("certificates issued")),
    ]
    big = style(font, 20, alignment=TA_CENTER, textColor=BOX)
    caption = style(font, 8.5, alignment=TA_CENTER, textColor=GREY)
    cells = [[para(value, big) for value, _label in boxes]]
    cells.append([para(label, caption) for _value, label in boxes])
    table = Table(cells, colWidths=[width / len(boxes)] * len(boxes), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return table


def _people(data: ImpactReportData, fm: ReportFormat, font: str, width: float) -> list[Flowable]:
    f = data.figures
    return [
        heading(_("Who was trained"), font),
        count_part(
            fm, _("By gender"), [(c.label, c.count) for c in f.by_gender], f.trainees, font, width
        ),
        count_part(
            fm,
            _("By age band"),
            [(c.label, c.count) for c in f.by_age_band],
            f.trainees,
            font,
            width,
        ),
    ]


def _income(data: ImpactReportData, fm: ReportFormat, font: str, width: float) -> list[Flowable]:
    f = data.figures
    out: list[Flowable] = [
        heading(_("Monthly income: median change from the baseline"), font),
        para(
            _(
                "For each trainee with a baseline, the monthly income at the follow-up minus "
                "the income at the baseline, in one currency; the median of those changes."
            ),
            style(font, 8.5, textColor=GREY, spaceAfter=4, keepWithNext=1),
        ),
    ]
    if not f.income_change:
        out.append(para(_("No incomes recorded: no data."), style(font, 9)))
    for series in f.income_change:
        name = first_upper(fm.currency_name(series.currency))  # "quetzal" in Spanish
        if series.converted:
            title = _("Converted to {currency} with the rates entered").format(
                currency=series.currency
            )
        else:
            title = _("{name} ({code})").format(name=name, code=series.currency)
        points = [(first_upper(p.label), p.value) for p in series.points]

        def fmt(value: float, code: str = series.currency) -> str:
            return fm.change(value, code)

        chart = period_chart(points, font, width * CHART_SHARE - 6, 4.6 * cm, fmt, fm.axis)
        rows: list[list[Any]] = [[_("Follow-up"), _("Median change"), _("Counted")]]
        for p in series.points:
            shown = fmt(p.value) if p.value is not None else MISSING
            rows.append([first_upper(p.label), shown, counted(fm, p.n)])
        rest = width * (1 - CHART_SHARE) - 10
        numbers = table(rows, [rest * 0.27, rest * 0.35, rest * 0.38], font)
        out.append(
            KeepTogether(
                [
                    para(title, style(font, 10, spaceBefore=6, spaceAfter=3)),
                    side_by_side(chart, numbers, width, font),
                ]
            )
        )
    if data.currency:
        out += _rates(data, fm, font, width)
    return out


def _rates(data: ImpactReportData, fm: ReportFormat, font: str, width: float) -> list[Flowable]:
    out: list[Flowable] = [para(_("Rates entered"), style(font, 10, spaceBefore=6, spaceAfter=3))]
    if not data.rates:
        out.append(para(_("No rates entered."), style(font, 9)))
    else:
        rows: list[list[Any]] = [[_("Currency"), _("Exchange rate"), _("Valid from")]]
        for r in data.rates:
            rows.append(
                [
                    f"1 {r.currency}",
                    f"{fm.exact(r.rate)} {r.target_currency}",
                    fm.day(r.valid_from),
                ]
            )
        out.append(table(rows, [width * 0.2, width * 0.3, width * 0.3], font))
    if data.figures.unconverted:
        out.append(
            para(
                _("Left out for want of a rate: {currencies}.").format(
                    currencies=", ".join(data.figures.unconverted)
                ),
                style(font, 9, spaceBefore=3),
            )
        )
    return [KeepTogether(out)]


def _work(data: ImpactReportData, fm: ReportFormat, font: str, width: float) -> list[Flowable]:
    f = data.figures
    out: list[Flowable] = [heading(_("Employment and sales over time"), font)]
    parts = (
        (_("People employed (paid and family), mean per trainee"), f.employment, fm.one_decimal),
        (_("Units sold, total"), f.units_sold, fm.whole),
    )
    for title, points, fmt in parts:
        chart = period_chart(
            [(first_upper(p.label), p.value) for p in points],
            font,
            width * CHART_SHARE - 6,
            4.4 * cm,
            fmt,
            fm.axis,
        )
        rows: list[list[Any]] = [[_("Follow-up"), _("Value"), _("Counted")]]
        for p in points:
            rows.append(
                [
                    first_upper(p.label),
                    fmt(p.value) if p.value is not None else MISSING,
                    counted(fm, p.n),
                ]
            )
        rest = width * (1 - CHART_SHARE) - 10
        numbers = table(rows, [rest * 0.36, rest * 0.3, rest * 0.34], font)
        out.append(
            KeepTogether(
                [
                    para(title, style(font, 10, spaceBefore=6, spaceAfter=3)),
                    side_by_side(chart, numbers, width, font),
                ]
            )
        )
    return out


def _products(data: ImpactReportData, fm: ReportFormat, font: str, width: float) -> list[Flowable]:
    f = data.figures
    return [
        heading(_("Products"), font),
        count_part(
            fm,
            _("By category"),
            [(c.label, c.count) for c in f.products_by_category],
            None,
            font,
            width,
        ),
        count_part(
            fm,
            _("By country of origin"),
            [(c.label, c.count) for c in f.products_by_country],
            None,
            font,
            width,
        ),
    ]


def _about(data: ImpactReportData, fm: ReportFormat, font: str) -> list[Flowable]:
    f = data.figures
    notes = [
        _(
            "Trainees trained: people enrolled as trainees in the workshops counted and not "
            "withdrawn, each person once however many workshops they attended."
        ),
        _(
            "Attendance rate: attendances at the sessions held, out of the trainees listed "
            "at them, over all the workshops counted."
        ),
        _("Certificates issued: one per trainee and workshop."),
        _(
            "Amounts in different currencies are never added together: each currency has its "
            "own figures, or amounts are converted with the dated rates entered, as stated."
        ),
        ngettext(
            "{count} trainee with follow-ups but no baseline income is left out of the "
            "income changes.",
            "{count} trainees with follow-ups but no baseline income are left out of the "
            "income changes.",
            f.missing_baseline,
        ).format(count=fm.number(f.missing_baseline)),
    ]
    mixed = f.mixed_currency
    if mixed:
        notes.append(
            ngettext(
                "{count} income change is left out: the follow-up's currency is not the "
                "baseline's.",
                "{count} income changes are left out: the follow-up's currency is not the "
                "baseline's.",
                mixed,
            ).format(count=fm.number(mixed))
        )
    invalid = f.invalid_follow_ups
    if invalid:
        notes.append(
            ngettext(
                "{count} follow-up has a value that cannot be right (negative, dated before "
                "the workshop, an unknown currency): that value is left out.",
                "{count} follow-ups have a value that cannot be right (negative, dated before "
                "the workshop, an unknown currency): those values are left out.",
                invalid,
            ).format(count=fm.number(invalid))
        )
    notes.append(
        _("{missing} and “no data”: nobody recorded the figure; it is not a zero.").format(
            missing=MISSING
        )
    )
    body = style(font, 8.5, leftIndent=10, bulletIndent=0, spaceAfter=2)
    # A short part: kept on one page with its heading.
    return [
        KeepTogether(
            [
                heading(_("About these figures"), font),
                *(Paragraph(escape(n), body, bulletText="•") for n in notes),
            ]
        )
    ]
