"""Impact report PDF: figures as each language writes them, missing as missing, the one font,
all-or-nothing writing, cancel, the service over a database and the CLI."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.domain.errors import NotFoundError, OperationCancelled, ValidationError
from otop_desktop.i18n import _
from otop_desktop.reports.impact_data import ImpactReportData, ReportRate
from otop_desktop.reports.impact_report import write_impact_pdf
from otop_desktop.reports.language import document_language
from otop_desktop.services.dashboard import (
    CountBy,
    DashboardFigures,
    DashboardFilter,
    MoneySeries,
    SeriesPoint,
    dashboard_figures,
)
from otop_desktop.services.demo import build_demo
from otop_desktop.services.exchange_rates import save_rate
from otop_desktop.services.impact_report import write_impact_report
from tests.helpers import new_context

POPPLER = all(shutil.which(t) for t in ("pdffonts", "pdftotext"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")
TODAY = dt.date(2026, 11, 25)


def _text(pdf: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")
    return out.replace("\xa0", " ").replace("\u202f", " ")


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _point(period: str, value: float | None, n: int) -> SeriesPoint:
    labels = {"baseline": "Baseline", "month_3": "3 months", "month_6": "6 months"}
    return SeriesPoint(period, labels.get(period, "12 months"), value, n)


def _figures(*, attendance: float | None = 0.8642, incomes: bool = True) -> DashboardFigures:
    """A small programme: 1,234 trainees (617 women), some figures missing."""
    later = ("month_3", "month_6", "month_12")
    return DashboardFigures(
        trainees=1234,
        women=617,
        by_gender=[CountBy("female", "female", 617), CountBy("male", "male", 617)],
        by_age_band=[CountBy("18_29", "18–29 (youth)", 1000), CountBy("30_44", "30–44", 234)],
        attendance_rate=attendance,
        certificates=1100,
        income_change=[
            MoneySeries(
                "HNL",
                False,
                [_point("month_3", 1250.5, 8), _point("month_6", -300.0, 5)]
                + [_point("month_12", None, 0)],
            ),
            MoneySeries("GTQ", False, [_point(p, None, 0) for p in later]),
        ]
        if incomes
        else [],
        employment=[_point("baseline", 2.0, 10), _point("month_3", 2.3333, 8)]
        + [_point("month_6", None, 0), _point("month_12", None, 0)],
        units_sold=[_point("baseline", 4321.0, 10), _point("month_3", None, 0)],
        products_by_category=[CountBy("pottery", "Pottery", 5)],
        products_by_country=[CountBy("HN", "Honduras", 5)],
        missing_baseline=7,
        unconverted=[],
    )


def _data(locale: str, country: str | None, **changes: object) -> ImpactReportData:
    base: dict[str, object] = {
        "figures": _figures(),
        "locale": locale,
        "today": TODAY,
        "country": country,
        "programmes": ("OTOP 2026",),
        "workshops": 3,
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 12, 31),
        "money_country": country,
    }
    base.update(changes)
    return ImpactReportData(**base)  # type: ignore[arg-type]


# Worked out by hand from CLDR's patterns: Honduran Spanish writes 1,234 and L1,250.50;
# Spanish without a country 1.234 and 1.250,50 HNL; English (no en_HN) and Taiwan HNL1,250.50.
@needs_poppler
@pytest.mark.parametrize(
    ("locale", "country", "expected"),
    [
        ("en", "HN", ["1,234", "50%", "86%", "1,100", "+HNL1,250.50", "-HNL300.00", "2.3"]),
        ("es", "HN", ["1,234", "50%", "86%", "1,100", "+L1,250.50", "-L300.00", "2.3", "4,321"]),
        ("es", None, ["1.234", "50 %", "86 %", "1.100", "+1.250,50 HNL", "-300,00 HNL", "2,3"]),
        ("zh_Hant_TW", "TW", ["1,234", "50%", "86%", "1,100", "+HNL1,250.50", "2.3", "4,321"]),
    ],
)
def test_figures_as_the_document_language_writes_them(
    tmp_path: Path, locale: str, country: str | None, expected: list[str]
) -> None:
    pdf = write_impact_pdf(_data(locale, country), tmp_path / "impact.pdf")

    text = _text(pdf)
    for figure in expected:
        assert figure in text, (figure, locale)
    with document_language(locale):
        assert _("About these figures") in text
        assert _("no data") in text  # the GTQ series and the missing periods
    rows = _fonts(pdf)
    # Chart labels, bullets, nested tables: no Helvetica. ReportLab splits a TrueType font into
    # subsets of 256 characters, so a Chinese report may carry two subsets of the one font.
    assert rows, rows
    for row in rows:
        assert "WenQuanYiMicroHei" in row[0] and row[-5:-3] == ["yes", "yes"], rows


@needs_poppler
def test_missing_figures_are_shown_as_missing_never_as_zero(tmp_path: Path) -> None:
    figures = _figures(attendance=None, incomes=False)
    pdf = write_impact_pdf(_data("en", "HN", figures=figures), tmp_path / "impact.pdf")

    text = _text(pdf, layout=True)
    # No attendance recorded: a dash among the key figures, not "0%".
    assert re.search(r"1,234\s+50%\s+—\s+1,100", text), text[:800]
    assert "0%" not in text.replace("50%", "")
    assert re.search(r"6 months\s+—\s+0 trainees", text)  # employment nobody recorded
    assert re.search(r"3 months\s+—\s+0 trainees", text)  # units sold
    assert "No incomes recorded: no data." in text
    assert "7 trainees with follow-ups but no baseline income are left out" in text


@needs_poppler
def test_converted_amounts_name_the_rates_and_what_was_left_out(tmp_path: Path) -> None:
    later = ("month_3", "month_6", "month_12")
    figures = DashboardFigures(
        **{
            **_figures().__dict__,
            "income_change": [
                MoneySeries(
                    "USD", True, [_point(p, 40.25 if p == "month_3" else None, 3) for p in later]
                )
            ],
            "unconverted": ["GTQ"],
        }
    )
    rates = (ReportRate("HNL", "USD", Decimal("0.0405"), dt.date(2026, 1, 1)),)
    data = _data("en", "HN", figures=figures, currency="USD", rates=rates)
    text = _text(write_impact_pdf(data, tmp_path / "impact.pdf"))

    assert "Converted to USD with the rates entered" in text
    assert "0.0405 USD" in text  # every digit of the rate, not 0.04
    assert "+$40.25" in text  # English writes dollars as the US does
    assert "Left out for want of a rate: GTQ." in text


def test_a_missing_folder_is_a_message_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as error:
        write_impact_pdf(_data("en", "HN"), tmp_path / "gone" / "impact.pdf")
    assert "impact.pdf" in str(error.value)
    assert not (tmp_path / "gone").exists()


def test_cancel_leaves_an_older_report_untouched_and_no_part_file(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "impact.pdf"
    out.write_bytes(b"older report")
    calls: list[tuple[int, int]] = []

    with pytest.raises(OperationCancelled):
        write_impact_pdf(
            _data("es", "HN"),
            out,
            report=lambda done, total: calls.append((done, total)),
            cancelled=lambda: len(calls) >= 3,
        )
    assert out.read_bytes() == b"older report"
    assert sorted(p.name for p in folder.iterdir()) == ["impact.pdf"]


def test_progress_ends_at_its_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    write_impact_pdf(
        _data("en", None), tmp_path / "impact.pdf", report=lambda d, t: calls.append((d, t))
    )
    assert calls[-1][0] == calls[-1][1] > 5
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


def test_letter_in_honduras_a4_in_taiwan_or_as_chosen(tmp_path: Path) -> None:
    def size(pdf: Path) -> str:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return re.search(r"Page size:\s+([\d.]+ x [\d.]+)", out.stdout).group(1)  # type: ignore[union-attr]

    if not shutil.which("pdfinfo"):
        pytest.skip("needs poppler-utils")
    assert size(write_impact_pdf(_data("es", "HN"), tmp_path / "hn.pdf")) == "612 x 792"
    assert size(write_impact_pdf(_data("zh_Hant_TW", "TW"), tmp_path / "tw.pdf")).startswith("595")
    chosen = write_impact_pdf(_data("es", "HN"), tmp_path / "a4.pdf", paper="a4")
    assert size(chosen).startswith("595")


# --- the service and the CLI over a database ------------------------------------------------


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A small demo programme with follow-ups in HNL, GTQ and TWD."""
    data = tmp_path / "data"
    ctx = new_context(data)
    try:
        build_demo(ctx, trainees=18, sessions=2, photos=0, follow_ups=True)
    finally:
        ctx.close()
    return data


@needs_poppler
def test_the_service_writes_the_dashboard_figures(demo_dir: Path, tmp_path: Path) -> None:
    ctx = new_context(demo_dir)
    try:
        with document_language("es"):
            figures = dashboard_figures(ctx, DashboardFilter(), today=TODAY)
        pdf = write_impact_report(
            ctx, tmp_path / "impacto.pdf", DashboardFilter(), locale="es", today=TODAY
        )
    finally:
        ctx.close()
    text = _text(pdf, layout=True)
    assert figures.trainees == 18
    assert re.search(rf"\b{figures.trainees}\s", text)
    # Three countries: Spanish without a country writes "1.234,50 HNL".
    series = {s.currency: s for s in figures.income_change}
    assert {"HNL", "GTQ", "TWD"} <= set(series)
    first = next(p for p in series["HNL"].points if p.value is not None)
    amount = f"{abs(first.value or 0):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f"{amount} HNL" in text
    assert first.label in text  # "3 meses": labels in the document's language
    # Three programme names, each on its own line (names hold commas).
    assert "Un Pueblo, Un Producto — Honduras" in text


@needs_poppler
def test_converting_lists_the_rates_entered(demo_dir: Path, tmp_path: Path) -> None:
    ctx = new_context(demo_dir)
    try:
        save_rate(ctx, "HNL", "USD", "0.0405", dt.date(2020, 1, 1))
        pdf = write_impact_report(
            ctx, tmp_path / "usd.pdf", DashboardFilter(currency="usd"), locale="en", today=TODAY
        )
    finally:
        ctx.close()
    text = _text(pdf)
    assert "Converted to USD with the rates entered" in text
    assert "1 HNL" in text and "0.0405 USD" in text
    assert "Left out for want of a rate: GTQ, TWD." in text


def test_bad_filters_fail_before_anything_is_written(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    ctx = new_context(demo_dir)
    try:
        bad = [
            (DashboardFilter(), "impact.txt", {}),
            (DashboardFilter(country="XX"), "a.pdf", {}),
            (DashboardFilter(currency="LEM"), "b.pdf", {}),
            (DashboardFilter(start=dt.date(2026, 5, 1), end=dt.date(2026, 1, 1)), "c.pdf", {}),
            (DashboardFilter(), "d.pdf", {"paper": "legal"}),
            (DashboardFilter(), "e.pdf", {"locale": "fr"}),
        ]
        for flt, name, options in bad:
            with pytest.raises(ValidationError):
                write_impact_report(ctx, out / name, flt, **options)  # type: ignore[arg-type]
        with pytest.raises(NotFoundError):
            write_impact_report(ctx, out / "f.pdf", DashboardFilter(workshop_id="nope"))
        with pytest.raises(OperationCancelled):
            write_impact_report(ctx, out / "g.pdf", DashboardFilter(), cancelled=lambda: True)
    finally:
        ctx.close()
    assert list(out.iterdir()) == []


@needs_poppler
def test_cli_exit_codes(demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--data-dir", str(demo_dir), "report", "impact"]
    out = tmp_path / "hn.pdf"

    code = run([*base, "--out", str(out), "--country", "hn", "--pdf-lang", "es"])
    printed, _err = capsys.readouterr()
    assert code == 0 and printed.strip() == str(out)
    text = _text(out)
    assert "Honduras" in text and "GTQ" not in text  # one country's workshops only

    assert run([*base, "--out", str(tmp_path / "x.pdf"), "--from", "2026-13-01"]) == 1
    assert "2026-13-01" in capsys.readouterr().err
    assert run([*base, "--out", str(tmp_path / "y.pdf"), "--paper", "legal"]) == 1
    assert run([*base, "--out", str(tmp_path / "z.pdf"), "--workshop", "nope"]) == 1
    assert run([*base]) == 2  # --out is required
    capsys.readouterr()
    assert not any(tmp_path.glob("[xyz].pdf"))
