"""The attendance page's helpers: walk-ins, the sign-in sheet, finding names, the error line."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.attendance import mark
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrol
from otop_desktop.services.sign_in_sheets import sign_in_sheet
from otop_desktop.services.workshops import SessionInfo
from otop_desktop.ui.file_chooser import FileChooser, FileType
from otop_desktop.ui.models.attendance_model import AttendanceModel
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.saved_file_notice import SavedFileNotices

_ERROR_STYLE = (
    "QFrame#markError { background: #fdecea; border: 1px solid #c62828; } "
    "QLabel { color: #1f1f1f; }"
)


def walk_in(ctx: AppContext, workshop_id: str, session_id: str, trainee_id: str) -> None:
    """Enrol a trainee who walked in and mark them present (two saves, enrolment first)."""
    enrol(ctx, workshop_id, trainee_id)
    mark(ctx, session_id, trainee_id, AttendanceStatus.PRESENT.value)


def pdf_type() -> FileType:
    return FileType(_("PDF documents"), (".pdf",))


def ask_mark_all(
    parent: QWidget,
    marked: int,
    unmarked: int,
    present: int,
    chosen: Callable[[bool], None],
) -> QMessageBox:
    """Ask (not blocking) whether "mark all present" is for those not marked yet only or for
    everyone; `chosen(only_unmarked)` runs unless the user cancels."""
    text = ngettext(
        "{n} trainee already has a mark. Mark only the {m} not marked yet as present, or "
        "everyone (changing {k} marks)?",
        "{n} trainees already have a mark. Mark only the {m} not marked yet as present, or "
        "everyone (changing {k} marks)?",
        marked,
    ).format(
        n=formatting.number(marked),
        m=formatting.number(unmarked),
        k=formatting.number(marked - present),
    )
    box = QMessageBox(QMessageBox.Icon.Question, _("Mark all present"), text)
    box.setParent(parent, box.windowFlags())
    only = box.addButton(_("Only those not marked"), QMessageBox.ButtonRole.AcceptRole)
    everyone = box.addButton(_("Everyone"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(only)
    box.setEscapeButton(cancel)
    only.setEnabled(unmarked > 0)

    def finished() -> None:
        if box.clickedButton() is only:
            chosen(True)
        elif box.clickedButton() is everyone:
            chosen(False)
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box


class ErrorBanner(QFrame):
    """A mark the database refused, said in red above the list until dismissed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markError")
        self.setStyleSheet(_ERROR_STYLE)
        self.label = QLabel()
        self.label.setWordWrap(True)
        dismiss = QPushButton(_("Dismiss"))
        dismiss.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(dismiss)
        self.hide()


class SheetPrinter(QObject):
    """ "Print sign-in sheet…": asks where to save the PDF, writes it, offers to open it."""

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, chooser: FileChooser, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._parent = parent
        self.chooser = chooser
        # Opens a written PDF in the system's viewer (swapped out by tests).
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self._notices = SavedFileNotices(parent)

    def print_sheet(self, session: SessionInfo) -> None:
        """Save the sign-in sheet PDF of `session`, then offer to open it."""
        name = _("sign-in-{date}").format(
            date=session.date.isoformat() if session.date else "session"
        )
        path = self.chooser.save_file(self._parent, _("Save the sign-in sheet"), name, [pdf_type()])
        if path is None:
            return
        self._runner.run(
            functools.partial(sign_in_sheet, self._ctx, session.id, path),
            on_done=self._written,
            progress=True,
            title=_("Writing the sign-in sheet…"),
        )

    def _written(self, path: Path) -> None:
        self._notices.show(
            _("Print sign-in sheet"),
            _("The sign-in sheet was saved to {path}. Open it to print it?").format(path=path),
            path,
            # Looked up when clicked, not now: tests swap `open_url` while the box is open.
            lambda url: self.open_url(url),  # noqa: PLW0108
            open_file=True,
        )

    def boxes(self) -> list[QMessageBox]:
        """Messages still open (a sign-in sheet written)."""
        return self._notices.boxes()


def is_future(day: dt.date | None, today: dt.date | None = None) -> bool:
    """Whether a session on `day` is too far ahead to be marked (more than a day away)."""
    return day is not None and day > (today or dt.date.today()) + dt.timedelta(days=1)


def find_row(model: AttendanceModel, text: str) -> int:
    """The first row whose name (any of its words, or the name in Chinese characters)
    starts with `text`, ignoring accents and case; -1 if none."""
    typed = fold(text)
    if not typed:
        return -1
    for row in range(model.rowCount()):
        line = model.line(row)
        if line is None:
            continue
        words = fold(line.name).replace("(", " ").replace(")", " ").split()
        # "lopez r" finds "María Fernanda López Reyes": a start at any word, over several.
        if any(" ".join(words[n:]).startswith(typed) for n in range(len(words))):
            return row
    return -1
