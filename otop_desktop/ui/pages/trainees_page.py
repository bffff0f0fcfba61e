"""Every trainee, filtered as you type (names, town or phone; accents and case do not matter)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import Gender
from otop_desktop.i18n import _, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.ui import formatting
from otop_desktop.ui.models.trainee_table import TraineeTableModel
from otop_desktop.ui.tasks import TRAINEES, TaskRunner
from otop_desktop.ui.views import table_view

# Wait this long after the last key before searching: typing "nunez" makes one query, not five.
FILTER_DELAY_MS = 150


class TraineesPage(QWidget):
    """A filter box and a lazily loaded table of trainees."""

    key = "trainees"

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _("Trainees")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")

        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(_("Find by name, town or phone (Ctrl+F)"))
        self.filter_edit.setMinimumWidth(320)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.filter_edit, 1)
        top.addSpacing(16)
        top.addWidget(self.count_label)

        self.model = TraineeTableModel(ctx, runner, self)
        self.model.counted.connect(self._show_count)
        self.view = table_view(self.model)
        # Several rows may be selected (to enrol them together, later).
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        for column, chars in ((1, 28), (2, 16)):
            header.resizeSection(column, metrics.averageCharWidth() * chars)
        # Phones as people write them: the longest usual form is Taiwan's "+886 912-345-678".
        header.resizeSection(3, metrics.horizontalAdvance("+886 0912-345-678") + 16)
        # The gender labels are known: the column fits the longest in this language.
        genders = [metrics.horizontalAdvance(formatting.first_upper(g.label())) for g in Gender]
        header.resizeSection(4, max(genders) + 24)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        # A window shortcut of a hidden page does not fire: Ctrl+F works wherever the focus is
        # while this page is shown, and other pages may give it their own meaning.
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.focus_filter)
        self.find_shortcut = find

        runner.changed.connect(self._on_changed)
        self.model.set_filter("")

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter_edit.text())
        self.view.scrollToTop()

    def _on_changed(self, what: str) -> None:
        if what == TRAINEES:
            self.model.reload()

    def _show_count(self, count: int) -> None:
        self.count_label.setText(
            ngettext("{n} trainee", "{n} trainees", count).format(n=formatting.number(count))
        )
