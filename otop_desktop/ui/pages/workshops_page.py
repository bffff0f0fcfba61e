"""The workshops of the programme; below, the sessions, partners and trainers of the one selected.

Keyboard: Ctrl+N new workshop, Enter (or a double-click) edits what is selected, Delete deletes
it (asked first, undoable with Ctrl+Z for a while), Ctrl+Shift+N a new session. "Take
attendance" opens the attendance page on the selected session.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import (
    SessionInfo,
    WorkshopInfo,
    delete_session,
    delete_workshop,
    list_sessions,
    list_workshops,
    partner_names,
    set_archived,
    undelete_session,
    undelete_workshop,
)
from otop_desktop.ui.dialogs.session_dialog import SessionDialog
from otop_desktop.ui.dialogs.workshop_dialog import WorkshopDialog
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import RECORD_ROLE, RowTableModel
from otop_desktop.ui.models.workshop_table import (
    WorkshopFilter,
    WorkshopTableModel,
    session_columns,
    workshop_columns,
)
from otop_desktop.ui.settings import app_settings, restore_splitter, restore_table
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.views import page_shortcuts, table_shortcuts, table_view
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.undo_bar import UndoBar, confirm

_SPLITTER_KEY = "workshops/splitter"
_LOWER_SPLITTER_KEY = "workshops/lower_splitter"
_HEADER_KEY = "workshops/header"
_ARCHIVED_KEY = "workshops/show_archived"

AnyIndex = QModelIndex | QPersistentModelIndex


def _details(ctx: AppContext, workshop_id: str) -> tuple[list[SessionInfo], list[str]]:
    """The sessions and partner names of one workshop, read together."""
    return list_sessions(ctx, workshop_id), partner_names(ctx, workshop_id)


class WorkshopsPage(QWidget):
    """Workshops table on top; sessions, partners and trainers of the selected one below."""

    key = "workshops"
    # "Take attendance" on a session: (workshop id, session id).
    take_attendance = Signal(str, str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._selected_id: str | None = None
        self._select_after_load: str | None = None
        self.dialog: WorkshopDialog | None = None
        self.session_dialog: SessionDialog | None = None

        self.title = _("Workshops")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.show_archived_check = QCheckBox(_("Show archived"))
        self.new_button = QPushButton(_("New workshop…"))
        self.new_button.setToolTip(_("New workshop (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_workshop)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Edit the workshop (Enter)"))
        self.edit_button.clicked.connect(self.edit_workshop)
        self.archive_button = QPushButton(_("Archive"))
        self.archive_button.clicked.connect(self.toggle_archived)
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setToolTip(_("Delete the workshop (Delete)"))
        self.delete_button.clicked.connect(self.delete_workshop)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        for button in (self.new_button, self.edit_button, self.archive_button, self.delete_button):
            top.addWidget(button)

        self.undo_bar = UndoBar(self)

        self.workshops = WorkshopTableModel(workshop_columns(), self)
        self._sorted = WorkshopFilter(self)
        self._sorted.setSourceModel(self.workshops)
        self.workshop_view = table_view(self._sorted)
        self.workshop_view.setSortingEnabled(True)
        self.workshop_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        header = self.workshop_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.workshop_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.workshop_view.activated.connect(lambda _index: self.edit_workshop())

        self.empty_label = QLabel(
            _("No workshops yet. Add one with “New workshop…”."),
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self.empty_label.hide()

        self.count_label = QLabel()
        under_table = QHBoxLayout()
        under_table.setContentsMargins(0, 0, 0, 0)
        under_table.addWidget(self.show_archived_check)
        under_table.addStretch(1)
        under_table.addWidget(self.count_label)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.workshop_view, 1)
        upper_layout.addLayout(under_table)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self._lower_part())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)

        self._shortcuts()
        self._restore_state()
        self.show_archived_check.toggled.connect(self._show_archived)
        self.splitter.splitterMoved.connect(lambda *_args: self._save_state())
        header.sortIndicatorChanged.connect(lambda *_args: self._save_state())
        self._update_actions()

        self._load = LatestLoad(
            self, runner, (WORKSHOPS,), list_workshops, ctx, on_loaded=self._loaded
        )
        self.reload()

    def _lower_part(self) -> QWidget:
        self.sessions_label = QLabel(_("Sessions"))
        self.sessions_label.setObjectName("sectionHeading")
        # A long title wraps rather than widening the page past a small screen.
        self.sessions_label.setWordWrap(True)
        self.sessions = RowTableModel(session_columns(), self)
        self.session_view: QTableView = table_view(self.sessions)
        session_header = self.session_view.horizontalHeader()
        session_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        session_header.setStretchLastSection(True)
        self.session_view.activated.connect(lambda _index: self.edit_session())
        self.session_view.selectionModel().selectionChanged.connect(
            lambda *_args: self._update_actions()
        )
        self.add_session_button = QPushButton(_("Add session…"))
        self.add_session_button.setToolTip(_("Add a session (Ctrl+Shift+N)"))
        self.add_session_button.clicked.connect(self.new_session)
        self.edit_session_button = QPushButton(_("Edit…"))
        self.edit_session_button.clicked.connect(self.edit_session)
        self.delete_session_button = QPushButton(_("Delete…"))
        self.delete_session_button.clicked.connect(self.delete_session)
        self.attendance_button = QPushButton(_("Take attendance"))
        self.attendance_button.setToolTip(_("Open the attendance page on this session"))
        self.attendance_button.clicked.connect(self.open_attendance)
        session_bar = QHBoxLayout()
        session_bar.addWidget(self.sessions_label, 1)
        for button in (
            self.add_session_button,
            self.edit_session_button,
            self.delete_session_button,
        ):
            session_bar.addWidget(button)
        sessions = QWidget()
        sessions_layout = QVBoxLayout(sessions)
        sessions_layout.setContentsMargins(0, 6, 0, 0)
        sessions_layout.addLayout(session_bar)
        sessions_layout.addWidget(self.session_view, 1)
        # Under the table, not beside the other buttons: the page stays narrow enough.
        attendance_bar = QHBoxLayout()
        attendance_bar.addWidget(self.attendance_button)
        attendance_bar.addStretch(1)
        sessions_layout.addLayout(attendance_bar)

        partners_heading = QLabel(_("Partner organisations"))
        partners_heading.setObjectName("sectionHeading")
        self.partners_label = mark_data(QLabel())
        self.partners_label.setWordWrap(True)
        self.partners_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        trainers_heading = QLabel(_("Trainers"))
        trainers_heading.setObjectName("sectionHeading")
        self.trainers_label = mark_data(QLabel())
        self.trainers_label.setWordWrap(True)
        details = QWidget()
        details.setMinimumWidth(160)
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(12, 6, 0, 0)
        details_layout.addWidget(partners_heading)
        details_layout.addWidget(self.partners_label)
        details_layout.addSpacing(8)
        details_layout.addWidget(trainers_heading)
        details_layout.addWidget(self.trainers_label)
        details_layout.addStretch(1)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setChildrenCollapsible(False)
        lower.addWidget(sessions)
        lower.addWidget(details)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 1)
        self.lower_splitter = lower
        lower.splitterMoved.connect(lambda *_args: self._save_state())
        return lower

    def _shortcuts(self) -> None:
        page_shortcuts(
            self,
            (
                (QKeySequence.StandardKey.New, self.new_workshop),
                (QKeySequence("Ctrl+Shift+N"), self.new_session),
            ),
        )
        delete = QKeySequence.StandardKey.Delete
        table_shortcuts(self.workshop_view, ((delete, self.delete_workshop),))
        table_shortcuts(self.session_view, ((delete, self.delete_session),))

    # --- remembered state ---------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = app_settings()
        restore_splitter(settings, _SPLITTER_KEY, self.splitter)
        restore_splitter(settings, _LOWER_SPLITTER_KEY, self.lower_splitter)
        restore_table(settings, _HEADER_KEY, self.workshop_view)
        shown = str(settings.value(_ARCHIVED_KEY, "false")).lower() == "true"
        self.show_archived_check.setChecked(shown)
        self._sorted.set_show_archived(shown)

    def _save_state(self) -> None:
        settings = app_settings()
        settings.setValue(_SPLITTER_KEY, self.splitter.saveState())
        settings.setValue(_LOWER_SPLITTER_KEY, self.lower_splitter.saveState())
        settings.setValue(_HEADER_KEY, self.workshop_view.horizontalHeader().saveState())
        settings.setValue(_ARCHIVED_KEY, self.show_archived_check.isChecked())

    def _show_count(self) -> None:
        rows = self.workshops.records()
        archived = sum(1 for w in rows if w.archived)
        text = ngettext("{n} workshop", "{n} workshops", len(rows)).format(
            n=formatting.number(len(rows))
        )
        if archived:
            text += " · " + ngettext("{n} archived", "{n} archived", archived).format(
                n=formatting.number(archived)
            )
        self.count_label.setText(text)

    def _show_archived(self, shown: bool) -> None:
        self._sorted.set_show_archived(shown)
        self._save_state()
        self._select(self._selected_id)

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the workshops again, in the background."""
        self._load.reload()

    def _loaded(self, rows: list[WorkshopInfo]) -> None:
        keep = self._select_after_load or self._selected_id
        self._select_after_load = None
        self.workshops.set_rows(rows)
        self.empty_label.setVisible(not rows)
        self._show_count()
        self._select(keep)

    def _select(self, workshop_id: str | None) -> None:
        """Select `workshop_id` if shown, else the first workshop shown."""
        ids = [w.id for w in self.workshops.records()]
        source = ids.index(workshop_id) if workshop_id in ids else -1
        row = (
            self._sorted.mapFromSource(self.workshops.index(source, 0)).row() if source >= 0 else -1
        )
        if row < 0 and self._sorted.rowCount() > 0:
            row = 0
        if row >= 0:
            self.workshop_view.selectRow(row)
        else:
            self.workshop_view.clearSelection()
            self._show_details(None)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_details(self.selected_workshop())

    def _show_details(self, workshop: WorkshopInfo | None) -> None:
        self._selected_id = workshop.id if workshop else None
        self._update_actions()
        if workshop is None:
            self.sessions_label.setText(_("Sessions"))
            self.sessions.set_rows([])
            self.partners_label.setText("")
            self.trainers_label.setText("")
            return
        self.sessions_label.setText(_("Sessions of “{title}”").format(title=workshop.title))
        self.trainers_label.setText(workshop.trainers or _("None named yet."))
        workshop_id = workshop.id
        self._runner.run(
            _details,
            self._ctx,
            workshop_id,
            on_done=lambda found: self._details_loaded(workshop_id, found),
            on_error=lambda exc: self._details_failed(workshop_id, exc),
        )

    def _details_loaded(self, workshop_id: str, found: tuple[list[SessionInfo], list[str]]) -> None:
        if workshop_id != self._selected_id:
            return
        sessions, partners = found
        keep = self.selected_session()
        self.sessions.set_rows(sessions)
        ids = [s.id for s in sessions]
        if keep is not None and keep.id in ids:
            self.session_view.selectRow(ids.index(keep.id))
        self.partners_label.setText("\n".join(partners) or _("None yet."))
        self._update_actions()

    def _details_failed(self, workshop_id: str, exc: BaseException) -> None:
        # A workshop deleted by an import in the meantime: the reload that follows shows it.
        if workshop_id == self._selected_id:
            self.sessions.set_rows([])
            self._runner.show_error(exc)

    def selected_workshop(self) -> WorkshopInfo | None:
        rows = self.workshop_view.selectionModel().selectedRows()
        return rows[0].data(RECORD_ROLE) if rows else None

    def selected_session(self) -> SessionInfo | None:
        rows = self.session_view.selectionModel().selectedRows()
        return rows[0].data(RECORD_ROLE) if rows else None

    def _update_actions(self) -> None:
        workshop = self.selected_workshop()
        for button in (self.edit_button, self.archive_button, self.delete_button):
            button.setEnabled(workshop is not None)
        self.add_session_button.setEnabled(workshop is not None)
        self.archive_button.setText(
            _("Unarchive") if workshop is not None and workshop.archived else _("Archive")
        )
        has_session = self.selected_session() is not None
        self.edit_session_button.setEnabled(has_session)
        self.delete_session_button.setEnabled(has_session)
        self.attendance_button.setEnabled(has_session)

    # --- workshop actions ---------------------------------------------------------------------

    def new_workshop(self) -> WorkshopDialog:
        """Open the dialog for a new workshop (not blocking); it saves through the runner."""
        current = self.selected_workshop()
        return self._open_workshop_dialog(None, current.country if current else None)

    def edit_workshop(self) -> WorkshopDialog | None:
        """Open the selected workshop in its dialog (not blocking)."""
        workshop = self.selected_workshop()
        if workshop is None:
            return None
        return self._open_workshop_dialog(workshop, workshop.country)

    def _open_workshop_dialog(
        self, workshop: WorkshopInfo | None, country: str | None
    ) -> WorkshopDialog:
        if self.dialog is not None:
            # The previous one is kept until now so that whoever opened it can still read it.
            self.dialog.deleteLater()
        dialog = WorkshopDialog(self._ctx, self._runner, self, country=country, workshop=workshop)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, workshop: WorkshopInfo) -> None:
        # The runner announces "workshops" right after; that reload selects this one.
        self._select_after_load = workshop.id
        if workshop.archived and not self._sorted.show_archived:
            self.show_archived_check.setChecked(True)

    def toggle_archived(self) -> None:
        """Archive the selected workshop (kept, hidden unless asked for) or bring it back."""
        workshop = self.selected_workshop()
        if workshop is None:
            return
        archived = not workshop.archived
        self._runner.run(set_archived, self._ctx, workshop.id, archived, changes=(WORKSHOPS,))
        if archived:
            self.undo_bar.offer(
                _("“{title}” archived.").format(title=workshop.title),
                lambda: self._runner.run(
                    set_archived, self._ctx, workshop.id, False, changes=(WORKSHOPS,)
                ),
            )
            if self._sorted.show_archived:
                self._select_after_load = workshop.id
        else:
            self._select_after_load = workshop.id

    def delete_workshop(self) -> None:
        """Ask, then delete the selected workshop; an Undo is offered for a while."""
        workshop = self.selected_workshop()
        if workshop is None:
            return
        text = _(
            "Delete the workshop “{title}” with its sessions and attendance? Its trainees stay "
            "in the list of trainees."
        ).format(title=workshop.title)
        confirm(self, _("Delete workshop"), text, _("Delete"), lambda: self._delete(workshop))

    def _delete(self, workshop: WorkshopInfo) -> None:
        self._runner.run(delete_workshop, self._ctx, workshop.id, changes=(WORKSHOPS,))
        self.undo_bar.offer(
            _("Workshop “{title}” deleted.").format(title=workshop.title),
            lambda: self._undelete(workshop.id),
        )

    def _undelete(self, workshop_id: str) -> None:
        self._select_after_load = workshop_id
        self._runner.run(undelete_workshop, self._ctx, workshop_id, changes=(WORKSHOPS,))

    # --- session actions ----------------------------------------------------------------------

    def new_session(self) -> SessionDialog | None:
        """Open the dialog for a new session of the selected workshop (the day after the last)."""
        workshop = self.selected_workshop()
        if workshop is None:
            return None
        days = [s.date for s in self.sessions.records() if s.date]
        day = max(days) + dt.timedelta(days=7) if days else workshop.start_date
        return self._open_session_dialog(workshop, None, day)

    def edit_session(self) -> SessionDialog | None:
        """Open the selected session in its dialog."""
        workshop, session = self.selected_workshop(), self.selected_session()
        if workshop is None or session is None:
            return None
        return self._open_session_dialog(workshop, session, None)

    def _open_session_dialog(
        self, workshop: WorkshopInfo, session: SessionInfo | None, day: dt.date | None
    ) -> SessionDialog:
        if self.session_dialog is not None:
            self.session_dialog.deleteLater()
        dialog = SessionDialog(self._ctx, self._runner, workshop, self, session=session, day=day)
        self.session_dialog = dialog
        dialog.open()
        return dialog

    def open_attendance(self) -> None:
        """Open the attendance page on the selected session."""
        workshop, session = self.selected_workshop(), self.selected_session()
        if workshop is not None and session is not None:
            self.take_attendance.emit(workshop.id, session.id)

    def delete_session(self) -> None:
        """Ask, then delete the selected session; an Undo is offered for a while."""
        session = self.selected_session()
        if session is None:
            return
        when = formatting.day(session.date)
        text = _("Delete the session of {date} with its attendance marks?").format(date=when)
        confirm(self, _("Delete session"), text, _("Delete"), lambda: self._delete_session(session))

    def _delete_session(self, session: SessionInfo) -> None:
        self._runner.run(delete_session, self._ctx, session.id, changes=(WORKSHOPS,))
        self.undo_bar.offer(
            _("Session of {date} deleted.").format(date=formatting.day(session.date)),
            lambda: self._runner.run(undelete_session, self._ctx, session.id, changes=(WORKSHOPS,)),
        )
