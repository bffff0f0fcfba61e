"""The certificates page's table: each trainee's rate, sessions, hours and certificate status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from otop_desktop.i18n import N_, _, formatting
from otop_desktop.services.certificates import CertificateCandidate
from otop_desktop.ui.models.row_table import SORT_ROLE, Column, RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

# What the runner announces after a certificate change (an exception, certificates issued).
CERTIFICATES = "certificates"

# The filter's choices: (key, label).
SHOW_ALL = "all"
SHOW_MAY_PRINT = "may_print"
SHOW_NOT_YET = "not_yet"
FILTERS: tuple[tuple[str, str], ...] = (
    (SHOW_ALL, N_("Everyone")),
    (SHOW_MAY_PRINT, N_("May receive a certificate")),
    (SHOW_NOT_YET, N_("Not yet eligible")),
)

# Dark enough to read on the light palette, and told apart by words too, never by colour alone.
_MAY_PRINT_COLOUR = QColor("#1b5e20")
_NOT_YET_COLOUR = QColor("#8a4b00")


def is_issued(c: CertificateCandidate) -> bool:
    """Whether the certificate was printed (an exception has its code before that)."""
    return bool(c.code and c.issued_at)


def display_name(c: CertificateCandidate) -> str:
    """The name in Latin letters; the Chinese one for a trainee who has only that."""
    return c.name or c.chinese_name or ""


def status_text(c: CertificateCandidate) -> str:
    """ "Eligible", "Not yet eligible", "Exception: …" or "Issued: K7QM2-XDR9P-4"."""
    if is_issued(c):
        return _("Issued: {code}").format(code=c.code)
    if c.exception_reason and not c.eligible:
        return _("Exception: {reason}").format(reason=c.exception_reason)
    if c.eligible:
        return _("Eligible")
    return _("Not yet eligible")


def status_tooltip(c: CertificateCandidate) -> str:
    """The status with what the cell may cut short: the whole reason, when it was issued."""
    lines = [status_text(c)]
    if is_issued(c):
        lines.append(_("Issued on {date}").format(date=formatting.moment_iso(c.issued_at)))
    if c.exception_reason and (is_issued(c) or c.eligible):
        lines.append(_("Exception: {reason}").format(reason=c.exception_reason))
    return "\n".join(lines)


def _sessions_text(c: CertificateCandidate) -> str:
    return _("{attended} of {held}").format(
        attended=formatting.number(c.sessions_attended), held=formatting.number(c.sessions_held)
    )


def _status_order(c: CertificateCandidate) -> int:
    if is_issued(c):
        return 0
    if c.eligible:
        return 1
    return 2 if c.exception_reason else 3


def candidate_columns() -> list[Column[CertificateCandidate]]:
    return [
        Column(_("Name"), display_name, tooltip=lambda c: c.name),
        Column(_("Chinese name"), lambda c: c.chinese_name or ""),
        Column(
            _("Attendance"),
            lambda c: formatting.percent(c.rate),
            lambda c: -1.0 if c.rate is None else c.rate,
            numeric=True,
        ),
        Column(
            _("Sessions"),
            _sessions_text,
            lambda c: (c.sessions_attended, c.sessions_held),
            numeric=True,
        ),
        Column(
            _("Hours"),
            lambda c: formatting.number(c.hours_attended) if c.hours_attended is not None else "",
            lambda c: -1.0 if c.hours_attended is None else c.hours_attended,
            numeric=True,
        ),
        Column(_("Status"), status_text, _status_order, tooltip=status_tooltip),
    ]


STATUS_COLUMN = 5


class CandidateTableModel(RowTableModel[CertificateCandidate]):
    """The trainees of a workshop as candidates; the status in green or brown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(candidate_columns(), parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS_COLUMN:
            candidate = self.record(index.row())
            if candidate is None:
                return None
            return _MAY_PRINT_COLOUR if candidate.may_print else _NOT_YET_COLOUR
        return super().data(index, role)

    def row_of(self, trainee_id: str) -> int:
        for row, candidate in enumerate(self.records()):
            if candidate.trainee_id == trainee_id:
                return row
        return -1


class CandidateFilter(QSortFilterProxyModel):
    """Shows everyone, those who may receive a certificate, or those not yet eligible."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.mode = SHOW_ALL
        self.setSortRole(SORT_ROLE)
        self.setSortLocaleAware(True)

    def set_mode(self, mode: str) -> None:
        self.beginFilterChange()
        self.mode = mode
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        candidate = model.record(source_row) if isinstance(model, CandidateTableModel) else None
        if candidate is None or self.mode == SHOW_ALL:
            return True
        return candidate.may_print == (self.mode == SHOW_MAY_PRINT)
