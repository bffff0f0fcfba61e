"""History: every bundle written or read on this laptop, newest first."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.sync_review import BundleHistoryItem, bundle_history
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import Column, RowTableModel
from otop_desktop.ui.tasks import SYNC, TaskRunner
from otop_desktop.ui.views import table_view


def _count(report: dict[str, Any], *keys: str) -> int:
    """A number from a stored report, wherever this version of the report keeps it."""
    value: Any = report
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, int) else 0


def summary(item: BundleHistoryItem) -> str:
    """A short line for a stored report: what an export carried, what an import did."""
    report = item.report
    if item.direction == "export":
        changes, photos = _count(report, "changes"), _count(report, "photos")
        return ", ".join(
            [
                ngettext("{n} change", "{n} changes", changes).format(n=changes),
                ngettext("{n} photo", "{n} photos", photos).format(n=photos),
            ]
        )
    if report.get("already_imported"):
        return _("already imported")
    created, updated = _count(report, "stats", "created"), _count(report, "stats", "updated")
    deleted, conflicts = _count(report, "stats", "deleted"), _count(report, "stats", "conflicts")
    photos = _count(report, "photos_added")
    # The wording of the import report (describe_import), so translations are shared.
    parts = []
    if created:
        parts.append(
            ngettext("{n} record created", "{n} records created", created).format(n=created)
        )
    if updated:
        parts.append(ngettext("{n} updated", "{n} updated", updated).format(n=updated))
    if deleted:
        parts.append(ngettext("{n} deleted", "{n} deleted", deleted).format(n=deleted))
    if conflicts:
        parts.append(
            ngettext("{n} conflict to review", "{n} conflicts to review", conflicts).format(
                n=conflicts
            )
        )
    if photos:
        parts.append(ngettext("{n} photo added", "{n} photos added", photos).format(n=photos))
    text = ", ".join(parts) if parts else _("nothing new")
    if report.get("cancelled"):
        text += " " + _("(cancelled: import it again to finish)")
    return text


def direction(item: BundleHistoryItem) -> str:
    return _("Exported") if item.direction == "export" else _("Imported")


def history_columns() -> list[Column[BundleHistoryItem]]:
    return [
        Column(_("When"), lambda h: formatting.moment_iso(h.at), lambda h: h.at),
        Column(_("Direction"), direction),
        Column(_("Laptop"), lambda h: h.peer_name or ""),
        Column(
            _("File"),
            lambda h: PurePath(h.file_name).name if h.file_name else "",
            tooltip=lambda h: h.file_name or "",
        ),
        Column(_("Summary"), summary),
    ]


class HistoryPanel(QWidget):
    """The table of bundles, reloaded after every export and import."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.model = RowTableModel(history_columns(), self)
        self.view = table_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        self._load = LatestLoad(self, runner, (SYNC,), bundle_history, ctx, on_loaded=self._loaded)
        self.reload()

    def reload(self) -> None:
        self._load.reload()

    def _loaded(self, rows: list[BundleHistoryItem]) -> None:
        self.model.set_rows(rows)
