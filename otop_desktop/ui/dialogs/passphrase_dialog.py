"""Asked before the first bundle: the programme passphrase that locks and opens bundles."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.laptop import set_passphrase
from otop_desktop.ui.tasks import LAPTOP, TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors
from otop_desktop.ui.widgets.passphrase_fields import PassphraseFields


class PassphraseDialog(QDialog):
    """The passphrase typed twice; `saved` is emitted once it is kept on this laptop."""

    saved = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._saving = False
        self.setWindowTitle(_("Programme passphrase"))

        intro = QLabel(
            _(
                "Bundles are locked with the programme passphrase, which every laptop of the "
                "programme shares. Type it here once; this laptop keeps it."
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.field_errors = FieldErrors()
        self.passphrase = PassphraseFields(form, self.field_errors)
        self.general_error = self.field_errors.general

        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.passphrase.passphrase_edit.setFocus()

    def save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.show_error(None)
        self._runner.run(
            functools.partial(
                set_passphrase,
                self._ctx,
                self.passphrase.passphrase(),
                self.passphrase.confirmation(),
            ),
            on_done=self._saved,
            on_error=self._failed,
            changes=(LAPTOP,),
        )

    def _saved(self, _result: object) -> None:
        self._saving = False
        self.accept()
        self.saved.emit()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.field_errors.show_failure(exc, self._runner.show_error)

    def show_error(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field, or clear every message."""
        self.field_errors.show(exc)


def ask_passphrase(
    ctx: AppContext, runner: TaskRunner, parent: QWidget, then: Callable[[], None]
) -> PassphraseDialog:
    """Open the dialog (not blocking); `then` runs once the passphrase is kept."""
    dialog = PassphraseDialog(ctx, runner, parent)
    dialog.saved.connect(then)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
