"""Reading roster files as people really have them: XLSX, or CSV in any usual encoding."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _
from otop_desktop.services.roster_headers import field_for_header

MAX_BYTES = 20 * 1024 * 1024
CANCEL_CHECK_ROWS = 500

_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Starts of files people pick by mistake: pictures, PDFs, documents.
_BINARY_STARTS = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"BM", b"\x1f\x8b", b"Rar!")
_HTML_OR_XML = re.compile(rb"^\s*<(\?xml|html|!doctype|table)", re.IGNORECASE)
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+):([A-Z]+[0-9]+)\"")
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_EXCEL_TEXT = re.compile(r'^="(.*)"$')  # ="0912345678": Excel's way to keep a number as text
_DELIMITERS = (",", ";", "\t", "|")


class RosterFileError(OtopError):
    """A roster file that cannot be read; the message says why and what to do."""


class RosterCancelled(OtopError):
    """The user cancelled reading or importing a roster."""

    def __init__(self) -> None:
        super().__init__(_("Cancelled; nothing was changed."))


@dataclass(frozen=True)
class RosterTable:
    """The cells of a roster: headers, then the non-empty rows with their numbers in the file."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    file_kind: str
    encoding: str | None
    delimiter: str | None


def read_roster(path: Path, *, cancelled: Callable[[], bool] | None = None) -> RosterTable:
    """The table of a CSV or XLSX roster, told apart by content, not by the file's extension."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RosterFileError(
            _("{name} cannot be opened: {reason}").format(name=path.name, reason=exc.strerror)
        ) from exc
    if size > MAX_BYTES:
        raise RosterFileError(
            _(
                "{name} is {size} MB; a roster can be at most {limit} MB. Remove pictures and "
                "other sheets, or split it in parts."
            ).format(
                name=path.name, size=round(size / 1024 / 1024), limit=MAX_BYTES // 1024 // 1024
            )
        )
    if size == 0:
        raise RosterFileError(_("{name} is empty: nothing to import.").format(name=path.name))
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(_ZIP):
        return _read_xlsx(path, cancelled)
    if start.startswith(_CFB):
        raise RosterFileError(
            _(
                "{name} is password-protected, or an old Excel 97-2003 (.xls) file. Open it in "
                "Excel and save it as .xlsx without a password, or as CSV, then import that."
            ).format(name=path.name)
        )
    return _read_csv(path, path.read_bytes(), cancelled)


def _check(cancelled: Callable[[], bool] | None, count: int) -> None:
    if cancelled is not None and count % CANCEL_CHECK_ROWS == 0 and cancelled():
        raise RosterCancelled()


def _table(
    raw_rows: Iterable[tuple[int, list[Any]]],
    cancelled: Callable[[], bool] | None,
    *,
    file_kind: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    letters: bool = True,
) -> tuple[list[Any], RosterTable]:
    """Header = the row naming the most fields among the first rows (else the first non-empty
    row); rows above it (a title, a date) and empty rows are skipped; columns made even."""
    found: list[tuple[int, list[Any]]] = []
    for count, (number, cells) in enumerate(raw_rows, start=1):
        _check(cancelled, count)
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            found.append((number, cells))
    if not found:
        raise RosterFileError(_("The file has no rows: nothing to import."))
    start = _header_index(found)
    header = found[start][1]
    rows = found[start + 1 :]
    width = max([len(header), *(len(cells) for _n, cells in rows)])
    for _n, cells in rows:
        cells.extend([None] * (width - len(cells)))
    headers = _unique_headers(header + [None] * (width - len(header)))
    return header, RosterTable(headers, rows, file_kind, encoding, delimiter)


# Rosters often open with a title, a place and a date above the column names.
HEADER_SEARCH_ROWS = 15


def _header_index(rows: list[tuple[int, list[Any]]]) -> int:
    """The index of the header row: the first row naming the most fields (two at least)."""
    best, best_score = 0, 1
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        named = {field_for_header(str(c)) for c in cells if isinstance(c, str) and c.strip()}
        score = len(named - {None})
        if score > best_score:
            best, best_score = index, score
    return best


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unique_headers(cells: list[Any]) -> list[str]:
    """Header texts as shown: blank ones named by their column, repeats numbered "Name (2)"."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = " ".join(str(cell).split()) if cell is not None else ""
        if not text:
            text = _("Column {letter}").format(letter=_column_letter(index))
        key = text.casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(text if seen[key] == 1 else f"{text} ({seen[key]})")
    return out


# --- CSV -------------------------------------------------------------------------------------


def _not_a_spreadsheet(path: Path) -> RosterFileError:
    return RosterFileError(
        _("{name} is not a spreadsheet: choose an Excel workbook (.xlsx) or a CSV file.").format(
            name=path.name
        )
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in (BOM, UTF-8, Windows-1252 or Big5)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Only the encodings our programmes' Excel writes: Spanish Windows, Taiwanese Windows.
    best = from_bytes(data, cp_isolation=["cp1252", "big5", "cp950"]).best()
    if best is not None and best.encoding in ("big5", "cp950"):
        order = ("big5", "cp950", "cp1252")
    else:
        order = ("cp1252", "big5", "cp950")
    for encoding in order:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace"), "cp1252"


def _csv_cell(text: str) -> str | None:
    value = text.strip()
    match = _EXCEL_TEXT.match(value)
    if match:
        value = match.group(1).strip()
    return value or None


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV text: the one that splits the first lines into even columns."""
    sample = "\n".join([line for line in text[:65536].splitlines() if line.strip()][:50])
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        even = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (width > 1, even, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, data: bytes, cancelled: Callable[[], bool] | None) -> RosterTable:
    head = data[:4096]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if head.startswith(_BINARY_STARTS) or (b"\x00" in head and not utf16):
        raise _not_a_spreadsheet(path)
    if _HTML_OR_XML.match(head):
        raise RosterFileError(
            _(
                "{name} is a web page or XML file, not a real spreadsheet. Open it in Excel "
                "and save it as .xlsx or CSV, then import that."
            ).format(name=path.name)
        )
    text, encoding = decode_text(data)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > 8:
        raise _not_a_spreadsheet(path)
    delimiter = sniff_delimiter(text)

    def records() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            # Row numbers as Excel shows the CSV: one per record.
            for number, record in enumerate(reader, start=1):
                yield number, [_csv_cell(c) for c in record]
        except csv.Error as exc:
            raise RosterFileError(
                _("{name} is not a readable CSV file (near line {line}: {reason}).").format(
                    name=path.name, line=reader.line_num, reason=exc
                )
            ) from exc

    _header, table = _table(
        records(), cancelled, file_kind="csv", encoding=encoding, delimiter=delimiter
    )
    return table


# --- XLSX ------------------------------------------------------------------------------------


def _cell_position(ref: bytes) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(ref.decode("ascii"))
    if match is None:
        return 0, 0
    letters, digits = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return int(digits), column - 1


def _merged_ranges(path: Path, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range of a sheet."""
    found: set[tuple[int, int, int, int]] = set()
    with zipfile.ZipFile(path) as archive, archive.open(sheet_path.lstrip("/")) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            block = tail + chunk
            for first, last in _MERGE.findall(block):
                (r1, c1), (r2, c2) = _cell_position(first), _cell_position(last)
                found.add((r1, c1, r2, c2))
            tail = block[-200:]
    return sorted(found)


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.time)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        fmt = getattr(cell, "number_format", None) or ""
        if len(fmt) > 1 and set(fmt) == {"0"}:
            # A "0000000000" format shows the leading zero of a phone stored as a number.
            return str(value).zfill(len(fmt))
    return value


def _xlsx_rows(
    worksheet: Any, merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[Any]]]:
    """Rows of values; a merged range gives its top-left value to each of its cells."""
    top_left: dict[tuple[int, int], Any] = {}
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        values = [_xlsx_value(c) for c in cells]
        for r1, c1, r2, c2 in merges:
            if not r1 <= number <= r2:
                continue
            if number == r1 and c1 < len(values):
                top_left[(r1, c1)] = values[c1]
            value = top_left.get((r1, c1))
            if value is None:
                continue
            if len(values) <= c2:
                values.extend([None] * (c2 + 1 - len(values)))
            for column in range(c1, c2 + 1):
                if (number, column) != (r1, c1):
                    values[column] = value
        yield number, values


def _read_xlsx(path: Path, cancelled: Callable[[], bool] | None) -> RosterTable:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            kind = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise RosterFileError(
            _("{name} is a damaged zip or Excel file and cannot be read.").format(name=path.name)
        ) from exc
    if b"opendocument" in kind:
        raise RosterFileError(
            _(
                "{name} is an OpenDocument (.ods) spreadsheet. Save it as .xlsx or CSV, then "
                "import that."
            ).format(name=path.name)
        )
    if "xl/workbook.xml" not in names:
        raise RosterFileError(
            _("{name} is a zip archive, not an Excel workbook (.xlsx).").format(name=path.name)
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError...) on damage
        raise RosterFileError(
            _(
                "{name} could not be read as an Excel workbook; it may be damaged ({reason})."
            ).format(name=path.name, reason=exc)
        ) from exc
    try:
        sheets = [s for s in workbook.worksheets if getattr(s, "sheet_state", "") == "visible"]
        if not sheets:
            raise RosterFileError(
                _("{name} has no visible sheet: nothing to import.").format(name=path.name)
            )
        sheet = sheets[0]
        sheet_path = getattr(sheet, "_worksheet_path", None)
        merges = _merged_ranges(path, sheet_path) if sheet_path else []
        rows = list(_header_rows(_xlsx_rows(sheet, merges), merges, cancelled))
    finally:
        workbook.close()
    _header, table = _table(iter(rows), cancelled, file_kind="xlsx")
    return table


def _header_rows(
    rows: Iterator[tuple[int, list[Any]]],
    merges: list[tuple[int, int, int, int]],
    cancelled: Callable[[], bool] | None,
) -> Iterator[tuple[int, list[Any]]]:
    """Rows, with a two-row header (a cell merged down over the row below) made into one."""
    for count, (number, cells) in enumerate(rows, start=1):
        _check(cancelled, count)
        if any(c is not None for c in cells):
            last = max((r2 for r1, _c1, r2, _c2 in merges if r1 == number), default=number)
            header = list(cells)
            for below, more in rows:
                if below > last:
                    yield number, header
                    yield below, more
                    break
                for column, value in enumerate(more):
                    if value is None or _merged_down(merges, number, below, column):
                        continue
                    if column >= len(header):
                        header.extend([None] * (column + 1 - len(header)))
                    top = header[column]
                    header[column] = value if top is None else f"{top} {value}"
            else:
                yield number, header
            yield from rows
            return
        yield number, cells


def _merged_down(merges: list[tuple[int, int, int, int]], top: int, row: int, column: int) -> bool:
    return any(r1 == top and r1 < row <= r2 and c1 <= column <= c2 for r1, c1, r2, c2 in merges)


# --- dates -----------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ T].*)?$")


def parse_date_text(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date written as 1985-03-15, or day first as 15/03/1985, 15-03-85, 15.3.1985; else None."""
    value = text.strip()
    match = _ISO.match(value)
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _DAY_FIRST.match(value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            now = (today or dt.date.today()).year
            year += 1900 if 2000 + year > now else 2000
        if month > 12 and day <= 12:
            day, month = month, day  # a US-style date: the first part cannot be the month
        return dt.date(year, month, day)
    except ValueError:
        return None


def excel_serial_date(number: float) -> dt.date | None:
    """The date of an Excel serial number (days since 1899-12-30), when it is a plausible one."""
    if not 1 <= number < 2958466:
        return None
    from openpyxl.utils.datetime import from_excel

    value = from_excel(number)
    return value.date() if isinstance(value, dt.datetime) else None
