"""Granting a trainee a certificate below the workshop's minimum attendance, with a reason."""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.certificates import CertificateCandidate, grant_exception
from otop_desktop.services.context import AppContext
from otop_desktop.ui.models.certificate_table import CERTIFICATES
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors

_FIELD_WIDTH = 420
_MAX_REASON = 300


def candidate_label(candidate: CertificateCandidate) -> str:
    """The name a coordinator knows the trainee by: both scripts when there are both."""
    if candidate.name and candidate.chinese_name:
        return f"{candidate.name} ({candidate.chinese_name})"
    return candidate.name or candidate.chinese_name or "?"


class ExceptionDialog(QDialog):
    """Asks why `candidate` may receive a certificate all the same; saves it through the runner."""

    saved = Signal(str)  # the trainee's id

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        workshop_id: str,
        candidate: CertificateCandidate,
        min_rate: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._saving = False
        self.workshop_id = workshop_id
        self.candidate = candidate
        self.setWindowTitle(_("Grant an exception"))

        self.explanation = QLabel(
            _(
                "{name} attended {rate} of the sessions; this workshop asks for {minimum}. "
                "With an exception they receive a certificate all the same. The reason is "
                "kept with the record."
            ).format(
                name=candidate_label(candidate),
                rate=formatting.percent(candidate.rate),
                minimum=formatting.percent(min_rate),
            )
        )
        self.explanation.setWordWrap(True)
        self.reason_edit = QLineEdit(candidate.exception_reason or "")
        self.reason_edit.setMaxLength(_MAX_REASON)
        self.reason_edit.setPlaceholderText(
            _("e.g. Missed two sessions after a flood; made up the work at home")
        )
        self.field_errors = FieldErrors()
        form = self.field_errors.form(
            {"reason": self.reason_edit}, {"reason": _("&Reason")}, _FIELD_WIDTH
        )
        buttons, self.save_button = accept_cancel_buttons(
            _("Grant exception"), self.save, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.field_errors.general)
        layout.addWidget(buttons)
        self.reason_edit.setFocus()
        self._fit()

    def _fit(self) -> None:
        # A wrapped label's height depends on the width: adjustSize asks for both (a layout's
        # minimum size alone cuts the explanation's first line off).
        self.adjustSize()

    def save(self) -> None:
        """Record the exception in the background; a missing reason is said under the field."""
        if self._saving:
            return
        reason = " ".join(self.reason_edit.text().split())
        if not reason:
            self.field_errors.show(
                ValidationError(_("Say why this trainee may receive a certificate."), "reason")
            )
            self._fit()
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.field_errors.show(None)
        self._runner.run(
            functools.partial(
                grant_exception, self._ctx, self.workshop_id, self.candidate.trainee_id, reason
            ),
            on_done=self._saved,
            on_error=self._failed,
            changes=(CERTIFICATES,),
        )

    def _saved(self, _result: object) -> None:
        self._saving = False
        self.saved.emit(self.candidate.trainee_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.field_errors.show_failure(exc, self._runner.show_error)
        self._fit()
