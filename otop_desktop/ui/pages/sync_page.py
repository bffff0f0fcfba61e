"""The Sync page: send and receive bundles, settle conflicts, see laptops and bundle history.

Every tab reloads when the runner announces "sync" (bundles written or read, conflicts
settled); an import also announces "workshops" and "trainees" so the other pages reload.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.ui.pages.sync_conflicts import ConflictsPanel
from otop_desktop.ui.pages.sync_history import HistoryPanel
from otop_desktop.ui.pages.sync_laptops import LaptopsPanel
from otop_desktop.ui.pages.sync_receive import ReceivePanel
from otop_desktop.ui.pages.sync_send import SendPanel
from otop_desktop.ui.tasks import TaskRunner


class SyncPage(QWidget):
    """A heading and five tabs: Send, Receive, Conflicts (with their count), Laptops, History."""

    key = "sync"
    TAB_KEYS = ("send", "receive", "conflicts", "laptops", "history")

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _("Sync")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)

        self.send = SendPanel(ctx, runner)
        self.receive = ReceivePanel(ctx, runner)
        self.conflicts = ConflictsPanel(ctx, runner)
        self.laptops = LaptopsPanel(ctx, runner)
        self.history = HistoryPanel(ctx, runner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.send, _("Send"))
        self.tabs.addTab(self.receive, _("Receive"))
        self.tabs.addTab(self.conflicts, _("Conflicts"))
        self.tabs.addTab(self.laptops, _("Laptops"))
        self.tabs.addTab(self.history, _("History"))
        self.conflicts.count_changed.connect(self._show_conflict_count)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def _show_conflict_count(self, count: int) -> None:
        title = _("Conflicts ({n})").format(n=count) if count else _("Conflicts")
        self.tabs.setTabText(self.TAB_KEYS.index("conflicts"), title)

    def show_tab(self, key: str) -> bool:
        """Show the tab named `key` ("send", "receive", "conflicts"...); False if none."""
        if key not in self.TAB_KEYS:
            return False
        self.tabs.setCurrentIndex(self.TAB_KEYS.index(key))
        return True

    def current_tab_key(self) -> str:
        return self.TAB_KEYS[max(0, self.tabs.currentIndex())]
