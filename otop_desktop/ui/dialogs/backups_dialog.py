"""File › Backups…: the automatic backups and backup files, backing up now or to a USB drive,
restoring one, and how many automatic backups to keep and how often.

Restoring replaces the open database, so the dialog only asks (saying what will happen) and
announces the choice through `restore_chosen`; whoever started the window closes the
database, restores and shows the restored data in a new window (`launch`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import N_, _
from otop_desktop.i18n.formatting import moment, number
from otop_desktop.services import auto_backup
from otop_desktop.services.auto_backup import SnapshotResult
from otop_desktop.services.backup import default_backup_name, write_backup
from otop_desktop.services.backup_list import (
    AUTOMATIC,
    BACKUP_FILE,
    BEFORE_RESTORE,
    BEFORE_UPGRADE,
    BackupEntry,
    list_backups,
)
from otop_desktop.services.context import AppContext
from otop_desktop.ui.backup_timer import every_hours_setting, keep_setting, save_backup_settings
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser, FileType
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.undo_bar import confirm

FOLDER_KEY = "backups/folder"
KINDS = {
    AUTOMATIC: N_("Automatic"),
    BEFORE_UPGRADE: N_("Before an upgrade"),
    BEFORE_RESTORE: N_("Before a restore"),
    BACKUP_FILE: N_("Backup file"),
}
FolderChooser = Callable[[QWidget, str], Path | None]


def choose_folder(parent: QWidget, title: str) -> Path | None:
    """Ask for a folder (a USB drive), starting in the one used last."""
    settings = app_settings()
    start = str(settings.value(FOLDER_KEY, "") or "") or str(Path.home())
    chosen = QFileDialog.getExistingDirectory(parent, title, start)
    if not chosen:
        return None
    settings.setValue(FOLDER_KEY, chosen)
    return Path(chosen)


def size_text(size: int) -> str:
    """A file size in MB (one decimal), in the active language."""
    return _("{size} MB").format(size=number(round(size / 1_000_000, 1)))


def _count(value: int | None) -> str:
    return "" if value is None else number(value)


class BackupsDialog(QDialog):
    """Lists the backups; backs up now or to a folder; asks before restoring one."""

    # The backup to restore (a path), once confirmed.
    restore_chosen = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        chooser: FileChooser | None = None,
        folder_chooser: FolderChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.chooser: FileChooser = chooser or DialogFileChooser(FOLDER_KEY)
        self.folder_chooser: FolderChooser = folder_chooser or choose_folder
        self.entries: list[BackupEntry] = []
        self.confirm_box: QWidget | None = None
        self.available = auto_backup.available(ctx)
        self.setWindowTitle(_("Backups"))
        self.resize(760, 460)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        if self.available:
            self.intro.setText(
                _(
                    "The database and photos are backed up automatically when the app starts "
                    "and every few hours of use, into {path}. For a copy away from this "
                    "laptop, back up to a USB drive."
                ).format(path=auto_backup.auto_dir(ctx.data_dir))
            )
        else:
            self.intro.setText(
                _(
                    "This is a PostgreSQL hub: automatic backups are off here. Back it up on "
                    "the server with its own tools (pg_dump)."
                )
            )
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [_("Made"), _("Kind"), _("Size"), _("Trainees"), _("Workshops"), _("Photos")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        self.empty_label = QLabel(_("No backups yet."))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 100)
        self.keep_spin.setValue(keep_setting())
        self.hours_spin = QSpinBox()
        self.hours_spin.setRange(1, 48)
        self.hours_spin.setValue(max(1, round(every_hours_setting())))
        self.keep_spin.valueChanged.connect(self._save_settings)
        self.hours_spin.valueChanged.connect(self._save_settings)
        # Labels, not suffixes: "1 backups" would need a plural the spin box cannot give.
        for spin in (self.keep_spin, self.hours_spin):
            spin.setMaximumWidth(90)
        form = QFormLayout()
        form.addRow(_("Automatic backups to keep"), self.keep_spin)
        form.addRow(_("Hours of use between automatic backups"), self.hours_spin)

        self.now_button = QPushButton(_("Back up now"))
        self.now_button.clicked.connect(self.back_up_now)
        self.folder_button = QPushButton(_("Back up to a folder or USB drive…"))
        self.folder_button.clicked.connect(self.back_up_to_folder)
        self.restore_button = QPushButton(_("Restore…"))
        self.restore_button.setToolTip(_("Restore the selected backup"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(_("Restore from a file…"))
        self.restore_file_button.clicked.connect(self.restore_from_file)
        actions = QHBoxLayout()
        for button in (
            self.now_button,
            self.folder_button,
            self.restore_button,
            self.restore_file_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.status_label)
        layout.addLayout(actions)
        layout.addLayout(form)
        layout.addWidget(close)
        for widget in (self.now_button, self.folder_button, self.keep_spin, self.hours_spin):
            widget.setEnabled(self.available)
        self.restore_file_button.setEnabled(self.available)
        self._update_buttons()
        self.reload()

    # --- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        """List the backups again (off the GUI thread)."""
        self._runner.run(list_backups, self._ctx.data_dir, on_done=self._show)

    def _show(self, entries: list[BackupEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = [
                moment(entry.created_at),
                _(KINDS[entry.kind]),
                size_text(entry.size),
                _count(entry.trainees),
                _count(entry.workshops),
                _count(entry.photos),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 0:
                    item.setToolTip(str(entry.path))
                self.table.setItem(row, column, item)
        self.empty_label.setVisible(not entries)
        self._update_buttons()

    def selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.entries):
            return None
        return self.entries[rows[0].row()]

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.available and self.selected() is not None)

    def _save_settings(self) -> None:
        save_backup_settings(self.keep_spin.value(), self.hours_spin.value())

    # --- backing up ---------------------------------------------------------------------------

    def back_up_now(self) -> None:
        """An automatic backup now, even when nothing changed since the last one."""
        self._runner.run(
            functools.partial(auto_backup.take_snapshot, keep=self.keep_spin.value(), force=True),
            self._ctx,
            progress=True,
            title=_("Backing up…"),
            on_done=self._backed_up,
        )

    def _backed_up(self, result: SnapshotResult) -> None:
        if result.snapshot is not None:
            self.status_label.setText(
                _("Backed up: {when}.").format(when=moment(result.snapshot.created_at))
            )
        self.reload()

    def back_up_to_folder(self) -> None:
        """Write the one-file backup (database and photos) into a chosen folder."""
        folder = self.folder_chooser(self, _("Choose a folder or USB drive for the backup"))
        if folder is None:
            return
        self._runner.run(
            write_backup,
            self._ctx,
            folder / default_backup_name(),
            progress=True,
            title=_("Writing the backup…"),
            on_done=self._written,
        )

    def _written(self, path: Path) -> None:
        self.status_label.setText(_("Backup written to {path}.").format(path=path))
        self.reload()

    # --- restoring ----------------------------------------------------------------------------

    def restore_selected(self) -> None:
        """Ask before restoring the selected backup."""
        entry = self.selected()
        if entry is not None and self.available:
            self.ask_to_restore(entry.path, moment(entry.created_at))

    def restore_from_file(self) -> None:
        """Ask before restoring a backup file chosen on disk (a USB drive)."""
        types = [
            FileType(_("OTOP Field Desk backups"), (".zip", ".sqlite3")),
            FileType(_("All files"), ("",)),
        ]
        path = self.chooser.open_file(self, _("Restore a backup"), types)
        if path is not None:
            self.ask_to_restore(path, path.name)

    def ask_to_restore(self, path: Path, label: str) -> None:
        """Say what restoring does; `restore_chosen` once the user agrees."""
        text = _(
            "Restore the backup “{name}”?\n\n"
            "The data now on this laptop is kept aside as a “before-restore” backup, so "
            "nothing is lost. After the restore this laptop gets a new laptop id, and the "
            "window opens again with the restored data."
        ).format(name=label)

        def chosen() -> None:
            # Closed first: the restore's progress must not be parented to this dialog, which
            # goes with the old window.
            self.accept()
            self.restore_chosen.emit(str(path))

        self.confirm_box = confirm(self, _("Restore a backup"), text, _("Restore"), chosen)
