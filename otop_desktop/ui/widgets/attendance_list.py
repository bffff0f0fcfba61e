"""The big roster list of the attendance page: one tall row per trainee with four mark buttons.

Each row shows the number on the sheet, the name in large type (with the name in Chinese
characters when there is one), the phone, four buttons (icon, colour, word and key) and
whether the mark is saving, saved or was refused. A click on a button marks; with the list
focused, a mark's letter or digit marks the current row and moves to the next one. Any other
letter typed goes to the find box (`find_typed`), which jumps to names.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from otop_desktop.ui.models.attendance_model import (
    ERROR_ROLE,
    LINE_ROLE,
    NUMBER_ROLE,
    STATE_ROLE,
    STATUS_ROLE,
    AttendanceModel,
    SaveState,
    state_text,
    status_label,
)
from otop_desktop.ui.widgets.attendance_marks import (
    COLOURS,
    STATUSES,
    draw_icon,
    status_for_key,
    status_keys,
)

AnyIndex = QModelIndex | QPersistentModelIndex

MIN_ROW_HEIGHT = 48
_NAME_POINTS_UP = 4  # the name is this many points larger than the rest
_MARGIN = 6
_MIN_NAME = 160
_GAP = 6
_STATE_COLOURS = {
    SaveState.SAVING: QColor("#8a6d00"),
    SaveState.SAVED: QColor("#2e7d32"),
    SaveState.FAILED: QColor("#c62828"),
}


class AttendanceDelegate(QStyledItemDelegate):
    """Paints a roster row and says which mark button a point falls on."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.keys = status_keys()
        base = parent.font()
        self.name_font = QFont(base)
        self.name_font.setPointSizeF(base.pointSizeF() + _NAME_POINTS_UP)
        self.small_font = QFont(base)
        self.button_font = QFont(base)
        self.button_font.setBold(True)
        names = QFontMetrics(self.name_font)
        small = QFontMetrics(self.small_font)
        buttons = QFontMetrics(self.button_font)
        self.row_height = max(MIN_ROW_HEIGHT, names.height() + small.height() + 3 * _MARGIN)
        self.icon_side = max(18, buttons.height() + 2)
        labels = max(buttons.horizontalAdvance(status_label(s.value)) for s in STATUSES)
        self.badge_width = buttons.horizontalAdvance("MM")
        self.button_width = min(
            190, max(104, self.icon_side + labels + self.badge_width + 4 * _GAP)
        )
        self.state_width = max(small.horizontalAdvance(state_text(s)) for s in SaveState) + 2 * _GAP
        self.number_width = small.horizontalAdvance("000") + 2 * _GAP
        # Names come first: room for about 24 letters of the name font (more at 125 % scale)
        # before the buttons keep their words; past that the buttons shrink, not the names.
        self.min_name = max(_MIN_NAME, names.averageCharWidth() * 24)
        # The narrowest a button gets: icon and key letter, its word elided away.
        self.compact_button = self.icon_side + self.badge_width + 3 * _GAP

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(self.minimum_width(), self.row_height)

    def minimum_width(self) -> int:
        """The narrowest row: a name and four compact buttons (no sideways scrolling above)."""
        return self.number_width + _MIN_NAME + 4 * (self.compact_button + _GAP) + self.state_width

    def button_rects(self, rect: QRect) -> list[tuple[str, QRect]]:
        """The four mark buttons of a row drawn in `rect`, left to right; narrower (their
        words shortened) when the window is too narrow for them and a short name."""
        room = rect.width() - self.number_width - self.state_width - self.min_name
        width = max(self.compact_button, min(self.button_width, room // 4 - _GAP))
        right = rect.right() - self.state_width
        top = rect.top() + _MARGIN
        height = rect.height() - 2 * _MARGIN
        out = []
        for n, status in enumerate(reversed(STATUSES)):
            left = right - (n + 1) * (width + _GAP)
            out.append((status.value, QRect(left, top, width, height)))
        return list(reversed(out))

    def status_at(self, rect: QRect, point: QPoint) -> str | None:
        """The mark whose button is under `point` in a row drawn in `rect`, if any."""
        for status, button in self.button_rects(rect):
            if button.contains(point):
                return status
        return None

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painter.save()
        rect = QRect(option.rect)
        palette: QPalette = option.palette
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(170))
            painter.fillRect(
                QRect(rect.left(), rect.top(), 5, rect.height()),
                palette.color(QPalette.ColorRole.Highlight),
            )
        elif index.row() % 2:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_colour = palette.color(QPalette.ColorRole.Text)
        if selected:
            text_colour = QColor("#1f1f1f")
        line = index.data(LINE_ROLE)
        shown = index.data(STATUS_ROLE)
        save_state = index.data(STATE_ROLE) or SaveState.NONE

        painter.setFont(self.small_font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        number_rect = QRect(rect.left() + 8, rect.top(), self.number_width - 8, rect.height())
        painter.drawText(
            number_rect,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            str(index.data(NUMBER_ROLE) or ""),
        )
        buttons = self.button_rects(rect)
        name_left = number_rect.right() + 2 * _GAP
        name_width = max(0, buttons[0][1].left() - _GAP - name_left)
        names = QFontMetrics(self.name_font)
        small = QFontMetrics(self.small_font)
        text_top = rect.top() + (rect.height() - names.height() - small.height()) // 2
        painter.setFont(self.name_font)
        painter.setPen(text_colour)
        name = str(index.model().index(index.row(), 1).data() or "")
        if line is not None and not line.enrolled:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        name = names.elidedText(name, Qt.TextElideMode.ElideRight, name_width)
        painter.drawText(
            QRect(name_left, text_top, name_width, names.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            name,
        )
        painter.setFont(self.small_font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        phone = (line.phone if line else None) or ""
        painter.drawText(
            QRect(name_left, text_top + names.height(), name_width, small.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            small.elidedText(phone, Qt.TextElideMode.ElideRight, name_width),
        )
        for status, button in buttons:
            self._paint_button(painter, button, status, status == shown, palette)
        state_rect = QRect(rect.right() - self.state_width + _GAP, rect.top(), 0, rect.height())
        state_rect.setRight(rect.right() - 2)
        painter.setFont(self.small_font)
        painter.setPen(_STATE_COLOURS.get(save_state, text_colour))
        painter.drawText(
            state_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            state_text(save_state),
        )
        painter.restore()

    def _paint_button(
        self, painter: QPainter, rect: QRect, status: str, chosen: bool, palette: QPalette
    ) -> None:
        colour = COLOURS[status]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if chosen:
            painter.setPen(colour.darker(120))
            painter.setBrush(colour)
            foreground = QColor("white")
        else:
            painter.setPen(colour.lighter(150))
            painter.setBrush(QColor("white"))
            foreground = colour
        painter.drawRoundedRect(box, 6, 6)
        icon = QRectF(rect.left() + _GAP, rect.top(), self.icon_side, rect.height())
        draw_icon(painter, icon, status, foreground)
        painter.setFont(self.button_font)
        painter.setPen(foreground if chosen else QColor("#1f1f1f"))
        label_rect = QRect(
            int(icon.right()) + _GAP,
            rect.top(),
            max(0, rect.width() - self.icon_side - self.badge_width - 3 * _GAP),
            rect.height(),
        )
        metrics = QFontMetrics(self.button_font)
        painter.drawText(
            label_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(
                status_label(status), Qt.TextElideMode.ElideRight, label_rect.width()
            ),
        )
        badge = QRect(
            rect.right() - self.badge_width - 2, rect.top(), self.badge_width, rect.height()
        )
        painter.setFont(self.small_font)
        painter.setPen(foreground if chosen else colour)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.keys[status])
        painter.restore()


class AttendanceList(QListView):
    """The roster list: clicks on a row's buttons and the mark keys save marks."""

    # A letter typed on the list that marks nothing: the page puts it in the find box.
    find_typed = Signal(str)

    def __init__(self, model: AttendanceModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.delegate = AttendanceDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.marking_enabled = True

    def mark_current(self, status: str, *, advance: bool = True) -> None:
        """Mark the current row with `status`; then move to the next row."""
        row = self.currentIndex().row()
        if row < 0 or not self.marking_enabled:
            return
        self._model.set_status(row, status)
        if advance and row + 1 < self._model.rowCount():
            self.setCurrentIndex(self._model.index(row + 1, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        text = event.text()
        if modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            status = status_for_key(text, self.delegate.keys) if text else None
            if status is not None:
                self.mark_current(status)
                event.accept()
                return
            if text and text.isprintable() and not text.isspace():
                self.find_typed.emit(text)
                event.accept()
                return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        index = self.indexAt(point)
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self.setCurrentIndex(index)
            status = self.delegate.status_at(self.visualRect(index), point)
            if status is not None and self.marking_enabled:
                self._model.set_status(index.row(), status)
                event.accept()
                return
        super().mousePressEvent(event)

    def error_of(self, row: int) -> str | None:
        """The message of a refused mark on `row`, if any."""
        error = self._model.index(row, 0).data(ERROR_ROLE)
        return str(error) if error else None
