"""The main window: navigation on the left, the chosen page on the right."""

from __future__ import annotations

import html

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
    QWidget,
)

from otop_desktop import __version__
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext, database_home
from otop_desktop.services.sync_review import LaptopInfo, known_laptops
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TaskRunner

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


def this_laptop(ctx: AppContext) -> LaptopInfo | None:
    """This database's own replica: its device name and id."""
    return next((laptop for laptop in known_laptops(ctx) if laptop.is_this_laptop), None)


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
        self.laptop: LaptopInfo | None = None
        self.setWindowTitle(_("OTOP Field Desk"))
        self.setStyleSheet(STYLE)

        self.pages: list[WorkshopsPage | TraineesPage] = [
            WorkshopsPage(ctx, runner),
            TraineesPage(ctx, runner),
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
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self.laptop_label = QLabel()
        location = database_home(ctx)
        self.database_label = QLabel(_("Database: {location}").format(location=location))
        self.database_label.setToolTip(location)
        self.statusBar().addWidget(self.laptop_label)
        self.statusBar().addPermanentWidget(self.database_label)
        self._restore()
        runner.run(this_laptop, ctx, on_done=self._show_laptop)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
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

    def _show_laptop(self, laptop: LaptopInfo | None) -> None:
        self.laptop = laptop
        name = laptop.device_name if laptop and laptop.device_name else "?"
        self.laptop_label.setText(_("Laptop: {name}").format(name=name))

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
        """Show the page named `key` ("workshops", "trainees"); False if there is none."""
        for row, page in enumerate(self.pages):
            if page.key == key:
                self.nav.setCurrentRow(row)
                return True
        return False

    def current_page_key(self) -> str:
        return self.pages[max(0, self.stack.currentIndex())].key

    # --- remembering the window ---------------------------------------------------------------

    def _restore(self) -> None:
        if not self._remember:
            self._default_geometry()
            self.nav.setCurrentRow(0)
            return
        settings = app_settings()
        geometry = settings.value(_GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._default_geometry()
        if not self.show_page(str(settings.value(_PAGE_KEY, ""))):
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
