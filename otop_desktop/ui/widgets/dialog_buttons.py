"""The accept button (the default one) and "Cancel" that close the app's form dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from otop_desktop.i18n import _


def accept_cancel_buttons(
    accept_text: str, on_accept: Callable[[], None], on_cancel: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """A button box: `accept_text` (default, runs `on_accept`) and Cancel (runs `on_cancel`)."""
    buttons = QDialogButtonBox()
    accept = QPushButton(accept_text)
    accept.setDefault(True)
    cancel = QPushButton(_("Cancel"))
    cancel.setAutoDefault(False)
    buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(on_cancel)
    return buttons, accept
