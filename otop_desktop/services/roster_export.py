"""The trainee list as XLSX or CSV, and a blank roster template people fill in and import."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select

from otop_desktop.atomic_file import SHARED, writing
from otop_desktop.db.models import Enrollment, Organisation, Trainee
from otop_desktop.domain.enums import EnrollmentStatus, Gender
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.roster_files import RosterCancelled
from otop_desktop.services.roster_headers import ROSTER_FIELDS, field_label, template_headers
from otop_desktop.services.trainees import search_condition

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]
TEMPLATE_MARK = "otop-roster-template v1"
TEMPLATE_ROWS = 500  # rows of the template whose phone cells are formatted as text
# Every roster field but "full_name": an export has the names in their own columns.
EXPORT_FIELDS = tuple(f for f in ROSTER_FIELDS if f != "full_name")
_BATCH = 1000


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            _("Choose a file name ending in .xlsx or .csv (not “{name}”).").format(name=path.name),
            "path",
        )
    return suffix[1:]


def _query(workshop_id: str | None, text: str, columns: Any) -> Select[Any]:
    query = select(columns).where(Trainee.cl % 2 == 1, Trainee.merged_into.is_(None))
    if workshop_id:
        query = query.join(Enrollment, Enrollment.trainee_id == Trainee.id).where(
            Enrollment.workshop_id == workshop_id,
            Enrollment.cl % 2 == 1,
            Enrollment.status != EnrollmentStatus.WITHDRAWN.value,
        )
    condition = search_condition(text)
    return query if condition is None else query.where(condition)


def _cells(trainee: Trainee, organisations: dict[str, str]) -> list[Any]:
    """One trainee as export cells: labels for closed lists, yes/no, the organisation's name."""
    out: list[Any] = []
    for name in EXPORT_FIELDS:
        if name == "organisation":
            value: Any = organisations.get(trainee.organisation_id or "")
        else:
            value = getattr(trainee, name)
        if name == "gender" and value:
            try:
                value = Gender(value).label()
            except ValueError:
                pass  # a value from a newer version: shown as stored
        elif name in ("consent_data", "consent_photos"):
            value = None if value is None else (_("yes") if value else _("no"))
        out.append(value)
    return [*out, trainee.id]


def _rows(
    ctx: AppContext,
    workshop_id: str | None,
    text: str,
    report: Report | None,
    cancelled: Cancelled | None,
) -> Iterator[list[Any]]:
    with ctx.read() as session:
        total = int(session.scalar(_query(workshop_id, text, func.count(Trainee.id))) or 0)
        organisations = {
            org_id: name or ""
            for org_id, name in session.execute(select(Organisation.id, Organisation.name))
        }
        query = _query(workshop_id, text, Trainee).order_by(Trainee.sort_key, Trainee.id)
        done = 0
        for trainee in session.scalars(query.execution_options(yield_per=_BATCH)):
            yield _cells(trainee, organisations)
            done += 1
            if done % _BATCH == 0:
                if cancelled is not None and cancelled():
                    raise RosterCancelled()
                if report is not None:
                    report(done, total)
        if report is not None:
            report(done, total)


def export_trainees(
    ctx: AppContext,
    path: Path,
    *,
    workshop_id: str | None = None,
    text: str = "",
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Write the live trainees (of a workshop, matching `text`) to .xlsx or .csv; rows written."""
    kind = _kind(path)
    headers = [field_label(f) for f in EXPORT_FIELDS] + [_("Id")]
    rows = _rows(ctx, workshop_id, text, report, cancelled)
    phone_column = EXPORT_FIELDS.index("phone")
    if kind == "csv":
        return _write_csv(path, headers, rows)
    return _write_xlsx(path, headers, rows, phone_column)


def _write_csv(path: Path, headers: list[str], rows: Iterator[list[Any]]) -> int:
    count = 0
    # UTF-8 with a BOM: Excel then reads the accents and Chinese characters right.
    with (
        writing(path, mode=SHARED) as part,
        part.open("w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(headers)
        for cells in rows:
            writer.writerow(["" if c is None else c for c in cells])
            count += 1
    return count


def _write_xlsx(
    path: Path, headers: list[str], rows: Iterator[list[Any]], phone_column: int
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Trainees"))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    with writing(path, mode=SHARED) as part:
        for cells in rows:
            phone = WriteOnlyCell(sheet, value=cells[phone_column])
            phone.number_format = "@"  # text: a leading zero or "+504" stays as typed
            sheet.append([*cells[:phone_column], phone, *cells[phone_column + 1 :]])
            count += 1
        book.save(part)
    return count


def write_template(path: Path, locale: str | None = None) -> None:
    """A blank roster (.xlsx or .csv) with headers in `locale` that import maps by themselves."""
    kind = _kind(path)
    fields = template_headers(locale)
    headers = [header for _field, header in fields]
    if kind == "csv":
        _write_csv(path, headers, iter(()))
        return
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Roster"
    sheet.append(headers)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (field, header) in enumerate(fields, start=1):
        cell = sheet.cell(1, index)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
        if field == "phone":
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row, index).number_format = "@"
    sheet.freeze_panes = "A2"
    # The version of the template, kept where nobody types: a hidden sheet and a property.
    marker = book.create_sheet("otop")
    marker["A1"] = TEMPLATE_MARK
    marker.sheet_state = "hidden"
    book.properties.keywords = TEMPLATE_MARK
    with writing(path, mode=SHARED) as part:
        book.save(part)
