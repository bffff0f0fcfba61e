"""The message that says where a file was saved, offering to open the file or its folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QWidget

from otop_desktop.i18n import _


class SavedFileNotices:
    """Non-blocking "saved to …" messages over `parent`'s window, each kept until closed."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        # Kept referenced until closed: a box Python forgets would be collected while shown.
        self._boxes: list[QMessageBox] = []

    def show(
        self,
        title: str,
        text: str,
        path: Path,
        open_url: Callable[[QUrl], object],
        *,
        open_file: bool = False,
    ) -> QMessageBox:
        """Say `text`; "Open" (the default) opens `path` itself when `open_file`, else "Open
        folder" opens the folder it is in, through `open_url`."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text)
        box.setParent(self._parent.window(), box.windowFlags())
        if open_file:
            button = box.addButton(_("Open"), QMessageBox.ButtonRole.AcceptRole)
        else:
            button = box.addButton(_("Open folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(_("Close"), QMessageBox.ButtonRole.RejectRole)
        if open_file:
            box.setDefaultButton(button)
        target = path if open_file else path.parent

        def finished() -> None:
            if box.clickedButton() is button:
                open_url(QUrl.fromLocalFile(str(target)))
            if box in self._boxes:
                self._boxes.remove(box)
            box.deleteLater()

        box.finished.connect(finished)
        self._boxes.append(box)
        box.open()
        return box

    def boxes(self) -> list[QMessageBox]:
        """The messages still open."""
        return list(self._boxes)
