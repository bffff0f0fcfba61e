"""Every trainee, filtered as you type (names, town, organisation or phone; accents and case do
not matter), sorted by any column, with the actions a trainer needs from the keyboard alone:
Ctrl+F find, Ctrl+N new, Enter open, Delete delete (with Undo)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import Gender
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import unmerge_trainee
from otop_desktop.services.trainees import (
    TraineeInfo,
    delete_trainees,
    get_trainee,
    get_trainees,
    undelete_trainees,
)
from otop_desktop.ui.dialogs.duplicate_review import DuplicateReviewDialog
from otop_desktop.ui.dialogs.enrol_dialog import EnrolDialog
from otop_desktop.ui.dialogs.merge_dialog import MergeDialog
from otop_desktop.ui.dialogs.trainee_dialog import TraineeDialog
from otop_desktop.ui.models.trainee_table import TraineeTableModel
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import page_shortcuts, table_shortcuts, table_view
from otop_desktop.ui.widgets.roster_actions import RosterActions
from otop_desktop.ui.widgets.undo_bar import UndoBar, confirm

# Wait this long after the last key before filtering: a fast typist's burst makes one search.
FILTER_DELAY_MS = 60
_HEADER_KEY = "trainees/header"
# Selections larger than this are not carried over a reload (finding each row takes time).
_KEEP_SELECTED = 50


class TraineesPage(QWidget):
    """A filter box, the actions, and a lazily loaded table of trainees."""

    key = "trainees"

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.dialog: TraineeDialog | EnrolDialog | DuplicateReviewDialog | None = None
        self.merge_dialog: MergeDialog | None = None
        self._keep_ids: list[str] = []
        self._keep_current: str | None = None
        self._select_after_load: str | None = None

        self.title = _("Trainees")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(_("Find by name, town, organisation or phone (Ctrl+F)"))
        self.filter_edit.setMinimumWidth(320)
        self.filter_edit.returnPressed.connect(self._to_table)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.filter_edit, 1)
        top.addSpacing(16)
        top.addWidget(self.count_label)

        # The actions; a toolbar folds those that do not fit into a » menu on narrow windows.
        # The roster buttons sit beside it, outside it, so they never fold away.
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action(_("New trainee…"), self.new_trainee, "Ctrl+N")
        self.open_action = self._action(_("Open…"), self.open_selected, "Enter")
        self.delete_action = self._action(_("Delete"), self.delete_selected, "Del")
        self.toolbar.addSeparator()
        self.enrol_action = self._action(_("Enrol or withdraw…"), self.enrol_selected)
        self.toolbar.addSeparator()
        self.merge_action = self._action(_("Merge two…"), self.merge_selected)
        self.review_action = self._action(_("Review duplicates…"), self.review_duplicates)
        self.toolbar.addSeparator()
        # Export follows what the filter shows, so "export the trainees of Gracias" is one step.
        self.roster_actions = RosterActions(ctx, runner, self, self.filter_edit.text)

        self.model = TraineeTableModel(ctx, runner, self)
        self.model.counted.connect(self._show_count)
        self.view = table_view(self.model)
        # After the view's own handlers (connected by setModel), which clear the selection.
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        # Several rows may be selected: to enrol, delete or merge them together.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self._size_columns()
        self.undo_bar = UndoBar(self)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        tools = QHBoxLayout()
        tools.addWidget(self.toolbar, 1)
        tools.addWidget(self.roster_actions)
        layout.addLayout(tools)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.view, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(500)
        self._save_timer.timeout.connect(self._save_state)
        self._shortcuts()
        self._restore_state()
        runner.changed.connect(self._on_changed)
        self.model.set_filter("")
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], object], keys: str = "") -> QAction:
        action = self.toolbar.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        if keys:
            # Key names as Qt spells them on this system, in the language of Qt's own catalog.
            native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text} ({native})")
        return action

    def add_tool(self, widget: QWidget) -> None:
        """Put `widget` at the end of the row of actions (roster import and export)."""
        self.toolbar.addWidget(widget)

    def _size_columns(self) -> None:
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        metrics = self.view.fontMetrics()
        # Towns as long as Guatemala's usual long ones fit; countries and organisations by size.
        header.resizeSection(1, metrics.horizontalAdvance("San Juan Sacatepéquez") + 16)
        for column, chars in ((2, 14), (3, 24)):
            header.resizeSection(column, metrics.averageCharWidth() * chars)
        # Phones as people write them: the longest usual form is Taiwan's "+886 912-345-678".
        header.resizeSection(4, metrics.horizontalAdvance("+886 0912-345-678") + 16)
        # The gender labels are known: the column fits the longest in this language.
        genders = [metrics.horizontalAdvance(formatting.first_upper(g.label())) for g in Gender]
        header.resizeSection(5, max(genders) + 24)

    def _shortcuts(self) -> None:
        self.find_shortcut, self.new_shortcut = page_shortcuts(
            self,
            (
                (QKeySequence.StandardKey.Find, self.focus_filter),
                (QKeySequence.StandardKey.New, self.new_trainee),
            ),
        )
        table_shortcuts(
            self.view,
            (
                (QKeySequence(Qt.Key.Key_Return), self.open_selected),
                (QKeySequence(Qt.Key.Key_Enter), self.open_selected),
                (QKeySequence(QKeySequence.StandardKey.Delete), self.delete_selected),
            ),
        )

    # --- remembered state ---------------------------------------------------------------------

    def _restore_state(self) -> None:
        header = self.view.horizontalHeader()
        state = app_settings().value(_HEADER_KEY)
        if isinstance(state, QByteArray):
            header.restoreState(state)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Sorting follows the header's indicator: the remembered order, or by name.
        self.view.setSortingEnabled(True)
        header.sectionResized.connect(lambda *_args: self._save_timer.start())
        header.sortIndicatorChanged.connect(lambda *_args: self._save_timer.start())

    def _save_state(self) -> None:
        app_settings().setValue(_HEADER_KEY, self.view.horizontalHeader().saveState())

    # --- filtering ----------------------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter_edit.text())
        self.view.scrollToTop()

    def _to_table(self) -> None:
        # Enter in the filter box: on to the first trainee found, where Enter opens it.
        self._debounce.stop()
        if self.model.filter_text != self.filter_edit.text():
            self._select_after_load = ""
            self._apply_filter()
        elif self.model.rowCount():
            self.view.selectRow(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_changed(self, what: str) -> None:
        if what == TRAINEES:
            self.model.reload()

    def _show_count(self, count: int) -> None:
        self.count_label.setText(
            ngettext("{n} trainee", "{n} trainees", count).format(n=formatting.number(count))
        )

    # --- selection ----------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        """The ids of the selected trainees, in table order."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [i for i in (self.model.trainee_id(row) for row in rows) if i is not None]

    def _remember_selection(self) -> None:
        self._keep_ids = self.selected_ids()[:_KEEP_SELECTED]
        self._keep_current = self.model.trainee_id(self.view.currentIndex().row())

    def _restore_selection(self) -> None:
        wanted, current = self._keep_ids, self._keep_current
        if self._select_after_load is not None:
            # A trainee just saved, or "" for the first one found after Enter in the filter.
            target = self._select_after_load or self.model.trainee_id(0)
            wanted, current = ([target], target) if target else ([], None)
            self._select_after_load = None
        selection = self.view.selectionModel()
        for trainee_id in wanted:
            row = self.model.row_of(trainee_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        row = self.model.row_of(current) if current else -1
        if row >= 0:
            index = self.model.index(row, 0)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(index)
        self._update_actions()

    def _update_actions(self) -> None:
        count = len(self.view.selectionModel().selectedRows())
        self.open_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count >= 1)
        self.enrol_action.setEnabled(count >= 1)
        self.merge_action.setEnabled(count == 2)

    # --- actions ------------------------------------------------------------------------------

    def _replace_dialog(self, dialog: TraineeDialog | EnrolDialog | DuplicateReviewDialog) -> None:
        if self.dialog is not None:
            # The previous one is kept until now so that whoever opened it can still read it.
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    def new_trainee(self) -> TraineeDialog:
        """Open the dialog for a new trainee (not blocking); it saves through the runner."""
        dialog = TraineeDialog(self._ctx, self._runner, self)
        self._connect_trainee_dialog(dialog)
        self._replace_dialog(dialog)
        return dialog

    def open_trainee(self, trainee_id: str) -> None:
        """Open the dialog of `trainee_id` once it is read (in the background)."""
        self._runner.run(get_trainee, self._ctx, trainee_id, on_done=self._edit)

    def _edit(self, trainee: TraineeInfo) -> None:
        dialog = TraineeDialog(self._ctx, self._runner, self, trainee=trainee)
        self._connect_trainee_dialog(dialog)
        self._replace_dialog(dialog)

    def _connect_trainee_dialog(self, dialog: TraineeDialog) -> None:
        dialog.saved.connect(self._saved)
        # Opened once the duplicate dialog has closed (it is rejected right after).
        dialog.open_existing.connect(
            lambda trainee_id: QTimer.singleShot(0, lambda: self.open_trainee(trainee_id))
        )

    def _saved(self, trainee: TraineeInfo) -> None:
        # The runner announces TRAINEES right after; that reload selects the one saved.
        self._select_after_load = trainee.id

    def open_selected(self) -> None:
        """Open the selected trainee (the current one when several are selected)."""
        ids = self.selected_ids()
        current = self.model.trainee_id(self.view.currentIndex().row())
        chosen = current if current in ids else (ids[0] if ids else None)
        if chosen is not None:
            self.open_trainee(chosen)

    def delete_selected(self) -> None:
        """Delete the selected trainees; one at once with Undo, several after asking."""
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) == 1:
            self._delete(ids)
            return
        n = formatting.number(len(ids))
        confirm(
            self,
            _("Delete trainees"),
            ngettext(
                "Delete {n} trainee? You can undo it right after.",
                "Delete {n} trainees? You can undo it right after.",
                len(ids),
            ).format(n=n),
            _("Delete"),
            lambda: self._delete(ids),
        )

    def _delete(self, ids: list[str]) -> None:
        first = self.model.trainee(self.model.row_of(ids[0]))
        if len(ids) == 1 and first is not None:
            text = _("Trainee “{name}” deleted.").format(name=first.display_name)
        else:
            text = ngettext("{n} trainee deleted.", "{n} trainees deleted.", len(ids)).format(
                n=formatting.number(len(ids))
            )
        self._runner.run(
            delete_trainees,
            self._ctx,
            ids,
            on_done=lambda _none: self.undo_bar.offer(text, lambda: self._undelete(ids)),
            changes=(TRAINEES, WORKSHOPS),
        )

    def _undelete(self, ids: list[str]) -> None:
        self._keep_ids, self._keep_current = [], None
        self._runner.run(undelete_trainees, self._ctx, ids, changes=(TRAINEES, WORKSHOPS))

    def enrol_selected(self) -> None:
        """Enrol the selected trainees in a workshop, or withdraw them."""
        ids = self.selected_ids()
        if ids:
            self._runner.run(
                get_trainees, self._ctx, ids[:3], on_done=lambda found: self._enrol(ids, found)
            )

    def _enrol(self, ids: list[str], first: list[TraineeInfo | None]) -> None:
        names = [t.display_name for t in first if t is not None]
        self._replace_dialog(EnrolDialog(self._ctx, self._runner, ids, names, self))

    def merge_selected(self) -> None:
        """Compare the two selected trainees and merge one into the other."""
        ids = self.selected_ids()
        if len(ids) == 2:
            self._runner.run(get_trainees, self._ctx, ids, on_done=self._merge_pair)

    def _merge_pair(self, pair: list[TraineeInfo | None]) -> None:
        first, second = pair
        if first is None or second is None:
            return  # deleted meanwhile; the reload that follows shows it
        self.open_merge(first, second)

    def open_merge(
        self, first: TraineeInfo, second: TraineeInfo, parent: QWidget | None = None
    ) -> MergeDialog:
        """The merge dialog of two trainees (over `parent` if given); Undo is offered once
        merged."""
        if self.merge_dialog is not None:
            self.merge_dialog.deleteLater()
        dialog = MergeDialog(
            self._ctx,
            self._runner,
            first,
            second,
            parent or self,
            organisations=self.model.organisations(),
        )
        dialog.merged.connect(self._merged)
        self.merge_dialog = dialog
        dialog.open()
        return dialog

    def _merged(self, kept: TraineeInfo, duplicate_id: str) -> None:
        self._select_after_load = kept.id
        text = _("Merged into “{name}”.").format(name=kept.display_name)
        self.undo_bar.offer(text, functools.partial(self._unmerge, duplicate_id))

    def _unmerge(self, duplicate_id: str) -> None:
        self._select_after_load = duplicate_id
        self._runner.run(unmerge_trainee, self._ctx, duplicate_id, changes=(TRAINEES, WORKSHOPS))

    def review_duplicates(self) -> DuplicateReviewDialog:
        """List the likely duplicate pairs of the whole programme, to merge them one by one."""
        dialog = DuplicateReviewDialog(self._ctx, self._runner, self)
        dialog.merge_requested.connect(
            lambda first, second: self.open_merge(first, second, dialog).merged.connect(
                lambda _kept, duplicate_id: dialog.forget(duplicate_id)
            )
        )
        self._replace_dialog(dialog)
        return dialog
