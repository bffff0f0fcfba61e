"""The main window: navigation on the left, the chosen page on the right.

`OTOP_START_PAGE` (for screenshots and demos) names the page to open on instead of the one
remembered: `workshops`, `trainees`, `sync`, or a Sync tab as `sync:conflicts`
(`send`, `receive`, `conflicts`, `laptops`, `history`).
"""

from __future__ import annotations

import html
import os

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from otop_desktop import __version__
from otop_desktop.i18n import _
from otop_desktop.services.clock_check import ClockStatus, clock_status
from otop_desktop.services.context import AppContext, database_home
from otop_desktop.services.laptop import ThisLaptop, this_laptop
from otop_desktop.ui.dialogs.settings_dialog import SettingsDialog
from otop_desktop.ui.pages.sync_page import SyncPage
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import LAPTOP, TaskRunner
from otop_desktop.ui.widgets.notice_banner import NoticeBanner

# Fits a 1366x768 screen with its task bar and the window frame.
DEFAULT_SIZE = QSize(1200, 720)
# Roomier navigation entries (easier to hit on a touchpad) and page headings that stand out.
STYLE = """
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 8px 10px; }
QLabel#pageHeading { font-size: 14pt; font-weight: bold; }
QLabel#sectionHeading { font-weight: bold; }
"""
_GEOMETRY_KEY = "main_window/geometry"
_PAGE_KEY = "main_window/page"
START_PAGE_ENV = "OTOP_START_PAGE"
NEW_REPLICA_EVENT = "new-replica-id"

Page = WorkshopsPage | TraineesPage | SyncPage


class MainWindow(QMainWindow):
    """Navigation list, stacked pages, menus and a status bar naming the laptop and database."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        remember: bool = True,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._remember = remember
        self._runner = runner
        self.laptop: ThisLaptop | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.setWindowTitle(_("OTOP Field Desk"))
        self.setStyleSheet(STYLE)

        self.pages: list[Page] = [
            WorkshopsPage(ctx, runner),
            TraineesPage(ctx, runner),
            SyncPage(ctx, runner),
        ]
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        for page in self.pages:
            item = QListWidgetItem(page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.setFixedWidth(max(160, self.nav.sizeHintForColumn(0) + 40))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 0)
        # Notices (clock, copied database) go above the pages and stay until dismissed.
        self.notices = QVBoxLayout()
        outer.addLayout(self.notices)
        layout = QHBoxLayout()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self.laptop_label = QLabel()
        location = database_home(ctx)
        self.database_label = QLabel(_("Database: {location}").format(location=location))
        self.database_label.setToolTip(location)
        self.statusBar().addWidget(self.laptop_label)
        self.statusBar().addPermanentWidget(self.database_label)
        self._restore()
        runner.changed.connect(self._on_changed)
        self.reload_laptop()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        settings_action = QAction(_("&Settings…"), self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        about_action = QAction(_("&About OTOP Field Desk"), self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def reload_laptop(self) -> None:
        self._runner.run(this_laptop, self._ctx, on_done=self._show_laptop)

    def _on_changed(self, what: str) -> None:
        if what == LAPTOP:
            self.reload_laptop()

    def _show_laptop(self, laptop: ThisLaptop) -> None:
        self.laptop = laptop
        self.laptop_label.setText(_("Laptop: {name}").format(name=laptop.device_name or "?"))

    def open_settings(self) -> SettingsDialog:
        """File › Settings (not blocking); saving reloads the status bar through LAPTOP."""
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
        self.settings_dialog = SettingsDialog(self._ctx, self._runner, self)
        self.settings_dialog.open()
        return self.settings_dialog

    # --- notices ------------------------------------------------------------------------------

    def add_notice(self, text: str, kind: str = "information") -> NoticeBanner:
        """A dismissible banner above the pages ("warning" or "information")."""
        banner = NoticeBanner(text, kind)
        self.notices.addWidget(banner)
        return banner

    def notice_texts(self) -> list[str]:
        banners = [self.notices.itemAt(i) for i in range(self.notices.count())]
        widgets = [item.widget() for item in banners if item is not None]
        return [w.text() for w in widgets if isinstance(w, NoticeBanner) and w.isVisibleTo(self)]

    def check_at_start(self) -> None:
        """Say so if the database was copied (new laptop id) or the clock is behind."""
        if NEW_REPLICA_EVENT in self._ctx.events:
            self.add_notice(
                _(
                    "This database was copied or restored from a backup, so this laptop now "
                    "sends its changes under a new laptop id. Nothing was lost."
                )
            )
        self._runner.run(clock_status, self._ctx, on_done=self._clock_checked)

    def _clock_checked(self, status: ClockStatus) -> None:
        if status.is_behind:
            self.add_notice(status.message(), "warning")

    def about_text(self) -> str:
        """What Help > About says (HTML)."""
        lines = [
            f"<h3>{html.escape(_('OTOP Field Desk'))}</h3>",
            html.escape(_("Version {version}").format(version=__version__)),
        ]
        if self.laptop is not None:
            lines.append(
                html.escape(_("Laptop: {name}").format(name=self.laptop.device_name or "?"))
            )
            lines.append(html.escape(_("Laptop id: {id}").format(id=self.laptop.replica_id)))
        lines.append(
            html.escape(_("Database: {location}").format(location=database_home(self._ctx)))
        )
        return "<br>".join(lines)

    def show_about(self) -> None:
        QMessageBox.about(self, _("About OTOP Field Desk"), self.about_text())

    # --- pages --------------------------------------------------------------------------------

    def show_page(self, key: str) -> bool:
        """Show the page named `key` ("workshops", "sync:conflicts"...); False if none."""
        name, _sep, tab = key.partition(":")
        for row, page in enumerate(self.pages):
            if page.key == name:
                self.nav.setCurrentRow(row)
                if tab and isinstance(page, SyncPage):
                    page.show_tab(tab)
                return True
        return False

    def current_page_key(self) -> str:
        return self.pages[max(0, self.stack.currentIndex())].key

    # --- remembering the window ---------------------------------------------------------------

    def _restore(self) -> None:
        start = os.environ.get(START_PAGE_ENV, "")
        if not self._remember:
            self._default_geometry()
            if not self.show_page(start):
                self.nav.setCurrentRow(0)
            return
        settings = app_settings()
        geometry = settings.value(_GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._default_geometry()
        if not (self.show_page(start) or self.show_page(str(settings.value(_PAGE_KEY, "")))):
            self.nav.setCurrentRow(0)

    def _default_geometry(self) -> None:
        size = QSize(DEFAULT_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            size = size.boundedTo(QSize(room.width() - 20, room.height() - 40))
            self.resize(size)
            self.move(room.center() - self.rect().center())
        else:
            self.resize(size)

    def save_state(self) -> None:
        if not self._remember:
            return
        settings = app_settings()
        settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(_PAGE_KEY, self.current_page_key())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
