"""A table model over a short list of records (workshops, sessions), described by columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

T = TypeVar("T")

# Role giving a value that sorts correctly (dates, numbers) where the text would not.
SORT_ROLE = Qt.ItemDataRole.UserRole
# Role giving the record of the row.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header, how a record is shown, and how it sorts."""

    header: str
    text: Callable[[T], str]
    sort_key: Callable[[T], Any] | None = None
    numeric: bool = False  # right-aligned, as numbers are read
    # What hovering says when the cell holds less than there is (a shortened id, a warning).
    tooltip: Callable[[T], str] | None = None
    # An icon before the text (a warning marker), as Qt's DecorationRole takes it.
    decoration: Callable[[T], Any] | None = None


class RowTableModel(QAbstractTableModel, Generic[T]):
    """Rows of records of one kind; the whole list is replaced at once by `set_rows`."""

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: Sequence[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show `rows`. A list is copied; any other sequence is kept as it is (a packed list
        of 50,000 lines would take five times the memory copied), and must not change."""
        self.beginResetModel()
        self._rows = list(rows) if isinstance(rows, list) else rows
        self.endResetModel()

    def records(self) -> list[T]:
        return list(self._rows)

    def record(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(record) if column.tooltip else column.text(record)
        if role == Qt.ItemDataRole.DecorationRole:
            return column.decoration(record) if column.decoration else None
        if role == SORT_ROLE:
            return column.sort_key(record) if column.sort_key else column.text(record)
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self._columns[section].numeric else _LEFT
        return None
