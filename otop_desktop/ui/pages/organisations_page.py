"""Partner organisations (NGOs, cooperatives, small enterprises, community groups, offices),
with how many workshops they partner and trainees belong to them.

Keyboard: Ctrl+F finds, Ctrl+N adds, Enter (or a double-click) edits, Delete deletes (asked
first, undoable with Ctrl+Z for a while).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import OrganisationKind
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import (
    OrganisationSummary,
    delete_organisation,
    organisation_summaries,
    partnered_workshops,
    undelete_organisation,
)
from otop_desktop.ui.dialogs.organisation_dialog import ORGANISATIONS, OrganisationDialog
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import RECORD_ROLE, SORT_ROLE, Column, RowTableModel
from otop_desktop.ui.settings import app_settings, restore_splitter, restore_table
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import page_shortcuts, table_shortcuts, table_view
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.undo_bar import UndoBar, confirm

_HEADER_KEY = "organisations/header"
_SPLITTER_KEY = "organisations/splitter"

AnyIndex = QModelIndex | QPersistentModelIndex


def _kind(s: OrganisationSummary) -> str:
    return formatting.first_upper(formatting.label_of(OrganisationKind, s.organisation.org_kind))


def organisation_columns() -> list[Column[OrganisationSummary]]:
    return [
        Column(_("Name"), lambda s: s.organisation.name),
        Column(_("Kind"), _kind),
        Column(_("Town"), lambda s: s.organisation.town or ""),
        Column(_("Country"), lambda s: formatting.country_name(s.organisation.country)),
        Column(
            _("Workshops"),
            lambda s: formatting.number(s.workshop_count),
            lambda s: s.workshop_count,
            numeric=True,
        ),
        Column(
            _("Trainees"),
            lambda s: formatting.number(s.trainee_count),
            lambda s: s.trainee_count,
            numeric=True,
        ),
    ]


class _OrganisationFilter(QSortFilterProxyModel):
    """Keeps the organisations whose name, kind, place or contact holds every typed word."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setSortLocaleAware(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self.words:
            return True
        model = self.sourceModel()
        summary = model.index(source_row, 0, source_parent).data(RECORD_ROLE)
        if not isinstance(summary, OrganisationSummary):
            return True
        org = summary.organisation
        haystack = fold(
            " ".join(
                [
                    org.name,
                    _kind(summary),
                    org.town or "",
                    formatting.country_name(org.country),
                    org.contact_name or "",
                ]
            )
        )
        return all(word in haystack for word in self.words)


class OrganisationsPage(QWidget):
    """A filter box, the organisations table, and the workshops of the one selected."""

    key = "organisations"

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._selected_id: str | None = None
        self._select_after_load: str | None = None
        self.dialog: OrganisationDialog | None = None

        self.title = _("Organisations")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(_("Find by name, kind or town (Ctrl+F)"))
        self.filter_edit.setMinimumWidth(200)
        self.count_label = QLabel()
        self.new_button = QPushButton(_("New organisation…"))
        self.new_button.setToolTip(_("New organisation (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_organisation)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Edit the organisation (Enter)"))
        self.edit_button.clicked.connect(self.edit_organisation)
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setToolTip(_("Delete the organisation (Delete)"))
        self.delete_button.clicked.connect(self.delete_organisation)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        for button in (self.new_button, self.edit_button, self.delete_button):
            top.addWidget(button)
        # The filter on a line of its own: the page fits a small screen in every language.
        find = QHBoxLayout()
        find.addWidget(self.filter_edit, 1)
        find.addSpacing(16)
        find.addWidget(self.count_label)

        self.undo_bar = UndoBar(self)
        self.model = RowTableModel(organisation_columns(), self)
        self._filtered = _OrganisationFilter(self)
        self._filtered.setSourceModel(self.model)
        self.view = table_view(self._filtered)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # by name, as loaded
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.activated.connect(lambda _index: self.edit_organisation())
        self.empty_label = QLabel(
            _("No organisations yet. Add one with “New organisation…”."),
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self.empty_label.hide()

        self.details_heading = QLabel(_("Workshops"))
        self.details_heading.setObjectName("sectionHeading")
        self.details_heading.setWordWrap(True)
        self.details_label = mark_data(QLabel())
        self.details_label.setWordWrap(True)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.contact_label = mark_data(QLabel())
        self.contact_label.setWordWrap(True)
        self.contact_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QWidget()
        details.setMinimumWidth(160)
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(12, 0, 0, 0)
        details_layout.addWidget(self.details_heading)
        details_layout.addWidget(self.details_label)
        details_layout.addSpacing(8)
        details_layout.addWidget(self.contact_label)
        details_layout.addStretch(1)

        table = QWidget()
        table_layout = QVBoxLayout(table)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(table)
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(find)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)

        self.filter_edit.textChanged.connect(self._filter)
        self._shortcuts()
        self._restore_state()
        self.splitter.splitterMoved.connect(lambda *_args: self._save_state())
        header.sortIndicatorChanged.connect(lambda *_args: self._save_state())
        self._update_actions()

        self._load = LatestLoad(
            self,
            runner,
            (ORGANISATIONS, WORKSHOPS, TRAINEES),
            organisation_summaries,
            ctx,
            on_loaded=self._loaded,
        )
        self.reload()

    def _shortcuts(self) -> None:
        page_shortcuts(
            self,
            (
                (QKeySequence.StandardKey.Find, self.focus_filter),
                (QKeySequence.StandardKey.New, self.new_organisation),
            ),
        )
        table_shortcuts(self.view, ((QKeySequence.StandardKey.Delete, self.delete_organisation),))

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # --- remembered state ---------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = app_settings()
        restore_splitter(settings, _SPLITTER_KEY, self.splitter)
        restore_table(settings, _HEADER_KEY, self.view)

    def _save_state(self) -> None:
        settings = app_settings()
        settings.setValue(_SPLITTER_KEY, self.splitter.saveState())
        settings.setValue(_HEADER_KEY, self.view.horizontalHeader().saveState())

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the organisations again, in the background."""
        self._load.reload()

    def _loaded(self, rows: list[OrganisationSummary]) -> None:
        keep = self._select_after_load or self._selected_id
        self._select_after_load = None
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)
        self._select(keep)
        self._show_count()

    def _filter(self, text: str) -> None:
        self._filtered.set_text(text)
        self._select(self._selected_id)
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self._filtered.rowCount(), self.model.rowCount()
        text = ngettext("{n} organisation", "{n} organisations", total).format(
            n=formatting.number(total)
        )
        if shown != total:
            text = _("{shown} of {total}").format(shown=formatting.number(shown), total=text)
        self.count_label.setText(text)

    def _select(self, organisation_id: str | None) -> None:
        ids = [s.organisation.id for s in self.model.records()]
        source = ids.index(organisation_id) if organisation_id in ids else -1
        row = self._filtered.mapFromSource(self.model.index(source, 0)).row() if source >= 0 else -1
        if row < 0 and self._filtered.rowCount() > 0:
            row = 0
        if row >= 0:
            self.view.selectRow(row)
        else:
            self.view.clearSelection()
            self._show_details(None)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_details(self.selected())

    def _show_details(self, summary: OrganisationSummary | None) -> None:
        self._selected_id = summary.organisation.id if summary else None
        self._update_actions()
        if summary is None:
            self.details_heading.setText(_("Workshops"))
            self.details_label.setText("")
            self.contact_label.setText("")
            return
        org = summary.organisation
        self.details_heading.setText(_("Workshops with “{name}”").format(name=org.name))
        self.contact_label.setText(
            "\n".join(part for part in (org.contact_name, org.phone, org.email, org.notes) if part)
        )
        organisation_id = org.id
        self._runner.run(
            partnered_workshops,
            self._ctx,
            organisation_id,
            on_done=lambda titles: self._workshops_loaded(organisation_id, titles),
        )

    def _workshops_loaded(self, organisation_id: str, titles: list[str]) -> None:
        if organisation_id == self._selected_id:
            self.details_label.setText("\n".join(titles) or _("None yet."))

    def selected(self) -> OrganisationSummary | None:
        rows = self.view.selectionModel().selectedRows()
        record: Any = rows[0].data(RECORD_ROLE) if rows else None
        return record if isinstance(record, OrganisationSummary) else None

    def _update_actions(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # --- actions ------------------------------------------------------------------------------

    def new_organisation(self) -> OrganisationDialog:
        """Open the dialog for a new organisation (not blocking)."""
        current = self.selected()
        return self._open(None, current.organisation.country if current else None)

    def edit_organisation(self) -> OrganisationDialog | None:
        """Open the selected organisation in its dialog (not blocking)."""
        current = self.selected()
        if current is None:
            return None
        return self._open(current, None)

    def _open(self, summary: OrganisationSummary | None, country: str | None) -> OrganisationDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = OrganisationDialog(
            self._ctx,
            self._runner,
            self,
            organisation=summary.organisation if summary else None,
            country=country,
        )
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, organisation: Any) -> None:
        self._select_after_load = organisation.id

    def delete_organisation(self) -> None:
        """Ask, then delete the selected organisation; an Undo is offered for a while."""
        summary = self.selected()
        if summary is None:
            return
        org = summary.organisation
        text = _("Delete the organisation “{name}”?").format(name=org.name)
        if summary.workshop_count or summary.trainee_count:
            text += " " + _(
                "It partners {workshops} and {trainees} belong to it; they are kept, without it."
            ).format(
                workshops=ngettext("{n} workshop", "{n} workshops", summary.workshop_count).format(
                    n=formatting.number(summary.workshop_count)
                ),
                trainees=ngettext("{n} trainee", "{n} trainees", summary.trainee_count).format(
                    n=formatting.number(summary.trainee_count)
                ),
            )
        confirm(self, _("Delete organisation"), text, _("Delete"), lambda: self._delete(summary))

    def _delete(self, summary: OrganisationSummary) -> None:
        org = summary.organisation
        self._runner.run(delete_organisation, self._ctx, org.id, changes=(ORGANISATIONS, WORKSHOPS))
        self.undo_bar.offer(
            _("Organisation “{name}” deleted.").format(name=org.name),
            lambda: self._undelete(org.id),
        )

    def _undelete(self, organisation_id: str) -> None:
        self._select_after_load = organisation_id
        self._runner.run(
            undelete_organisation,
            self._ctx,
            organisation_id,
            changes=(ORGANISATIONS, WORKSHOPS),
        )
