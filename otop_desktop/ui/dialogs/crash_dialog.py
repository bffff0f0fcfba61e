"""The dialog of an unexpected error: what happened in plain words, the details to send.

Not modal: the user may keep working (Close) or end the app (Quit). The details (version,
system, traceback) are hidden until asked for, and can be copied for whoever looks after the
laptop; the log folder, where the same traceback was written, opens from here too.
"""

from __future__ import annotations

import datetime as dt
import platform
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from otop_desktop import __version__, app_logging
from otop_desktop.i18n import _, ngettext

# The error in one line: long messages (a whole SQL statement) are cut.
_ONE_LINE = 160


def log_folder() -> Path | None:
    """The folder of the log file in use, None when there is no log file."""
    path = app_logging.current_log_path()
    return path.parent if path is not None else None


def open_log_folder() -> bool:
    """Show the log folder in the system's file manager; False when there is none."""
    folder = log_folder()
    if folder is None:
        return False
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


def one_line(exc: BaseException) -> str:
    """`Kind: message` on one line, cut when long."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= _ONE_LINE else text[: _ONE_LINE - 1] + "…"


def error_details(exc: BaseException, trace: str = "") -> str:
    """What to send to whoever looks after the laptop: version, system, time, traceback."""
    path = app_logging.current_log_path()
    lines = [
        _("OTOP Field Desk {version} ({kind})").format(
            version=__version__,
            kind=_("installed app") if app_logging.is_frozen() else _("from source"),
        ),
        f"Python {platform.python_version()}, {platform.platform()}",
        _("Time: {time}").format(time=dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        _("Log file: {path}").format(path=path if path is not None else "-"),
        "",
        (trace or "".join(traceback.format_exception(exc))).rstrip(),
    ]
    return "\n".join(lines)


def _breakable(text: str, every: int = 40) -> str:
    """`text` with invisible break points in long words, so a label can wrap it."""
    words = []
    for word in text.split(" "):
        words.append("\u200b".join(word[i : i + every] for i in range(0, len(word), every)))
    return " ".join(words)


class CrashDialog(QDialog):
    """Something went wrong: the data is safe, here is what to send; Close or Quit."""

    def __init__(
        self,
        exc: BaseException,
        trace: str = "",
        *,
        key: object = None,
        on_quit: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.repeats = 1
        self.others = 0
        self._on_quit = on_quit
        self.setWindowTitle(_("OTOP Field Desk"))
        self.setObjectName("crashDialog")
        self.setMinimumWidth(480)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        # Closing the main window still ends the app while this dialog is open.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)

        icon = QLabel()
        style = self.style()
        icon.setPixmap(
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel(_("Something went wrong."))
        heading.setObjectName("sectionHeading")
        heading.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.explanation = QLabel(
            _(
                "Your data is safe: everything saved before this is kept. What you were doing "
                "just now may not have been saved; check it, and try again. If this happens "
                "again, send the details to whoever looks after this laptop."
            )
        )
        self.explanation.setWordWrap(True)
        self.error_line = one_line(exc)
        self.error_label = QLabel(_breakable(self.error_line))
        self.error_label.setObjectName("errorLine")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.repeat_label = QLabel()
        self.repeat_label.setVisible(False)

        text = QVBoxLayout()
        text.addWidget(heading)
        text.addWidget(self.explanation)
        text.addWidget(self.error_label)
        text.addWidget(self.repeat_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        self.details = QPlainTextEdit(error_details(exc, trace))
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMinimumHeight(220)
        self.details.setVisible(False)

        self.details_button = QPushButton(_("Show details"))
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton(_("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        self.log_button = QPushButton(_("Open log folder"))
        self.log_button.clicked.connect(open_log_folder)
        self.log_button.setEnabled(log_folder() is not None)
        self.log_button.setToolTip(
            _("The log file keeps this error too, with what happened before it.")
        )

        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(
            _("Close and keep working"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.quit_button = buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.close_button.clicked.connect(self.reject)
        self.quit_button.clicked.connect(self.quit)
        self.close_button.setDefault(True)

        tools = QHBoxLayout()
        tools.addWidget(self.details_button)
        tools.addWidget(self.copy_button)
        tools.addWidget(self.log_button)
        tools.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(tools)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText(_("Hide details") if shown else _("Show details"))
        self.adjustSize()

    def details_text(self) -> str:
        """The details as copied: the error line, the repeats, then version and traceback."""
        lines = [self.error_line]
        if self.repeat_label.isVisibleTo(self):
            lines.append(self.repeat_label.text())
        return "\n".join([*lines, "", self.details.toPlainText()])

    def copy_details(self) -> None:
        """Put the details on the clipboard, to paste into a message."""
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.details_text())

    def happened_again(self, same: bool) -> None:
        """Count another error while this dialog is open (the same one, or another)."""
        if same:
            self.repeats += 1
        else:
            self.others += 1
        parts = []
        if self.repeats > 1:
            parts.append(
                ngettext(
                    "This happened {n} time.", "This happened {n} times.", self.repeats
                ).format(n=self.repeats)
            )
        if self.others:
            parts.append(
                ngettext(
                    "{n} other error followed; it is in the log.",
                    "{n} other errors followed; they are in the log.",
                    self.others,
                ).format(n=self.others)
            )
        self.repeat_label.setText(" ".join(parts))
        self.repeat_label.setVisible(True)

    def quit(self) -> None:
        """End the app (what was saved stays saved)."""
        self.accept()
        if self._on_quit is not None:
            self._on_quit()
        else:
            app = QApplication.instance()
            if app is not None:
                app.exit(1)
