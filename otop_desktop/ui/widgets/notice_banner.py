"""A message across the top of the window that stays until dismissed and blocks nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

from otop_desktop.i18n import _

# Pale backgrounds with dark text: readable with the light and the dark palette alike.
_STYLES = {
    "warning": "QFrame#notice { background: #fff4ce; border: 1px solid #e0b000; }",
    "information": "QFrame#notice { background: #e3effb; border: 1px solid #7aa7d6; }",
}
_TEXT_STYLE = "color: #1f1f1f;"


class NoticeBanner(QFrame):
    """An icon, a wrapped message and a Dismiss button; closing deletes it."""

    def __init__(self, text: str, kind: str = "information", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("notice")
        self.setStyleSheet(_STYLES.get(kind, _STYLES["information"]))
        pixmap = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if kind == "warning"
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(pixmap).pixmap(24, 24))
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(_TEXT_STYLE)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QPushButton(_("Dismiss"))
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)

    def text(self) -> str:
        return self.label.text()

    def dismiss(self) -> None:
        self.hide()
        self.deleteLater()
