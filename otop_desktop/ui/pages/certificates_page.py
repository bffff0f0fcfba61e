"""Certificates of a workshop: who may receive one, exceptions, printing, verifying a code.

Choose the workshop at the top; the table lists its trainees with their attendance and where
they stand. "Grant exception…" (Ctrl+E) lets someone below the minimum receive a certificate,
with a reason; "Withdraw exception" takes it back (undoable for a while with Ctrl+Z).
"Print certificates…" (Ctrl+P) writes the selected rows or everyone who may receive one, in one
language or two side by side, then previews the PDF to print. Ctrl+K goes to the Verify box,
where a typed or scanned code is checked against this laptop's register.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.certificates import (
    CertificateCandidate,
    CertificateCandidates,
    certificate_candidates,
    grant_exception,
    withdraw_exception,
)
from otop_desktop.services.context import AppContext
from otop_desktop.ui.dialogs.certificate_exception_dialog import ExceptionDialog, candidate_label
from otop_desktop.ui.language import language_names
from otop_desktop.ui.models.certificate_table import (
    CERTIFICATES,
    FILTERS,
    CandidateFilter,
    CandidateTableModel,
    is_issued,
)
from otop_desktop.ui.models.row_table import RECORD_ROLE
from otop_desktop.ui.pages.attendance_choice import Choices, load_choices, workshop_text
from otop_desktop.ui.pages.certificate_actions import (
    CertificateChooser,
    CertificateWork,
    DialogCertificateChooser,
    PrintChoiceDialog,
)
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import table_view
from otop_desktop.ui.widgets.certificate_verify import VerifyBox
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.undo_bar import UndoBar

_WORKSHOP_KEY = "certificates/workshop"
_NOTICE_STYLE = "background: #fff4ce; border: 1px solid #e0b000; color: #1f1f1f; padding: 4px;"


class CertificatesPage(QWidget):
    """A workshop's candidates for its certificate, with the batch and the Verify box."""

    key = "certificates"

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        chooser: CertificateChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.work = CertificateWork(ctx, runner, chooser or DialogCertificateChooser(), self)
        self.candidates: CertificateCandidates | None = None
        self.dialog: ExceptionDialog | None = None
        self.print_dialog: PrintChoiceDialog | None = None
        self._workshop_ids: list[str] = []
        self._generation = 0
        self._defaults_for: str | None = None  # the workshop whose defaults the combos show

        self.title = _("Certificates")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.workshop_combo.setMinimumContentsLength(12)
        self.workshop_combo.activated.connect(self._workshop_picked)
        workshop_label = QLabel(_("&Workshop:"))
        workshop_label.setBuddy(self.workshop_combo)
        self.report_button = QPushButton(_("Attendance report…"))
        self.report_button.setToolTip(_("Save the workshop's attendance as a PDF or Excel file"))
        self.report_button.clicked.connect(self.attendance_report)
        self.print_button = QPushButton(_("Print certificates…"))
        self.print_button.setToolTip(_("Write the certificates as PDF to print (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_certificates)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(workshop_label)
        top.addWidget(self.workshop_combo, 1)
        top.addWidget(self.report_button)

        printing = self._printing_row()
        filtering = self._filter_row()
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(_NOTICE_STYLE)
        self.notice_label.hide()
        self.undo_bar = UndoBar(self)

        self.model = CandidateTableModel(self)
        self.sorted = CandidateFilter(self)
        self.sorted.setSourceModel(self.model)
        self.view = table_view(self.sorted)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(0, 260)
        self.view.setColumnWidth(1, 110)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.view.doubleClicked.connect(lambda _index: self.grant_exception())
        mark_data(self.view.viewport())

        self.verify_box = VerifyBox(ctx, runner, self)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(printing)
        layout.addWidget(self.notice_label)
        layout.addLayout(filtering)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.verify_box)

        for keys, action in (
            (QKeySequence.StandardKey.Print, self.print_certificates),
            (QKeySequence("Ctrl+E"), self.grant_exception),
            (QKeySequence("Ctrl+K"), self.verify_box.focus_code),
        ):
            QShortcut(keys, self).activated.connect(action)
        runner.changed.connect(self._on_changed)
        self._update_actions()
        self.reload_workshops()

    def _printing_row(self) -> QHBoxLayout:
        """The batch's languages and paper, beside the button that prints it."""
        self.language_combo = mark_data(QComboBox())  # each language in its own words
        self.second_language_combo = mark_data(QComboBox())  # languages named as the first
        self.second_language_combo.addItem(_("None"), "")
        for code, name in language_names():
            self.language_combo.addItem(name, code)
            self.second_language_combo.addItem(name, code)
        self.language_combo.setToolTip(_("The language the certificates are written in"))
        self.second_language_combo.setToolTip(
            _("A second language prints beside the first, on the same certificate")
        )
        self.paper_combo = QComboBox()
        self.paper_combo.addItem(_("A4"), "a4")
        self.paper_combo.addItem(_("Letter"), "letter")
        for combo in (self.language_combo, self.second_language_combo, self.paper_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            # Short at the least, so the window still fits a small screen at 125 %.
            combo.setMinimumContentsLength(3)
        language_label = QLabel(_("&Language:"))
        language_label.setBuddy(self.language_combo)
        second_label = QLabel(_("beside it:"))
        second_label.setBuddy(self.second_language_combo)
        paper_label = QLabel(_("Pape&r:"))
        paper_label.setBuddy(self.paper_combo)
        row = QHBoxLayout()
        row.addWidget(language_label)
        row.addWidget(self.language_combo, 1)
        row.addWidget(second_label)
        row.addWidget(self.second_language_combo, 1)
        row.addWidget(paper_label)
        row.addWidget(self.paper_combo)
        row.addStretch(1)
        row.addWidget(self.print_button)
        return row

    def _filter_row(self) -> QHBoxLayout:
        """Whom the table shows, how many may receive a certificate, and the exceptions."""
        self.filter_combo = QComboBox()
        self.filter_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.filter_combo.setMinimumContentsLength(8)
        for key, label in FILTERS:
            self.filter_combo.addItem(_(label), key)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        filter_label = QLabel(_("&Show:"))
        filter_label.setBuddy(self.filter_combo)
        self.count_label = QLabel()
        self.count_label.setObjectName("sectionHeading")
        self.count_label.setWordWrap(True)
        self.exception_button = QPushButton(_("Grant exception…"))
        self.exception_button.setToolTip(
            _("Let the selected trainee receive a certificate below the minimum (Ctrl+E)")
        )
        self.exception_button.clicked.connect(self.grant_exception)
        self.withdraw_button = QPushButton(_("Withdraw exception"))
        self.withdraw_button.clicked.connect(self.withdraw_exception)
        row = QHBoxLayout()
        row.addWidget(filter_label)
        row.addWidget(self.filter_combo)
        row.addSpacing(12)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.exception_button)
        row.addWidget(self.withdraw_button)
        return row

    # --- loading ------------------------------------------------------------------------------

    def workshop_id(self) -> str | None:
        row = self.workshop_combo.currentIndex()
        return self._workshop_ids[row] if 0 <= row < len(self._workshop_ids) else None

    def choose_workshop(self, workshop_id: str) -> None:
        """Show the candidates of `workshop_id` (once loaded)."""
        self._load_workshops(workshop_id)

    def reload_workshops(self) -> None:
        current = self.workshop_id() or str(app_settings().value(_WORKSHOP_KEY, "") or "")
        self._load_workshops(current or None)

    def _load_workshops(self, wanted: str | None) -> None:
        self._runner.run(load_choices, self._ctx, wanted, on_done=self._workshops_loaded)

    def _workshops_loaded(self, found: Choices) -> None:
        workshops, chosen = found.workshops, found.workshop_id
        self._workshop_ids = [w.id for w in workshops]
        self.workshop_combo.clear()
        self.workshop_combo.addItems([workshop_text(w) for w in workshops])
        self.workshop_combo.setCurrentIndex(
            self._workshop_ids.index(chosen) if chosen in self._workshop_ids else -1
        )
        self.reload()

    def _workshop_picked(self, row: int) -> None:
        workshop_id = self.workshop_id()
        if workshop_id is not None:
            app_settings().setValue(_WORKSHOP_KEY, workshop_id)
        self.undo_bar.dismiss()
        self.view.clearSelection()
        self.reload()

    def _on_changed(self, what: str) -> None:
        if what in (WORKSHOPS, SYNC):
            self.reload_workshops()
        elif what in (TRAINEES, CERTIFICATES):
            self.reload()

    def reload(self) -> None:
        """Read the chosen workshop's candidates again."""
        self._generation += 1
        generation = self._generation
        workshop_id = self.workshop_id()
        if workshop_id is None:
            self._loaded(generation, None)
            return
        self._runner.run(
            certificate_candidates,
            self._ctx,
            workshop_id,
            on_done=lambda found: self._loaded(generation, found),
            on_error=lambda exc: self._load_failed(generation, exc),
        )

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loaded(generation, None)
            self._runner.show_error(exc)

    def _loaded(self, generation: int, found: CertificateCandidates | None) -> None:
        if generation != self._generation:
            return
        keep = set(self.selected_ids())
        self.candidates = found
        self.model.set_rows(found.candidates if found is not None else [])
        if found is not None and self._defaults_for != found.workshop_id:
            self._defaults_for = found.workshop_id
            self._show_defaults(found)
        self._select(keep)
        self._show_notice()
        self._update_actions()

    def _show_defaults(self, found: CertificateCandidates) -> None:
        first = found.languages[0] if found.languages else ""
        second = found.languages[1] if len(found.languages) > 1 else ""
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(first)))
        self.second_language_combo.setCurrentIndex(
            max(0, self.second_language_combo.findData(second))
        )
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(found.paper)))

    def _select(self, trainee_ids: set[str]) -> None:
        selection = self.view.selectionModel()
        for trainee_id in trainee_ids:
            row = self.model.row_of(trainee_id)
            index = self.sorted.mapFromSource(self.model.index(row, 0)) if row >= 0 else None
            if index is not None and index.isValid():
                selection.select(
                    index,
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    def _show_notice(self) -> None:
        found = self.candidates
        if self.workshop_id() is None:
            text = _("No workshops yet. Add one on the Workshops page.")
        elif found is None:
            text = ""
        elif getattr(found, "notice", None):
            text = str(found.notice)
        elif not found.candidates:
            text = _("Nobody is enrolled in this workshop yet.")
        else:
            text = ""
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    # --- counts, selection, actions -----------------------------------------------------------

    def _filter_changed(self) -> None:
        self.sorted.set_mode(str(self.filter_combo.currentData()))
        self._update_actions()

    def selected(self) -> list[CertificateCandidate]:
        """The candidates of the selected rows, in the order shown."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        found = [self.sorted.index(row, 0).data(RECORD_ROLE) for row in rows]
        return [c for c in found if isinstance(c, CertificateCandidate)]

    def selected_ids(self) -> list[str]:
        return [c.trainee_id for c in self.selected()]

    def languages(self) -> tuple[str, ...]:
        """The batch's languages: the first, and the second unless "None" or the same."""
        first = str(self.language_combo.currentData() or "en")
        second = str(self.second_language_combo.currentData() or "")
        return (first, second) if second and second != first else (first,)

    def paper(self) -> str:
        return str(self.paper_combo.currentData() or "a4")

    def _update_actions(self, *_args: object) -> None:
        found = self.candidates
        everyone = len(found.candidates) if found is not None else 0
        may = sum(1 for c in found.candidates if c.may_print) if found is not None else 0
        self.count_label.setText(
            ngettext(
                "{may} of {total} may receive a certificate",
                "{may} of {total} may receive a certificate",
                everyone,
            ).format(may=formatting.number(may), total=formatting.number(everyone))
            if found is not None
            else ""
        )
        chosen = self.selected()
        one = chosen[0] if len(chosen) == 1 else None
        self.exception_button.setEnabled(
            one is not None and not one.eligible and not is_issued(one)
        )
        self.withdraw_button.setEnabled(
            one is not None and bool(one.exception_reason) and not is_issued(one)
        )
        self.print_button.setEnabled(may > 0)
        self.report_button.setEnabled(found is not None and found.sessions_held > 0)

    # --- exceptions ---------------------------------------------------------------------------

    def grant_exception(self) -> ExceptionDialog | None:
        """Ask for the reason and grant the selected trainee an exception."""
        chosen = self.selected()
        found = self.candidates
        if len(chosen) != 1 or found is None or chosen[0].eligible or is_issued(chosen[0]):
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = ExceptionDialog(
            self._ctx, self._runner, found.workshop_id, chosen[0], found.min_rate, self
        )
        self.dialog.open()
        return self.dialog

    def withdraw_exception(self) -> None:
        """Take back the selected trainee's exception; Undo grants it again with its reason."""
        chosen = self.selected()
        found = self.candidates
        if len(chosen) != 1 or found is None or not chosen[0].exception_reason:
            return
        candidate = chosen[0]
        reason = candidate.exception_reason or ""
        workshop_id = found.workshop_id

        def undo() -> None:
            self._runner.run(
                functools.partial(
                    grant_exception, self._ctx, workshop_id, candidate.trainee_id, reason
                ),
                changes=(CERTIFICATES,),
            )

        def done(_result: object) -> None:
            self.undo_bar.offer(
                _("Exception of {name} withdrawn.").format(name=candidate_label(candidate)), undo
            )

        self._runner.run(
            functools.partial(withdraw_exception, self._ctx, workshop_id, candidate.trainee_id),
            on_done=done,
            changes=(CERTIFICATES,),
        )

    # --- printing and the report --------------------------------------------------------------

    def print_certificates(self) -> PrintChoiceDialog | None:
        """Ask whose certificates and how to save them, then write and preview them."""
        found = self.candidates
        if found is None:
            return None
        everyone = sum(1 for c in found.candidates if c.may_print)
        selected = [c.trainee_id for c in self.selected() if c.may_print]
        if everyone == 0:
            return None
        if self.print_dialog is not None:
            self.print_dialog.deleteLater()
        dialog = PrintChoiceDialog(everyone, len(selected), self)
        self.print_dialog = dialog

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.print_batch(dialog.one_file, selected if dialog.only_selected else None)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def print_batch(self, one_file: bool, trainee_ids: list[str] | None = None) -> int | None:
        """Write the certificates of `trainee_ids` (None: everyone who may) and preview them."""
        found = self.candidates
        if found is None:
            return None
        return self.work.write_batch(
            found.workshop_id,
            found.title,
            trainee_ids,
            languages=self.languages(),
            paper=self.paper(),
            one_file=one_file,
        )

    def attendance_report(self) -> int | None:
        """Save the workshop's attendance report (PDF or Excel)."""
        found = self.candidates
        if found is None:
            return None
        return self.work.write_report(found.workshop_id, found.title, self.paper())
