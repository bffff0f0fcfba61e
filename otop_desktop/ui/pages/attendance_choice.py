"""The workshop and session combos of the attendance page, and which session to open first.

At first the page opens on a session held today (of the most recent workshop that has one),
else on the latest session, up to tomorrow, of the most recent workshop that is not archived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import (
    SessionInfo,
    WorkshopInfo,
    list_sessions,
    list_workshops,
)
from otop_desktop.ui.tasks import SYNC, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data

# Enough to find a session held today among the workshops running now.
_LOOK_FOR_TODAY = 20


@dataclass(frozen=True)
class Choices:
    """The workshops to choose from, the one chosen and its sessions."""

    workshops: list[WorkshopInfo]
    workshop_id: str | None
    sessions: list[SessionInfo]


def default_session(sessions: list[SessionInfo], today: dt.date) -> SessionInfo | None:
    """Today's session, else the latest one up to tomorrow, else the first one."""
    dated = [s for s in sessions if s.date is not None]
    for s in dated:
        if s.date == today:
            return s
    held = [s for s in dated if s.date is not None and s.date <= today + dt.timedelta(days=1)]
    if held:
        return max(held, key=lambda s: (s.date or today, s.start_time or ""))
    return sessions[0] if sessions else None


def load_choices(
    ctx: AppContext, workshop_id: str | None = None, today: dt.date | None = None
) -> Choices:
    """Every workshop and the sessions of `workshop_id`; without one (or if it is gone), of
    the workshop holding a session today, else of the most recent one not archived."""
    day = today or dt.date.today()
    workshops = list_workshops(ctx)
    ids = [w.id for w in workshops]
    if workshop_id in ids:
        return Choices(workshops, workshop_id, list_sessions(ctx, workshop_id or ""))
    running = [w for w in workshops if not w.archived] or workshops
    for w in running[:_LOOK_FOR_TODAY]:
        if w.start_date is not None and w.start_date > day:
            continue
        sessions = list_sessions(ctx, w.id)
        if any(s.date == day for s in sessions):
            return Choices(workshops, w.id, sessions)
    if not running:
        return Choices(workshops, None, [])
    first = running[0]
    return Choices(workshops, first.id, list_sessions(ctx, first.id))


def workshop_text(w: WorkshopInfo) -> str:
    return _("{title} (archived)").format(title=w.title) if w.archived else w.title


def session_text(number: int, s: SessionInfo) -> str:
    """ "3 · 21 Sep 2026 · Pricing": the session's number, date and topic."""
    parts = [formatting.number(number), formatting.day(s.date) or _("no date")]
    if s.topic:
        parts.append(s.topic)
    return " · ".join(parts)


def _ids(workshop: WorkshopInfo | None, session: SessionInfo | None) -> tuple[str, str]:
    return (workshop.id if workshop else "", session.id if session else "")


class SessionChooser(QWidget):
    """Workshop and session combos; `session_chosen(workshop, session)` when either changes."""

    session_chosen = Signal(object, object)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._workshops: list[WorkshopInfo] = []
        self._sessions: list[SessionInfo] = []
        self._wanted_session: str | None = None
        self._generation = 0
        self._filling = False
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.workshop_combo.setMinimumContentsLength(12)
        self.workshop_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.session_combo = mark_data(QComboBox())
        self.session_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.session_combo.setMinimumContentsLength(10)
        self.session_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        workshop_label = QLabel(_("&Workshop:"))
        workshop_label.setBuddy(self.workshop_combo)
        session_label = QLabel(_("&Session:"))
        session_label.setBuddy(self.session_combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(workshop_label)
        layout.addWidget(self.workshop_combo, 3)
        layout.addWidget(session_label)
        layout.addWidget(self.session_combo, 2)
        self.workshop_combo.activated.connect(self._workshop_picked)
        self.session_combo.activated.connect(lambda _row: self._emit())
        runner.changed.connect(self._on_changed)

    def workshop(self) -> WorkshopInfo | None:
        row = self.workshop_combo.currentIndex()
        return self._workshops[row] if 0 <= row < len(self._workshops) else None

    def session(self) -> SessionInfo | None:
        row = self.session_combo.currentIndex()
        return self._sessions[row] if 0 <= row < len(self._sessions) else None

    def choose(self, workshop_id: str, session_id: str) -> None:
        """Show `session_id` of `workshop_id` (once loaded)."""
        self._wanted_session = session_id
        self._load(workshop_id)

    def reload(self) -> None:
        """Read the workshops and sessions again, keeping the choice if it is still there."""
        current = self.session()
        if current is not None and self._wanted_session is None:
            self._wanted_session = current.id
        workshop = self.workshop()
        self._load(workshop.id if workshop is not None else None)

    def _on_changed(self, what: str) -> None:
        if what in (WORKSHOPS, SYNC):
            self.reload()

    def _workshop_picked(self, row: int) -> None:
        if 0 <= row < len(self._workshops):
            self._wanted_session = None
            self._load(self._workshops[row].id)

    def _load(self, workshop_id: str | None) -> None:
        self._generation += 1
        generation = self._generation
        self._runner.run(
            load_choices,
            self._ctx,
            workshop_id,
            on_done=lambda found: self._loaded(generation, found),
        )

    def _loaded(self, generation: int, found: Choices) -> None:
        if generation != self._generation:
            return
        before = _ids(self.workshop(), self.session())
        self._workshops = found.workshops
        self._sessions = found.sessions
        wanted, self._wanted_session = self._wanted_session, None
        self._filling = True
        self.workshop_combo.clear()
        self.workshop_combo.addItems([workshop_text(w) for w in self._workshops])
        ids = [w.id for w in self._workshops]
        self.workshop_combo.setCurrentIndex(
            ids.index(found.workshop_id) if found.workshop_id in ids else -1
        )
        self.session_combo.clear()
        self.session_combo.addItems([session_text(n, s) for n, s in enumerate(self._sessions, 1)])
        session_ids = [s.id for s in self._sessions]
        chosen = default_session(self._sessions, dt.date.today())
        if wanted in session_ids:
            row = session_ids.index(wanted or "")
        else:
            row = session_ids.index(chosen.id) if chosen is not None else -1
        self.session_combo.setCurrentIndex(row)
        self._filling = False
        if _ids(self.workshop(), self.session()) != before:
            self._emit()

    def _emit(self) -> None:
        if not self._filling:
            self.session_chosen.emit(self.workshop(), self.session())
