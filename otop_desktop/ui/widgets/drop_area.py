"""Where bundle files dragged from a USB stick or an e-mail attachment folder are dropped."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget

BUNDLE_SUFFIX = ".otop"

_STYLE = """
QLabel#dropArea { border: 2px dashed palette(mid); border-radius: 6px; padding: 12px; }
QLabel#dropArea[hovering="true"] { border-color: palette(highlight); }
"""


def bundle_paths(mime: QMimeData) -> list[Path]:
    """The local `.otop` files among what is dragged (anything else is not offered)."""
    if not mime.hasUrls():
        return []
    paths = []
    for url in mime.urls():
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.suffix.lower() == BUNDLE_SUFFIX and path not in paths:
            paths.append(path)
    return paths


class BundleDropArea(QLabel):
    """A framed hint accepting dropped `.otop` files; `dropped` gives their paths."""

    dropped = Signal(list)  # list[Path]

    def __init__(self, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(hint, parent)
        self.setObjectName("dropArea")
        self.setStyleSheet(_STYLE)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAcceptDrops(True)
        self.setMinimumHeight(80)
        self._set_hovering(False)

    def _set_hovering(self, hovering: bool) -> None:
        self.setProperty("hovering", hovering)
        # A dynamic property only restyles once the style is applied again.
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if bundle_paths(event.mimeData()):
            event.acceptProposedAction()
            self._set_hovering(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if bundle_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hovering(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hovering(False)
        paths = bundle_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(paths)
