"""Choosing one trainee among tens of thousands by typing part of a name, town or phone."""

from __future__ import annotations

import functools

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import TraineeInfo, search_trainees
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data

# Found trainees offered at once: more is scrolling, not choosing.
_OFFERED = 20
_TYPING_DELAY_MS = 250
_ID_ROLE = Qt.ItemDataRole.UserRole


def _label(trainee: TraineeInfo) -> str:
    return trainee.display_name


class TraineePicker(QLineEdit):
    """Typing searches (in the background) and offers the trainees found; `trainee_id()` is the
    one chosen, or what was typed when nobody was (the service then says it is unknown)."""

    chosen = Signal(str)  # the trainee id

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_data(self)
        self._ctx = ctx
        self._runner = runner
        self._id: str | None = None
        self._label = ""
        self._generation = 0
        self.setPlaceholderText(_("Type a name, town or phone"))
        self.setClearButtonEnabled(True)
        self.found = QStandardItemModel(self)
        self.completer_ = QCompleter(self.found, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setWidget(self)
        self.completer_.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_TYPING_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.textEdited.connect(lambda _text: self._timer.start())

    def set_trainee(self, trainee_id: str | None, label: str | None) -> None:
        """Show `trainee_id` as chosen (None: nobody)."""
        self._id = trainee_id
        self._label = label or ""
        self.setText(self._label if trainee_id else "")

    def trainee_id(self) -> str | None:
        text = self.text().strip()
        if not text:
            return None
        if self._id is not None and text == self._label:
            return self._id
        return text

    def search(self) -> None:
        """Look up what is typed and offer what is found."""
        text = self.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.found.clear()
            return
        self._runner.run(
            functools.partial(search_trainees, self._ctx, text, limit=_OFFERED),
            on_done=lambda found: self._offer(generation, found),
        )

    def _offer(self, generation: int, found: list[TraineeInfo]) -> None:
        if generation != self._generation:
            return
        self.found.clear()
        for trainee in found:
            place = ", ".join(p for p in (trainee.town, trainee.phone) if p)
            item = QStandardItem(f"{_label(trainee)} — {place}" if place else _label(trainee))
            item.setData(trainee.id, _ID_ROLE)
            item.setData(_label(trainee), _ID_ROLE + 1)
            self.found.appendRow(item)
        if found and self.hasFocus():
            self.completer_.complete()

    def _activated(self, index: QModelIndex) -> None:
        trainee_id = index.data(_ID_ROLE)
        if trainee_id:
            self.set_trainee(str(trainee_id), str(index.data(_ID_ROLE + 1)))
            self.chosen.emit(str(trainee_id))
