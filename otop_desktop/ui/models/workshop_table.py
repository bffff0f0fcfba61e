"""The workshops table: its columns, archived rows greyed, and the filter that hides them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QWidget

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _, formatting
from otop_desktop.services.workshops import SessionInfo, WorkshopInfo
from otop_desktop.ui.models.row_table import SORT_ROLE, Column, RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex


def _date_key(value: dt.date | None) -> int:
    return value.toordinal() if value else 0


def workshop_columns() -> list[Column[WorkshopInfo]]:
    return [
        Column(
            _("Title"),
            lambda w: w.title,
            tooltip=lambda w: (
                _("{title} (archived)").format(title=w.title) if w.archived else w.title
            ),
        ),
        Column(
            _("Category"),
            lambda w: formatting.first_upper(formatting.label_of(ProductCategory, w.category)),
        ),
        Column(_("Town"), lambda w: w.town or ""),
        Column(_("Country"), lambda w: formatting.country_name(w.country)),
        Column(
            _("Start date"),
            lambda w: formatting.day(w.start_date),
            lambda w: _date_key(w.start_date),
        ),
        Column(
            _("End date"), lambda w: formatting.day(w.end_date), lambda w: _date_key(w.end_date)
        ),
        Column(
            _("Trainees"),
            lambda w: formatting.number(w.trainee_count),
            lambda w: w.trainee_count,
            numeric=True,
        ),
        Column(
            _("Attendance"),
            lambda w: formatting.percent(w.attendance_rate),
            lambda w: -1.0 if w.attendance_rate is None else w.attendance_rate,
            numeric=True,
        ),
    ]


def session_columns() -> list[Column[SessionInfo]]:
    return [
        Column(_("Date"), lambda s: formatting.day(s.date), lambda s: _date_key(s.date)),
        Column(_("Start"), lambda s: s.start_time or ""),
        Column(_("Hours"), lambda s: formatting.number(s.hours), numeric=True),
        Column(_("Topic"), lambda s: s.topic or ""),
    ]


class WorkshopTableModel(RowTableModel[WorkshopInfo]):
    """The workshops; archived ones greyed and in italics."""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            workshop = self.record(index.row()) if index.isValid() else None
            if workshop is None or not workshop.archived:
                return None
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            return QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return super().data(index, role)


class WorkshopFilter(QSortFilterProxyModel):
    """Sorts by each column's sort key; hides archived workshops unless asked to show them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.show_archived = False
        self.setSortRole(SORT_ROLE)
        self.setSortLocaleAware(True)

    def set_show_archived(self, shown: bool) -> None:
        self.beginFilterChange()
        self.show_archived = shown
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        workshop = model.record(source_row) if isinstance(model, WorkshopTableModel) else None
        return workshop is None or self.show_archived or not workshop.archived
