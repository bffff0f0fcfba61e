"""The Verify box: a certificate's code typed or scanned, checked against the local register.

A QR scanner on USB types like a keyboard and ends with Enter, so scanning into the box
verifies at once; the code stays selected, so the next scan replaces it.
"""

from __future__ import annotations

import functools
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.certificates import Verification, verify_certificate
from otop_desktop.services.context import AppContext
from otop_desktop.ui.tasks import TaskRunner

_GENUINE_STYLE = (
    "QFrame#verdict { background: #e8f5e9; border: 1px solid #2e7d32; } "
    "QLabel { color: #1f1f1f; background: transparent; border: none; }"
)
_NOT_GENUINE_STYLE = (
    "QFrame#verdict { background: #fdecea; border: 1px solid #c62828; } "
    "QLabel { color: #1f1f1f; background: transparent; border: none; }"
)
_ICON_SIZE = 32


def _who(v: Verification) -> str:
    if v.trainee_name and v.chinese_name:
        return f"{v.trainee_name} ({v.chinese_name})"
    return v.trainee_name or v.chinese_name or ""


def _dates(v: Verification) -> str:
    if v.start_date and v.end_date and v.start_date != v.end_date:
        return _("{start} to {end}").format(
            start=formatting.day(v.start_date), end=formatting.day(v.end_date)
        )
    return formatting.day(v.start_date or v.end_date)


def verdict_lines(v: Verification) -> list[str]:
    """The facts of a genuine certificate, a line each (plain text)."""
    lines = []
    if _who(v):
        lines.append(_("Awarded to: {name}").format(name=_who(v)))
    if v.workshop_title:
        lines.append(_("Workshop: {title}").format(title=v.workshop_title))
    place = ", ".join(p for p in (v.town or "", formatting.country_name(v.country)) if p)
    if place:
        lines.append(_("Place: {place}").format(place=place))
    if _dates(v):
        lines.append(_("Dates: {dates}").format(dates=_dates(v)))
    if v.rate is not None:
        lines.append(_("Attendance: {rate}").format(rate=formatting.percent(v.rate)))
    if v.issued_at:
        lines.append(_("Issued on: {date}").format(date=formatting.moment_iso(v.issued_at)))
    if v.exception_reason:
        lines.append(_("Granted as an exception: {reason}").format(reason=v.exception_reason))
    return lines


class VerifyBox(QGroupBox):
    """A line for the code, Enter to verify; the verdict below in words, colour and icon."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(_("Verify a certificate"), parent)
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self.last: Verification | None = None

        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(_("Type or scan the code, then Enter"))
        self.code_edit.setClearButtonEnabled(True)
        self.code_edit.setMaxLength(200)  # a scanned URL is longer than the code
        self.code_edit.returnPressed.connect(self.verify)
        code_label = QLabel(_("C&ode:"))
        code_label.setBuddy(self.code_edit)
        self.verify_button = QPushButton(_("Verify"))
        self.verify_button.setAutoDefault(False)
        self.verify_button.clicked.connect(self.verify)
        entry = QHBoxLayout()
        entry.addWidget(code_label)
        entry.addWidget(self.code_edit, 1)
        entry.addWidget(self.verify_button)

        self.verdict = QFrame()
        self.verdict.setObjectName("verdict")
        self.icon_label = QLabel()
        self.icon_label.setFixedSize(_ICON_SIZE, _ICON_SIZE)
        self.headline_label = QLabel()
        self.headline_label.setStyleSheet("font-weight: bold;")
        self.headline_label.setWordWrap(True)
        # The facts in two columns: the verdict must not push the table off a 768-pixel screen.
        self.details_label = QLabel()
        self.more_label = QLabel()
        columns = QHBoxLayout()
        for label in (self.details_label, self.more_label):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            columns.addWidget(label, 1)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.headline_label)
        words.addLayout(columns)
        row = QHBoxLayout(self.verdict)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(words, 1)
        self.verdict.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.verdict)

    def focus_code(self) -> None:
        self.code_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code_edit.selectAll()

    def verify(self) -> None:
        """Check the code in the box against the register (in the background)."""
        text = self.code_edit.text().strip()
        if not text:
            return
        self._generation += 1
        generation = self._generation
        self._runner.run(
            functools.partial(verify_certificate, self._ctx, text),
            on_done=lambda v: self._verified(generation, v),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _verified(self, generation: int, v: Verification) -> None:
        if generation != self._generation:
            return
        self.last = v
        # The service's sentence is the verdict ("Genuine: …" / "Not genuine: … withdrawn").
        if v.genuine:
            self._show(True, v.message or _("Genuine certificate"), "", verdict_lines(v))
        else:
            self._show(False, v.message or _("Not genuine"), "", [])
        self.code_edit.selectAll()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if not isinstance(exc, ValidationError):
            self._runner.show_error(exc)
            return
        self.last = None
        self._show(False, _("Not a certificate code"), str(exc), [])
        self.code_edit.selectAll()

    def _show(self, genuine: bool, headline: str, message: str, lines: list[str]) -> None:
        self.verdict.setStyleSheet(_GENUINE_STYLE if genuine else _NOT_GENUINE_STYLE)
        icon = (
            QStyle.StandardPixmap.SP_DialogApplyButton
            if genuine
            else QStyle.StandardPixmap.SP_MessageBoxCritical
        )
        self.icon_label.setPixmap(self.style().standardIcon(icon).pixmap(_ICON_SIZE, _ICON_SIZE))
        colour = "#1b5e20" if genuine else "#b71c1c"
        self.headline_label.setStyleSheet(f"font-weight: bold; color: {colour};")
        self.headline_label.setText(headline)
        body = [message, *lines] if message else lines
        half = (len(body) + 1) // 2 if len(body) > 2 else len(body)
        self.details_label.setText("<br>".join(html.escape(line) for line in body[:half]))
        self.more_label.setText("<br>".join(html.escape(line) for line in body[half:]))
        self.details_label.setVisible(bool(body[:half]))
        self.more_label.setVisible(bool(body[half:]))
        self.verdict.show()

    def verdict_text(self) -> str:
        """What the verdict says, as plain text (empty before the first check)."""
        if self.verdict.isHidden():
            return ""
        parts = [self.headline_label.text(), self.details_label.text(), self.more_label.text()]
        return html.unescape("\n".join(p.replace("<br>", "\n") for p in parts if p))
