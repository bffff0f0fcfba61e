"""How attendance marks look and which keys set them: colour, icon, letter, label.

Screens used in front of trainees work by icon and colour as much as by word: a check mark on
green is "present", a clock on orange "late", a note on blue "excused", a cross on red "absent".

Keys: the digits 1 2 3 4 work in every language; each language also has one letter per mark,
taken from its catalog (English P L E A, Spanish P T J A for presente, tarde, justificado,
ausente). A translation that is not one letter, or that repeats another mark's letter, falls
back to the English letter so that every mark keeps a key of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.i18n import _, pgettext

STATUSES: tuple[AttendanceStatus, ...] = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)

# Dark enough for white text on them, and told apart by people who confuse red and green
# thanks to the icons.
COLOURS: dict[str, QColor] = {
    AttendanceStatus.PRESENT.value: QColor("#2e7d32"),
    AttendanceStatus.LATE.value: QColor("#e65100"),
    AttendanceStatus.EXCUSED.value: QColor("#1565c0"),
    AttendanceStatus.ABSENT.value: QColor("#c62828"),
}

_ENGLISH_KEYS = {
    AttendanceStatus.PRESENT.value: "P",
    AttendanceStatus.LATE.value: "L",
    AttendanceStatus.EXCUSED.value: "E",
    AttendanceStatus.ABSENT.value: "A",
}


def _translated_keys() -> dict[str, str]:
    return {
        # Translators: the one letter that marks a trainee present (first letter of "present").
        AttendanceStatus.PRESENT.value: pgettext("attendance key", "P"),
        # Translators: the one letter that marks a trainee late (Spanish: T for "tarde").
        AttendanceStatus.LATE.value: pgettext("attendance key", "L"),
        # Translators: the one letter that marks a trainee excused (Spanish: J, "justificado").
        AttendanceStatus.EXCUSED.value: pgettext("attendance key", "E"),
        # Translators: the one letter that marks a trainee absent (first letter of "absent").
        AttendanceStatus.ABSENT.value: pgettext("attendance key", "A"),
    }


def status_keys() -> dict[str, str]:
    """The letter of each mark in the current language (upper case), by status value."""
    keys: dict[str, str] = {}
    for status, letter in _translated_keys().items():
        letter = letter.strip().upper()
        if len(letter) != 1 or not letter.isalpha() or letter in keys.values():
            letter = _ENGLISH_KEYS[status]
        keys[status] = letter
    if len(set(keys.values())) < len(keys):
        return dict(_ENGLISH_KEYS)
    return keys


def keys_hint(keys: dict[str, str]) -> str:
    """The line under the find box that says which keys do what on the list."""
    return _(
        "On the list: {present} present · {late} late · {excused} excused · {absent} "
        "absent (or 1 2 3 4) · ↑ ↓ move · Ctrl+Z undo. Type a name to find it; Enter "
        "goes back to the list."
    ).format(
        present=keys[AttendanceStatus.PRESENT.value],
        late=keys[AttendanceStatus.LATE.value],
        excused=keys[AttendanceStatus.EXCUSED.value],
        absent=keys[AttendanceStatus.ABSENT.value],
    )


def digit_of(status: str) -> str:
    """The digit key of a mark: 1 present, 2 late, 3 excused, 4 absent."""
    return str([s.value for s in STATUSES].index(status) + 1)


def status_for_key(text: str, keys: dict[str, str] | None = None) -> str | None:
    """The mark a typed key stands for (its letter in this language, or its digit), or None."""
    typed = text.strip().upper()
    if len(typed) != 1:
        return None
    for status in STATUSES:
        if typed in ((keys or status_keys())[status.value], digit_of(status.value)):
            return status.value
    return None


def draw_icon(painter: QPainter, rect: QRectF, status: str, colour: QColor) -> None:
    """Draw the icon of `status` in `rect` (a square) with `colour`."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(rect.width(), rect.height())
    width = max(2.0, side / 8)
    pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    box = QRectF(0, 0, side, side)
    box.moveCenter(rect.center())
    inner = box.adjusted(width, width, -width, -width)
    x, y, w, h = inner.x(), inner.y(), inner.width(), inner.height()
    if status == AttendanceStatus.PRESENT.value:
        path = QPainterPath(QPointF(x + w * 0.08, y + h * 0.55))
        path.lineTo(QPointF(x + w * 0.4, y + h * 0.85))
        path.lineTo(QPointF(x + w * 0.95, y + h * 0.15))
        painter.drawPath(path)
    elif status == AttendanceStatus.LATE.value:
        painter.drawEllipse(inner)
        centre = inner.center()
        painter.drawLine(centre, QPointF(centre.x(), y + h * 0.2))
        painter.drawLine(centre, QPointF(x + w * 0.75, centre.y()))
    elif status == AttendanceStatus.EXCUSED.value:
        # A note: a sheet with lines of writing.
        sheet = inner.adjusted(w * 0.12, 0, -w * 0.12, 0)
        painter.drawRoundedRect(sheet, w * 0.08, w * 0.08)
        for share in (0.3, 0.5, 0.7):
            line_y = y + h * share
            painter.drawLine(
                QPointF(sheet.left() + w * 0.15, line_y), QPointF(sheet.right() - w * 0.15, line_y)
            )
    else:
        painter.drawLine(QPointF(x + w * 0.15, y + h * 0.15), QPointF(x + w * 0.85, y + h * 0.85))
        painter.drawLine(QPointF(x + w * 0.85, y + h * 0.15), QPointF(x + w * 0.15, y + h * 0.85))
    painter.restore()
