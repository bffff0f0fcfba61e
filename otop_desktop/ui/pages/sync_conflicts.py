"""Conflicts: fields two laptops changed before they exchanged bundles, and settling them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import N_, _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.sync_review import ConflictInfo, open_conflicts, resolve_conflict
from otop_desktop.services.trainees import get_trainee
from otop_desktop.services.workshops import get_workshop
from otop_desktop.ui.dialogs.conflict_value_dialog import ConflictValueDialog
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.row_table import Column, RowTableModel
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import table_view

# Table names as people call the records (translated where shown).
RECORD_KINDS = {
    "trainee": N_("trainee"),
    "workshop": N_("workshop"),
    "training_session": N_("session"),
    "organisation": N_("organisation"),
    "workshop_partner": N_("workshop partner"),
    "enrollment": N_("enrollment"),
    "attendance": N_("attendance"),
    "product": N_("product"),
    "photo": N_("photo"),
    "follow_up": N_("follow-up"),
    "certificate": N_("certificate"),
}
# Field names as the forms label them; a field not listed shows its stored name.
FIELD_LABELS = {
    "given_names": N_("Given names"),
    "family_names": N_("Family names"),
    "chinese_name": N_("Name in Chinese characters"),
    "gender": N_("Gender"),
    "birth_year": N_("Birth year"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "town": N_("Town"),
    "country": N_("Country"),
    "business_name": N_("Business"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "title": N_("Title"),
    "venue": N_("Venue"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "languages": N_("Languages"),
    "trainers": N_("Trainers"),
    "date": N_("Date"),
    "topic": N_("Topic"),
    "hours": N_("Hours"),
    "status": N_("Status"),
    "name": N_("Name"),
}


def record_kind(table: str) -> str:
    kind = RECORD_KINDS.get(table)
    return formatting.first_upper(_(kind)) if kind else table


def field_label(column: str) -> str:
    label = FIELD_LABELS.get(column)
    return _(label) if label else column.replace("_", " ")


@dataclass(frozen=True)
class ConflictRow:
    """A conflict with the name of its record (a trainee's name, a workshop's title)."""

    conflict: ConflictInfo
    record_name: str


def _record_name(ctx: AppContext, table: str, row_id: str) -> str:
    try:
        if table == "trainee":
            return get_trainee(ctx, row_id).display_name
        if table == "workshop":
            return get_workshop(ctx, row_id).title
    except OtopError:  # deleted since: the kind and id still say which record it was
        return ""
    return ""


def load_conflicts(ctx: AppContext) -> list[ConflictRow]:
    """The open conflicts, each with the name of its record."""
    names: dict[tuple[str, str], str] = {}
    rows = []
    for conflict in open_conflicts(ctx):
        key = (conflict.tbl, conflict.row_id)
        if key not in names:
            names[key] = _record_name(ctx, *key)
        rows.append(ConflictRow(conflict, names[key]))
    return rows


def resolve_many(
    ctx: AppContext, conflicts: list[ConflictInfo], keep: str | None, value: Any = None
) -> None:
    """Settle each conflict; the first of a field settles the others of the same field."""
    settled: set[tuple[str, str, str]] = set()
    for conflict in conflicts:
        cell = (conflict.tbl, conflict.row_id, conflict.column)
        if cell in settled:
            continue
        settled.add(cell)
        if keep is not None:
            resolve_conflict(ctx, conflict.id, keep=keep)
        else:
            resolve_conflict(ctx, conflict.id, value=value)


def _origin(laptop: str, ms: int) -> str:
    # Two lines (rows are two lines high): side by side they would not fit 1366 pixels.
    return f"{laptop}\n{formatting.moment_ms(ms)}"


def _record(row: ConflictRow) -> str:
    return "\n".join(p for p in (record_kind(row.conflict.tbl), row.record_name) if p)


def conflict_columns() -> list[Column[ConflictRow]]:
    return [
        Column(_("Record"), _record),
        Column(
            _("Id"),
            lambda r: formatting.short_id(r.conflict.row_id),
            tooltip=lambda r: r.conflict.row_id,
        ),
        Column(_("Field"), lambda r: field_label(r.conflict.column)),
        Column(_("Shown value"), lambda r: formatting.value(r.conflict.kept_value)),
        Column(
            _("Shown value from"),
            lambda r: _origin(r.conflict.kept_laptop, r.conflict.kept_at_ms),
        ),
        Column(_("Other value"), lambda r: formatting.value(r.conflict.lost_value)),
        Column(
            _("Other value from"),
            lambda r: _origin(r.conflict.lost_laptop, r.conflict.lost_at_ms),
        ),
    ]


class ConflictsPanel(QWidget):
    """The open conflicts and the three ways to settle the selected ones."""

    count_changed = Signal(int)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._resolving = False
        self.dialog: ConflictValueDialog | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.model = RowTableModel(conflict_columns(), self)
        self.view = table_view(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().setDefaultSectionSize(
            2 * self.view.fontMetrics().lineSpacing() + 10
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.keep_button = QPushButton(_("Keep shown value"))
        self.keep_button.clicked.connect(lambda: self.resolve("kept"))
        self.other_button = QPushButton(_("Use other value"))
        self.other_button.clicked.connect(lambda: self.resolve("lost"))
        self.type_button = QPushButton(_("Type another value…"))
        self.type_button.clicked.connect(self.type_value)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.other_button)
        buttons.addWidget(self.type_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()
        self._load = LatestLoad(self, runner, (SYNC,), load_conflicts, ctx, on_loaded=self._loaded)
        self.reload()

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        self._load.reload()

    def _loaded(self, rows: list[ConflictRow]) -> None:
        self.model.set_rows(rows)
        self.intro.setText(
            _(
                "Two laptops changed these fields before they exchanged bundles. The shown "
                "value is the one in use on every laptop; choose which one is right."
            )
            if rows
            else _(
                "No conflicts to review. When two laptops change the same field before they "
                "exchange bundles, both values show here."
            )
        )
        if rows:
            self.view.selectRow(0)
        self._update_buttons()
        self.count_changed.emit(len(rows))

    # --- settling -----------------------------------------------------------------------------

    def selected(self) -> list[ConflictRow]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [row for r in rows if (row := self.model.record(r)) is not None]

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        free = not self._resolving
        self.keep_button.setEnabled(free and bool(chosen))
        self.other_button.setEnabled(free and bool(chosen))
        # A typed value is for one field at a time, and a yes/no field has only the two.
        self.type_button.setEnabled(
            free and len(chosen) == 1 and not isinstance(chosen[0].conflict.kept_value, bool)
        )

    def resolve(self, keep: str | None, value: Any = None) -> None:
        """Settle the selected conflicts: keep "kept" or "lost", or set `value`."""
        chosen = [row.conflict for row in self.selected()]
        if not chosen or self._resolving:
            return
        self._resolving = True
        self._update_buttons()
        self._runner.run(
            resolve_many,
            self._ctx,
            chosen,
            keep,
            value,
            on_done=lambda _result: self._resolved(),
            on_error=self._failed,
            changes=(SYNC, TRAINEES, WORKSHOPS),
        )

    def _resolved(self) -> None:
        self._resolving = False
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._resolved()
        self._runner.show_error(exc)

    def type_value(self) -> ConflictValueDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            return None
        conflict = chosen[0].conflict
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = ConflictValueDialog(
            field_label(conflict.column), conflict.kept_value, conflict.lost_value, self
        )
        self.dialog.chosen.connect(lambda value: self.resolve(None, value))
        self.dialog.open()
        return self.dialog
