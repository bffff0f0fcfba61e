"""The roster of one session as the attendance page and the paper-sheet entry show it.

Each mark is saved at once, on the runner, by `services.attendance.mark` (one durable
transaction, one change in the change log). The row shows the new mark straight away as
"saving"; it says "saved" only once the service has returned. When the service refuses
(archived workshop, future session, trainee no longer enrolled) the row goes back to the mark
that is stored and the error is announced through `failed`.

Undo takes back the last action (one mark, or a whole "mark all"): the previous mark is saved
again, or the mark is cleared if there was none.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.domain.errors import OtopError
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, formatting, pgettext
from otop_desktop.services.attendance import mark
from otop_desktop.services.attendance_sheet import (
    RosterLine,
    SessionRoster,
    clear_mark,
    mark_many,
)
from otop_desktop.services.context import AppContext
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.attendance_marks import COLOURS

AnyIndex = QModelIndex | QPersistentModelIndex

# What the runner announces after marks were saved: summaries reload.
ATTENDANCE = "attendance"

LINE_ROLE = Qt.ItemDataRole.UserRole + 10
STATUS_ROLE = Qt.ItemDataRole.UserRole + 11
STATE_ROLE = Qt.ItemDataRole.UserRole + 12
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 13
ERROR_ROLE = Qt.ItemDataRole.UserRole + 14


class SaveState(Enum):
    """Where a row's mark stands: nothing done here, on its way, stored, or refused."""

    NONE = "none"
    SAVING = "saving"
    SAVED = "saved"
    FAILED = "failed"


@dataclass
class _Row:
    line: RosterLine
    shown: str | None  # what the row shows (the mark being saved, if any)
    stored: str | None  # what the database holds, as far as this page knows
    pending: int = 0
    state: SaveState = SaveState.NONE
    error: str | None = None


# One undoable action: each trainee with the mark they had before.
_UndoEntry = list[tuple[str, str | None]]


def sheet_order(lines: Sequence[RosterLine]) -> list[RosterLine]:
    """`lines` in the order of the printed sign-in sheet (family name, then given names);
    trainees withdrawn after being marked, who are not on the sheet, at the end."""
    return sorted(
        lines,
        key=lambda line: (
            not line.enrolled,
            fold(line.family_names or line.chinese_name or line.name),
            fold(line.given_names),
            line.trainee_id,
        ),
    )


def restore_marks(ctx: AppContext, session_id: str, previous: _UndoEntry) -> None:
    """Put back the marks of `previous` (clearing those that had none): the undo of an action."""
    for trainee_id, status in previous:
        if status is None:
            clear_mark(ctx, session_id, trainee_id)
        else:
            mark(ctx, session_id, trainee_id, status)


COLUMNS = ("number", "name", "status", "state")


class AttendanceModel(QAbstractTableModel):
    """Rows of one session's roster: No., name, mark, save state; marks saved on the runner."""

    # The counts of marks changed (a mark shown, saved or reverted).
    counts_changed = Signal()
    # A mark was refused: the message, already translated.
    failed = Signal(str)
    # Every mark asked for so far is stored.
    all_saved = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._rows: list[_Row] = []
        self._index: dict[str, int] = {}
        self.roster: SessionRoster | None = None
        self._undo: list[_UndoEntry] = []
        self._busy_undo = 0

    # --- loading ------------------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self.roster.session.id if self.roster is not None else None

    def set_roster(self, roster: SessionRoster | None) -> None:
        """Show `roster`; marks still being saved for the same session keep showing."""
        same = roster is not None and roster.session.id == self.session_id
        old = {r.line.trainee_id: r for r in self._rows} if same else {}
        if not same:
            self._undo.clear()
        self.beginResetModel()
        self.roster = roster
        self._rows = []
        for line in sheet_order(roster.lines) if roster is not None else []:
            before = old.get(line.trainee_id)
            row = _Row(line, line.status, line.status)
            if before is not None and before.pending:
                row = replace(before, line=line, stored=line.status)
            elif before is not None and before.state == SaveState.SAVED:
                row.state = SaveState.SAVED
            self._rows.append(row)
        self._index = {r.line.trainee_id: i for i, r in enumerate(self._rows)}
        self.endResetModel()
        self.counts_changed.emit()

    # --- reading ------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("No."), pgettext("person", "Name"), _("Attendance"), "")[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == LINE_ROLE:
            return row.line
        if role == STATUS_ROLE:
            return row.shown
        if role == STATE_ROLE:
            return row.state
        if role == NUMBER_ROLE:
            return self.number(index.row())
        if role == ERROR_ROLE:
            return row.error
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "number":
                number = self.number(index.row())
                return formatting.number(number) if number else ""
            if column == "name":
                if not row.line.enrolled:
                    return _("{name} (withdrawn)").format(name=row.line.name)
                return row.line.name
            if column == "status":
                return status_label(row.shown)
            return state_text(row.state)
        if role == Qt.ItemDataRole.ForegroundRole and column == "status" and row.shown:
            return COLOURS[row.shown]
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole name, for a long one cut short on a narrow screen.
            return row.error or row.line.name
        return None

    def line(self, row: int) -> RosterLine | None:
        return self._rows[row].line if 0 <= row < len(self._rows) else None

    def number(self, row: int) -> int | None:
        """The number of `row` on the sign-in sheet; None for a trainee not on it (withdrawn)."""
        if not 0 <= row < len(self._rows) or not self._rows[row].line.enrolled:
            return None
        return row + 1

    def markable(self, row: int) -> bool:
        """Whether `row` can be marked: withdrawn trainees keep their marks, get no new ones."""
        return 0 <= row < len(self._rows) and self._rows[row].line.enrolled

    def row_of(self, trainee_id: str) -> int:
        return self._index.get(trainee_id, -1)

    def status(self, row: int) -> str | None:
        return self._rows[row].shown if 0 <= row < len(self._rows) else None

    def state(self, row: int) -> SaveState:
        return self._rows[row].state if 0 <= row < len(self._rows) else SaveState.NONE

    def counts(self) -> dict[str | None, int]:
        """How many rows show each mark (None: not marked yet)."""
        out: dict[str | None, int] = {s.value: 0 for s in AttendanceStatus}
        out[None] = 0
        for row in self._rows:
            out[row.shown] = out.get(row.shown, 0) + 1
        return out

    @property
    def saving(self) -> bool:
        """Whether some mark has not come back from the database yet."""
        return self._busy_undo > 0 or any(r.pending for r in self._rows)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    # --- marking ------------------------------------------------------------------------------

    def set_status(self, row: int, status: str) -> None:
        """Mark the trainee of `row` with `status`, saved at once; undoable."""
        if self.roster is None or not self.markable(row):
            return
        current = self._rows[row]
        if current.shown == status and current.state != SaveState.FAILED:
            return
        self._undo.append([(current.line.trainee_id, current.shown)])
        self._save_one(current.line.trainee_id, status)

    def _save_one(self, trainee_id: str, status: str | None) -> None:
        session_id = self.session_id or ""
        self._begin(trainee_id, status)
        self._runner.run(
            functools.partial(restore_marks, self._ctx, session_id, [(trainee_id, status)]),
            on_done=lambda _result: self._saved(session_id, [(trainee_id, status)]),
            on_error=lambda exc: self._refused(session_id, [trainee_id], exc),
        )

    def mark_all(self, status: str, *, only_unmarked: bool = True) -> int:
        """Mark every row (or only the unmarked ones) with `status` in one transaction;
        returns how many rows change. Undoable as one action."""
        if self.roster is None:
            return 0
        rows = [r for r in self._rows if r.shown != status and r.line.enrolled]
        if only_unmarked:
            rows = [r for r in rows if r.shown is None]
        if not rows:
            return 0
        session_id = self.session_id or ""
        self._undo.append([(r.line.trainee_id, r.shown) for r in rows])
        ids = [r.line.trainee_id for r in rows]
        for trainee_id in ids:
            self._begin(trainee_id, status)
        self._runner.run(
            functools.partial(
                mark_many, self._ctx, session_id, ids, status, only_unmarked=only_unmarked
            ),
            on_done=lambda _count: self._saved(session_id, [(t, status) for t in ids]),
            on_error=lambda exc: self._refused(session_id, ids, exc),
        )
        return len(ids)

    def undo(self) -> bool:
        """Take back the last action; False when there is nothing to undo."""
        if not self._undo or self.roster is None:
            return False
        previous = self._undo.pop()
        session_id = self.session_id or ""
        for trainee_id, status in previous:
            self._begin(trainee_id, status)
        self._busy_undo += 1
        self._runner.run(
            functools.partial(restore_marks, self._ctx, session_id, previous),
            on_done=lambda _none: self._undone(session_id, previous, None),
            on_error=lambda exc: self._undone(session_id, previous, exc),
        )
        return True

    def _undone(self, session_id: str, previous: _UndoEntry, exc: BaseException | None) -> None:
        self._busy_undo -= 1
        if exc is None:
            self._saved(session_id, previous)
        else:
            self._refused(session_id, [t for t, _s in previous], exc)

    def _begin(self, trainee_id: str, status: str | None) -> None:
        row = self.row_of(trainee_id)
        if row < 0:
            return
        current = self._rows[row]
        current.shown = status
        current.pending += 1
        current.state = SaveState.SAVING
        current.error = None
        self._changed(row)

    def _saved(self, session_id: str, marks: Sequence[tuple[str, str | None]]) -> None:
        if session_id != self.session_id:
            return
        for trainee_id, status in marks:
            row = self.row_of(trainee_id)
            if row < 0:
                continue
            current = self._rows[row]
            current.pending = max(0, current.pending - 1)
            current.stored = status
            if not current.pending:
                current.shown = status
                current.state = SaveState.SAVED
            self._changed(row)
        self._runner.changed.emit(ATTENDANCE)
        if not self.saving:
            self.all_saved.emit()

    def _refused(self, session_id: str, trainee_ids: Sequence[str], exc: BaseException) -> None:
        if session_id != self.session_id:
            return
        message = str(exc) if isinstance(exc, OtopError) else _("The mark was not saved: {reason}")
        if not isinstance(exc, OtopError):
            message = message.format(reason=exc)
        for trainee_id in trainee_ids:
            row = self.row_of(trainee_id)
            if row < 0:
                continue
            current = self._rows[row]
            current.pending = max(0, current.pending - 1)
            if not current.pending:
                current.shown = current.stored
                current.state = SaveState.FAILED
                current.error = message
            self._changed(row)
        # What was refused cannot be undone either.
        self._undo = [e for e in self._undo if not {t for t, _s in e} & set(trainee_ids)]
        self.failed.emit(message)
        if not self.saving:
            self.all_saved.emit()

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.counts_changed.emit()


def status_label(status: str | None) -> str:
    """The translated name of a mark, capitalised as a button says it; "" for no mark."""
    if not status:
        return ""
    return formatting.first_upper(formatting.label_of(AttendanceStatus, status))


def state_text(state: SaveState) -> str:
    """What a row says about its mark: saving…, saved, not saved."""
    if state == SaveState.SAVING:
        return _("Saving…")
    if state == SaveState.SAVED:
        return _("Saved")
    if state == SaveState.FAILED:
        return _("Not saved")
    return ""
