"""Trainee export to CSV and XLSX, and the blank roster template."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from otop_desktop.domain.errors import ValidationError
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrol
from otop_desktop.services.roster_export import (
    TEMPLATE_MARK,
    export_trainees,
    write_template,
)
from otop_desktop.services.roster_files import RosterCancelled, read_roster
from otop_desktop.services.roster_headers import guess_mapping
from otop_desktop.services.roster_import import RowAction, apply_roster, preview_roster
from otop_desktop.services.trainees import add_trainee, search_trainees
from otop_desktop.services.workshops import create_workshop
from tests.helpers import new_context


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = new_context(tmp_path / "data")
    add_trainee(
        context,
        given_names="María Fernanda",
        family_names="López Reyes",
        phone="0912-345-678",
        gender="female",
        birth_year=1985,
        town="Comayagua",
        consent_data=True,
    )
    add_trainee(context, chinese_name="陳美玲", phone="0912345678", town="鶯歌")
    add_trainee(context, given_names="José", family_names="Núñez", phone="+504 3312-4567")
    yield context
    context.close()


def test_csv_has_bom_headers_and_text_phones(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "trainees.csv"
    assert export_trainees(ctx, path) == 3
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfGiven names,Family names,")
    text = data.decode("utf-8-sig")
    assert "María Fernanda,López Reyes,,female,1985,0912-345-678" in text
    assert ",陳美玲,,,0912345678," in text
    lines = text.splitlines()
    assert lines[1].startswith("María") and ",yes," in lines[1]  # by family name; consent


def test_xlsx_phone_cells_are_text(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "trainees.xlsx"
    assert export_trainees(ctx, path, text="0912") == 2
    sheet = openpyxl.load_workbook(path).active
    phones = [(c.value, c.number_format, c.data_type) for c in sheet["F"][1:]]
    assert phones == [("0912-345-678", "@", "s"), ("0912345678", "@", "s")]
    assert sheet.freeze_panes == "A2"


def test_workshop_filter(ctx: AppContext, tmp_path: Path) -> None:
    workshop = create_workshop(ctx, title="Bambú").id
    enrol(ctx, workshop, search_trainees(ctx, "jose")[0].id)
    path = tmp_path / "w.csv"
    assert export_trainees(ctx, path, workshop_id=workshop) == 1
    assert "Núñez" in path.read_text(encoding="utf-8-sig")


def test_export_then_import_finds_everyone_already_there(ctx: AppContext, tmp_path: Path) -> None:
    # Proves: the exported headers are understood by the import, and the same people are found.
    for name in ("back.xlsx", "back.csv"):
        export_trainees(ctx, tmp_path / name)
        preview = preview_roster(ctx, tmp_path / name, None)
        assert preview.unknown_headers == ["Id"]
        assert [r.action for r in preview.rows] == [RowAction.DUPLICATE] * 3
        assert apply_roster(ctx, preview).skipped == 3


def test_bad_suffix_and_cancel_leave_no_file(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"ending in .xlsx or .csv"):
        export_trainees(ctx, tmp_path / "list.txt")
    path = tmp_path / "big.csv"
    for index in range(1000):
        add_trainee(ctx, given_names=f"Persona {index}")
    with pytest.raises(RosterCancelled):
        export_trainees(ctx, path, cancelled=lambda: True)
    assert list(tmp_path.glob("big.csv*")) == []


@pytest.mark.parametrize(
    ("locale", "first"),
    [("en", "Given names"), ("es", "Nombres"), ("zh_Hant_TW", "姓名"), ("es_GT", "Nombres")],
)
def test_template_xlsx(tmp_path: Path, locale: str, first: str) -> None:
    path = tmp_path / "roster.xlsx"
    write_template(path, locale)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == first
    assert None not in guess_mapping(headers).values()
    phone = headers.index({"en": "Phone", "zh_Hant_TW": "手機"}.get(locale, "Teléfono")) + 1
    assert sheet.cell(2, phone).number_format == "@"
    marker = book["otop"]
    assert marker.sheet_state == "hidden" and marker["A1"].value == TEMPLATE_MARK
    table = read_roster(path)  # reads back: headers, no rows
    assert table.headers == headers and table.rows == []


def test_template_csv(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    write_template(path, "es")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfNombres,Apellidos,Sexo,")


@pytest.mark.parametrize("locale", ["en", "es", "zh_Hant_TW"])
def test_export_in_each_language_reads_back_into_the_same_fields(
    ctx: AppContext, tmp_path: Path, locale: str
) -> None:
    # Proves: a list exported in Chinese (名字, 姓氏 beside 中文姓名) or Spanish imports back with
    # each name in its own field, so the same three people are found again.
    from otop_desktop.i18n import current_locale, set_locale

    before = current_locale()
    set_locale(locale)
    try:
        path = tmp_path / f"back-{locale}.xlsx"
        export_trainees(ctx, path)
        table = read_roster(path)
        fields = [f for f in guess_mapping(table.headers).values() if f]
        assert {"given_names", "family_names", "chinese_name"} <= set(fields)
        assert len(fields) == len(set(fields))
        preview = preview_roster(ctx, path, None)
        assert [r.action for r in preview.rows] == [RowAction.DUPLICATE] * 3
    finally:
        set_locale(before)
