"""The certificates page's long work: a batch of certificates and the attendance report.

Each asks where to write, runs the service through the task runner with progress (and
cancel), then shows the PDF in the preview, from where it is printed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.attendance_report import write_attendance_report
from otop_desktop.services.certificates import BatchResult, write_certificate_batch
from otop_desktop.services.context import AppContext
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser, FileType
from otop_desktop.ui.models.certificate_table import CERTIFICATES
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.saved_file_notice import SavedFileNotices

if TYPE_CHECKING:
    from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

FOLDER_KEY = "certificates/folder"
# Characters Windows refuses in a file name.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


class CertificateChooser(FileChooser, Protocol):
    """A file chooser that also asks for a folder (one PDF per trainee goes there)."""

    def choose_folder(self, parent: QWidget, title: str) -> Path | None:
        """A folder to write into, or None when the user cancels."""
        ...


class DialogCertificateChooser(DialogFileChooser):
    """Qt's file and folder dialogs, starting in the folder used last for certificates."""

    def __init__(self) -> None:
        super().__init__(FOLDER_KEY)

    def choose_folder(self, parent: QWidget, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(parent, title, str(self._folder()))
        if not chosen:
            return None
        # Remembered as the folder itself: the next choice starts inside it.
        app_settings().setValue(FOLDER_KEY, chosen)
        return Path(chosen)


def pdf_type() -> FileType:
    return FileType(_("PDF documents"), (".pdf",))


def xlsx_type() -> FileType:
    return FileType(_("Excel workbooks"), (".xlsx",))


def safe_file_name(text: str) -> str:
    """`text` as a file name Windows accepts (no \\ / : * ? " < > |, no trailing dot)."""
    cleaned = _UNSAFE.sub("-", text).strip(" .")
    return cleaned[:120] or "document"


class PrintChoiceDialog(QDialog):
    """Whom to print (everyone who may, or the rows selected) and how: one PDF, or one each."""

    def __init__(self, everyone: int, selected: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Print certificates"))
        self.all_radio = QRadioButton(
            ngettext(
                "&Everyone who may receive a certificate ({n})",
                "&Everyone who may receive a certificate ({n})",
                everyone,
            ).format(n=formatting.number(everyone))
        )
        self.selected_radio = QRadioButton(
            ngettext(
                "Only the &selected trainee who may receive one ({n})",
                "Only the &selected trainees who may receive one ({n})",
                selected,
            ).format(n=formatting.number(selected))
        )
        self.selected_radio.setEnabled(selected > 0)
        (self.selected_radio if selected > 0 else self.all_radio).setChecked(True)
        self.all_radio.setEnabled(everyone > 0)
        who = QButtonGroup(self)
        who.addButton(self.all_radio)
        who.addButton(self.selected_radio)

        self.one_file_radio = QRadioButton(_("&One PDF with every certificate, for printing"))
        self.one_file_radio.setChecked(True)
        self.per_trainee_radio = QRadioButton(_("A &PDF per trainee, in a folder"))
        how = QButtonGroup(self)
        how.addButton(self.one_file_radio)
        how.addButton(self.per_trainee_radio)

        who_label = QLabel(_("Whose certificates:"))
        who_label.setObjectName("sectionHeading")
        how_label = QLabel(_("Save as:"))
        how_label.setObjectName("sectionHeading")
        buttons, self.continue_button = accept_cancel_buttons(
            _("Continue…"), self.accept, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(who_label)
        layout.addWidget(self.all_radio)
        layout.addWidget(self.selected_radio)
        layout.addSpacing(8)
        layout.addWidget(how_label)
        layout.addWidget(self.one_file_radio)
        layout.addWidget(self.per_trainee_radio)
        layout.addWidget(buttons)

    @property
    def only_selected(self) -> bool:
        return self.selected_radio.isChecked()

    @property
    def one_file(self) -> bool:
        return self.one_file_radio.isChecked()


class CertificateWork(QObject):
    """Writes certificate batches and attendance reports, then previews what was written."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        chooser: CertificateChooser,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._parent = parent
        self.chooser = chooser
        self.preview: PdfPreviewDialog | None = None
        self._notices = SavedFileNotices(parent)
        # Opens a folder in the system's file manager (tests swap it out).
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl

    # --- certificates -------------------------------------------------------------------------

    def write_batch(
        self,
        workshop_id: str,
        title: str,
        trainee_ids: Sequence[str] | None,
        *,
        languages: tuple[str, ...],
        paper: str,
        one_file: bool,
    ) -> int | None:
        """Ask for the PDF (or the folder), write the certificates, then preview them.

        `trainee_ids` None prints everyone who may receive a certificate. Returns the task id,
        or None when the user cancelled the file dialog.
        """
        if one_file:
            name = safe_file_name(_("Certificates - {title}").format(title=title)) + ".pdf"
            out = self.chooser.save_file(
                self._parent, _("Save the certificates"), name, [pdf_type()]
            )
        else:
            out = self.chooser.choose_folder(
                self._parent, _("Choose the folder for the certificates")
            )
        if out is None:
            return None
        work = functools.partial(
            write_certificate_batch,
            self._ctx,
            workshop_id,
            out,
            trainee_ids=list(trainee_ids) if trainee_ids is not None else None,
            languages=languages,
            paper=paper,
            one_file_per_trainee=not one_file,
        )
        return self._runner.run(
            work,
            on_done=functools.partial(self._batch_written, out, one_file),
            progress=True,
            title=_("Writing the certificates…"),
            changes=(CERTIFICATES,),
        )

    def _batch_written(self, out: Path, one_file: bool, result: BatchResult) -> None:
        if not result.paths:
            return
        if one_file:
            note = ngettext(
                "{n} certificate saved to {path}.",
                "{n} certificates saved to {path}.",
                result.count,
            ).format(n=formatting.number(result.count), path=result.paths[0])
        else:
            note = ngettext(
                "{n} certificate saved in {folder}, one file each. The first is shown here.",
                "{n} certificates saved in {folder}, one file each. The first is shown here.",
                result.count,
            ).format(n=formatting.number(result.count), folder=out)
        self.show_preview(result.paths[0], note)

    def show_preview(self, path: Path, note: str = "") -> PdfPreviewDialog:
        """The preview of `path` (replacing the one open before), not blocking."""
        if self.preview is not None:
            self.preview.close()
            self.preview.deleteLater()
        # QtPdf and QtPrintSupport are loaded when a preview opens, not at start.
        from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

        self.preview = PdfPreviewDialog(path, self._parent.window(), note=note)
        self.preview.open_url = self.open_url
        self.preview.open()
        return self.preview

    # --- the attendance report ----------------------------------------------------------------

    def write_report(self, workshop_id: str, title: str, paper: str | None) -> int | None:
        """Ask where (PDF or Excel), write the attendance report, then preview or say where."""
        name = safe_file_name(_("Attendance - {title}").format(title=title))
        out = self.chooser.save_file(
            self._parent, _("Save the attendance report"), name, [pdf_type(), xlsx_type()]
        )
        if out is None:
            return None
        work = functools.partial(write_attendance_report, self._ctx, workshop_id, out, paper=paper)
        return self._runner.run(
            work,
            on_done=self._report_written,
            progress=True,
            title=_("Writing the attendance report…"),
        )

    def _report_written(self, path: Path) -> None:
        if path.suffix.lower() == ".pdf":
            self.show_preview(path)
            return
        self._notices.show(
            _("Attendance report"),
            _("The attendance report was saved to {path}.").format(path=path),
            path,
            # Looked up when clicked, not now: tests swap `open_url` while the box is open.
            lambda url: self.open_url(url),  # noqa: PLW0108
        )

    def boxes(self) -> list[QMessageBox]:
        """Messages still open (a report saved as a workbook)."""
        return self._notices.boxes()
