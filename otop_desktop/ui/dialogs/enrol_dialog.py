"""Enrol the selected trainees in a workshop, or withdraw them from it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import EnrollmentRole
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrol_many, withdraw_many
from otop_desktop.services.workshops import WorkshopInfo, list_workshops
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data

_FIELD_WIDTH = 380


def _title(workshop: WorkshopInfo) -> str:
    when = formatting.day(workshop.start_date)
    return f"{workshop.title} ({when})" if when else workshop.title


class EnrolDialog(QDialog):
    """A workshop, a role, and Enrol or Withdraw for the trainees chosen on the page."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        trainee_ids: Sequence[str],
        names: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._ids = list(trainee_ids)
        self._busy = False
        self.setWindowTitle(_("Enrol or withdraw"))
        count = len(self._ids)
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        who = QLabel(
            ngettext("{n} trainee: {names}", "{n} trainees: {names}", count).format(
                n=formatting.number(count), names=shown
            )
        )
        who.setWordWrap(True)
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.setMinimumWidth(_FIELD_WIDTH)
        self.workshop_combo.setPlaceholderText(_("Loading workshops…"))
        self.role_combo = QComboBox()
        for role in EnrollmentRole:
            self.role_combo.addItem(formatting.first_upper(role.label()), role.value)
        form = QFormLayout()
        form.addRow(_("Workshop"), self.workshop_combo)
        form.addRow(_("Role"), self.role_combo)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.enrol_button = QPushButton(_("Enrol"))
        self.enrol_button.setDefault(True)
        self.withdraw_button = QPushButton(_("Withdraw"))
        self.withdraw_button.setAutoDefault(False)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        buttons.addButton(self.enrol_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.withdraw_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.enrol_button.clicked.connect(self.enrol)
        self.withdraw_button.clicked.connect(self.withdraw)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self._set_busy(True)
        runner.run(list_workshops, ctx, False, on_done=self._workshops_loaded)
        self.workshop_combo.setFocus()

    def _workshops_loaded(self, workshops: list[WorkshopInfo]) -> None:
        self.workshop_combo.clear()
        for workshop in workshops:
            self.workshop_combo.addItem(_title(workshop), workshop.id)
        self.workshop_combo.setCurrentIndex(0 if workshops else -1)
        if not workshops:
            self.result_label.setText(_("There are no workshops yet: add one first."))
        self._set_busy(not workshops)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.enrol_button.setEnabled(not busy)
        self.withdraw_button.setEnabled(not busy)

    def enrol(self) -> None:
        """Enrol the trainees in the chosen workshop, in the background."""
        workshop_id = self.workshop_combo.currentData()
        if self._busy or not workshop_id:
            return
        self._set_busy(True)
        title = self.workshop_combo.currentText()
        self._runner.run(
            enrol_many,
            self._ctx,
            workshop_id,
            self._ids,
            self.role_combo.currentData(),
            on_done=lambda n: self._done(
                ngettext(
                    "{n} trainee enrolled in “{title}”.",
                    "{n} trainees enrolled in “{title}”.",
                    n,
                ).format(n=formatting.number(n), title=title)
            ),
            on_error=self._failed,
            changes=(WORKSHOPS,),
        )

    def withdraw(self) -> None:
        """Withdraw the trainees from the chosen workshop (those enrolled), in the background."""
        workshop_id = self.workshop_combo.currentData()
        if self._busy or not workshop_id:
            return
        self._set_busy(True)
        title = self.workshop_combo.currentText()
        self._runner.run(
            withdraw_many,
            self._ctx,
            workshop_id,
            self._ids,
            on_done=lambda n: self._done(
                ngettext(
                    "{n} trainee withdrawn from “{title}”.",
                    "{n} trainees withdrawn from “{title}”.",
                    n,
                ).format(n=formatting.number(n), title=title)
            ),
            on_error=self._failed,
            changes=(WORKSHOPS,),
        )

    def _done(self, message: str) -> None:
        self._set_busy(False)
        self.result_label.setText(message)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._runner.show_error(exc)
