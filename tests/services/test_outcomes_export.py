"""Long-format outcome export: one row per trainee per follow-up, typed XLSX, CSV with a BOM."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.i18n import set_locale
from otop_desktop.services import enrollments, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import save_follow_up
from otop_desktop.services.outcomes_export import export_outcomes, headers
from tests.helpers import new_context

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = new_context(tmp_path / "data")
    hn = workshops.create_workshop(
        context,
        title="Bambú",
        programme="OTOP Honduras",
        country="HN",
        start_date="2026-01-05",
        end_date="2026-02-27",
    )
    tw = workshops.create_workshop(
        context, title="鶯歌陶藝", programme="OTOP", country="TW", start_date="2026-02-02"
    )
    maria = trainees.add_trainee(
        context,
        given_names="María Fernanda",
        family_names="López Reyes",
        gender="female",
        birth_year=1990,
    )
    chen = trainees.add_trainee(context, chinese_name="陳美玲", gender="female", birth_year=1960)
    enrollments.enrol(context, hn.id, maria.id)
    enrollments.enrol(context, tw.id, chen.id)
    save_follow_up(
        context,
        hn.id,
        maria.id,
        "month_3",
        {"date": "2026-06-01", "monthly_income": "9000.5", "currency": "HNL", "units_sold": 12},
        today=TODAY,
    )
    save_follow_up(
        context,
        hn.id,
        maria.id,
        "baseline",
        {"date": "2026-01-05", "monthly_income": "6000", "currency": "HNL", "employed_paid": 0},
        today=TODAY,
    )
    save_follow_up(
        context,
        tw.id,
        chen.id,
        "baseline",
        {"date": "2026-02-02", "monthly_income": "32000", "currency": "TWD", "notes": "陶藝"},
        today=TODAY,
    )
    yield context
    context.close()


def test_xlsx_has_typed_cells_and_one_row_per_follow_up(ctx: AppContext, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = export_outcomes(ctx, tmp_path / "outcomes.xlsx")
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == headers()
    assert len(rows) == 4
    # Sorted by programme, country, workshop, name, period: OTOP (TW) before OTOP Honduras.
    assert [(r[0], r[2], r[9]) for r in rows[1:]] == [
        ("OTOP", "鶯歌陶藝", "baseline"),
        ("OTOP Honduras", "Bambú", "baseline"),
        ("OTOP Honduras", "Bambú", "3 months"),
    ]
    chen, base, later = rows[1:]
    assert chen[5] == "陳美玲" and chen[4] == "陳美玲" and chen[8] == "60 and over"
    assert chen[12] == 32000 and chen[13] == "TWD" and chen[19] == "陶藝"
    assert base[4] == "María Fernanda López Reyes" and base[6] == "female"
    assert base[7] == 1990 and base[8] == "30–44"
    assert base[10] == 0 and later[10] == 3
    assert later[11] == dt.datetime(2026, 6, 1)  # a real date cell
    assert later[12] == pytest.approx(9000.5) and later[16] == 12
    assert base[14] == 0 and base[15] is None  # zero recorded vs not recorded
    assert sheet.cell(4, 13).number_format == "#,##0.00"


def test_csv_is_utf8_with_bom_and_filtered(ctx: AppContext, tmp_path: Path) -> None:
    out = export_outcomes(ctx, tmp_path / "hn.csv", country="hn")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 3
    assert [r[12] for r in rows[1:]] == ["6000", "9000.5"]
    assert [r[11] for r in rows[1:]] == ["2026-01-05", "2026-06-01"]
    tw = [w for w in workshops.list_workshops(ctx) if w.country == "TW"][0]
    only = export_outcomes(ctx, tmp_path / "tw.csv", workshop_id=tw.id)
    assert len(only.read_text(encoding="utf-8-sig").splitlines()) == 2


def test_headers_and_labels_follow_the_language(ctx: AppContext, tmp_path: Path) -> None:
    set_locale("es")
    try:
        out = export_outcomes(ctx, tmp_path / "es.csv", country="HN")
        rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert rows[0] == headers()
    finally:
        set_locale("en")
    assert rows[0] != headers()  # translated, not the English headers
    assert Decimal(rows[1][12]) == Decimal("6000")


def test_bad_name_cancel_and_unwritable_folder_leave_nothing(
    ctx: AppContext, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError):
        export_outcomes(ctx, tmp_path / "out.pdf")
    target = tmp_path / "out" / "x.xlsx"
    target.parent.mkdir()
    with pytest.raises(OperationCancelled):
        export_outcomes(ctx, target, cancelled=lambda: True)
    assert list(target.parent.iterdir()) == []
    with pytest.raises(ValidationError) as caught:
        export_outcomes(ctx, tmp_path / "missing" / "x.csv")
    assert caught.value.field == "path"
    seen: list[tuple[int, int]] = []
    export_outcomes(ctx, target, report=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (3, 3)
    assert [p.name for p in target.parent.iterdir()] == ["x.xlsx"]
