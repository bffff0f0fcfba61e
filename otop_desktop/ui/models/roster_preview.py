"""The rows of a roster preview as a table: file row, what happens to it, who, and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from otop_desktop.i18n import _, formatting, pgettext
from otop_desktop.services.roster_import import PreviewRow, RowAction
from otop_desktop.ui.models.row_table import AnyIndex, Column, RowTableModel

# One colour per action, readable on the light and the dark palette; the icon repeats it so
# that the action can be told at a glance (and the label says it for those who cannot see it).
ACTION_COLOURS = {
    RowAction.CREATE: "#2e7d32",
    RowAction.UPDATE: "#1565c0",
    RowAction.DUPLICATE: "#b26a00",
    RowAction.REJECT: "#c62828",
}
ACTION_COLUMN = 1

_icons: dict[RowAction, QIcon] = {}


def action_icon(action: RowAction) -> QIcon:
    """A filled dot in the colour of `action` (made once, after the application exists)."""
    icon = _icons.get(action)
    if icon is None:
        # Drawn large and scaled down: smooth at 100 % and at 125 % or 150 % scaling.
        pixmap = QPixmap(48, 48)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ACTION_COLOURS[action]))
        painter.drawEllipse(4, 4, 40, 40)
        painter.end()
        icon = _icons[action] = QIcon(pixmap)
    return icon


def action_text(action: RowAction) -> str:
    """The action as a table cell shows it ("Create", "Reject")."""
    return formatting.first_upper(action.label())


def row_name(fields: Mapping[str, Any]) -> str:
    """The name of the person a row describes, as the trainee list prints it."""
    latin = " ".join(
        str(fields[k]) for k in ("given_names", "family_names") if fields.get(k) not in (None, "")
    )
    if not latin and fields.get("full_name"):
        latin = str(fields["full_name"])
    chinese = str(fields.get("chinese_name") or "")
    if chinese and latin:
        return f"{chinese} ({latin})"
    return chinese or latin


def row_reason(row: PreviewRow) -> str:
    """Why the row gets its action (naming the trainee it matches), or just that trainee."""
    return row.reason or row.match_name or ""


def _field_text(name: str) -> Any:
    return lambda row: formatting.value(row.fields.get(name))


def preview_columns() -> list[Column[PreviewRow]]:
    """Row number, action (coloured), name, phone, town, and the reason or the match."""
    return [
        Column(
            _("Row"),
            lambda r: str(r.row_number),
            lambda r: r.row_number,
            numeric=True,
        ),
        Column(
            _("Action"),
            lambda r: action_text(r.action),
            lambda r: list(RowAction).index(r.action),
            decoration=lambda r: action_icon(r.action),
        ),
        Column(pgettext("person", "Name"), lambda r: row_name(r.fields)),
        Column(_("Phone"), _field_text("phone")),
        Column(_("Town"), _field_text("town")),
        Column(_("Reason or match"), row_reason),
    ]


class RosterPreviewModel(RowTableModel[PreviewRow]):
    """The preview rows, the action column in the colour of its action."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(preview_columns(), parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == ACTION_COLUMN:
            record = self.record(index.row())
            return QColor(ACTION_COLOURS[record.action]) if record is not None else None
        return super().data(index, role)
