"""Destructive actions: asked first in a box that blocks nothing, and undoable right after."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from otop_desktop.i18n import _

_STYLE = "QFrame#undoBar { background: #e3effb; border: 1px solid #7aa7d6; }"
_TEXT_STYLE = "color: #1f1f1f;"
# Long enough to notice a mistake, short enough that an old offer does not linger.
UNDO_SECONDS = 30


def confirm(
    parent: QWidget, title: str, text: str, action: str, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask `text` in a window-modal box (not blocking); `on_yes` runs if `action` is chosen."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    box.setWindowModality(Qt.WindowModality.WindowModal)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(cancel)

    def finished() -> None:
        if box.clickedButton() is yes:
            on_yes()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box


class UndoBar(QFrame):
    """ "Workshop “…” deleted. [Undo] [×]": offered for a while, Ctrl+Z while it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet(_STYLE)
        self.label = QLabel()
        self.label.setStyleSheet(_TEXT_STYLE)
        self.label.setWordWrap(True)
        self.undo_button = QPushButton(_("Undo"))
        self.undo_button.setToolTip(_("Undo (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        self.close_button = QPushButton(_("Dismiss"))
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        self._undo: Callable[[], object] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UNDO_SECONDS * 1000)
        self._timer.timeout.connect(self.dismiss)
        # On the page (the bar's parent) for the whole window: a hidden page's shortcut does
        # not fire, and text boxes keep Ctrl+Z for their own typing. Enabled only while offered.
        self.shortcut = QShortcut(QKeySequence.StandardKey.Undo, parent or self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.undo)
        self.shortcut.setEnabled(False)
        self.hide()

    def offer(self, text: str, undo: Callable[[], object]) -> None:
        """Show `text` with an Undo button that calls `undo` (once)."""
        self._undo = undo
        self.label.setText(text)
        self.show()
        self.shortcut.setEnabled(True)
        self._timer.start()

    def undo(self) -> None:
        """Run the offered undo, if any is still offered."""
        action, self._undo = self._undo, None
        self.dismiss()
        if action is not None:
            action()

    def dismiss(self) -> None:
        self._undo = None
        self._timer.stop()
        self.shortcut.setEnabled(False)
        self.hide()

    def text(self) -> str:
        return self.label.text()
