"""The likely duplicate pairs of the whole programme, for a coordinator to merge one by one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_merge import list_duplicate_pairs
from otop_desktop.services.trainees import TraineeInfo
from otop_desktop.ui.tasks import TaskRunner

Pair = tuple[TraineeInfo, TraineeInfo, float, tuple[str, ...]]


def _person(trainee: TraineeInfo) -> str:
    where = ", ".join(p for p in (trainee.town, trainee.phone) if p)
    return f"{trainee.display_name} ({where})" if where else trainee.display_name


def pair_text(pair: Pair) -> str:
    """The two trainees on a line each, then why they look alike (three lines)."""
    first, second, _score, reasons = pair
    why = _("Why: {reasons}").format(reasons="; ".join(reasons))
    return "\n".join((_person(first), _person(second), why))


class DuplicateReviewDialog(QDialog):
    """Finds the pairs in the background (with progress), lists them, most alike first."""

    merge_requested = Signal(object, object)  # the two TraineeInfo of the pair chosen

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pairs: list[Pair] = []
        self.setWindowTitle(_("Review duplicates"))
        self.summary = QLabel(_("Looking for trainees registered twice…"))
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMinimumSize(640, 320)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.itemActivated.connect(lambda _item: self.merge_chosen())
        self.list.currentRowChanged.connect(lambda _row: self._update())
        buttons = QDialogButtonBox()
        self.merge_button = QPushButton(_("Merge…"))
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.merge_chosen)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self._update()
        runner.run(
            list_duplicate_pairs,
            ctx,
            progress=True,
            title=_("Looking for trainees registered twice…"),
            on_done=self._found,
        )

    def _found(self, pairs: list[Pair]) -> None:
        self._pairs = list(pairs)
        self._fill()
        self.list.setFocus()

    def _fill(self) -> None:
        self.list.clear()
        for pair in self._pairs:
            item = QListWidgetItem(pair_text(pair))
            item.setData(Qt.ItemDataRole.UserRole, (pair[0].id, pair[1].id))
            self.list.addItem(item)
        count = len(self._pairs)
        self.summary.setText(
            ngettext(
                "{n} pair of trainees may be the same person. Merge those that are.",
                "{n} pairs of trainees may be the same person. Merge those that are.",
                count,
            ).format(n=formatting.number(count))
            if count
            else _("No likely duplicates found.")
        )
        if count:
            self.list.setCurrentRow(0)
        self._update()

    def _update(self) -> None:
        self.merge_button.setEnabled(self.list.currentRow() >= 0)

    def pairs(self) -> list[Pair]:
        return list(self._pairs)

    def merge_chosen(self) -> None:
        """Ask the page to open the merge dialog of the pair chosen."""
        row = self.list.currentRow()
        if 0 <= row < len(self._pairs):
            first, second, _score, _reasons = self._pairs[row]
            self.merge_requested.emit(first, second)

    def forget(self, trainee_id: str) -> None:
        """Drop the pairs of a trainee merged away (it is no longer a separate person)."""
        row = self.list.currentRow()
        self._pairs = [p for p in self._pairs if trainee_id not in (p[0].id, p[1].id)]
        self._fill()
        if self._pairs:
            self.list.setCurrentRow(min(max(row, 0), len(self._pairs) - 1))
