"""The main window once the database is open: its pages, the laptop, Settings, start notices.

The frame itself (menus, navigation, geometry) is `shell.MainWindowShell`, which imports no
service so that it can be on screen before the database layer is imported. `Desk` is the part
that talks to the database; the shell makes one in `attach()`. `MainWindow(ctx, runner)` is
both at once, for callers that have the database open already.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from otop_desktop.i18n import _
from otop_desktop.services.clock_check import ClockStatus, clock_status
from otop_desktop.services.context import AppContext, database_home
from otop_desktop.services.laptop import ThisLaptop, this_laptop
from otop_desktop.ui.backup_timer import BackupTimer
from otop_desktop.ui.dialogs.backups_dialog import BackupsDialog
from otop_desktop.ui.dialogs.settings_dialog import SettingsDialog
from otop_desktop.ui.pages.attendance_page import AttendancePage
from otop_desktop.ui.pages.certificates_page import CertificatesPage
from otop_desktop.ui.pages.dashboard_page import DashboardPage
from otop_desktop.ui.pages.follow_ups_page import FollowUpsPage
from otop_desktop.ui.pages.organisations_page import OrganisationsPage
from otop_desktop.ui.pages.products_page import ProductsPage
from otop_desktop.ui.pages.sync_page import SyncPage
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.shell import DEFAULT_SIZE, START_PAGE_ENV, STYLE, MainWindowShell
from otop_desktop.ui.tasks import LAPTOP, TaskRunner
from otop_desktop.ui.widgets.follow_up_status import FollowUpStatus

__all__ = [
    "DEFAULT_SIZE",
    "NEW_REPLICA_EVENT",
    "START_PAGE_ENV",
    "STYLE",
    "Desk",
    "MainWindow",
    "Page",
]

NEW_REPLICA_EVENT = "new-replica-id"

Page = (
    WorkshopsPage
    | AttendancePage
    | FollowUpsPage
    | TraineesPage
    | ProductsPage
    | CertificatesPage
    | DashboardPage
    | OrganisationsPage
    | SyncPage
)


class Desk(QObject):
    """What the main window shows and does with an open database; a child of the window."""

    def __init__(self, window: MainWindowShell, ctx: AppContext, runner: TaskRunner) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self._runner = runner
        self.laptop: ThisLaptop | None = None
        self.settings_dialog: SettingsDialog | None = None
        # In the order of shell.PAGE_ENTRIES, whose navigation entries they fill.
        workshops = WorkshopsPage(ctx, runner)
        self.attendance = AttendancePage(ctx, runner)
        workshops.take_attendance.connect(self._take_attendance)
        self.pages: list[Page] = [
            workshops,
            self.attendance,
            FollowUpsPage(ctx, runner),
            TraineesPage(ctx, runner),
            ProductsPage(ctx, runner),
            CertificatesPage(ctx, runner),
            DashboardPage(ctx, runner),
            OrganisationsPage(ctx, runner),
            SyncPage(ctx, runner),
        ]
        due = FollowUpStatus(ctx, runner, window)
        due.open_requested.connect(lambda: window.show_page(FollowUpsPage.key))
        window.statusBar().addWidget(due)
        location = database_home(ctx)
        window.database_label.setText(_("Database: {location}").format(location=location))
        window.database_label.setToolTip(location)
        runner.changed.connect(self._on_changed)
        self.reload_laptop()
        self.backup_timer = BackupTimer(ctx, window, self)
        self.backup_timer.failed.connect(lambda text: window.add_notice(text, "warning"))

    def _take_attendance(self, workshop_id: str, session_id: str) -> None:
        self.attendance.open_session(workshop_id, session_id)
        self._window.show_page(AttendancePage.key)

    def reload_laptop(self) -> None:
        self._runner.run(this_laptop, self._ctx, on_done=self._show_laptop)

    def _on_changed(self, what: str) -> None:
        if what == LAPTOP:
            self.reload_laptop()

    def _show_laptop(self, laptop: ThisLaptop) -> None:
        self.laptop = laptop
        self._window.laptop_label.setText(
            _("Laptop: {name}").format(name=laptop.device_name or "?")
        )

    def open_settings(self) -> SettingsDialog:
        """File › Settings (not blocking); saving reloads the status bar through LAPTOP."""
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
        self.settings_dialog = SettingsDialog(self._ctx, self._runner, self._window)
        self.settings_dialog.language_chosen.connect(self._window.language_changed)
        self.settings_dialog.database_changed.connect(self._window.database_changed)
        self.settings_dialog.open()
        return self.settings_dialog

    def open_backups(self) -> BackupsDialog:
        """File › Backups… (not blocking); a restore chosen there goes to the window's owner."""
        dialog = BackupsDialog(self._ctx, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_chosen.connect(self._window.restore_requested)
        dialog.open()
        return dialog

    def check_at_start(self) -> None:
        """Say so if the database was copied (new laptop id) or the clock is behind."""
        if NEW_REPLICA_EVENT in self._ctx.events:
            self._window.add_notice(
                _(
                    "This database was copied or restored from a backup, so this laptop now "
                    "sends its changes under a new laptop id. Nothing was lost."
                )
            )
        self._runner.run(clock_status, self._ctx, on_done=self._clock_checked)

    def _clock_checked(self, status: ClockStatus) -> None:
        if status.is_behind:
            self._window.add_notice(status.message(), "warning")

    def about_lines(self) -> list[str]:
        """Help > About's lines on this laptop and database (plain text)."""
        lines: list[str] = []
        if self.laptop is not None:
            lines.append(_("Laptop: {name}").format(name=self.laptop.device_name or "?"))
            lines.append(_("Laptop id: {id}").format(id=self.laptop.replica_id))
        lines.append(_("Data folder: {path}").format(path=self._ctx.data_dir.root))
        lines.append(_("Database: {location}").format(location=database_home(self._ctx)))
        return lines

    def show_tab(self, row: int, tab: str) -> None:
        """Open the tab `tab` of the page at `row`, if it has tabs (the Sync page)."""
        page = self.pages[row] if 0 <= row < len(self.pages) else None
        if isinstance(page, SyncPage):
            page.show_tab(tab)


class MainWindow(MainWindowShell):
    """The main window with its pages from the start (the database is open already)."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        remember: bool = True,
    ) -> None:
        super().__init__(parent, remember=remember)
        self.attach(ctx, runner)
