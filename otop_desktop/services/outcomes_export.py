"""Follow-ups in tidy long format for analysts: one row per trainee per follow-up, XLSX or CSV.

Headers and labels (gender, period, age band) are in the current language; amounts stay in the
currency they were recorded in, beside it, never converted or summed. The file is written beside
its target and renamed into place when complete: a failed or cancelled export leaves nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import get_currency_precision
from sqlalchemy import select

from otop_desktop.atomic_file import writing
from otop_desktop.db.models import Workshop
from otop_desktop.domain.enums import FollowUpPeriod, Gender
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.domain.follow_up_dates import MONTHS_AFTER
from otop_desktop.i18n import N_, _
from otop_desktop.services.attendance import trainees_with_survivors
from otop_desktop.services.common import country_code
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_up_due import trainee_name
from otop_desktop.services.follow_up_values import field_labels
from otop_desktop.services.follow_ups import PERIOD_ORDER, live_follow_ups

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]
_BATCH = 500  # rows between two progress reports / cancel checks

# The dashboard's age bands (same keys and labels): (lowest age, untranslated label).
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, N_("under 18")),
    (18, N_("18–29 (youth)")),
    (30, N_("30–44")),
    (45, N_("45–59")),
    (60, N_("60 and over")),
)
_OLDEST = 110  # beyond this the birth year is a typing slip: the band is left empty


def age_band_label(birth_year: int | None, on: dt.date | None) -> str:
    """The age band of someone born in `birth_year` on day `on`, or "" when unknown."""
    if birth_year is None or on is None:
        return ""
    age = on.year - birth_year
    if not 0 <= age <= _OLDEST:
        return ""
    label = ""
    for lowest, text in AGE_BANDS:
        if age >= lowest:
            label = _(text)
    return label


def _label(enum: type[FollowUpPeriod] | type[Gender], value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum(value).label()
    except ValueError:
        return value  # a value from a newer version: shown as stored


def headers() -> list[str]:
    """The column headers, in the current language."""
    labels = field_labels()
    return [
        _("Programme"),
        _("Country"),
        _("Workshop"),
        _("Trainee id"),
        _("Name"),
        _("Name in Chinese characters"),
        _("Gender"),
        _("Birth year"),
        _("Age band"),
        labels["period"],
        _("Months after the workshop"),
        labels["date"],
        labels["monthly_income"],
        labels["currency"],
        labels["employed_paid"],
        labels["employed_family"],
        labels["units_sold"],
        labels["main_price"],
        labels["new_markets"],
        labels["notes"],
    ]


_MONEY_COLUMNS = (12, 17)  # 0-based: monthly income, main price
_CURRENCY_COLUMN = 13
_DATE_COLUMN = 11


def outcome_rows(
    ctx: AppContext, *, workshop_id: str | None = None, country: str | None = None
) -> list[list[Any]]:
    """The export's rows (typed: dates, Decimals, ints), sorted by programme, workshop, name."""
    wanted_country = country_code(country) if country else None
    with ctx.read() as session:
        found = live_follow_ups(session, workshop_id=workshop_id)
        workshop_ids = sorted({row.workshop_id for row, _owner in found if row.workshop_id})
        workshops: dict[str, Workshop] = {}
        for start in range(0, len(workshop_ids), 500):
            chunk = workshop_ids[start : start + 500]
            for w in session.scalars(select(Workshop).where(Workshop.id.in_(chunk))):
                if w.alive and (wanted_country is None or w.country == wanted_country):
                    workshops[w.id] = w
        found = [(row, owner) for row, owner in found if row.workshop_id in workshops]
        trainees, _links = trainees_with_survivors(session, {owner for _row, owner in found})
        keyed: list[tuple[tuple[Any, ...], list[Any]]] = []
        for row, owner in found:
            w = workshops[row.workshop_id or ""]
            t = trainees.get(owner)
            if t is None or not t.alive:
                continue  # a deleted trainee's follow-ups are not reported
            period = row.period or ""
            cells: list[Any] = [
                w.programme or "",
                w.country or "",
                w.title or "",
                t.id,
                trainee_name(t),
                t.chinese_name or "",
                _label(Gender, t.gender),
                t.birth_year,
                age_band_label(t.birth_year, row.date or w.start_date),
                _label(FollowUpPeriod, period),
                MONTHS_AFTER.get(period, 0 if period == FollowUpPeriod.BASELINE.value else None),
                row.date,
                row.monthly_income,
                row.currency or "",
                row.employed_paid,
                row.employed_family,
                row.units_sold,
                row.main_price,
                row.new_markets or "",
                row.notes or "",
            ]
            key = (
                w.programme or "",
                w.country or "",
                w.title or "",
                w.id,
                t.sort_key,
                t.id,
                PERIOD_ORDER.get(period, len(PERIOD_ORDER)),
            )
            keyed.append((key, cells))
    keyed.sort(key=lambda item: item[0])
    return [cells for _key, cells in keyed]


def export_outcomes(
    ctx: AppContext,
    out: Path,
    *,
    workshop_id: str | None = None,
    country: str | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write the follow-ups (of one workshop or country, or all) to `out`, .xlsx or .csv."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            _("Choose a file name ending in .xlsx or .csv (not “{name}”).").format(name=out.name),
            "path",
        )
    rows = outcome_rows(ctx, workshop_id=workshop_id, country=country)
    total = len(rows)

    def progress(done: int) -> None:
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        if report is not None:
            report(done, total)

    progress(0)
    with writing(out) as part:
        if suffix == ".csv":
            _write_csv(part, rows, progress)
        else:
            _write_xlsx(part, rows, progress)
    if report is not None:
        report(total, total)
    return out


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits and a point: what every tool reads
    return value


def _write_csv(part: Path, rows: list[list[Any]], progress: Callable[[int], None]) -> None:
    # UTF-8 with a BOM: Excel then reads the accents and Chinese characters right.
    with part.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers())
        for done, cells in enumerate(rows, start=1):
            writer.writerow([_csv_cell(c) for c in cells])
            if done % _BATCH == 0:
                progress(done)


def _money_format(currency: str) -> str:
    try:
        digits = get_currency_precision(currency) if currency else 2
    except (KeyError, ValueError):
        digits = 2
    return "#,##0" + ("." + "0" * digits if digits else "")


def _write_xlsx(part: Path, rows: list[list[Any]], progress: Callable[[int], None]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Follow-ups")[:31])
    titles = headers()
    widths = [min(40, max(10, len(t) + 2)) for t in titles]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    formats: dict[str, str] = {}
    for done, cells in enumerate(rows, start=1):
        out: list[Any] = list(cells)
        currency = cells[_CURRENCY_COLUMN]
        for column in _MONEY_COLUMNS:
            if cells[column] is not None:
                cell = WriteOnlyCell(sheet, value=cells[column])
                cell.number_format = formats.setdefault(currency, _money_format(currency))
                out[column] = cell
        if cells[_DATE_COLUMN] is not None:
            cell = WriteOnlyCell(sheet, value=cells[_DATE_COLUMN])
            cell.number_format = "yyyy-mm-dd"
            out[_DATE_COLUMN] = cell
        sheet.append(out)
        if done % _BATCH == 0:
            progress(done)
    book.properties.title = _("Follow-ups")
    book.save(part)
