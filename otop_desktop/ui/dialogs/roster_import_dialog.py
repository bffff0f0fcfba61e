"""Importing a roster: file and workshop, the columns, a preview of every row, then one import.

Nothing is written until "Import" is clicked: reading the file, mapping its columns and the
preview only read. The import itself is one transaction, run on the task runner with progress.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.roster_files import RosterCancelled, RosterTable, read_roster
from otop_desktop.services.roster_import import (
    RosterPreview,
    RosterResult,
    RowAction,
    apply_roster,
    preview_table,
)
from otop_desktop.services.workshops import WorkshopInfo, list_workshops
from otop_desktop.ui.dialogs.column_mapping import ColumnMapping
from otop_desktop.ui.dialogs.roster_texts import (
    file_description,
    import_button_text,
    roster_file_types,
    summary_text,
)
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser
from otop_desktop.ui.owned_tasks import OwnedTasks
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import ERROR_STYLE
from otop_desktop.ui.widgets.roster_preview_panel import RosterPreviewPanel

# The folder of the last roster opened or saved, shared by import, export and template.
ROSTER_FOLDER_KEY = "roster/folder"
# An example value per column is taken from the first rows only.
_SAMPLE_ROWS = 50


@dataclass(frozen=True)
class LoadedPreview:
    """A preview, with the table it was made from (read once, previewed again on changes)."""

    preview: RosterPreview
    table: RosterTable


def first_values(table: RosterTable) -> dict[int, str]:
    """The first non-empty cell of each column among the first rows: an example of it."""
    found: dict[int, str] = {}
    for _number, cells in table.rows[:_SAMPLE_ROWS]:
        for column, cell in enumerate(cells):
            if column not in found and cell not in (None, ""):
                found[column] = formatting.value(cell)
        if len(found) >= len(table.headers):
            break
    return found


def load_preview(
    ctx: AppContext,
    path: Path,
    table: RosterTable | None,
    workshop_id: str | None,
    mapping: dict[int, str | None] | None,
    report: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> LoadedPreview:
    """Read the file unless `table` holds it already, and preview its import; writes nothing."""
    if table is None:
        table = read_roster(path, cancelled=cancelled)
    preview = preview_table(
        ctx, path, table, workshop_id, mapping, report=report, cancelled=cancelled
    )
    return LoadedPreview(preview, table)


class RosterImportDialog(QDialog):
    """Choose a roster and a workshop, check the columns and the preview, then import."""

    imported = Signal(object)  # the RosterResult

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        workshop_id: str | None = None,
        chooser: FileChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.tasks = OwnedTasks(self, runner)
        self._chooser = chooser or DialogFileChooser(ROSTER_FOLDER_KEY)
        self.path: Path | None = None
        self.preview: RosterPreview | None = None
        self.outcome: RosterResult | None = None
        self._mapping: dict[int, str | None] | None = None  # None: the guessed one
        self._table: RosterTable | None = None
        self._generation = 0
        self._task: int | None = None  # the preview being made
        self._asked_workshop: str | None = None  # the workshop of that preview
        self._initial_workshop = workshop_id
        self._workshops_listed = False
        self._applying = False
        self.setWindowTitle(_("Import roster"))

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(_("No file chosen"))
        self.choose_button = QPushButton(_("&Choose file…"))
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        self.workshop_combo = QComboBox()
        self.workshop_combo.addItem(_("No workshop: register the trainees only"), None)
        self.workshop_combo.currentIndexChanged.connect(self.refresh)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        file_label = QLabel(_("File:"))
        file_label.setBuddy(self.choose_button)
        workshop_label = QLabel(_("&Enrol in:"))
        workshop_label.setBuddy(self.workshop_combo)
        form.addRow(file_label, file_row)
        form.addRow(workshop_label, self.workshop_combo)

        self.mapping_panel = ColumnMapping()
        self.mapping_panel.changed.connect(self._mapping_changed)
        self.mapping_panel.hide()
        self.preview_panel = RosterPreviewPanel()
        self.columns_button = self.preview_panel.columns_button
        self.columns_button.toggled.connect(self.mapping_panel.setVisible)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.mapping_panel)
        splitter.addWidget(self.preview_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([360, 900])

        self.status_label = QLabel(_("Choose a roster file: an Excel workbook or a CSV file."))
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.buttons, self.import_button = accept_cancel_buttons(
            _("&Import"), self.start_import, self.reject
        )
        self.cancel_button = next(
            b
            for b in self.buttons.findChildren(QPushButton)
            if self.buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole
        )
        self.import_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(self.preview_panel.toolbar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._fit_screen()

        self.tasks.run(
            functools.partial(list_workshops, ctx, include_archived=True),
            self._workshops_loaded,
        )
        if path is not None:
            self.set_path(path)

    def _fit_screen(self) -> None:
        # Room for the preview, but never more than a 1366x768 laptop screen has.
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        width, height = 1300, 680
        if available is not None:
            width = min(width, available.width() - 40)
            height = min(height, available.height() - 60)
        self.resize(width, height)

    # --- the file and the workshop ------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a roster file and preview it."""
        path = self._chooser.open_file(self, _("Import roster"), roster_file_types())
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        """Preview `path` with the columns guessed from its headers."""
        self.path = path
        self.file_edit.setText(str(path))
        self._mapping = None
        self._table = None
        self.mapping_panel.set_columns([], {})
        self.refresh()

    def workshop_id(self) -> str | None:
        """The workshop chosen; until the list is loaded, the one asked for."""
        if not self._workshops_listed:
            return self._initial_workshop
        data = self.workshop_combo.currentData()
        return str(data) if data else None

    def _workshops_loaded(self, workshops: list[WorkshopInfo]) -> None:
        self.workshop_combo.blockSignals(True)
        for workshop in workshops:
            # Archived workshops take no new trainees, unless the page asked for that one.
            if workshop.archived and workshop.id != self._initial_workshop:
                continue
            text = workshop.title
            if workshop.start_date is not None:
                text = _("{title} ({date})").format(
                    title=workshop.title, date=formatting.day(workshop.start_date)
                )
            self.workshop_combo.addItem(text, workshop.id)
        if self._initial_workshop is not None:
            index = self.workshop_combo.findData(self._initial_workshop)
            self.workshop_combo.setCurrentIndex(max(index, 0))
        self.workshop_combo.blockSignals(False)
        self._workshops_listed = True
        if self._task is not None and self._asked_workshop != self.workshop_id():
            self.refresh()  # the workshop asked for is gone

    def _mapping_changed(self, mapping: dict[int, str | None]) -> None:
        self._mapping = mapping
        self.refresh()

    # --- the preview --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Preview the file again (mapping or workshop changed); the newest preview wins."""
        if self.path is None or self._applying or self.tasks.closed:
            return
        self.tasks.cancel(self._task)
        self._generation += 1
        generation = self._generation
        self.preview = None
        self._asked_workshop = self.workshop_id()
        self._set_error("")
        self._update_button()
        self.status_label.setText(_("Reading {file}…").format(file=self.path.name))
        work = functools.partial(
            load_preview,
            self._ctx,
            self.path,
            self._table,
            self._asked_workshop,
            self._mapping,
        )
        self._task = self.tasks.run(
            work,
            lambda loaded: self._previewed(generation, loaded),
            lambda exc: self._preview_failed(generation, exc),
            progress=True,
            title=_("Reading the roster…"),
        )

    def _previewed(self, generation: int, loaded: LoadedPreview) -> None:
        if generation != self._generation:
            return
        self._task = None
        preview = loaded.preview
        self.preview = preview
        if self._table is None:
            # The first preview of this file: its columns, as guessed, with an example each.
            self._table = loaded.table
            self.mapping_panel.set_columns(
                preview.headers,
                preview.mapping,
                preview.unknown_headers,
                first_values(loaded.table),
            )
            self._chain_focus()
            if preview.unknown_headers:
                self.columns_button.setChecked(True)
        self.preview_panel.show_preview(preview)
        self._update_button()
        parts = [file_description(self._table)] if self._table is not None else []
        if not preview.rows:
            parts.append(_("The file holds no rows to import."))
        else:
            parts.append(_("Nothing is saved until you click Import."))
        self.status_label.setText(" ".join(parts))

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.preview = None
        self.preview_panel.show_preview(None)
        self._update_button()
        self.status_label.setText("")
        if isinstance(exc, RosterCancelled):
            self.status_label.setText(_("Reading stopped. Choose the file again to read it."))
        elif isinstance(exc, OtopError):
            self._set_error(str(exc))
        else:
            self._set_error(_("This file could not be read."))
            self._runner.show_error(exc)

    def _chain_focus(self) -> None:
        # The column choices come after the "Columns" switch when tabbing, not after Cancel.
        previous: QWidget = self.columns_button
        for combo in self.mapping_panel.combos:
            QWidget.setTabOrder(previous, combo)
            previous = combo
        QWidget.setTabOrder(previous, self.preview_panel.view)

    def _set_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # --- importing ----------------------------------------------------------------------------

    def can_import(self) -> bool:
        """Whether the preview shown has something to write and nothing runs."""
        if self.preview is None or self._applying or self.outcome is not None:
            return False
        counts = self.preview.counts()
        work = counts.get(RowAction.CREATE, 0) + counts.get(RowAction.UPDATE, 0)
        if self.preview.workshop_id is not None:
            # Trainees already registered are still enrolled in the workshop.
            work += counts.get(RowAction.DUPLICATE, 0)
        return work > 0

    def _update_button(self) -> None:
        counts = self.preview.counts() if self.preview is not None else {}
        enrolling = self.preview is not None and self.preview.workshop_id is not None
        self.import_button.setText(import_button_text(counts, enrolling))
        self.import_button.setEnabled(self.can_import())

    def start_import(self) -> None:
        """Write the previewed rows in one transaction, with progress and Cancel."""
        if not self.can_import() or self.preview is None:
            return
        self._set_applying(True)
        self._set_error("")
        self.tasks.run(
            functools.partial(apply_roster, self._ctx, self.preview),
            self._imported,
            self._import_failed,
            progress=True,
            title=_("Importing the roster…"),
            changes=(TRAINEES, WORKSHOPS),
        )

    def _set_applying(self, applying: bool) -> None:
        self._applying = applying
        for widget in (self.choose_button, self.workshop_combo, self.mapping_panel):
            widget.setEnabled(not applying)
        self.cancel_button.setEnabled(not applying)
        self._update_button()

    def _imported(self, result: RosterResult) -> None:
        self.outcome = result
        self._set_applying(False)
        workshop = self.workshop_combo.currentText() if self.workshop_id() else None
        self.status_label.setText(summary_text(result, workshop))
        # Done: what is left is to read the summary (and the rejected rows) and close.
        self.import_button.hide()
        for widget in (self.choose_button, self.workshop_combo, self.mapping_panel):
            widget.setEnabled(False)
        self.cancel_button.setText(_("Close"))
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        self.imported.emit(result)

    def _import_failed(self, exc: BaseException) -> None:
        self._set_applying(False)
        if isinstance(exc, RosterCancelled):
            self._set_error(str(exc))
        elif isinstance(exc, OtopError):
            self._set_error(_("Nothing was imported: {reason}").format(reason=exc))
        else:
            self._set_error(_("Nothing was imported."))
            self._runner.show_error(exc)

    # --- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        if self._applying:
            return  # the import stops through its progress dialog's Cancel, not from here
        super().reject()

    def done(self, result: int) -> None:
        super().done(result)
        self.tasks.close()


def open_import_dialog(
    ctx: AppContext,
    runner: TaskRunner,
    parent: QWidget,
    *,
    workshop_id: str | None = None,
    chooser: FileChooser | None = None,
) -> RosterImportDialog | None:
    """Ask for a roster file, then open the import dialog on it (None if no file is chosen)."""
    chooser = chooser or DialogFileChooser(ROSTER_FOLDER_KEY)
    path = chooser.open_file(parent, _("Import roster"), roster_file_types())
    if path is None:
        return None
    dialog = RosterImportDialog(
        ctx, runner, parent, path=path, workshop_id=workshop_id, chooser=chooser
    )
    dialog.tasks.delete_owner_when_done = True
    dialog.open()
    return dialog
