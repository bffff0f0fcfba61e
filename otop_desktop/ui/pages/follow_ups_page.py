"""Follow-ups of trainees: what is due, and a whole workshop's follow-ups typed in as a table.

Top: the follow-ups due and overdue (Enter or a double-click opens the form). Below: choose a
workshop and a period; each trainee is a row whose cells are typed like a spreadsheet, numbers
in the window language's format. A bad cell turns red with its message; Save (Ctrl+S) writes
every edited row in one transaction, or nothing. Unsaved edits are asked about before they
could be lost (another workshop or period, another page, closing the window).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import DueFollowUp
from otop_desktop.services.outcomes_export import export_outcomes
from otop_desktop.services.workshops import WorkshopInfo, list_workshops
from otop_desktop.ui.dialogs.exchange_rates_dialog import ExchangeRatesDialog, open_exchange_rates
from otop_desktop.ui.dialogs.follow_up_dialog import FOLLOW_UPS, FollowUpDialog
from otop_desktop.ui.dialogs.roster_texts import csv_type, xlsx_type
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.pages.follow_up_entry_panel import FollowUpEntryPanel
from otop_desktop.ui.tasks import SYNC, TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.due_follow_ups import DueFollowUpsList

FOLDER_KEY = "follow_ups/folder"


class FollowUpsPage(QWidget):
    """Due follow-ups on top; a workshop's follow-ups for one period as a table below."""

    key = "follow_ups"

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        chooser: FileChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.chooser: FileChooser = chooser or DialogFileChooser(FOLDER_KEY)
        self._watched: QObject | None = None
        self.dialog: FollowUpDialog | None = None
        self.rates_dialog: ExchangeRatesDialog | None = None

        self.title = _("Follow-ups")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.rates_button = QPushButton(_("Exchange rates…"))
        self.rates_button.setToolTip(_("The rates used to compare amounts in other currencies"))
        self.rates_button.clicked.connect(self.open_rates)
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setToolTip(_("Save the follow-ups as a spreadsheet for analysts"))
        export_menu = QMenu(self.export_button)
        self.export_workshop_action = export_menu.addAction(_("This workshop…"))
        self.export_workshop_action.triggered.connect(lambda: self.export(all_workshops=False))
        self.export_all_action = export_menu.addAction(_("Every workshop…"))
        self.export_all_action.triggered.connect(lambda: self.export(all_workshops=True))
        self.export_button.setMenu(export_menu)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.rates_button)
        top.addWidget(self.export_button)

        self.due_list = DueFollowUpsList(ctx, runner, self)
        self.due_list.open_requested.connect(self._open_due)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.due_list)
        self.entry = FollowUpEntryPanel(ctx, runner)
        self.entry.form_requested.connect(self.open_current_form)
        self.entry.actions_changed.connect(self._update_export)
        # The panel's parts under the names the page has always had.
        self.model = self.entry.model
        self.view = self.entry.view
        self.workshop_combo = self.entry.workshop_combo
        self.period_combo = self.entry.period_combo
        self.state_label = self.entry.state_label
        self.save_button = self.entry.save_button
        self.splitter.addWidget(self.entry)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        save.activated.connect(self.save)
        runner.changed.connect(self._on_changed)
        self._workshop_load = LatestLoad(
            self, runner, (WORKSHOPS, SYNC), list_workshops, ctx, on_loaded=self.entry.set_workshops
        )
        self._update_export()
        self.due_list.reload()
        self._workshop_load.reload()

    # --- the entry panel's parts, as tests and the window reach them --------------------------

    @property
    def question(self) -> QMessageBox | None:
        """The question about unsaved edits while it is open."""
        return self.entry.question

    @property
    def _workshops(self) -> list[WorkshopInfo]:
        return self.entry.workshops()

    def choose(self, workshop_id: str, period: str | None = None) -> None:
        """Show the table of `workshop_id` (for `period`), asking first about unsaved edits."""
        self.entry.choose(workshop_id, period)

    def save(self) -> bool:
        """Save every edited row in one transaction; False (and why) if some cell is refused."""
        return self.entry.save()

    def _on_changed(self, what: str) -> None:
        if what in (WORKSHOPS, TRAINEES, SYNC, FOLLOW_UPS):
            self.entry.reload()

    def _update_export(self) -> None:
        self.export_workshop_action.setEnabled(self.entry.workshop_id is not None)

    # --- leaving with unsaved edits -------------------------------------------------------------

    def _back_here(self) -> None:
        show_page = getattr(self.window(), "show_page", None)
        if callable(show_page):
            show_page(self.key)
        self.view.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not self and self._watched is not window:
            # Closing the window with unsaved edits asks first, as leaving the page does.
            window.installEventFilter(self)
            self._watched = window

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not event.spontaneous() and self.model.dirty and self.question is None:
            if self.window().isVisible():
                self.entry.ask_unsaved(lambda: None, self._back_here)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Close and self.model.dirty:
            event.ignore()
            window = self.window()
            self._back_here()
            if self.question is None:
                self.entry.ask_unsaved(lambda: self._close(window), lambda: None)
            return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _close(window: QWidget) -> None:
        window.close()

    # --- forms, rates, export -----------------------------------------------------------------

    def open_form(
        self, workshop_id: str, trainee_id: str, period: str, trainee_name: str, title: str
    ) -> FollowUpDialog:
        """The form of one trainee's follow-up for `period` (not blocking)."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = FollowUpDialog(
            self._ctx,
            self._runner,
            self,
            workshop_id=workshop_id,
            trainee_id=trainee_id,
            period=period,
            trainee_name=trainee_name,
            workshop_title=title,
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def _open_due(self, due: DueFollowUp) -> None:
        self.open_form(
            due.workshop_id, due.trainee_id, due.period, due.trainee_name, due.workshop_title
        )

    def open_current_form(self) -> FollowUpDialog | None:
        """The form of the current row's trainee for the period shown."""
        target = self.entry.form_target()
        return self.open_form(*target) if target is not None else None

    def open_rates(self) -> ExchangeRatesDialog:
        """The exchange rates dialog (not blocking)."""
        self.rates_dialog = open_exchange_rates(self._ctx, self._runner, self)
        self.rates_dialog.destroyed.connect(self._forget_rates)
        return self.rates_dialog

    def _forget_rates(self) -> None:
        self.rates_dialog = None

    def export(self, *, all_workshops: bool) -> Path | None:
        """Save the follow-ups (of the chosen workshop, or all) as .xlsx or .csv."""
        workshop_id = None if all_workshops else self.entry.workshop_id
        name = _("follow-ups-{date}").format(date=dt.date.today().isoformat())
        path = self.chooser.save_file(self, _("Export follow-ups"), name, [xlsx_type(), csv_type()])
        if path is None:
            return None
        self._runner.run(
            functools.partial(export_outcomes, self._ctx, path, workshop_id=workshop_id),
            on_done=lambda written: self.entry.tell(
                _("Follow-ups exported to {path}.").format(path=written)
            ),
            progress=True,
            title=_("Exporting follow-ups…"),
        )
        return path
