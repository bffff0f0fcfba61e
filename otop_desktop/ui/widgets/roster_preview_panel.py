"""The preview of a roster import: counts per action, a filter, and a row per row of the file."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting
from otop_desktop.services.roster_import import PreviewRow, RosterPreview, RowAction
from otop_desktop.ui.models.roster_preview import (
    RosterPreviewModel,
    action_icon,
    action_text,
    row_reason,
)
from otop_desktop.ui.views import table_view


def preview_filters() -> list[tuple[str, frozenset[RowAction] | None]]:
    """What "Show" offers: every row, the rows that need a look, or those of one action."""
    return [
        (_("All rows"), None),
        (_("Rejected or already registered"), frozenset({RowAction.REJECT, RowAction.DUPLICATE})),
        *((action_text(a), frozenset({a})) for a in RowAction),
    ]


class RosterPreviewPanel(QWidget):
    """The rows of a preview, and (in `toolbar`) counts of what will be created, updated,
    skipped and rejected, with the filter of the rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: RosterPreview | None = None
        # Counts, filter and the columns switch: a row the dialog puts across its whole width.
        self.toolbar = QWidget()
        top = QHBoxLayout(self.toolbar)
        top.setContentsMargins(0, 0, 0, 0)
        self.count_labels: dict[RowAction, QLabel] = {}
        for action in RowAction:
            icon = QLabel()
            icon.setPixmap(action_icon(action).pixmap(12, 12))
            label = QLabel()
            self.count_labels[action] = label
            top.addWidget(icon)
            top.addWidget(label)
            top.addSpacing(12)
        top.addStretch(1)
        self.filter_combo = QComboBox()
        for text, actions in preview_filters():
            self.filter_combo.addItem(text, actions)
        self.filter_combo.currentIndexChanged.connect(self._show_rows)
        show_label = QLabel(_("S&how:"))
        show_label.setBuddy(self.filter_combo)
        top.addWidget(show_label)
        top.addWidget(self.filter_combo)
        # The switch of the columns panel, which the dialog places beside this one.
        self.columns_button = QPushButton(_("C&olumns…"))
        self.columns_button.setCheckable(True)
        self.columns_button.setAutoDefault(False)
        self.columns_button.setToolTip(_("Show which field each column of the file fills"))
        top.addWidget(self.columns_button)

        self.model = RosterPreviewModel(self)
        self.view = table_view(self.model)
        self._size_columns()
        # The whole reason of the row selected: the cell is cut, and a tooltip needs a mouse.
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.model.modelReset.connect(lambda: self.detail_label.setText(""))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail_label)
        self.show_preview(None)

    def _size_columns(self) -> None:
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.view.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance("00000") + 24)
        actions = [metrics.horizontalAdvance(action_text(a)) for a in RowAction]
        header.resizeSection(1, max(actions) + 44)
        header.resizeSection(2, metrics.averageCharWidth() * 30)
        # Phones as people write them: the longest usual form is Taiwan's "+886 912-345-678".
        header.resizeSection(3, metrics.horizontalAdvance("+886 0912-345-678") + 16)
        header.resizeSection(4, metrics.averageCharWidth() * 16)

    def show_preview(self, preview: RosterPreview | None) -> None:
        """Show the counts and rows of `preview` (nothing for None)."""
        self.preview = preview
        self.filter_combo.setEnabled(preview is not None)
        self.columns_button.setEnabled(preview is not None or self.columns_button.isChecked())
        counts = preview.counts() if preview is not None else {}
        for action, label in self.count_labels.items():
            label.setText(
                _("{action}: {count}").format(
                    action=action_text(action), count=formatting.number(counts.get(action, 0))
                )
            )
        self._show_rows()

    def set_filter(self, actions: frozenset[RowAction] | None) -> None:
        """Show only the rows of `actions` (every row for None)."""
        for index in range(self.filter_combo.count()):
            if self.filter_combo.itemData(index) == actions:
                self.filter_combo.setCurrentIndex(index)
                return

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.record(current.row())
        if row is None or not row_reason(row):
            self.detail_label.setText("")
            return
        self.detail_label.setText(
            _("Row {row}: {reason}").format(row=row.row_number, reason=row_reason(row))
        )

    def _show_rows(self) -> None:
        rows: list[PreviewRow] = list(self.preview.rows) if self.preview is not None else []
        actions = self.filter_combo.currentData()
        if actions:
            rows = [r for r in rows if r.action in actions]
        self.model.set_rows(rows)
