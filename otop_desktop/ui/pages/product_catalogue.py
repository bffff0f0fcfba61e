"""The products page's catalogue: choose products and language, then where, write, preview."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.ui.dialogs.catalogue_dialog import CatalogueDialog
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser, FileType
from otop_desktop.ui.tasks import TaskRunner


class CatalogueWork(QObject):
    """The catalogue dialog, the file chooser, the PDF written in the background, its preview."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._parent = parent
        self.dialog: CatalogueDialog | None = None
        self.preview: QWidget | None = None
        self.chooser: FileChooser = DialogFileChooser("products/catalogue_folder")

    def make(
        self, workshop: tuple[str, str] | None, selected: list[str], shown: list[str]
    ) -> CatalogueDialog:
        """Open the choice of products and language (not blocking); then ask where, and write."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = CatalogueDialog(
            workshop=workshop, selected=selected, shown=shown, parent=self._parent
        )
        dialog.accepted.connect(lambda: self._save(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, dialog: CatalogueDialog) -> None:
        out = self.chooser.save_file(
            self._parent,
            _("Save the catalogue"),
            dialog.file_name(),
            [FileType(_("PDF files"), (".pdf",))],
        )
        if out is None:
            return
        # reportlab (services/catalogue.py) is imported when a catalogue is written, not at start.
        from otop_desktop.services.catalogue import write_catalogue

        work = functools.partial(
            write_catalogue,
            self._ctx,
            out,
            workshop_id=dialog.workshop_id,
            product_ids=dialog.product_ids,
            locale=dialog.language,
        )
        self._runner.run(
            work,
            on_done=self._written,
            progress=True,
            title=_("Writing the catalogue…"),
        )

    def _written(self, path: Path) -> None:
        from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

        if self.preview is not None:
            self.preview.deleteLater()
        preview = PdfPreviewDialog(path, self._parent, note=_("Saved as {path}").format(path=path))
        self.preview = preview
        preview.open()
