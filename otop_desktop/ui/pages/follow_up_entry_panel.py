"""The lower part of the follow-ups page: a workshop's follow-ups for one period, typed as a table.

Choose a workshop and a period; each trainee is a row whose cells are typed like a spreadsheet,
numbers in the window language's format. A bad cell turns red with its message; Save writes
every edited row in one transaction, or nothing. Unsaved edits are asked about before another
workshop or period replaces them (`ask_unsaved`, which the page also uses when it is left).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.follow_up_dates import due_date, schedule_periods
from otop_desktop.domain.prices import currency_of_country
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import RowValidationError, save_follow_ups
from otop_desktop.services.workshops import WorkshopInfo
from otop_desktop.ui.dialogs.follow_up_dialog import FOLLOW_UPS, period_label
from otop_desktop.ui.models.follow_up_table import (
    DATE_COLUMN,
    NAME_COLUMN,
    EntryRow,
    FollowUpEntryModel,
)
from otop_desktop.ui.pages.attendance_choice import workshop_text
from otop_desktop.ui.pages.follow_up_entry import (
    EntryData,
    current_period,
    load_entry,
    unsaved_question,
)
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.views import table_view
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.field_errors import ERROR_STYLE

# Whose follow-up the form opens: workshop id, trainee id, period, trainee name, workshop title.
FormTarget = tuple[str, str, str, str, str]


class FollowUpEntryPanel(QWidget):
    """Workshop and period combos, the table of follow-ups, Open form, Discard and Save."""

    # "Open form…" pressed: the page opens the form of `form_target()`.
    form_requested = Signal()
    # The workshop chosen or what can be done changed (the page's export follows it).
    actions_changed = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._workshops: list[WorkshopInfo] = []
        self._workshop_id: str | None = None
        self._period: str | None = None
        self._data: EntryData | None = None
        self._stale = False
        self._saving = False
        self._note: tuple[str, bool] = ("", False)
        self.question: QMessageBox | None = None
        self._build()
        self._update_actions()

    @property
    def workshop_id(self) -> str | None:
        """The workshop whose follow-ups the table shows."""
        return self._workshop_id

    def workshops(self) -> list[WorkshopInfo]:
        """The workshops in the combo, in its order."""
        return list(self._workshops)

    def _build(self) -> None:
        entry_heading = QLabel(_("Enter a workshop’s follow-ups"))
        entry_heading.setObjectName("sectionHeading")
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.workshop_combo.setMinimumContentsLength(10)
        self.workshop_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.workshop_combo.activated.connect(self._workshop_picked)
        self.period_combo = QComboBox()
        self.period_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_combo.activated.connect(self._period_picked)
        workshop_label = QLabel(_("&Workshop:"))
        workshop_label.setBuddy(self.workshop_combo)
        period_label_widget = QLabel(_("&Period:"))
        period_label_widget.setBuddy(self.period_combo)
        self.due_on_label = QLabel()
        # The heading on a line of its own: the page stays narrow enough for a small window.
        choice = QHBoxLayout()
        choice.addWidget(workshop_label)
        choice.addWidget(self.workshop_combo, 1)
        choice.addWidget(period_label_widget)
        choice.addWidget(self.period_combo)
        choice.addWidget(self.due_on_label)

        self.model = FollowUpEntryModel(self)
        self.model.dataChanged.connect(lambda *_args: self._show_state())
        self.view = table_view(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._fit_columns()
        self.view.selectionModel().currentChanged.connect(lambda *_args: self._update_actions())
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.form_button = QPushButton(_("Open form…"))
        self.form_button.setToolTip(_("The follow-up of the current row as a form"))
        self.form_button.clicked.connect(self.form_requested)
        self.discard_button = QPushButton(_("Discard changes"))
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setToolTip(_("Save every edited row (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state_label, 1)
        bottom.addWidget(self.form_button)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(entry_heading)
        layout.addLayout(choice)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def _fit_columns(self) -> None:
        """Columns as wide as their headers (the numbers fit under them); names wider."""
        metrics = self.view.horizontalHeader().fontMetrics()
        for column in range(self.model.columnCount()):
            header = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            self.view.setColumnWidth(column, max(64, metrics.horizontalAdvance(header) + 24))
        self.view.setColumnWidth(NAME_COLUMN, 200)
        self.view.setColumnWidth(DATE_COLUMN, max(self.view.columnWidth(DATE_COLUMN), 100))

    # --- workshops and periods ----------------------------------------------------------------

    def set_workshops(self, workshops: list[WorkshopInfo]) -> None:
        """The workshops to choose from (the choice kept while still there); then reload."""
        self._workshops = workshops
        ids = [w.id for w in workshops]
        if self._workshop_id not in ids:
            running = [w for w in workshops if not w.archived] or workshops
            self._workshop_id = running[0].id if running else None
        self.workshop_combo.clear()
        self.workshop_combo.addItems([workshop_text(w) for w in workshops])
        self.workshop_combo.setCurrentIndex(
            ids.index(self._workshop_id) if self._workshop_id in ids else -1
        )
        self.reload()

    def choose(self, workshop_id: str, period: str | None = None) -> None:
        """Show the table of `workshop_id` (for `period`), asking first about unsaved edits."""

        def go() -> None:
            self._workshop_id = workshop_id
            self._period = period
            ids = [w.id for w in self._workshops]
            if workshop_id in ids:
                self.workshop_combo.setCurrentIndex(ids.index(workshop_id))
            self.reload()

        if workshop_id == self._workshop_id and period in (None, self._period):
            return
        self.ask_unsaved(go, self._show_choice)

    def _workshop_picked(self, row: int) -> None:
        if 0 <= row < len(self._workshops):
            self.choose(self._workshops[row].id)

    def _period_picked(self, _row: int) -> None:
        period = self.period_combo.currentData()
        if self._workshop_id is not None and period:
            self.choose(self._workshop_id, str(period))

    def _show_choice(self) -> None:
        """The combos back on what the table shows (a change was cancelled)."""
        ids = [w.id for w in self._workshops]
        if self._workshop_id in ids:
            self.workshop_combo.setCurrentIndex(ids.index(self._workshop_id))
        index = self.period_combo.findData(self._period)
        if index >= 0:
            self.period_combo.setCurrentIndex(index)

    def reload(self) -> None:
        """Read the chosen workshop's trainees and follow-ups again (kept while edits are open)."""
        if self.model.dirty:
            self._stale = True  # read once the edits are saved or discarded
            return
        self._stale = False
        workshop_id = self._workshop_id
        if workshop_id is None:
            self._entry_loaded(None, None)
            return
        self._runner.run(
            load_entry,
            self._ctx,
            workshop_id,
            on_done=lambda data: self._entry_loaded(workshop_id, data),
            on_error=lambda _exc: self._entry_loaded(workshop_id, None),
        )

    def _entry_loaded(self, workshop_id: str | None, data: EntryData | None) -> None:
        if workshop_id != self._workshop_id or self.model.dirty:
            return
        self._data = data
        if data is None:
            self.period_combo.clear()
            self.model.set_rows([], {}, default_currency=None, start=None)
            self._show_state()
            return
        workshop = data.workshop
        periods = schedule_periods(workshop.follow_up_schedule)
        if self._period not in periods:
            self._period = current_period(workshop, dt.date.today())
        self.period_combo.clear()
        for period in periods:
            self.period_combo.addItem(period_label(period), period)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(self._period)))
        due = due_date(self._period or "", workshop.start_date, workshop.end_date)
        self.due_on_label.setText(
            _("due {date}").format(date=formatting.day(due)) if due is not None else ""
        )
        recorded = {f.trainee_id: f for f in data.follow_ups if f.period == self._period}
        keep = self.view.currentIndex()
        self.model.set_rows(
            data.trainees,
            recorded,
            default_currency=currency_of_country(workshop.country),
            start=workshop.start_date,
        )
        if keep.isValid() and keep.row() < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(keep.row(), keep.column()))
        self._show_state()

    # --- state --------------------------------------------------------------------------------

    def _show_state(self) -> None:
        data = self._data
        empty = ""
        if self._workshop_id is None:
            empty = _("No workshops yet. Add one on the Workshops page.")
        elif data is not None and not data.trainees:
            empty = _("Nobody is enrolled in this workshop yet.")
        self.empty_label.setText(empty)
        self.empty_label.setVisible(bool(empty))
        invalid = self.model.invalid_cells()
        edited = len(self.model.edited_rows())
        if edited:
            self._note = ("", False)  # what was said about the last save is past
        if invalid:
            _line, _name, message = invalid[0]
            text = ngettext(
                "{n} cell cannot be saved: {message}",
                "{n} cells cannot be saved; the first: {message}",
                len(invalid),
            ).format(n=formatting.number(len(invalid)), message=message)
            self._show_line(text, True)
        elif edited:
            self._show_line(
                ngettext(
                    "{n} row changed, not saved yet.", "{n} rows changed, not saved yet.", edited
                ).format(n=formatting.number(edited)),
                False,
            )
        else:
            self._show_line(*self._note)
        self._update_actions()

    def _update_actions(self) -> None:
        dirty = self.model.dirty
        self.save_button.setEnabled(dirty and not self._saving)
        self.discard_button.setEnabled(dirty and not self._saving)
        self.form_button.setEnabled(self.view.currentIndex().isValid() and self._period is not None)
        self.actions_changed.emit()

    def _show_line(self, text: str, error: bool) -> None:
        self.state_label.setStyleSheet(ERROR_STYLE if error else "")
        self.state_label.setText(text)

    def tell(self, text: str, error: bool = False) -> None:
        """Say `text` in the status line until the next edit."""
        self._note = (text, error)
        self._show_line(text, error)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save every edited row in one transaction; False (and why) if some cell is refused."""
        return self._save(None)

    def _save(self, then: Callable[[], None] | None) -> bool:
        if self._saving or not self.model.dirty or self._workshop_id is None:
            return False
        invalid = self.model.invalid_cells()
        if invalid:
            line, name, _message = invalid[0]
            self.view.setCurrentIndex(self.model.index(self.model.row_of(line.trainee_id), 0))
            self.view.setCurrentIndex(
                self.model.index(self.model.row_of(line.trainee_id), self.model.column_of(name))
            )
            self._show_state()
            return False
        period = self._period or ""
        edited = self.model.edited_rows()
        rows = [(line.trainee_id, period, self.model.values(line)) for line in edited]
        self._saving = True
        self._update_actions()
        self._runner.run(
            functools.partial(save_follow_ups, self._ctx, self._workshop_id, rows),
            on_done=lambda count: self._saved(edited, count, then),
            on_error=self._save_failed,
            changes=(FOLLOW_UPS,),
        )
        return True

    def _saved(self, edited: list[EntryRow], count: int, then: Callable[[], None] | None) -> None:
        self._saving = False
        for line in edited:
            line.forget_edits()
        self.tell(
            ngettext("{n} follow-up saved.", "{n} follow-ups saved.", count).format(
                n=formatting.number(count)
            )
        )
        self.model.layoutChanged.emit()
        self._show_state()
        if then is not None:
            then()
        # The runner's FOLLOW_UPS announcement that follows reloads the table.

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, RowValidationError):
            self.model.mark_error(exc.trainee_id, exc.field, exc.message)
            self._show_state()
        elif isinstance(exc, ValidationError):
            self.tell(str(exc), error=True)
            self._update_actions()
        else:
            self._update_actions()
            self._runner.show_error(exc)

    def discard(self) -> None:
        """Forget the edits not saved yet."""
        self.model.discard()
        self._show_state()
        if self._stale:
            self.reload()

    # --- unsaved edits ------------------------------------------------------------------------

    def ask_unsaved(self, go: Callable[[], None], stay: Callable[[], None]) -> None:
        """Run `go` at once, or, with unsaved edits, after asking to save or discard them."""
        if not self.model.dirty:
            go()
            return
        box, save, discard = unsaved_question(self.window(), len(self.model.edited_rows()))

        def answered() -> None:
            clicked = box.clickedButton()
            self.question = None
            box.deleteLater()
            if clicked is save:
                if not self._save(go):
                    stay()
            elif clicked is discard:
                self.discard()
                go()
            else:
                stay()

        box.finished.connect(answered)
        self.question = box
        box.open()

    def form_target(self) -> FormTarget | None:
        """Whose follow-up the current row is, for the period shown; None without one."""
        line = self.model.rows()[self.view.currentIndex().row()] if self.model.rowCount() else None
        data = self._data
        if line is None or data is None or self._period is None:
            return None
        return (data.workshop.id, line.trainee_id, self._period, line.name, data.workshop.title)
