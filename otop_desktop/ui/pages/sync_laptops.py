"""Laptops: this one and every laptop heard of through bundles, with their signing keys."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QHeaderView, QLabel, QStyle, QVBoxLayout, QWidget

from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.sync_review import LaptopInfo, known_laptops
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import AnyIndex, Column, RowTableModel
from otop_desktop.ui.tasks import LAPTOP, SYNC, TaskRunner
from otop_desktop.ui.views import table_view


def _warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def key_warning(laptop: LaptopInfo) -> str:
    """Why the key of `laptop` deserves a look; empty when it never changed."""
    if not laptop.key_changed_at:
        return ""
    return _(
        "The signing key of this laptop changed on {when}. Make sure its bundles really come "
        "from it: compare this fingerprint with the one in its Settings."
    ).format(when=formatting.moment_iso(laptop.key_changed_at))


def laptop_name(laptop: LaptopInfo) -> str:
    name = laptop.device_name or "?"
    return _("{name} (this laptop)").format(name=name) if laptop.is_this_laptop else name


def laptop_columns() -> list[Column[LaptopInfo]]:
    def marker(laptop: LaptopInfo) -> QIcon | None:
        return _warning_icon() if laptop.key_changed_at else None

    return [
        Column(
            _("Name"),
            laptop_name,
            decoration=marker,
            tooltip=lambda lt: key_warning(lt) or laptop_name(lt),
        ),
        Column(
            _("Id"),  # short: "Laptop id" is long in Spanish, and the tab says whose ids
            lambda lt: formatting.short_id(lt.replica_id),
            tooltip=lambda lt: lt.replica_id,
        ),
        Column(
            _("Changes seen"),
            lambda lt: formatting.number(lt.seen_seq),
            lambda lt: lt.seen_seq,
            numeric=True,
        ),
        Column(_("Last bundle"), lambda lt: formatting.moment_iso(lt.last_bundle_at)),
        Column(_("First seen"), lambda lt: formatting.moment_iso(lt.first_seen_at)),
        Column(
            _("Key fingerprint"),
            lambda lt: lt.fingerprint or "",
            decoration=marker,
            tooltip=lambda lt: key_warning(lt) or (lt.fingerprint or ""),
        ),
    ]


class LaptopsModel(RowTableModel[LaptopInfo]):
    """Laptops, with this laptop's row in bold."""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            laptop = self.record(index.row())
            if laptop is not None and laptop.is_this_laptop:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


class LaptopsPanel(QWidget):
    """The table of laptops, reloaded after every bundle and rename."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        intro = QLabel(
            _(
                "Every laptop this one has heard of. A warning sign marks a laptop whose "
                "signing key changed: its bundles may not come from it."
            )
        )
        intro.setWordWrap(True)
        self.model = LaptopsModel(laptop_columns(), self)
        self.view = table_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        self._load = LatestLoad(
            self, runner, (SYNC, LAPTOP), known_laptops, ctx, on_loaded=self._loaded
        )
        self.reload()

    def reload(self) -> None:
        self._load.reload()

    def _loaded(self, rows: list[LaptopInfo]) -> None:
        self.model.set_rows(rows)
