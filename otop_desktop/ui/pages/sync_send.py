"""Send: write a bundle of this laptop's changes for the others (USB stick or e-mail)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.laptop import ThisLaptop, this_laptop
from otop_desktop.services.sync_bundles import ExportReport, NoPassphraseError, export_bundle
from otop_desktop.services.sync_review import BundleHistoryItem, bundle_history
from otop_desktop.sync.crypto import BundleCancelled
from otop_desktop.ui.dialogs.passphrase_dialog import ask_passphrase
from otop_desktop.ui.pages.sync_history import summary
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import SYNC, TaskRunner
from otop_desktop.ui.widgets.drop_area import BUNDLE_SUFFIX

_FOLDER_KEY = "sync/export_folder"


def default_bundle_name(laptop_name: str, day: dt.date) -> str:
    """`otop-<laptop>-<YYYY-MM-DD>.otop`, with only characters every file system takes."""
    # \w keeps letters of any script: a laptop named in Chinese keeps its name.
    clean = re.sub(r"[^\w-]+", "-", laptop_name).strip("-_") or "laptop"
    return f"otop-{clean}-{day.isoformat()}{BUNDLE_SUFFIX}"


def export_result_text(report: ExportReport) -> str:
    """What the page says once the bundle is written."""
    counts = ", ".join(
        [
            ngettext("{n} change", "{n} changes", report.changes).format(n=report.changes),
            ngettext("{n} photo", "{n} photos", report.photos).format(n=report.photos),
        ]
    )
    return _("Bundle written: {file} ({counts}). Copy it to the other laptops.").format(
        file=report.path, counts=counts
    )


def last_export_text(history: list[BundleHistoryItem]) -> str:
    """When this laptop last wrote a bundle, and what it carried."""
    last = next((item for item in history if item.direction == "export"), None)
    if last is None:
        return _("No bundle has been written on this laptop yet.")
    return _("Last bundle written here: {when}, {file} ({summary}).").format(
        when=formatting.moment_iso(last.at),
        file=Path(last.file_name or "").name,
        summary=summary(last),
    )


def _export_work(
    ctx: AppContext, path: Path, full: bool, photos: bool
) -> Callable[..., ExportReport]:
    def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> ExportReport:
        return export_bundle(
            ctx, path, full=full, photos=photos, progress=report, cancelled=cancelled
        )

    return work


class SendPanel(QWidget):
    """Options, "Export bundle…", and what the last export wrote."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.last_report: ExportReport | None = None

        intro = QLabel(
            _(
                "A bundle carries what was recorded on this laptop to the other laptops of the "
                "programme. Copy it to a USB stick or send it by e-mail; the other laptop "
                "imports it under “Receive”."
            )
        )
        intro.setWordWrap(True)
        self.full_check = QCheckBox(_("Everything (for a new laptop)"))
        self.full_check.setToolTip(
            _("Every record, not only what the other laptops may not have yet. Larger.")
        )
        self.no_photos_check = QCheckBox(_("Without photos (small, for e-mail)"))
        self.no_photos_check.setToolTip(
            _("Photos follow in a later bundle, once the other laptop asks for them.")
        )
        self.export_button = QPushButton(_("Export bundle…"))
        self.export_button.clicked.connect(self.export)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_button = QPushButton(_("Open the folder"))
        self.folder_button.clicked.connect(self.open_folder)
        self.folder_button.hide()
        self.last_label = QLabel()
        self.last_label.setWordWrap(True)
        self.last_label.setObjectName("hint")

        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        result = QHBoxLayout()
        result.addWidget(self.result_label, 1)
        result.addWidget(self.folder_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.full_check)
        layout.addWidget(self.no_photos_check)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        layout.addSpacing(6)
        layout.addLayout(result)
        layout.addSpacing(6)
        layout.addWidget(self.last_label)
        layout.addStretch(1)
        runner.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        self._runner.run(
            bundle_history,
            self._ctx,
            on_done=self._history_loaded,
        )

    def _history_loaded(self, history: list[BundleHistoryItem]) -> None:
        self.last_label.setText(last_export_text(history))
        # Right after an export the result above says the same, with the whole path.
        self.last_label.setVisible(not self.result_label.text())

    def _on_changed(self, what: str) -> None:
        if what == SYNC:
            self.reload()

    # --- exporting ----------------------------------------------------------------------------

    def export(self) -> None:
        """Check for a passphrase, ask where to write, then write the bundle in the background."""
        self.export_button.setEnabled(False)
        self._runner.run(this_laptop, self._ctx, on_done=self._laptop_read, on_error=self._failed)

    def _laptop_read(self, laptop: ThisLaptop) -> None:
        if not laptop.has_passphrase:
            self.export_button.setEnabled(True)
            ask_passphrase(self._ctx, self._runner, self, self.export)
            return
        path = self._choose_file(laptop.device_name)
        if path is None:
            self.export_button.setEnabled(True)
            return
        self._runner.run(
            _export_work(
                self._ctx,
                path,
                self.full_check.isChecked(),
                not self.no_photos_check.isChecked(),
            ),
            on_done=self._exported,
            on_error=self._failed,
            progress=True,
            title=_("Writing the bundle…"),
            changes=(SYNC,),
        )

    def _choose_file(self, laptop_name: str) -> Path | None:
        settings = app_settings()
        folder = Path(str(settings.value(_FOLDER_KEY, "") or Path.home()))
        suggested = folder / default_bundle_name(laptop_name, dt.date.today())
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export bundle"),
            str(suggested),
            _("Sync bundles (*.otop)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != BUNDLE_SUFFIX:
            path = path.with_name(path.name + BUNDLE_SUFFIX)
        settings.setValue(_FOLDER_KEY, str(path.parent))
        return path

    def _exported(self, report: ExportReport) -> None:
        self.last_report = report
        self.export_button.setEnabled(True)
        self.result_label.setText(export_result_text(report))
        self.folder_button.show()

    def _failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, BundleCancelled):
            self.result_label.setText(_("Export cancelled; no bundle was written."))
            self.folder_button.hide()
        elif isinstance(exc, NoPassphraseError):
            ask_passphrase(self._ctx, self._runner, self, self.export)
        else:
            self._runner.show_error(exc)

    def open_folder(self) -> None:
        if self.last_report is not None:
            folder = Path(self.last_report.path).parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
