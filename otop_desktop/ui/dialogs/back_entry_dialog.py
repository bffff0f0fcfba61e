"""Typing in a signed paper sign-in sheet afterwards: one key per row, in the sheet's order.

The rows are the session's roster in the order of the printed sheet (by family name), with its
numbers. One key sets the mark of the current row, saves it at once and moves to the next row:
Space or Enter present, A or 0 absent, L late, E excused (or the letters of the window's
language, or the digits 1 to 4). Up or Backspace goes back a row. At the end, "Mark the rest
absent" marks every row still unmarked as absent in one go (asked first).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.ui.models.attendance_model import AttendanceModel
from otop_desktop.ui.widgets.attendance_marks import status_for_key, status_keys
from otop_desktop.ui.widgets.undo_bar import confirm


class _SheetTable(QTableView):
    """The rows of the sheet; the mark keys mark the current row and go to the next."""

    def __init__(self, dialog: BackEntryDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        status = self._dialog.status_of_key(event)
        if status is not None:
            self._dialog.mark_current(status)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace:
            self._dialog.step(-1)
            event.accept()
            return
        super().keyPressEvent(event)


class BackEntryDialog(QDialog):
    """The paper sheet of one session, entered row by row with one key each."""

    def __init__(self, model: AttendanceModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.keys = status_keys()
        roster = model.roster
        when = formatting.day(roster.session.date) if roster is not None else ""
        title = roster.workshop_title if roster is not None else ""
        self.setWindowTitle(_("Enter a paper sheet"))
        heading = QLabel(_("{title}: session of {date}").format(title=title, date=when))
        heading.setObjectName("sectionHeading")
        heading.setWordWrap(True)
        present, late, excused, absent = (
            self.keys[s.value]
            for s in (
                AttendanceStatus.PRESENT,
                AttendanceStatus.LATE,
                AttendanceStatus.EXCUSED,
                AttendanceStatus.ABSENT,
            )
        )
        hint = QLabel(
            _(
                "Go down the signed sheet. Space or Enter: present · {absent} or 0: absent · "
                "{late}: late · {excused}: excused · Backspace: back a row. Each mark is saved "
                "at once."
            ).format(absent=absent, late=late, excused=excused)
            + " "
            + _("({present} also marks present.)").format(present=present)
        )
        hint.setWordWrap(True)
        self.table = _SheetTable(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.progress_label = QLabel()
        self.rest_absent_button = QPushButton(_("Mark the rest absent…"))
        self.rest_absent_button.setAutoDefault(False)
        self.rest_absent_button.clicked.connect(self.mark_rest_absent)
        self.close_button = QPushButton(_("Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress_label, 1)
        bottom.addWidget(self.rest_absent_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(620, 560)
        model.counts_changed.connect(self._show_progress)
        self._show_progress()
        first = self._first_unmarked()
        self.table.setCurrentIndex(model.index(first, 1))
        self.table.setFocus()

    def _first_unmarked(self) -> int:
        for row in range(self._model.rowCount()):
            if self._model.status(row) is None:
                return row
        return 0

    def status_of_key(self, event: QKeyEvent) -> str | None:
        """The mark a key press stands for here, or None."""
        if event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            return None
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return AttendanceStatus.PRESENT.value
        if event.text() == "0":
            return AttendanceStatus.ABSENT.value
        return status_for_key(event.text(), self.keys) if event.text() else None

    def mark_current(self, status: str) -> None:
        """Mark the current row and go to the next one."""
        row = self.table.currentIndex().row()
        if row < 0:
            return
        self._model.set_status(row, status)
        self.step(1)

    def step(self, step: int) -> None:
        """Go `step` rows down (up when negative), staying in the table."""
        row = self.table.currentIndex().row() + step
        row = max(0, min(row, self._model.rowCount() - 1))
        self.table.setCurrentIndex(self._model.index(row, 1))

    def unmarked(self) -> int:
        return self._model.counts()[None]

    def mark_rest_absent(self) -> None:
        """Ask, then mark every row still unmarked as absent (one transaction)."""
        left = self.unmarked()
        if not left:
            return
        text = ngettext(
            "Mark the {n} trainee not entered yet as absent?",
            "Mark the {n} trainees not entered yet as absent?",
            left,
        ).format(n=formatting.number(left))
        confirm(
            self,
            _("Mark the rest absent"),
            text,
            _("Mark absent"),
            self._rest_absent,
        )

    def _rest_absent(self) -> None:
        self._model.mark_all(AttendanceStatus.ABSENT.value, only_unmarked=True)

    def _show_progress(self) -> None:
        total = self._model.rowCount()
        left = self.unmarked()
        self.progress_label.setText(
            _("{done} of {total} entered").format(
                done=formatting.number(total - left), total=formatting.number(total)
            )
        )
        self.rest_absent_button.setEnabled(left > 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter marks present in the table; it must not close the dialog.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
