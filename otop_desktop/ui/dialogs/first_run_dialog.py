"""The first start of the app on a laptop: its name, the language, the programme passphrase
(optional) and the demo programme (optional). Shown until it is finished once; everything in it
can be changed later in File › Settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, current_locale, set_locale
from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import DemoSummary
from otop_desktop.services.laptop import (
    ThisLaptop,
    finish_first_run,
    should_offer_demo,
    this_laptop,
)
from otop_desktop.ui.dialogs.organisation_dialog import ORGANISATIONS
from otop_desktop.ui.language import language_names, save_language
from otop_desktop.ui.tasks import LAPTOP, SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors
from otop_desktop.ui.widgets.passphrase_fields import PassphraseFields


def _state(ctx: AppContext) -> tuple[ThisLaptop, bool]:
    """This laptop as it is, and whether the demo can still be offered."""
    return this_laptop(ctx), should_offer_demo(ctx)


class FirstRunDialog(QDialog):
    """Name, language, passphrase and demo; `finish()` keeps them through the runner.

    Choosing a language applies it at once: `language_chosen` lets the app redo its window in
    it, and the dialog redoes its own texts (keeping what was typed).
    """

    language_chosen = Signal(str)
    set_up = Signal(object)  # the DemoSummary, or None when no demo was added

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        apply_language: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._saving = False
        # How a chosen language is applied: the app's switch (window and Qt's strings) when
        # started by launch(), else only our catalogs.
        self._apply_language = apply_language or set_locale
        self.laptop: ThisLaptop | None = None
        self.demo_offered = True
        self.body: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._build()
        self.setMinimumWidth(560)
        runner.run(_state, ctx, on_done=self._loaded)

    # --- the form, built again in each language -----------------------------------------------

    def _build(self) -> None:
        kept = self._values() if self.body is not None else None
        if self.body is not None:
            self.body.hide()
            self.body.deleteLater()
        self.setWindowTitle(_("Welcome to OTOP Field Desk"))
        body = QWidget(self)
        self.body = body
        intro = QLabel(
            _(
                "A few choices before you start. You can change each of them later in "
                "File › Settings."
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.field_errors = FieldErrors()
        self.language_combo = mark_data(QComboBox())  # each language in its own words
        for code, name in language_names():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current_locale())))
        self.field_errors.add_row(form, "language", _("Language"), self.language_combo)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText(_("e.g. Coordinator laptop, Copán"))
        self.field_errors.add_row(form, "device_name", _("Laptop name"), self.name_edit)
        name_hint = QLabel(_("Other laptops see this name on what this laptop sends."))
        name_hint.setWordWrap(True)
        form.addRow("", name_hint)
        self.passphrase_hint = QLabel(
            _(
                "The programme passphrase locks the sync bundles; every laptop of the programme "
                "shares it. Leave it empty if you do not know it yet: it is asked for before the "
                "first sync."
            )
        )
        self.passphrase_hint.setWordWrap(True)
        form.addRow("", self.passphrase_hint)
        self.passphrase = PassphraseFields(form, self.field_errors)
        self.demo_check = QCheckBox(_("Add a demo programme to try the app"))
        self.demo_check.setToolTip(
            _(
                "Three workshops with trainees, sessions and attendance, in Honduras, "
                "Guatemala and Taiwan."
            )
        )
        self.demo_check.setChecked(True)
        form.addRow("", self.demo_check)
        buttons, self.save_button = accept_cancel_buttons(_("Start"), self.finish, self.reject)

        layout = QVBoxLayout(body)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.field_errors.general)
        layout.addWidget(buttons)
        self._layout.addWidget(body)
        if kept is not None:
            self._restore(kept)
        elif self.laptop is not None:
            self._show_state()
        self._show_state_flags()
        self.language_combo.currentIndexChanged.connect(self._language_picked)

    def _values(self) -> tuple[str, str, str, bool]:
        return (
            self.name_edit.text(),
            self.passphrase.passphrase(),
            self.passphrase.confirmation(),
            self.demo_check.isChecked(),
        )

    def _restore(self, kept: tuple[str, str, str, bool]) -> None:
        name, passphrase, confirmation, demo = kept
        self.name_edit.setText(name)
        self.passphrase.passphrase_edit.setText(passphrase)
        self.passphrase.confirmation_edit.setText(confirmation)
        self.demo_check.setChecked(demo)

    def _language_picked(self, _row: int) -> None:
        locale = str(self.language_combo.currentData())
        self._apply_language(locale)
        self.language_chosen.emit(locale)
        self._build()
        self.language_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- loading ------------------------------------------------------------------------------

    def _loaded(self, state: tuple[ThisLaptop, bool]) -> None:
        self.laptop, self.demo_offered = state
        self._show_state()
        self._show_state_flags()

    def _show_state(self) -> None:
        if self.laptop is not None and not self.name_edit.text():
            self.name_edit.setText(self.laptop.device_name)
            self.name_edit.selectAll()
        self.name_edit.setFocus()

    def _show_state_flags(self) -> None:
        # A database that once had workshops (or said no to the demo) is not offered it again.
        self.demo_check.setVisible(self.demo_offered)
        if not self.demo_offered:
            self.demo_check.setChecked(False)
        if self.laptop is not None and self.laptop.has_passphrase:
            self.passphrase_hint.setText(
                _("A passphrase is kept on this laptop. Type a new one only to change it.")
            )

    # --- finishing ----------------------------------------------------------------------------

    def finish(self) -> None:
        """Keep the choices in the background (the demo with a progress window); then close."""
        if self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.field_errors.show(None)
        passphrase = None if self.passphrase.is_empty() else self.passphrase.passphrase()
        demo = self.demo_check.isChecked()
        self._runner.run(
            functools.partial(
                finish_first_run,
                self._ctx,
                self.name_edit.text(),
                passphrase,
                self.passphrase.confirmation(),
                demo=demo,
            ),
            on_done=self._finished,
            on_error=self._failed,
            progress=demo,
            title=_("Preparing a demo programme…"),
            cancellable=False,
            changes=(LAPTOP, SYNC, WORKSHOPS, TRAINEES, ORGANISATIONS),
        )

    def _finished(self, summary: DemoSummary | None) -> None:
        self._saving = False
        save_language(current_locale())
        self.accept()
        self.set_up.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.field_errors.show_failure(exc, self._runner.show_error)

    def show_error(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field, or clear every message."""
        self.field_errors.show(exc)
