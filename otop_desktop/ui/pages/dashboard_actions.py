"""The dashboard's long work: the impact report PDF (previewed) and the outcome data export.

Each asks where to write, runs the service through the task runner with progress (and
cancel), then shows the PDF in the preview, or says where the data went.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.dashboard import DashboardFilter
from otop_desktop.services.impact_report import write_impact_report
from otop_desktop.services.outcomes_export import export_outcomes
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser, FileType
from otop_desktop.ui.pages.certificate_actions import pdf_type, safe_file_name, xlsx_type
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.saved_file_notice import SavedFileNotices

if TYPE_CHECKING:
    from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

FOLDER_KEY = "dashboard/folder"


def csv_type() -> FileType:
    return FileType(_("CSV files"), (".csv",))


class DashboardWork(QObject):
    """Writes the impact report and the outcome export for the dashboard's filter."""

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, parent: QWidget, chooser: FileChooser | None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._parent = parent
        self.chooser: FileChooser = chooser or DialogFileChooser(FOLDER_KEY)
        self.preview: PdfPreviewDialog | None = None
        self._notices = SavedFileNotices(parent)
        # Opens a folder in the system's file manager (tests swap it out).
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl

    def impact_report(self, flt: DashboardFilter, locale: str, scope: str) -> int | None:
        """Ask for the PDF, write the impact report of `flt` in `locale`, then preview it."""
        name = safe_file_name(_("Impact report - {scope}").format(scope=scope)) + ".pdf"
        out = self.chooser.save_file(self._parent, _("Save the impact report"), name, [pdf_type()])
        if out is None:
            return None
        work = functools.partial(write_impact_report, self._ctx, out, flt, locale=locale)
        return self._runner.run(
            work,
            on_done=self._written,
            progress=True,
            title=_("Writing the impact report…"),
        )

    def _written(self, path: Path) -> None:
        self.show_preview(path)

    def show_preview(self, path: Path) -> PdfPreviewDialog:
        """The preview of `path` (replacing the one open before), not blocking."""
        if self.preview is not None:
            self.preview.close()
            self.preview.deleteLater()
        # QtPdf and QtPrintSupport are loaded when a preview opens, not at start.
        from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

        self.preview = PdfPreviewDialog(path, self._parent.window())
        self.preview.open_url = self.open_url
        self.preview.open()
        return self.preview

    def export_data(self, flt: DashboardFilter, scope: str) -> int | None:
        """Ask for the file (Excel or CSV), then write one row per trainee per follow-up."""
        name = safe_file_name(_("Outcomes - {scope}").format(scope=scope))
        out = self.chooser.save_file(
            self._parent, _("Export the outcome data"), name, [xlsx_type(), csv_type()]
        )
        if out is None:
            return None
        work = functools.partial(
            export_outcomes, self._ctx, out, workshop_id=flt.workshop_id, country=flt.country
        )
        return self._runner.run(
            work,
            on_done=self._exported,
            progress=True,
            title=_("Exporting the outcome data…"),
        )

    def _exported(self, path: Path) -> None:
        self._notices.show(
            _("Outcome data"),
            _("The outcome data was saved to {path}.").format(path=path),
            path,
            # Looked up when clicked, not now: tests swap `open_url` while the box is open.
            lambda url: self.open_url(url),  # noqa: PLW0108
        )

    @property
    def box(self) -> QMessageBox | None:
        """The latest "saved to" message while it is open."""
        boxes = self._notices.boxes()
        return boxes[-1] if boxes else None
