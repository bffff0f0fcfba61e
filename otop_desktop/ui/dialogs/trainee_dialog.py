"""A new trainee, or changes to one: likely duplicates are shown before anything is saved.

Enter saves and Esc cancels. Before a new trainee is saved (or a change to a name, phone or
town), `find_duplicates` runs in the background; if it finds someone, the dialog lists them
with its reasons and the user saves anyway, opens the existing trainee instead, or cancels.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.duplicates import DuplicateCandidate, find_duplicates
from otop_desktop.services.organisations import OrganisationInfo, list_organisations
from otop_desktop.services.trainees import TraineeInfo, add_trainee, edit_trainee
from otop_desktop.ui.tasks import TRAINEES, TaskRunner
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.trainee_form import IDENTITY_FIELDS, TraineeForm

_STYLE = "QFrame#duplicates { background: #fff4ce; border: 1px solid #e0b000; }"
_TEXT_STYLE = "color: #1f1f1f;"


def candidate_text(candidate: DuplicateCandidate) -> str:
    """One line of the list: the name, where they live, their phone, and why they match."""
    person = candidate.trainee
    where = ", ".join(p for p in (person.town, person.phone) if p)
    name = f"{person.display_name} ({where})" if where else person.display_name
    return _("{name}: {reasons}").format(name=name, reasons="; ".join(candidate.reasons))


class DuplicatesPanel(QFrame):
    """ "Possible duplicates:" with the trainees found; hidden while there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicates")
        self.setStyleSheet(_STYLE)
        self.label = QLabel(
            _("Possible duplicates: this trainee may be registered already. Check before saving.")
        )
        self.label.setStyleSheet(_TEXT_STYLE)
        self.label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMaximumHeight(self.list.fontMetrics().height() * 5 + 12)
        self.open_button = QPushButton(_("Open the existing trainee"))
        self.save_anyway_button = QPushButton(_("Save anyway"))
        for button in (self.open_button, self.save_anyway_button):
            # Only one button is the default, the one the dialog chooses (Save, at first).
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_anyway_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.label)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.list.itemActivated.connect(lambda _item: self.open_button.click())
        self.hide()

    def show_candidates(self, candidates: list[DuplicateCandidate]) -> None:
        self.list.clear()
        for candidate in candidates:
            item = QListWidgetItem(candidate_text(candidate))
            item.setData(Qt.ItemDataRole.UserRole, candidate.trainee.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.show()

    def chosen_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


class TraineeDialog(QDialog):
    """The trainee form with Save and Cancel; saves through the runner."""

    saved = Signal(object)  # the TraineeInfo saved
    open_existing = Signal(str)  # the id of a possible duplicate the user chose to open

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        trainee: TraineeInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._trainee = trainee
        self._busy = False
        # The identity fields the user has already seen duplicates for: saving those is meant.
        self._accepted: dict[str, Any] | None = None
        self.setWindowTitle(_("Edit trainee") if trainee is not None else _("New trainee"))
        self.form = TraineeForm()
        if trainee is not None:
            self.form.set_trainee(trainee)
        self.form.submitted.connect(self.save)
        self.duplicates = DuplicatesPanel()
        self.duplicates.open_button.clicked.connect(self._open_existing)
        self.duplicates.save_anyway_button.clicked.connect(self._save_anyway)
        self.field_errors = self.form.field_errors
        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.duplicates)
        layout.addWidget(buttons)
        self.save_button.setDefault(True)  # again, now that it is in the dialog
        self.form.first_field().setFocus()
        runner.run(list_organisations, ctx, on_done=self._organisations_loaded)

    @property
    def trainee(self) -> TraineeInfo | None:
        return self._trainee

    def _organisations_loaded(self, organisations: list[OrganisationInfo]) -> None:
        self.form.set_organisations(organisations)

    # --- saving -------------------------------------------------------------------------------

    def _identity(self, values: dict[str, Any]) -> dict[str, Any]:
        return {key: (values.get(key) or "").strip() for key in IDENTITY_FIELDS}

    def _needs_check(self, values: dict[str, Any]) -> bool:
        identity = self._identity(values)
        if identity == self._accepted:
            return False
        if self._trainee is None:
            return True
        return any(identity[key] != (getattr(self._trainee, key) or "") for key in IDENTITY_FIELDS)

    def save(self) -> None:
        """Check for duplicates if needed, then save; errors show next to their field."""
        if self._busy:
            return
        values = self.form.values()
        self.duplicates.hide()
        self.form.field_errors.show(None)
        self._set_busy(True)
        if not self._needs_check(values):
            self._write(values)
            return
        exclude = self._trainee.id if self._trainee is not None else None
        self._runner.run(
            functools.partial(find_duplicates, self._ctx, values, exclude_id=exclude),
            on_done=lambda found: self._checked(values, found),
            on_error=self._failed,
        )

    def _checked(self, values: dict[str, Any], found: list[DuplicateCandidate]) -> None:
        if not found:
            self._write(values)
            return
        self._set_busy(False)
        self._accepted = self._identity(values)
        self.duplicates.show_candidates(found)
        # The safe choice is the default: Enter opens the trainee found, not a second record.
        self.save_button.setDefault(False)
        self.duplicates.open_button.setDefault(True)
        self.duplicates.list.setFocus()

    def _save_anyway(self) -> None:
        if not self._busy:
            self.duplicates.hide()
            self._set_busy(True)
            self._write(self.form.values())

    def _open_existing(self) -> None:
        chosen = self.duplicates.chosen_id()
        if chosen is not None:
            self.open_existing.emit(chosen)
            self.reject()

    def _write(self, values: dict[str, Any]) -> None:
        if self._trainee is None:
            work = functools.partial(add_trainee, self._ctx, **values)
        else:
            work = functools.partial(edit_trainee, self._ctx, self._trainee.id, **values)
        self._runner.run(work, on_done=self._saved, on_error=self._failed, changes=(TRAINEES,))

    def _saved(self, trainee: TraineeInfo) -> None:
        self._busy = False
        self._trainee = trainee
        self.saved.emit(trainee)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.duplicates.hide()
        self.save_button.setDefault(True)
        self.form.field_errors.show_failure(exc, self._runner.show_error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)

    def show_errors(self, exc: ValidationError | None) -> None:
        """Show `exc` next to its field (and focus that field), or clear every message."""
        self.form.field_errors.show(exc)
