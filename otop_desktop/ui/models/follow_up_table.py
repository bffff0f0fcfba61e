"""The follow-ups of a whole workshop for one period, typed in like a spreadsheet.

One row per trainee; the cells hold the text as typed (numbers in the current language's
format). Each edit is checked at once with the service's own rules, so a bad cell turns red
with the message as its tooltip; nothing is written until the page saves every edited row in
one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.follow_up_values import (
    COUNT_FIELDS,
    MONEY_FIELDS,
    clean_values,
    field_labels,
)
from otop_desktop.services.follow_ups import FollowUpInfo

AnyIndex = QModelIndex | QPersistentModelIndex

# The columns typed in, in the order of a paper follow-up form.
EDIT_FIELDS: tuple[str, ...] = (
    "monthly_income",
    "currency",
    "employed_paid",
    "employed_family",
    "units_sold",
    "main_price",
    "new_markets",
    "notes",
)
NAME_COLUMN = 0
DATE_COLUMN = 1
FIRST_EDIT_COLUMN = 2
NUMERIC_FIELDS = frozenset((*MONEY_FIELDS, *COUNT_FIELDS))
# Pale backgrounds with dark text: readable with the light and the dark palette alike.
_ERROR_BACKGROUND = QColor("#fde0dc")
_EDITED_BACKGROUND = QColor("#fff4ce")
_DARK_TEXT = QColor("#1f1f1f")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def cell_text(name: str, value: object) -> str:
    """A stored value as it is typed in the current language ("1.250,5" in Spanish)."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int)) and name in NUMERIC_FIELDS:
        if name in COUNT_FIELDS:
            return str(value)  # "1200" units, typed back without a grouping mark
        return formatting.number(value)
    return str(value)


_NO_ERRORS: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class EntryRow:
    """One trainee's line: the stored follow-up (if any), the texts shown and what was edited.

    A workshop has up to 12,500 lines, nearly all untouched: they share one empty `edited` and
    `errors` (replaced, never changed in place) and, with nothing stored, one `texts`.
    """

    trainee_id: str
    name: str
    stored: FollowUpInfo | None
    texts: dict[str, str]
    edited: frozenset[str] = frozenset()
    errors: Mapping[str, str] = field(default_factory=lambda: _NO_ERRORS)

    def forget_edits(self) -> None:
        """No edit and no refused cell any more (after a save or a discard)."""
        self.edited = frozenset()
        self.errors = _NO_ERRORS


class FollowUpEntryModel(QAbstractTableModel):
    """Trainees × follow-up fields of one workshop and period; edits kept until saved."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EntryRow] = []
        self._start: dt.date | None = None
        self._default_currency: str | None = None
        self._labels = field_labels()
        self.today = dt.date.today()

    # --- filling ------------------------------------------------------------------------------

    def set_rows(
        self,
        trainees: Sequence[tuple[str, str]],
        follow_ups: Mapping[str, FollowUpInfo],
        *,
        default_currency: str | None,
        start: dt.date | None,
    ) -> None:
        """Show `trainees` (id, name) with their recorded follow-up by trainee id; unedited."""
        self.beginResetModel()
        self._start = start
        self._default_currency = default_currency
        self._rows = []
        blank = self._texts(None)  # shared by the lines with nothing stored: copied on edit
        for trainee_id, name in trainees:
            stored = follow_ups.get(trainee_id)
            texts = self._texts(stored) if stored is not None else blank
            self._rows.append(EntryRow(trainee_id, name, stored, texts))
        self.endResetModel()

    def _texts(self, stored: FollowUpInfo | None) -> dict[str, str]:
        texts = {f: cell_text(f, getattr(stored, f) if stored else None) for f in EDIT_FIELDS}
        # Lines without a currency are typed in the workshop's unless told otherwise.
        if not texts["currency"] and self._default_currency:
            texts["currency"] = self._default_currency
        return texts

    def rows(self) -> list[EntryRow]:
        return list(self._rows)

    def row_of(self, trainee_id: str) -> int:
        for row, line in enumerate(self._rows):
            if line.trainee_id == trainee_id:
                return row
        return -1

    def column_of(self, name: str) -> int:
        return FIRST_EDIT_COLUMN + EDIT_FIELDS.index(name)

    # --- edits --------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether some row holds an edit not saved yet."""
        return any(line.edited for line in self._rows)

    def edited_rows(self) -> list[EntryRow]:
        return [line for line in self._rows if line.edited]

    def invalid_cells(self) -> list[tuple[EntryRow, str, str]]:
        """(row, field, message) of every cell refused, in table order."""
        return [
            (line, name, line.errors[name])
            for line in self._rows
            for name in EDIT_FIELDS
            if name in line.errors
        ]

    def values(self, line: EntryRow) -> dict[str, object]:
        """Every field of the row as the service takes it (the stored date is kept by it)."""
        return {name: line.texts[name] for name in EDIT_FIELDS}

    def mark_error(self, trainee_id: str, name: str | None, message: str) -> None:
        """Show a message the service gave for a row (its field, else the name cell)."""
        row = self.row_of(trainee_id)
        if row < 0:
            return
        line = self._rows[row]
        line.errors = {**line.errors, name if name in EDIT_FIELDS else "name": message}
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _check(self, line: EntryRow) -> None:
        """Check each edited row's cells one by one with the service's rules."""
        line.errors = _NO_ERRORS
        if not line.edited:
            return
        errors: dict[str, str] = {}
        currency = line.texts["currency"]
        for name in EDIT_FIELDS:
            probe: dict[str, object] = {name: line.texts[name]}
            if name in MONEY_FIELDS:
                probe["currency"] = currency
            try:
                clean_values(probe, start=self._start, today=self.today)
            except ValidationError as exc:
                # An amount without a valid currency is the currency cell's fault.
                errors.setdefault(exc.field if exc.field in EDIT_FIELDS else name, str(exc))
        if errors:
            line.errors = errors

    def discard(self) -> None:
        """Forget every edit: the stored values again."""
        for row, line in enumerate(self._rows):
            if not line.edited and not line.errors:
                continue
            line.texts = self._texts(line.stored)
            line.forget_edits()
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # --- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_EDIT_COLUMN + len(EDIT_FIELDS)

    def _field(self, column: int) -> str | None:
        index = column - FIRST_EDIT_COLUMN
        return EDIT_FIELDS[index] if 0 <= index < len(EDIT_FIELDS) else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if self._field(index.column()) is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        line = self._rows[index.row()]
        name = self._field(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == NAME_COLUMN:
                return line.name
            if index.column() == DATE_COLUMN:
                return formatting.day(line.stored.date) if line.stored else ""
            return line.texts[name] if name else None
        key = name or ("name" if index.column() == NAME_COLUMN else "")
        error = line.errors.get(key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return error
            if index.column() == DATE_COLUMN and line.stored is None:
                return _("Not recorded yet: dated today when saved.")
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return QBrush(_ERROR_BACKGROUND)
            if name in line.edited:
                return QBrush(_EDITED_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and (error or name in line.edited):
            return QBrush(_DARK_TEXT)
        if role == Qt.ItemDataRole.FontRole and name in line.edited:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if name in NUMERIC_FIELDS else _LEFT
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        name = self._field(index.column())
        if role != Qt.ItemDataRole.EditRole or name is None or not index.isValid():
            return False
        line = self._rows[index.row()]
        text = "" if value is None else str(value).strip()
        if name == "currency":
            text = text.upper()
        if text == line.texts[name]:
            return False
        line.texts = {**line.texts, name: text}  # the texts may be shared: never changed in place
        line.edited = line.edited | {name}
        self._check(line)
        row = index.row()
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == NAME_COLUMN:
                return _("Trainee")
            if section == DATE_COLUMN:
                return _("Recorded")
            name = self._field(section)
            return short_labels().get(name or "", "")
        if role == Qt.ItemDataRole.ToolTipRole:
            name = self._field(section)
            return self._labels.get(name or "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self._field(section) in NUMERIC_FIELDS else _LEFT
        return None


def short_labels() -> dict[str, str]:
    """Column headers narrow enough for a small screen (the full label is the tooltip)."""
    return {
        "monthly_income": _("Income / month"),
        "currency": _("Currency"),
        "employed_paid": _("Paid staff"),
        "employed_family": _("Family staff"),
        "units_sold": _("Units sold"),
        "main_price": _("Main price"),
        "new_markets": _("New markets"),
        "notes": _("Notes"),
    }
