"""The main window's frame, on screen before the database layer is even imported.

On an old laptop with a spinning disk, importing the service layer (SQLAlchemy, the models) and
opening the database take a second or more. This module imports only Qt and the translations,
so the frame (menus, navigation, status bar, and "Opening the database…" where the pages go)
appears at once; `attach()` then imports the side that talks to the database
(`main_window.Desk`) and puts the pages in.

`OTOP_START_PAGE` (for screenshots and demos) names the page to open on instead of the one
remembered: `workshops`, `attendance`, `trainees`, `certificates`, `organisations`, `sync`, or
a Sync tab as `sync:conflicts` (`send`, `receive`, `conflicts`, `laptops`, `history`).
"""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from otop_desktop import __version__
from otop_desktop.i18n import N_, _
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.widgets.notice_banner import NoticeBanner

if TYPE_CHECKING:
    from otop_desktop.services.context import AppContext
    from otop_desktop.services.laptop import ThisLaptop
    from otop_desktop.ui.dialogs.about_dialog import AboutDialog
    from otop_desktop.ui.dialogs.backups_dialog import BackupsDialog
    from otop_desktop.ui.dialogs.settings_dialog import SettingsDialog
    from otop_desktop.ui.main_window import Desk, Page
    from otop_desktop.ui.tasks import TaskRunner

# Fits a 1366x768 screen with its task bar and the window frame.
DEFAULT_SIZE = QSize(1200, 720)
# Roomier navigation entries (easier to hit on a touchpad) and page headings that stand out.
STYLE = """
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 8px 10px; }
QLabel#pageHeading { font-size: 14pt; font-weight: bold; }
QLabel#sectionHeading { font-weight: bold; }
QLabel#opening { font-size: 12pt; }
"""
_GEOMETRY_KEY = "main_window/geometry"
_PAGE_KEY = "main_window/page"
START_PAGE_ENV = "OTOP_START_PAGE"

# The pages in navigation order, named before they exist. Once attached, each entry takes its
# page's own `title` (the same message, so the same words: nothing moves when the pages arrive).
PAGE_ENTRIES: tuple[tuple[str, str], ...] = (
    ("workshops", N_("Workshops")),
    ("attendance", N_("Attendance")),
    ("follow_ups", N_("Follow-ups")),
    ("trainees", N_("Trainees")),
    ("products", N_("Products")),
    ("certificates", N_("Certificates")),
    ("dashboard", N_("Dashboard")),
    ("organisations", N_("Organisations")),
    ("sync", N_("Sync")),
)


class MainWindowShell(QMainWindow):
    """Menus, navigation, notices and status bar; the pages once `attach()` has been called.

    Until then the page area says the database is being opened, File › Settings is disabled,
    and choosing an entry in the navigation only chooses the page to show when it arrives.
    """

    # Once the opening state has been painted and flushed to the screen.
    first_painted = Signal()
    # A language chosen in Settings: whoever started the window redoes it in that language.
    language_changed = Signal(str)
    # Another database (a coordinator hub) chosen in Settings: whoever started the window reopens.
    database_changed = Signal()
    # A backup chosen in File › Backups…: whoever started the window restores it and reopens.
    restore_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, remember: bool = True) -> None:
        super().__init__(parent)
        self._remember = remember
        self.desk: Desk | None = None
        self.pages: list[Page] = []
        # A page key with a Sync tab ("sync:conflicts") asked for before the pages existed.
        self._pending_key = ""
        self.setWindowTitle(_("OTOP Field Desk"))
        self.setStyleSheet(STYLE)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        for key, title in PAGE_ENTRIES:
            item = QListWidgetItem(_(title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self._fit_navigation()
        self.stack = QStackedWidget()
        self.opening_label = QLabel(_("Opening the database…"))
        self.opening_label.setObjectName("opening")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.installEventFilter(self)
        self.stack.addWidget(self.opening_label)

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
        self.database_label = QLabel()
        self.statusBar().addWidget(self.laptop_label)
        self.statusBar().addPermanentWidget(self.database_label)
        # Before the first show, so the window appears where and as large as it was left.
        self._restore()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self.settings_action = QAction(_("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        # The settings are kept in the database: nothing to show until it is open.
        self.settings_action.setEnabled(False)
        file_menu.addAction(self.settings_action)
        self.backups_action = QAction(_("&Backups…"), self)
        self.backups_action.triggered.connect(self.open_backups)
        self.backups_action.setEnabled(False)
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        self.check_action = QAction(_("&Check the database…"), self)
        self.check_action.triggered.connect(self.check_database)
        self.check_action.setEnabled(False)  # until the database is open
        help_menu.addAction(self.check_action)
        self.log_folder_action = QAction(_("Open &log folder"), self)
        self.log_folder_action.triggered.connect(self.open_log_folder)
        help_menu.addAction(self.log_folder_action)
        help_menu.addSeparator()
        about_action = QAction(_("&About OTOP Field Desk"), self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def _fit_navigation(self) -> None:
        self.nav.setFixedWidth(max(160, self.nav.sizeHintForColumn(0) + 40))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.opening_label and event.type() == QEvent.Type.Paint:
            # Once is enough; and a filter in Python would take every later event of the label
            # through the interpreter, waiting for the lock the opening thread mostly holds.
            self.opening_label.removeEventFilter(self)
            # The paint goes to the backing store and is flushed to the screen in the same
            # pass, before posted events: one zero-delay timer later, the text is on screen.
            QTimer.singleShot(0, self, self.first_painted.emit)
        return super().eventFilter(watched, event)

    # --- the database side --------------------------------------------------------------------

    def attach(self, ctx: AppContext, runner: TaskRunner) -> None:
        """Put in the pages of the open database `ctx`, replacing the opening state."""
        if self.desk is not None:
            raise RuntimeError("The main window already shows a database")
        # Imported only now: the pages and `Desk` import the service layer, which the shell
        # must not wait for.
        from otop_desktop.ui.main_window import Desk

        self.desk = Desk(self, ctx, runner)
        self.pages = list(self.desk.pages)
        self.stack.removeWidget(self.opening_label)
        self.opening_label.deleteLater()
        for row, page in enumerate(self.pages):
            self.stack.addWidget(page)
            item = self.nav.item(row)
            if item is not None:
                item.setText(page.title)
        self._fit_navigation()
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        self.stack.setCurrentIndex(self.nav.currentRow())
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        if self._pending_key:
            # A Sync tab named in OTOP_START_PAGE, unless another page was chosen meanwhile.
            pending, self._pending_key = self._pending_key, ""
            if self._row_of(pending.partition(":")[0]) == self.nav.currentRow():
                self.show_page(pending)
        self.settings_action.setEnabled(True)
        self.backups_action.setEnabled(True)
        self._check_with = (ctx, runner)
        self.check_action.setEnabled(True)

    def _attached(self) -> Desk:
        if self.desk is None:
            raise RuntimeError("The database is not open yet")
        return self.desk

    @property
    def laptop(self) -> ThisLaptop | None:
        """This laptop as last loaded (None until then)."""
        return self.desk.laptop if self.desk is not None else None

    def reload_laptop(self) -> None:
        self._attached().reload_laptop()

    def open_settings(self) -> SettingsDialog:
        """File › Settings (not blocking); saving reloads the status bar through LAPTOP."""
        return self._attached().open_settings()

    def open_backups(self) -> BackupsDialog:
        """File › Backups… (not blocking)."""
        return self._attached().open_backups()

    def check_at_start(self) -> None:
        """Say so if the database was copied (new laptop id) or the clock is behind."""
        self._attached().check_at_start()

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

    # --- about --------------------------------------------------------------------------------

    def about_text(self) -> str:
        """What Help > About says (HTML): the version, then the laptop and the database."""
        lines = [
            f"<h3>{html.escape(_('OTOP Field Desk'))}</h3>",
            html.escape(_("Version {version}").format(version=__version__)),
        ]
        if self.desk is not None:
            lines.extend(html.escape(line) for line in self.desk.about_lines())
        return "<br>".join(lines)

    def show_about(self) -> AboutDialog:
        """Help › About (not blocking): version, where the data is, the shipped licences."""
        from otop_desktop.ui.dialogs.about_dialog import AboutDialog

        facts = self.desk.about_lines() if self.desk is not None else []
        dialog = AboutDialog(facts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def check_database(self) -> None:
        """Help › Check the database: run the check, with progress, and show its report."""
        from otop_desktop.ui.dialogs.check_dialog import start_check

        start_check(self, *self._check_with)

    def open_log_folder(self) -> None:
        """Help › Open log folder (in the system's file manager)."""
        from otop_desktop.ui.dialogs.crash_dialog import open_log_folder

        if not open_log_folder():
            self.statusBar().showMessage(_("There is no log folder to open."), 5000)

    # --- pages --------------------------------------------------------------------------------

    def _row_of(self, key: str) -> int | None:
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                return row
        return None

    def show_page(self, key: str) -> bool:
        """Show the page named `key` ("workshops", "sync:conflicts"...); False if none."""
        name, _sep, tab = key.partition(":")
        row = self._row_of(name)
        if row is None:
            return False
        self.nav.setCurrentRow(row)
        if tab:
            if self.desk is None:
                self._pending_key = key
            else:
                self.desk.show_tab(row, tab)
        return True

    def current_page_key(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else PAGE_ENTRIES[0][0]

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
