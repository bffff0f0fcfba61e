"""The workshops of the programme, and the sessions of the one selected."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import (
    SessionInfo,
    WorkshopInfo,
    list_sessions,
    list_workshops,
)
from otop_desktop.ui import formatting
from otop_desktop.ui.dialogs.workshop_dialog import WorkshopDialog
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import RECORD_ROLE, SORT_ROLE, Column, RowTableModel
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.views import table_view


def _date_key(value: dt.date | None) -> int:
    return value.toordinal() if value else 0


def workshop_columns() -> list[Column[WorkshopInfo]]:
    return [
        Column(_("Title"), lambda w: w.title),
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


class WorkshopsPage(QWidget):
    """Workshops table on top, sessions of the selected workshop below."""

    key = "workshops"

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._selected_id: str | None = None
        self._select_after_load: str | None = None
        self.dialog: WorkshopDialog | None = None

        self.title = _("Workshops")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.new_button = QPushButton(_("New workshop…"))
        self.new_button.clicked.connect(self.new_workshop)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.new_button)

        self.workshops = RowTableModel(workshop_columns(), self)
        self._sorted = QSortFilterProxyModel(self)
        self._sorted.setSourceModel(self.workshops)
        self._sorted.setSortRole(SORT_ROLE)
        self._sorted.setSortLocaleAware(True)
        self.workshop_view = table_view(self._sorted)
        self.workshop_view.setSortingEnabled(True)
        self.workshop_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        header = self.workshop_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.workshop_view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.sessions_label = QLabel(_("Sessions"))
        self.sessions_label.setObjectName("sectionHeading")
        self.sessions = RowTableModel(session_columns(), self)
        self.session_view = table_view(self.sessions)
        session_header = self.session_view.horizontalHeader()
        session_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        session_header.setStretchLastSection(True)
        self.empty_label = QLabel(
            _("No workshops yet. Add one with “New workshop…”."),
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self.empty_label.hide()

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.addWidget(self.sessions_label)
        lower_layout.addWidget(self.session_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.workshop_view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)

        self._load = LatestLoad(
            self, runner, (WORKSHOPS,), list_workshops, ctx, on_loaded=self._loaded
        )
        self.reload()

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the workshops again, in the background."""
        self._load.reload()

    def _loaded(self, rows: list[WorkshopInfo]) -> None:
        keep = self._select_after_load or self._selected_id
        self._select_after_load = None
        self.workshops.set_rows(rows)
        self.empty_label.setVisible(not rows)
        ids = [w.id for w in rows]
        target = ids.index(keep) if keep in ids else (0 if ids else -1)
        if target >= 0:
            self.workshop_view.selectRow(
                self._sorted.mapFromSource(self.workshops.index(target, 0)).row()
            )
        else:
            self._show_sessions(None)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.workshop_view.selectionModel().selectedRows()
        workshop = rows[0].data(RECORD_ROLE) if rows else None
        self._show_sessions(workshop)

    def _show_sessions(self, workshop: WorkshopInfo | None) -> None:
        self._selected_id = workshop.id if workshop else None
        if workshop is None:
            self.sessions_label.setText(_("Sessions"))
            self.sessions.set_rows([])
            return
        self.sessions_label.setText(_("Sessions of “{title}”").format(title=workshop.title))
        workshop_id = workshop.id
        self._runner.run(
            list_sessions,
            self._ctx,
            workshop_id,
            on_done=lambda rows: self._sessions_loaded(workshop_id, rows),
            on_error=lambda exc: self._sessions_failed(workshop_id, exc),
        )

    def _sessions_loaded(self, workshop_id: str, rows: list[SessionInfo]) -> None:
        if workshop_id == self._selected_id:
            self.sessions.set_rows(rows)

    def _sessions_failed(self, workshop_id: str, exc: BaseException) -> None:
        # A workshop deleted by an import in the meantime: the reload that follows shows it.
        if workshop_id == self._selected_id:
            self.sessions.set_rows([])
            self._runner.show_error(exc)

    def selected_workshop(self) -> WorkshopInfo | None:
        rows = self.workshop_view.selectionModel().selectedRows()
        return rows[0].data(RECORD_ROLE) if rows else None

    # --- actions ------------------------------------------------------------------------------

    def new_workshop(self) -> WorkshopDialog:
        """Open the dialog for a new workshop (not blocking); it saves through the runner."""
        if self.dialog is not None:
            # The previous one is kept until now so that whoever opened it can still read it.
            self.dialog.deleteLater()
        current = self.selected_workshop()
        dialog = WorkshopDialog(
            self._ctx, self._runner, self, country=current.country if current else None
        )
        dialog.saved.connect(self._created)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _created(self, workshop: WorkshopInfo) -> None:
        # The runner announces "workshops" right after; that reload selects the new one.
        self._select_after_load = workshop.id
