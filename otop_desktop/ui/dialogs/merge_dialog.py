"""Two records of one person side by side: the coordinator keeps one, the other merges into it.

Nothing is deleted: the merged record stays, marked `merged_into` the one kept, so the merge
syncs and can be undone (`unmerge_trainee`); the page offers Undo right after.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import Gender
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import merge_trainees
from otop_desktop.services.trainees import TraineeInfo
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons


def _rows(organisations: dict[str, str]) -> list[tuple[str, Callable[[TraineeInfo], object]]]:
    """(label, how to show that field of a trainee) for each compared field."""

    def gender(t: TraineeInfo) -> str:
        return formatting.first_upper(formatting.label_of(Gender, t.gender))

    return [
        (_("Given names"), lambda t: t.given_names),
        (_("Family names"), lambda t: t.family_names),
        (_("Name in Chinese characters"), lambda t: t.chinese_name),
        (_("Gender"), gender),
        (_("Birth year"), lambda t: formatting.value(t.birth_year)),
        (_("Phone"), lambda t: t.phone),
        (_("E-mail"), lambda t: t.email),
        (_("Town"), lambda t: t.town),
        (_("Country"), lambda t: formatting.country_name(t.country)),
        (_("Organisation"), lambda t: organisations.get(t.organisation_id or "", "")),
        (_("Business"), lambda t: t.business_name),
        (_("Notes"), lambda t: t.notes),
    ]


class MergeDialog(QDialog):
    """Both trainees field by field, a choice of the one to keep, and Merge."""

    merged = Signal(object, str)  # the TraineeInfo kept, the id of the one merged into it

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        first: TraineeInfo,
        second: TraineeInfo,
        parent: QWidget | None = None,
        *,
        organisations: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._pair = (first, second)
        self._busy = False
        self.setWindowTitle(_("Merge two trainees"))
        intro = QLabel(
            _(
                "Choose the record to keep. The other one is merged into it: its workshops, "
                "attendance and follow-ups count for the one kept. Nothing is deleted, and "
                "the merge can be undone."
            )
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.keep_buttons = QButtonGroup(self)
        self.keep_first = QRadioButton(_("Keep this one"))
        self.keep_second = QRadioButton(_("Keep this one"))
        self.keep_first.setChecked(True)
        for column, button in ((1, self.keep_first), (2, self.keep_second)):
            self.keep_buttons.addButton(button, column - 1)
            grid.addWidget(button, 0, column)
        for row, (label, show) in enumerate(_rows(organisations or {}), start=1):
            texts = [str(show(t) or "") for t in (first, second)]
            if not any(texts):
                continue
            name = QLabel(label)
            name.setStyleSheet("font-weight: bold;")
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            for column, text in enumerate(texts, start=1):
                cell = mark_data(QLabel(text))
                cell.setWordWrap(True)
                cell.setMinimumWidth(220)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if texts[0] != texts[1]:
                    cell.setStyleSheet("color: #b35900;")  # differs: worth a look
                grid.addWidget(cell, row, column, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons, self.merge_button = accept_cancel_buttons(_("Merge"), self.merge, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.keep_first.setFocus()

    def survivor(self) -> TraineeInfo:
        return self._pair[0] if self.keep_first.isChecked() else self._pair[1]

    def duplicate(self) -> TraineeInfo:
        return self._pair[1] if self.keep_first.isChecked() else self._pair[0]

    def merge(self) -> None:
        """Merge the other record into the one chosen, in the background."""
        if self._busy:
            return
        self._busy = True
        self.merge_button.setEnabled(False)
        duplicate_id = self.duplicate().id
        self._runner.run(
            functools.partial(merge_trainees, self._ctx, self.survivor().id, duplicate_id),
            on_done=lambda kept: self._merged(kept, duplicate_id),
            on_error=self._failed,
            changes=(TRAINEES, WORKSHOPS),
        )

    def _merged(self, kept: TraineeInfo, duplicate_id: str) -> None:
        self._busy = False
        self.merged.emit(kept, duplicate_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.merge_button.setEnabled(True)
        if isinstance(exc, OtopError):
            self.error_label.setText(str(exc))
            self.error_label.show()
        else:
            self._runner.show_error(exc)
