"""Receive: import the bundles other laptops sent (chosen or dropped), and what each one did."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.sync_bundles import ImportReport, NoPassphraseError, import_bundles
from otop_desktop.services.sync_review import describe_import, save_import_reports
from otop_desktop.sync.crypto import BundleCancelled
from otop_desktop.ui.dialogs.passphrase_dialog import ask_passphrase
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.drop_area import BundleDropArea
from otop_desktop.ui.widgets.field_errors import ERROR_STYLE

_FOLDER_KEY = "sync/import_folder"
# Progress of several bundles on one bar: each bundle gets this many steps.
_STEPS = 1000


@dataclass
class ImportOutcome:
    """One file of an import: what it did, or why it was refused."""

    path: Path
    report: ImportReport | None = None
    error: OtopError | None = None


def import_each(
    ctx: AppContext,
    paths: list[Path],
    report: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> list[ImportOutcome]:
    """Import the files one by one, so a damaged one does not keep the others out.

    A missing passphrase stops everything (it is the same for every file) and is raised.
    """
    outcomes: list[ImportOutcome] = []
    count = len(paths)
    for number, path in enumerate(paths):
        if cancelled():
            break

        def progress(done: int, total: int, number: int = number) -> None:
            share = done * _STEPS // total if total > 0 else 0
            report(number * _STEPS + share, count * _STEPS)

        try:
            [done] = import_bundles(ctx, [path], progress=progress, cancelled=cancelled)
        except NoPassphraseError:
            raise
        except BundleCancelled:
            break
        except OtopError as exc:
            outcomes.append(ImportOutcome(path, error=exc))
            continue
        outcomes.append(ImportOutcome(path, report=done))
        if done.cancelled:
            break
    return outcomes


class ReceivePanel(QWidget):
    """ "Import bundles…", the drop area, and the report of every import since the page opened."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.reports: list[ImportReport] = []
        self.importing = False

        intro = QLabel(
            _(
                "Import the bundles the other laptops sent. Any order is fine, and importing "
                "a bundle twice changes nothing."
            )
        )
        intro.setWordWrap(True)
        self.import_button = QPushButton(_("Import bundles…"))
        self.import_button.clicked.connect(self.choose_files)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.import_button)

        self.drop_area = BundleDropArea(
            _("Or drop .otop bundle files here (several at once if you like).")
        )
        self.drop_area.dropped.connect(self.import_files)

        report_label = QLabel(_("What the imports did"))
        report_label.setObjectName("sectionHeading")
        self.report_view = QPlainTextEdit()
        self.report_view.setReadOnly(True)
        self.report_view.setPlaceholderText(_("Nothing imported yet."))
        report_label.setBuddy(self.report_view)
        self.save_button = QPushButton(_("Save report…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_report)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.drop_area)
        layout.addSpacing(6)
        layout.addWidget(report_label)
        layout.addWidget(self.report_view, 1)
        layout.addLayout(bottom)

    # --- importing ----------------------------------------------------------------------------

    def choose_files(self) -> None:
        settings = app_settings()
        folder = str(settings.value(_FOLDER_KEY, "") or Path.home())
        chosen, _filter = QFileDialog.getOpenFileNames(
            self, _("Import bundles"), folder, _("Sync bundles (*.otop)")
        )
        if chosen:
            settings.setValue(_FOLDER_KEY, str(Path(chosen[0]).parent))
            self.import_files([Path(c) for c in chosen])

    def import_files(self, paths: list[Path]) -> None:
        """Import `paths` in the background, with progress and Cancel."""
        if self.importing or not paths:
            return
        self._set_importing(True)
        ctx = self._ctx

        def work(
            report: Callable[[int, int], None], cancelled: Callable[[], bool]
        ) -> list[ImportOutcome]:
            return import_each(ctx, paths, report, cancelled)

        self._runner.run(
            work,
            on_done=self._imported,
            on_error=lambda exc: self._failed(paths, exc),
            progress=True,
            title=_("Importing bundles…"),
            changes=(SYNC, WORKSHOPS, TRAINEES),
        )

    def _set_importing(self, importing: bool) -> None:
        self.importing = importing
        self.import_button.setEnabled(not importing)
        self.drop_area.setEnabled(not importing)

    def _imported(self, outcomes: list[ImportOutcome]) -> None:
        self._set_importing(False)
        first_error: OtopError | None = None
        for outcome in outcomes:
            if outcome.report is not None:
                self.reports.append(outcome.report)
                self._append(describe_import(outcome.report))
            elif outcome.error is not None:
                first_error = first_error or outcome.error
                self._append_error(outcome.path, outcome.error)
        self.save_button.setEnabled(bool(self.reports))
        if first_error is not None:
            self._runner.show_error(first_error)

    def _failed(self, paths: list[Path], exc: BaseException) -> None:
        self._set_importing(False)
        if isinstance(exc, NoPassphraseError):
            ask_passphrase(self._ctx, self._runner, self, lambda: self.import_files(paths))
            return
        if isinstance(exc, OtopError):
            self._append_error(None, exc)
        self._runner.show_error(exc)

    def _append(self, text: str) -> None:
        if self.report_view.document().characterCount() > 1:
            self.report_view.appendPlainText("")
        self.report_view.appendPlainText(text)

    def _append_error(self, path: Path | None, exc: BaseException) -> None:
        text = str(exc) if path is None else _("{file}: {error}").format(file=path, error=exc)
        if self.report_view.document().characterCount() > 1:
            self.report_view.appendPlainText("")
        self.report_view.appendHtml(f'<span style="{ERROR_STYLE}">{html.escape(text)}</span>')

    def report_text(self) -> str:
        return self.report_view.toPlainText()

    # --- saving the report --------------------------------------------------------------------

    def save_report(self) -> None:
        if not self.reports:
            return
        settings = app_settings()
        folder = Path(str(settings.value(_FOLDER_KEY, "") or Path.home()))
        name = _("otop-import-report-{date}.txt").format(date=dt.date.today().isoformat())
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save report"), str(folder / name), _("Text files (*.txt)")
        )
        if not chosen:
            return
        path = Path(chosen)
        self._runner.run(
            save_import_reports,
            list(self.reports),
            path,
            on_done=lambda _result: self.saved_label.setText(
                _("Report saved to {path}.").format(path=path)
            ),
        )
