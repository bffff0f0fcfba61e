"""File › Settings: the language, this laptop's name, the programme passphrase, its key
fingerprint, and (second tab) the coordinator hub the app opens."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, current_locale
from otop_desktop.services.context import AppContext
from otop_desktop.services.hub_connection import connect_hub, disconnect_hub
from otop_desktop.services.hub_settings import HubSettings
from otop_desktop.services.laptop import ThisLaptop, rename_laptop, set_passphrase, this_laptop
from otop_desktop.ui.dialogs.hub_settings_tab import HubSettingsTab
from otop_desktop.ui.language import language_names, save_language
from otop_desktop.ui.tasks import LAPTOP, SYNC, TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors
from otop_desktop.ui.widgets.passphrase_fields import PassphraseFields


def save_settings(
    ctx: AppContext,
    name: str | None,
    passphrase: str | None,
    confirmation: str,
    hub: HubSettings | None = None,
    hub_changed: bool = False,
) -> None:
    """Keep what changed; the passphrase first, so a mistyped one saves nothing at all.

    A new hub is tested before it is kept (a hub that does not answer is not saved).
    """
    if hub_changed and hub is not None:
        connect_hub(ctx.data_dir.root, hub.database_url, hub.photo_folder, save=False)
    if passphrase is not None:
        set_passphrase(ctx, passphrase, confirmation)
    if name is not None:
        rename_laptop(ctx, name)
    if hub_changed:
        _keep_hub(ctx.data_dir.root, hub)


def _keep_hub(data_dir: Path, hub: HubSettings | None) -> None:
    if hub is None:
        disconnect_hub(data_dir)
    else:
        connect_hub(data_dir, hub.database_url, hub.photo_folder)


class SettingsDialog(QDialog):
    """Language, laptop name and programme passphrase, saved through the runner; errors under
    fields. A new language is remembered here and announced by `language_chosen` (the app
    redoes its window in it)."""

    saved = Signal()
    language_chosen = Signal(str)
    # The hub setting changed: the app reopens on the database it names.
    database_changed = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._saving = False
        self._hub_changed = False
        self.laptop: ThisLaptop | None = None
        self.setWindowTitle(_("Settings"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.field_errors = FieldErrors()
        self.language_combo = mark_data(QComboBox())  # each language in its own words
        for code, language in language_names():
            self.language_combo.addItem(language, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current_locale())))
        self.field_errors.add_row(form, "language", _("Language"), self.language_combo)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText(_("e.g. Coordinator laptop, Copán"))
        self.name_error = self.field_errors.add_row(
            form, "device_name", _("Laptop name"), self.name_edit
        )
        self.id_edit = self._read_only()
        form.addRow(_("Laptop id"), self.id_edit)
        self.fingerprint_edit = self._read_only()
        self.fingerprint_edit.setToolTip(
            _("Other laptops see this fingerprint on the bundles this laptop sends.")
        )
        form.addRow(_("Key fingerprint"), self.fingerprint_edit)

        self.passphrase_state = QLabel()
        self.passphrase_state.setWordWrap(True)
        form.addRow("", self.passphrase_state)
        self.passphrase = PassphraseFields(form, self.field_errors)
        self.general_error = self.field_errors.general
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addLayout(form)
        general_layout.addWidget(self.general_error)
        general_layout.addStretch(1)
        self.hub_tab = HubSettingsTab(ctx.data_dir.root, runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, _("This laptop"))
        self.tabs.addTab(self.hub_tab, _("Coordinator hub"))

        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        self.save_button.setEnabled(False)  # until this laptop's settings have been read

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.name_edit.setFocus()
        runner.run(this_laptop, ctx, on_done=self._loaded)

    def _read_only(self) -> QLineEdit:
        # A line edit rather than a label: the id and fingerprint are read out or copied.
        edit = QLineEdit()
        edit.setReadOnly(True)
        edit.setFrame(False)
        return edit

    def _loaded(self, laptop: ThisLaptop) -> None:
        self.laptop = laptop
        self.name_edit.setText(laptop.device_name)
        self.id_edit.setText(laptop.replica_id)
        self.fingerprint_edit.setText(laptop.fingerprint)
        self.passphrase_state.setText(
            _("A passphrase is kept on this laptop. Type a new one only to change it.")
            if laptop.has_passphrase
            else _("No passphrase is kept on this laptop yet: bundles cannot be made or read.")
        )
        self.save_button.setEnabled(True)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        if self._saving or self.laptop is None:
            return
        name = self.name_edit.text()
        changed_name = name if name != self.laptop.device_name else None
        passphrase = None if self.passphrase.is_empty() else self.passphrase.passphrase()
        self.show_error(None)
        self.hub_tab.field_errors.show(None)
        try:
            hub = self.hub_tab.chosen()
            self._hub_changed = self.hub_tab.changed()
        except ValidationError as exc:
            self.tabs.setCurrentWidget(self.hub_tab)
            self.hub_tab.field_errors.show(exc)
            return
        if changed_name is None and passphrase is None and not self._hub_changed:
            self.accept()
            self._switch_language()
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self._runner.run(
            functools.partial(
                save_settings,
                self._ctx,
                changed_name,
                passphrase,
                self.passphrase.confirmation(),
                hub,
                self._hub_changed,
            ),
            on_done=self._saved,
            on_error=self._failed,
            changes=(LAPTOP, SYNC),
        )

    def _saved(self, _result: object) -> None:
        self._saving = False
        self.accept()
        self.saved.emit()
        if self._hub_changed:
            # Before the language: the window is made again either way, once.
            save_language(self.chosen_language())
            self.database_changed.emit()
            return
        self._switch_language()

    def chosen_language(self) -> str:
        return str(self.language_combo.currentData())

    def _switch_language(self) -> None:
        # Last: the window may be redone in the new language, this dialog with it.
        chosen = self.chosen_language()
        if chosen != current_locale():
            save_language(chosen)
            self.language_chosen.emit(chosen)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if self._hub_changed and not (
            isinstance(exc, ValidationError) and exc.field in self.field_errors.errors
        ):
            # The hub did not answer (or its photo folder is missing): said on its tab.
            self.tabs.setCurrentWidget(self.hub_tab)
            self.hub_tab.field_errors.general.show_message(str(exc))
            return
        self.field_errors.show_failure(exc, self._runner.show_error)

    def show_error(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field (and focus that field), or clear every message."""
        self.field_errors.show(exc)
