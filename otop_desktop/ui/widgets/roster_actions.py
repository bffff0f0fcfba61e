"""The roster buttons of the Trainees page: import a roster, export the list, a blank template."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from otop_desktop.i18n import _, current_locale, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.roster_export import export_trainees, write_template
from otop_desktop.ui.dialogs.roster_import_dialog import (
    ROSTER_FOLDER_KEY,
    RosterImportDialog,
    open_import_dialog,
)
from otop_desktop.ui.dialogs.roster_texts import csv_type, xlsx_type
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser
from otop_desktop.ui.tasks import TaskRunner


def _no_filter() -> str:
    return ""


def _no_workshop() -> str | None:
    return None


class RosterActions(QWidget):
    """ "Import roster…", "Export…" and "Blank template…" in a row, for a page's toolbar."""

    # What was written, said in a sentence (the page may also show it in its status bar).
    finished = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        current_filter: Callable[[], str] = _no_filter,
        *,
        current_workshop: Callable[[], str | None] = _no_workshop,
        chooser: FileChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._current_filter = current_filter
        self._current_workshop = current_workshop
        self.chooser: FileChooser = chooser or DialogFileChooser(ROSTER_FOLDER_KEY)
        self.dialog: RosterImportDialog | None = None
        self._boxes: list[QMessageBox] = []

        self.import_button = QPushButton(_("Import roster…"))
        self.import_button.setToolTip(_("Add the trainees of an Excel or CSV roster"))
        self.import_button.clicked.connect(self.import_roster)
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setToolTip(
            _("Save the trainees listed (as filtered) to an Excel or CSV file")
        )
        self.export_button.clicked.connect(self.export)
        self.template_button = QPushButton(_("Blank template…"))
        self.template_button.setToolTip(_("Save an empty roster to fill in and import later"))
        self.template_button.clicked.connect(self.save_template)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.import_button)
        layout.addWidget(self.export_button)
        layout.addWidget(self.template_button)

    def import_roster(self) -> RosterImportDialog | None:
        """Ask for a roster file and open the import dialog on it."""
        dialog = open_import_dialog(
            self._ctx,
            self._runner,
            self.window(),
            workshop_id=self._current_workshop(),
            chooser=self.chooser,
        )
        if dialog is not None:
            self.dialog = dialog
            dialog.destroyed.connect(self._forget_dialog)
        return dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    def export(self) -> None:
        """Save the trainees the page lists (its filter, its workshop) to .xlsx or .csv."""
        name = _("trainees-{date}").format(date=dt.date.today().isoformat())
        path = self.chooser.save_file(self, _("Export trainees"), name, [xlsx_type(), csv_type()])
        if path is None:
            return
        work = functools.partial(
            export_trainees,
            self._ctx,
            path,
            workshop_id=self._current_workshop(),
            text=self._current_filter(),
        )
        self._runner.run(
            work,
            on_done=lambda count: self._exported(path, count),
            progress=True,
            title=_("Exporting trainees…"),
        )

    def _exported(self, path: Path, count: int) -> None:
        self._tell(
            ngettext(
                "{n} trainee exported to {path}.", "{n} trainees exported to {path}.", count
            ).format(n=formatting.number(count), path=path)
        )

    def save_template(self) -> None:
        """Save a blank roster, its headers in the language of the window."""
        path = self.chooser.save_file(
            self, _("Save a blank roster"), _("roster-template"), [xlsx_type(), csv_type()]
        )
        if path is None:
            return
        self._runner.run(
            functools.partial(write_template, path, current_locale()),
            on_done=lambda _none: self._tell(_("Blank roster saved to {path}.").format(path=path)),
        )

    def _tell(self, text: str) -> None:
        self.finished.emit(text)
        box = QMessageBox(
            QMessageBox.Icon.Information, _("OTOP Field Desk"), text, QMessageBox.StandardButton.Ok
        )
        box.setParent(self.window(), box.windowFlags())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        # Kept referenced until closed: a box without a parent would otherwise be collected.
        self._boxes.append(box)
        box.finished.connect(lambda _result, b=box: self._forget_box(b))
        box.open()

    def _forget_box(self, box: QMessageBox) -> None:
        if box in self._boxes:
            self._boxes.remove(box)
        box.deleteLater()

    def boxes(self) -> list[QMessageBox]:
        """The messages still open (what an export or a template saved)."""
        return list(self._boxes)
