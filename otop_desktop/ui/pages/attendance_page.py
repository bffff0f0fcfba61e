"""Taking attendance at a session: the roster in big rows, one click or one key per trainee.

Choose the workshop and the session at the top (at first: a session held today, else the
latest session of the most recent workshop). Then, on the list: P present, L late, E excused,
A absent (the letters of the window's language; 1 2 3 4 in every language) mark the current
trainee and move to the next; Up and Down move. Typing a name (Ctrl+F, or any other letter on
the list) goes to the find box, which jumps to the first name starting so; Enter goes back to
the list. "Mark all present" then the exceptions is the fastest way through a full room. Each
mark is saved at once (the row says "saving…", then "saved"); Ctrl+Z takes the last one back.

Also here: a walk-in registered and marked without leaving the page, a signed paper sheet
typed in afterwards, the printable sign-in sheet, and the Summary tab.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.attendance_sheet import SessionRoster, session_roster
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import TraineeInfo
from otop_desktop.services.workshops import SessionInfo, WorkshopInfo
from otop_desktop.ui.dialogs.back_entry_dialog import BackEntryDialog
from otop_desktop.ui.dialogs.trainee_dialog import TraineeDialog
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser
from otop_desktop.ui.models.attendance_model import AttendanceModel
from otop_desktop.ui.pages.attendance_choice import SessionChooser
from otop_desktop.ui.pages.attendance_summary_panel import SummaryPanel
from otop_desktop.ui.pages.attendance_tools import (
    ErrorBanner,
    SheetPrinter,
    ask_mark_all,
    find_row,
    is_future,
    walk_in,
)
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.attendance_list import AttendanceList
from otop_desktop.ui.widgets.attendance_marks import keys_hint, status_keys

FOLDER_KEY = "attendance/folder"
_COUNT_STYLE = "font-size: 20pt; font-weight: bold;"


class AttendancePage(QWidget):
    """Choose a session; mark its roster; or see the workshop's summary."""

    key = "attendance"

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        chooser: FileChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.chooser: FileChooser = chooser or DialogFileChooser(FOLDER_KEY)
        self.printer = SheetPrinter(ctx, runner, self.chooser, self)
        self.roster: SessionRoster | None = None
        self._generation = 0
        self._select_after_load: str | None = None
        self.walk_in_dialog: TraineeDialog | None = None
        self.back_entry_dialog: BackEntryDialog | None = None
        self.question: QMessageBox | None = None
        self.keys = status_keys()

        self.title = _("Attendance")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.choice = SessionChooser(ctx, runner, self)
        self.choice.session_chosen.connect(self._session_chosen)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.choice, 1)

        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(
            "background: #fff4ce; border: 1px solid #e0b000; color: #1f1f1f; padding: 4px;"
        )
        self.notice_label.hide()
        self.error_frame = ErrorBanner()
        self.error_label = self.error_frame.label

        self.model = AttendanceModel(ctx, runner, self)
        self.model.counts_changed.connect(self._show_counts)
        self.model.failed.connect(self._show_error)
        # Marks saved since the page was last left: the workshops' rates are then out of date.
        self._marked = False
        self.model.all_saved.connect(self._note_marked)
        self.list = AttendanceList(self.model)
        self.list.find_typed.connect(self._start_find)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._marking_tab(), _("Take attendance"))
        self.summary = SummaryPanel(ctx, runner, self.chooser)
        self.tabs.addTab(self.summary, _("Summary"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.error_frame)
        layout.addWidget(self.tabs, 1)

        self.undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        self.undo_shortcut.activated.connect(self.undo)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self._focus_find)
        runner.changed.connect(self._on_changed)
        self._update_actions()
        self.choice.reload()

    def _marking_tab(self) -> QWidget:
        self.count_label = QLabel()
        self.count_label.setStyleSheet(_COUNT_STYLE)
        self.breakdown_label = QLabel()
        self.breakdown_label.setWordWrap(True)
        counts = QVBoxLayout()
        counts.setSpacing(0)
        counts.addWidget(self.count_label)
        counts.addWidget(self.breakdown_label)

        self.all_present_button = QPushButton(_("Mark all present"))
        self.all_present_button.setToolTip(
            _("Mark everyone not marked yet as present, then correct the exceptions")
        )
        self.all_present_button.clicked.connect(self.mark_all_present)
        self.undo_button = QPushButton(_("Undo last mark"))
        self.undo_button.setToolTip(_("Undo the last mark (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        self.walk_in_button = QPushButton(_("Walk-in…"))
        self.walk_in_button.setToolTip(_("Register someone who came without being enrolled"))
        self.walk_in_button.clicked.connect(self.open_walk_in)
        self.paper_button = QPushButton(_("Enter paper sheet…"))
        self.paper_button.setToolTip(_("Type in a signed paper sign-in sheet, one key per row"))
        self.paper_button.clicked.connect(self.open_back_entry)
        self.print_button = QPushButton(_("Print sign-in sheet…"))
        self.print_button.setToolTip(_("Save the sign-in sheet of this session as a PDF"))
        self.print_button.clicked.connect(self.print_sheet)
        head = QHBoxLayout()
        head.addLayout(counts, 1)
        for button in (self.all_present_button, self.undo_button, self.walk_in_button):
            head.addWidget(button)

        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText(_("Find a name (Ctrl+F)"))
        self.find_box.setClearButtonEnabled(True)
        # Wide enough for its placeholder in every language, never half the page.
        hint_width = self.find_box.fontMetrics().horizontalAdvance(self.find_box.placeholderText())
        self.find_box.setMinimumWidth(min(hint_width + 40, 320))
        self.find_box.setMaximumWidth(320)
        self.find_box.textEdited.connect(self._find)
        self.find_box.returnPressed.connect(self._back_to_list)
        self.find_box.installEventFilter(self)
        self.hint_label = QLabel(keys_hint(self.keys))
        self.hint_label.setWordWrap(True)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_box)
        find_row.addWidget(self.hint_label, 1)
        find_row.addWidget(self.paper_button)
        find_row.addWidget(self.print_button)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(head)
        layout.addLayout(find_row)
        layout.addWidget(self.list, 1)
        return tab

    # --- choosing the session -----------------------------------------------------------------

    def open_session(self, workshop_id: str, session_id: str) -> None:
        """Show the roster of `session_id` (of `workshop_id`), e.g. from the workshops page."""
        self.choice.choose(workshop_id, session_id)

    def _session_chosen(self, workshop: WorkshopInfo | None, session: SessionInfo | None) -> None:
        self.summary.set_workshop(workshop.id if workshop is not None else None)
        self.error_frame.hide()
        self.reload()

    def _on_changed(self, what: str) -> None:
        if what in (TRAINEES, WORKSHOPS, SYNC):
            self.reload()

    def reload(self) -> None:
        """Read the chosen session's roster again."""
        session = self.choice.session()
        self._generation += 1
        generation = self._generation
        if session is None:
            self._roster_loaded(generation, None)
            return
        self._runner.run(
            session_roster,
            self._ctx,
            session.id,
            on_done=lambda roster: self._roster_loaded(generation, roster),
            on_error=lambda exc: self._roster_failed(generation, exc),
        )

    def _roster_loaded(self, generation: int, roster: SessionRoster | None) -> None:
        if generation != self._generation:
            return
        keep = self._select_after_load
        current = self.model.line(self.list.currentIndex().row())
        if keep is None and current is not None:
            keep = current.trainee_id
        self._select_after_load = None
        self.roster = roster
        self.model.set_roster(roster)
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row, 0))
        self._show_notice()
        self._update_actions()

    def _roster_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._roster_loaded(generation, None)
            # The session or its workshop went (deleted here or by a sync): choose again.
            self.choice.reload()

    def _show_notice(self) -> None:
        text = ""
        roster = self.roster
        if roster is not None and roster.archived:
            text = _(
                "The workshop “{title}” is archived; its attendance can no longer change."
            ).format(title=roster.workshop_title)
        elif roster is not None and is_future(roster.session.date):
            text = _(
                "This session is on {date}, in the future: attendance can be taken on the day."
            ).format(date=formatting.day(roster.session.date))
        elif roster is not None and not roster.lines:
            text = _("Nobody is enrolled in this workshop yet. Add people with “Walk-in…”.")
        elif roster is None and self.choice.workshop() is None:
            text = _("No workshops yet. Add one on the Workshops page.")
        elif roster is None:
            text = _("This workshop has no sessions yet. Add one on the Workshops page.")
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    # --- counts, errors, actions --------------------------------------------------------------

    def _show_counts(self) -> None:
        counts = self.model.counts()
        total = self.model.rowCount()
        here = counts[AttendanceStatus.PRESENT.value] + counts[AttendanceStatus.LATE.value]
        self.count_label.setText(
            _("{here} of {total} here").format(
                here=formatting.number(here), total=formatting.number(total)
            )
        )
        parts = [
            f"{formatting.first_upper(s.label())} {formatting.number(counts[s.value])}"
            for s in AttendanceStatus
        ]
        parts.append(_("Not marked {n}").format(n=formatting.number(counts[None])))
        self.breakdown_label.setText(" · ".join(parts))
        self._update_actions()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(
            _("Not saved: {reason} The row shows what is stored.").format(reason=message)
        )
        self.error_frame.show()

    def can_mark(self) -> bool:
        roster = self.roster
        return roster is not None and not roster.archived and not is_future(roster.session.date)

    def _update_actions(self) -> None:
        markable = self.can_mark()
        self.list.marking_enabled = markable
        has_rows = self.model.rowCount() > 0
        unmarked = self.model.counts()[None] if has_rows else 0
        self.all_present_button.setEnabled(markable and has_rows)
        self.all_present_button.setDefault(False)
        self.undo_button.setEnabled(markable and self.model.can_undo)
        self.walk_in_button.setEnabled(markable)
        self.paper_button.setEnabled(markable and has_rows)
        self.print_button.setEnabled(self.roster is not None)
        self.all_present_button.setToolTip(
            ngettext(
                "Mark the {n} trainee not marked yet as present",
                "Mark the {n} trainees not marked yet as present",
                unmarked,
            ).format(n=formatting.number(unmarked))
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.list.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self._marked:
            # Not after every mark: reloading every workshop's rate on each key is too much.
            self._marked = False
            self._runner.changed.emit(WORKSHOPS)

    def _note_marked(self) -> None:
        self._marked = True

    def _start_find(self, text: str) -> None:
        self.find_box.setFocus()
        self.find_box.setText(text)
        self._find(text)

    def _focus_find(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def _find(self, text: str) -> None:
        row = find_row(self.model, text)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row, 0))

    def _back_to_list(self) -> None:
        self.list.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.find_box and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Up,
                Qt.Key.Key_Escape,
            ):
                if event.key() == Qt.Key.Key_Escape:
                    self.find_box.clear()
                self.list.setFocus()
                return True
        return super().eventFilter(watched, event)

    def undo(self) -> None:
        """Take back the last mark (or the last "mark all present")."""
        if self.can_mark():
            self.model.undo()
            self._update_actions()

    def mark_all_present(self) -> None:
        """Mark everyone not marked yet present, in one save; asked first if some have marks."""
        if not self.can_mark():
            return
        counts = self.model.counts()
        marked = self.model.rowCount() - counts[None]
        present = AttendanceStatus.PRESENT.value
        if marked == 0:
            self.model.mark_all(present, only_unmarked=True)
            return

        def chosen(only_unmarked: bool) -> None:
            self.model.mark_all(present, only_unmarked=only_unmarked)
            self._update_actions()

        self.question = ask_mark_all(self, marked, counts[None], counts[present], chosen)

    # --- walk-ins, paper sheets, printing -----------------------------------------------------

    def open_walk_in(self) -> TraineeDialog | None:
        """Register someone who walked in; once saved, enrol them and mark them present."""
        roster = self.roster
        if roster is None or not self.can_mark():
            return None
        if self.walk_in_dialog is not None:
            self.walk_in_dialog.deleteLater()
        dialog = TraineeDialog(self._ctx, self._runner, self)
        dialog.setWindowTitle(_("Walk-in"))
        dialog.saved.connect(lambda trainee: self._walked_in(roster, trainee.id))
        dialog.open_existing.connect(lambda trainee_id: self._walked_in(roster, trainee_id))
        self.walk_in_dialog = dialog
        dialog.open()
        return dialog

    def _walked_in(self, roster: SessionRoster, trainee: str | TraineeInfo) -> None:
        trainee_id = trainee if isinstance(trainee, str) else trainee.id
        self._select_after_load = trainee_id
        self._runner.run(
            functools.partial(
                walk_in, self._ctx, roster.workshop_id, roster.session.id, trainee_id
            ),
            on_error=self._walk_in_failed,
            changes=(TRAINEES, WORKSHOPS),
        )

    def _walk_in_failed(self, exc: BaseException) -> None:
        self._select_after_load = None
        self._runner.show_error(exc)

    def print_sheet(self) -> None:
        """Save the sign-in sheet PDF of the session, then offer to open it."""
        if self.roster is not None:
            self.printer.print_sheet(self.roster.session)

    def open_back_entry(self) -> BackEntryDialog | None:
        """Type in a signed paper sheet of this session, one key per row."""
        if self.roster is None or not self.can_mark():
            return None
        if self.back_entry_dialog is not None:
            self.back_entry_dialog.deleteLater()
        dialog = BackEntryDialog(self.model, self)
        self.back_entry_dialog = dialog
        dialog.open()
        return dialog
