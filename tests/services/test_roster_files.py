"""Reading rosters as people have them: encodings, separators, XLSX oddities, bad files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from otop_desktop.services.roster_files import (
    MAX_BYTES,
    RosterCancelled,
    RosterFileError,
    decode_text,
    parse_date_text,
    read_roster,
    sniff_delimiter,
)
from otop_desktop.services.roster_headers import guess_mapping, template_headers

ROSTERS = Path(__file__).resolve().parent.parent / "fixtures" / "rosters"


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "first_header"),
    [
        ("utf8.csv", "utf-8", ",", "Given names"),
        ("utf8_bom.csv", "utf-8-sig", ",", "Nombre completo"),
        ("cp1252_semicolon.csv", "cp1252", ";", "Nombre(s)"),
        ("big5.csv", "big5", ",", "姓名"),
    ],
)
def test_csv_encodings_and_separators(
    name: str, encoding: str, delimiter: str, first_header: str
) -> None:
    # Proves: each encoding and separator Excel writes is recognised, accents and Chinese intact.
    table = read_roster(ROSTERS / name)
    assert (table.file_kind, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert table.headers[0] == first_header
    text = " ".join(str(c) for _n, cells in table.rows for c in cells if c)
    assert "\ufffd" not in text
    assert any(word in text for word in ("María", "陳美玲"))


def test_semicolon_file_keeps_quoted_separator_and_skips_empty_row() -> None:
    # Proves: "Güinope; El Paraíso" stays one cell; the row of bare ";" is skipped, and row
    # numbers are those Excel shows (the skipped row still counts).
    table = read_roster(ROSTERS / "cp1252_semicolon.csv")
    assert [n for n, _cells in table.rows] == [2, 3, 5]
    assert table.rows[2][1][4] == "Güinope; El Paraíso"
    assert table.rows[0][1][:3] == ["María Fernanda", "López", "Reyes"]


def test_big5_chinese_cells() -> None:
    table = read_roster(ROSTERS / "big5.csv")
    assert table.rows[0][1][:4] == ["陳美玲", "女", "1975", "0912-345-678"]


def test_english_xlsx_numbers_dates_empty_row_and_merged_header() -> None:
    # Proves: a header merged over two columns names both; phones typed as numbers come back
    # without ".0" (and with the leading zero their format shows); dates stay dates.
    table = read_roster(ROSTERS / "english.xlsx")
    assert table.file_kind == "xlsx"
    assert table.headers == [
        "Given names",
        "Family names",
        "Phone",
        "Phone (2)",
        "Birth date",
        "Town",
    ]
    rows = dict(table.rows)
    assert sorted(rows) == [2, 3, 5, 6]  # row 4 is empty
    assert rows[2][2] == 50498765432 and rows[2][4] == dt.date(1985, 3, 15)
    assert rows[3][2] == 98765432 and rows[3][4] == 29000
    assert rows[5][2] == "0912345678"
    assert rows[6][3] == 87654321


@pytest.mark.parametrize("name", ["spanish_headers.xlsx", "chinese_headers.xlsx"])
def test_xlsx_dates_are_dates(name: str) -> None:
    table = read_roster(ROSTERS / name)
    assert all(isinstance(cells[5], dt.date) for _n, cells in table.rows)


def test_encrypted_xlsx_is_refused_with_what_to_do() -> None:
    with pytest.raises(RosterFileError, match="password-protected.*save it as .xlsx"):
        read_roster(ROSTERS / "encrypted.xlsx")


def test_picture_named_csv_is_not_a_spreadsheet() -> None:
    with pytest.raises(RosterFileError, match="is not a spreadsheet"):
        read_roster(ROSTERS / "not_a_spreadsheet.csv")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 20 MB actually written
    with pytest.raises(RosterFileError, match=r"huge.csv is 20 MB; a roster can be at most 20"):
        read_roster(path)


def test_empty_missing_zip_and_ods_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(RosterFileError, match="is empty"):
        read_roster(tmp_path / "empty.csv")
    with pytest.raises(RosterFileError, match="cannot be opened"):
        read_roster(tmp_path / "missing.csv")
    with zipfile.ZipFile(tmp_path / "photos.xlsx", "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(RosterFileError, match="zip archive, not an Excel workbook"):
        read_roster(tmp_path / "photos.xlsx")
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(RosterFileError, match="OpenDocument"):
        read_roster(tmp_path / "sheet.xlsx")
    (tmp_path / "blank.csv").write_text(";;;\n\n ; \n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="no rows"):
        read_roster(tmp_path / "blank.csv")
    (tmp_path / "page.csv").write_text("<html><table><tr><td>x</td></tr></table>", "utf-8")
    with pytest.raises(RosterFileError, match="web page"):
        read_roster(tmp_path / "page.csv")


def test_damaged_xlsx(tmp_path: Path) -> None:
    good = (ROSTERS / "english.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    with pytest.raises(RosterFileError, match="damaged"):
        read_roster(tmp_path / "cut.xlsx")


def test_decode_text_tells_cp1252_from_big5() -> None:
    spanish = "Nombre;Teléfono\nMaría;9876-5432\nJosé Núñez;3312-4567\n"
    chinese = "姓名,電話\n陳美玲,0912-345-678\n"
    assert decode_text(spanish.encode("cp1252")) == (spanish, "cp1252")
    assert decode_text(chinese.encode("big5")) == (chinese, "big5")
    assert decode_text(chinese.encode("utf-16")) == (chinese, "utf-16")
    assert decode_text(b"\xef\xbb\xbf" + spanish.encode()) == (spanish, "utf-8-sig")


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("a\tb\tc\n1\t2,5\t3\n") == "\t"
    assert sniff_delimiter("a;b;c\n1;2,5;3\n1;2,7;3\n") == ";"
    assert sniff_delimiter('a,b,c\n1,"x;y",3\n') == ","
    assert sniff_delimiter("Nombre\nAna\n") == ","


def test_parse_date_text_is_day_first() -> None:
    assert parse_date_text("02/11/1979") == dt.date(1979, 11, 2)
    assert parse_date_text("1979-11-02") == dt.date(1979, 11, 2)
    assert parse_date_text("12/31/1979") == dt.date(1979, 12, 31)  # cannot be day-first
    assert parse_date_text("2.11.79", today=dt.date(2026, 1, 1)) == dt.date(1979, 11, 2)
    assert parse_date_text("5/1/20", today=dt.date(2026, 1, 1)) == dt.date(2020, 1, 5)
    assert parse_date_text("31/02/1980") is None
    assert parse_date_text("ayer") is None


def test_xlsx_merged_cells_down_a_column_and_a_two_row_header(tmp_path: Path) -> None:
    # Proves: a town merged over several people fills each of them; a header cell merged over
    # two rows and the sub-headers under a merged cell make one header row.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nombre", "Teléfono", None, "Comunidad"])
    sheet.append([None, "Celular", "Casa", None])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:D2")
    sheet.append(["Ana López", "9876-5432", "2772-1111", "El Rosario"])
    sheet.append(["Rosa Pérez", "3312-4567", None, None])
    sheet.merge_cells("D3:D4")
    book.save(tmp_path / "merged.xlsx")
    table = read_roster(tmp_path / "merged.xlsx")
    assert table.headers == ["Nombre", "Teléfono Celular", "Teléfono Casa", "Comunidad"]
    assert [n for n, _c in table.rows] == [3, 4]
    assert table.rows[1][1][3] == "El Rosario"
    assert guess_mapping(table.headers) == {0: "full_name", 1: "phone", 2: None, 3: "town"}


def test_hidden_sheets_are_not_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.sheet_state = "hidden"
    book.create_sheet("Lista").append(["Nombres"])
    book["Lista"].append(["Ana"])
    book.active = 1
    book.save(tmp_path / "hidden.xlsx")
    assert read_roster(tmp_path / "hidden.xlsx").rows == [(2, ["Ana"])]


def test_blank_headers_named_by_column_and_repeats_numbered(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("Name,,Name\nAna,x,y,z\n", encoding="utf-8")
    table = read_roster(tmp_path / "r.csv")
    assert table.headers == ["Name", "Column B", "Name (2)", "Column D"]
    assert table.rows == [(2, ["Ana", "x", "y", "z"])]


def test_excel_text_formula_cells_in_csv(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text('Nombre,Teléfono\nAna,="0912345678"\n', encoding="utf-8")
    assert read_roster(tmp_path / "r.csv").rows == [(2, ["Ana", "0912345678"])]


def test_cancel_while_reading(tmp_path: Path) -> None:
    lines = ["Nombre,Teléfono"] + [f"Persona {i},9876-{i:04d}" for i in range(2000)]
    (tmp_path / "r.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RosterCancelled):
        read_roster(tmp_path / "r.csv", cancelled=lambda: True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Nombre(s)", "Primer apellido", "Segundo apellido", "Teléfono:", "Año de nacimiento"],
            ["given_names", "family_names", "family_names", "phone", "birth_year"],
        ),
        (["NOMBRE", "Celular", "Municipio"], ["full_name", "phone", "town"]),
        (["Nombre completo", "Correo", "Cooperativa"], ["full_name", "email", "organisation"]),
        (["姓", "名", "手機", "鄉鎮", "性別", "生日"], [
            "chinese_name", "chinese_name", "phone", "town", "gender", "birth_year"
        ]),
        (["姓名", "電子郵件", "組織"], ["chinese_name", "email", "organisation"]),
        (["First name", "Surname", "Mobile", "Village", "Sex"], [
            "given_names", "family_names", "phone", "town", "gender"
        ]),
        (["Fecha de nacimiento", "Aldea", "Vorname", ""], ["birth_year", "town", None, None]),
    ],
)  # fmt: skip
def test_guess_mapping_in_three_languages(headers: list[str], expected: list[str | None]) -> None:
    assert list(guess_mapping(headers).values()) == expected


@pytest.mark.parametrize("locale", ["en", "es", "zh_Hant_TW", "es_HN", None])
def test_template_headers_map_back(locale: str | None) -> None:
    fields = template_headers(locale)
    assert list(guess_mapping([h for _f, h in fields]).values()) == [f for f, _h in fields]


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    # Proves: a roster that opens with a title (merged across), a place and a date, as
    # printed sign-up sheets typed into Excel do, is read from its real header row.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "LISTA DE PARTICIPANTES - TALLER DE BAMBÚ"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Comayagua, 3 de septiembre de 2026"
    sheet.append([])
    sheet.append(["No.", "Nombre completo", "DNI", "Celular", "Comunidad"])
    sheet.append([1, "María Fernanda López Reyes", "0301-1990-01234", 98765432, "Comayagua"])
    book.save(tmp_path / "titled.xlsx")
    table = read_roster(tmp_path / "titled.xlsx")
    assert table.headers == ["No.", "Nombre completo", "DNI", "Celular", "Comunidad"]
    assert [n for n, _c in table.rows] == [5]
    assert guess_mapping(table.headers) == {0: None, 1: "full_name", 2: None, 3: "phone", 4: "town"}

    (tmp_path / "titled.csv").write_text(
        "Taller de alfarería;;;\n;;;\nNombres;Apellidos;Teléfono;Municipio\n"
        "Ana;Cruz;9876-5432;Rabinal\n",
        encoding="cp1252",
    )
    table = read_roster(tmp_path / "titled.csv")
    assert table.headers == ["Nombres", "Apellidos", "Teléfono", "Municipio"]
    assert [n for n, _c in table.rows] == [4]


def test_a_file_without_known_headers_keeps_its_first_row_as_header(tmp_path: Path) -> None:
    # Proves: with no recognisable header anywhere, the first row is the header (the mapping
    # step then asks), and no data row is lost above it.
    (tmp_path / "plain.csv").write_text("Persona,Lugar\nAna Cruz,Rabinal\n", encoding="utf-8")
    table = read_roster(tmp_path / "plain.csv")
    assert table.headers == ["Persona", "Lugar"]
    assert [n for n, _c in table.rows] == [2]
