"""Every page and dialog in the pseudo-locale: no visible text escaped translation.

In the pseudo-locale `_()` wraps each message as "[message~~~]". The test walks the main window
(every page, every Sync tab) and every dialog reachable from them, collects the texts a user
reads (labels, buttons, group titles, tabs, placeholders, fixed-choice combos, header texts,
window titles, menu and toolbar actions) and fails on any without the pseudo brackets. Widgets
that show data from the database are marked with `mark_data()` and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot
from reportlab.pdfgen.canvas import Canvas

from otop_desktop.i18n import set_locale
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.trainees import add_trainee, search_trainees
from otop_desktop.ui.dialogs.conflict_value_dialog import ConflictValueDialog
from otop_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
from otop_desktop.ui.dialogs.passphrase_dialog import PassphraseDialog
from otop_desktop.ui.file_chooser import FileType
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.attendance_page import AttendancePage
from otop_desktop.ui.pages.certificates_page import CertificatesPage
from otop_desktop.ui.pages.organisations_page import OrganisationsPage
from otop_desktop.ui.pages.sync_page import SyncPage
from otop_desktop.ui.pages.trainees_page import TraineesPage
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.shell import PAGE_ENTRIES
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.data_marks import is_data

ROSTER = Path(__file__).resolve().parents[1] / "fixtures" / "rosters" / "utf8.csv"
# What `_()` makes of a message in the pseudo-locale: "[" ... "~]" (data may sit inside).
_TRANSLATED = re.compile(r"\[.*~\]", re.DOTALL)
# No letters at all: numbers, dates, times, punctuation, "—".
_NO_WORDS = re.compile(r"^[\W\d_]*$")


@pytest.fixture(autouse=True)
def _pseudo() -> Iterator[None]:
    set_locale("pseudo")
    yield
    set_locale("en")


class _Chooser:
    """Answers the roster file dialog with the fixture roster."""

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        return ROSTER

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        return None


def _pdf(path: Path) -> Path:
    canvas = Canvas(str(path))
    canvas.drawString(72, 72, "1")
    canvas.showPage()
    canvas.save()
    return path


def _chain(widget: QObject) -> str:
    names = []
    current: QObject | None = widget
    while current is not None:
        names.append(f"{type(current).__name__}({current.objectName()!r})")
        current = current.parent()
    return " < ".join(names)


def _marked(widget: QWidget) -> bool:
    current: QWidget | None = widget
    while current is not None:
        if is_data(current):
            return True
        current = current.parentWidget()
    return False


def _texts(top: QWidget) -> Iterator[tuple[QObject, str, str]]:
    """(widget, what, text) for every text a user reads in `top` and its visible children."""
    yield top, "windowTitle", top.windowTitle()
    if isinstance(top, QMainWindow):
        for menu in top.menuBar().findChildren(QMenu):
            yield menu, "menu", menu.title()
            for action in menu.actions():
                yield menu, "action", action.text()
    widgets = [top, *top.findChildren(QWidget)]
    for widget in widgets:
        if widget is not top and (not widget.isVisibleTo(top) or widget.isWindow()):
            continue
        if _marked(widget):
            continue
        if isinstance(widget, QLabel):
            yield widget, "text", widget.text()
        elif isinstance(widget, QAbstractButton):
            yield widget, "text", widget.text()
        elif isinstance(widget, QGroupBox):
            yield widget, "title", widget.title()
        elif isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                yield widget, f"tab {index}", widget.tabText(index)
        elif isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
            yield widget, "placeholder", widget.placeholderText()
        elif isinstance(widget, QComboBox):
            if not widget.isEditable():
                for index in range(widget.count()):
                    yield widget, f"item {index}", widget.itemText(index)
        elif isinstance(widget, QListWidget):
            for row in range(widget.count()):
                item = widget.item(row)
                if item is not None and not item.isHidden():
                    yield widget, f"item {row}", item.text()
        elif isinstance(widget, (QTableView, QTreeView)):
            model = widget.model()
            if isinstance(widget, QTableView):
                header = widget.horizontalHeader()
            else:
                header = widget.header()
            if model is not None and not header.isHidden():
                for column in range(model.columnCount(QModelIndex())):
                    if widget.isColumnHidden(column):
                        continue
                    title = model.headerData(
                        column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
                    )
                    yield widget, f"header {column}", "" if title is None else str(title)
        elif isinstance(widget, QToolBar):
            for action in widget.actions():
                yield widget, "action", action.text()


def _escaped(top: QWidget) -> list[str]:
    found = []
    for widget, what, raw in _texts(top):
        text = raw.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
        if not text or _NO_WORDS.match(text) or text.startswith("<") and not _strip_html(text):
            continue
        if _TRANSLATED.search(text) is None:
            found.append(f"{_chain(widget)} {what}: {raw!r}")
    return found


def _strip_html(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text).strip()


def _open_box(window: QWidget) -> QMessageBox:
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def _settle(runner: TaskRunner) -> None:
    assert runner.wait_idle(10_000)
    QApplication.processEvents()


def _walk(runner: TaskRunner, top: QWidget, where: str, found: list[str]) -> None:
    _settle(runner)
    found.extend(f"[{where}] {line}" for line in _escaped(top))


def test_every_page_and_dialog_is_translated(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    # A trainee registered twice, for the duplicate review (and the new trainee's warning).
    twin = next(t for t in search_trainees(demo_ctx, limit=50) if t.phone and t.town)
    add_trainee(
        demo_ctx,
        given_names=twin.given_names,
        family_names=twin.family_names,
        phone=twin.phone,
        town=twin.town,
    )
    window = MainWindow(demo_ctx, runner, remember=False)
    runner.window = window
    qtbot.addWidget(window)
    window.show()
    _settle(runner)
    found: list[str] = []

    for key, _title in PAGE_ENTRIES:
        assert window.show_page(key)
        _walk(runner, window, key, found)
    pages = {type(page): page for page in window.pages}
    sync = pages[SyncPage]
    assert isinstance(sync, SyncPage)
    for tab in SyncPage.TAB_KEYS:
        assert window.show_page(f"sync:{tab}")
        _walk(runner, window, f"sync:{tab}", found)

    # Workshops: new and edit workshop, new session.
    workshops = pages[WorkshopsPage]
    assert isinstance(workshops, WorkshopsPage)
    window.show_page("workshops")
    _settle(runner)
    for name, open_dialog in (
        ("new workshop", workshops.new_workshop),
        ("edit workshop", workshops.edit_workshop),
        ("new session", workshops.new_session),
        ("edit session", workshops.edit_session),
    ):
        if name == "edit session":
            workshops.session_view.selectRow(0)
        dialog = open_dialog()
        assert dialog is not None, name
        _walk(runner, dialog, name, found)
        if name == "new workshop":
            dialog.save()  # no title: the errors under the fields
            _walk(runner, dialog, "new workshop refused", found)
        dialog.reject()
    workshops.delete_workshop()
    box = _open_box(window)
    _walk(runner, box, "delete workshop", found)
    box.reject()

    # Attendance: a session of the demo, the walk-in and the paper sheet.
    attendance = pages[AttendancePage]
    assert isinstance(attendance, AttendancePage)
    workshop = workshops.selected_workshop()
    session = workshops.selected_session()
    assert workshop is not None and session is not None
    attendance.open_session(workshop.id, session.id)
    window.show_page("attendance")
    _walk(runner, window, "attendance with a session", found)
    for name, open_attendance_dialog in (
        ("walk-in", attendance.open_walk_in),
        ("back entry", attendance.open_back_entry),
    ):
        dialog = open_attendance_dialog()
        assert dialog is not None, name
        _walk(runner, dialog, name, found)
        dialog.reject()

    # Follow-ups: a workshop's table with a refused cell, the form, the question on leaving,
    # the exchange rates (with a refused rate).
    from otop_desktop.ui.pages.follow_ups_page import FollowUpsPage

    follow_ups = next(p for p in window.pages if isinstance(p, FollowUpsPage))
    window.show_page("follow_ups")
    follow_ups.choose(workshop.id, "baseline")
    _settle(runner)
    assert follow_ups.model.rowCount() > 0
    line = follow_ups.model.rows()[0]
    follow_ups.model.setData(
        follow_ups.model.index(0, follow_ups.model.column_of("monthly_income")), "-5"
    )
    _walk(runner, window, "follow-ups with a refused cell", found)
    form = follow_ups.open_form(workshop.id, line.trainee_id, "baseline", line.name, "x")
    _walk(runner, form, "follow-up form", found)
    form.edits["employed_paid"].setText("-1")
    form.save()
    _walk(runner, form, "follow-up form refused", found)
    form.reject()
    window.show_page("workshops")
    assert follow_ups.question is not None
    _walk(runner, follow_ups.question, "unsaved follow-ups", found)
    next(b for b in follow_ups.question.buttons() if "Discard" in b.text()).click()
    _settle(runner)
    rates = follow_ups.open_rates()
    _walk(runner, rates, "exchange rates", found)
    rates.rate_edit.setText("abc")
    rates.add_rate()
    _walk(runner, rates, "exchange rate refused", found)
    rates.reject()

    # Trainees: new, open, enrol, merge, duplicate review, roster import.
    trainees = pages[TraineesPage]
    assert isinstance(trainees, TraineesPage)
    window.show_page("trainees")
    _settle(runner)
    first, second = search_trainees(demo_ctx, limit=2)
    dialog = trainees.new_trainee()
    _walk(runner, dialog, "new trainee", found)
    dialog.form.given_edit.setText(twin.given_names or "")
    dialog.form.family_edit.setText(twin.family_names or "")
    dialog.form.phone_edit.setText(twin.phone or "")
    dialog.save()
    _settle(runner)
    assert dialog.duplicates.isVisible()
    _walk(runner, dialog, "new trainee, a duplicate", found)
    dialog.reject()
    trainees.open_trainee(first.id)
    _settle(runner)
    assert trainees.dialog is not None
    _walk(runner, trainees.dialog, "open trainee", found)
    trainees.dialog.reject()
    selection = trainees.view.selectionModel()
    selection.clearSelection()
    for trainee_id in (first.id, second.id):
        selection.select(
            trainees.model.index(trainees.model.row_of(trainee_id), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    trainees.enrol_selected()
    _settle(runner)
    assert trainees.dialog is not None
    _walk(runner, trainees.dialog, "enrol", found)
    trainees.dialog.reject()
    merge = trainees.open_merge(first, second)
    _walk(runner, merge, "merge", found)
    merge.reject()
    review = trainees.review_duplicates()
    _walk(runner, review, "duplicate review", found)
    review.reject()
    trainees.roster_actions.chooser = _Chooser()
    roster_dialog = trainees.roster_actions.import_roster()
    assert roster_dialog is not None
    _walk(runner, roster_dialog, "roster import", found)
    roster_dialog.reject()

    # Certificates: an exception, whose certificates, the preview, verdicts on codes.
    certificates = pages[CertificatesPage]
    assert isinstance(certificates, CertificatesPage)
    window.show_page("certificates")
    _settle(runner)
    below = next(c for c in certificates.model.records() if not c.eligible)
    certificates.view.selectRow(certificates.model.row_of(below.trainee_id))
    exception = certificates.grant_exception()
    assert exception is not None
    _walk(runner, exception, "grant exception", found)
    exception.save()  # no reason: the message under the field
    _walk(runner, exception, "grant exception refused", found)
    exception.reject()
    choice = certificates.print_certificates()
    assert choice is not None
    _walk(runner, choice, "print certificates", found)
    choice.reject()
    preview = certificates.work.show_preview(_pdf(tmp_path / "preview.pdf"))
    _walk(runner, preview, "pdf preview", found)
    preview.reject()
    for code in ("K7QM2-XDR9P-4", "hola"):
        certificates.verify_box.code_edit.setText(code)
        certificates.verify_box.verify()
        _walk(runner, window, f"verify {code}", found)

    # Products: new and edit product, the photo options, the add summary, the viewer, the
    # catalogue choice.
    from otop_desktop.services.photos import AddPhotosResult, add_photos
    from otop_desktop.services.products import save_product
    from otop_desktop.ui.dialogs.photo_adding import AddSummaryDialog
    from otop_desktop.ui.pages.products_page import ProductsPage

    product_id = save_product(demo_ctx, {"name": "Cántaro", "origin_country": "HN"})
    photo = Path(__file__).resolve().parents[1] / "fixtures" / "photos" / "photo.webp"
    add_photos(demo_ctx, product_id, [photo])
    products = pages[ProductsPage]
    assert isinstance(products, ProductsPage)
    window.show_page("products")
    products.reload()
    _walk(runner, window, "products with a product", found)
    for name, open_product_dialog in (
        ("new product", products.new_product),
        ("edit product", products.edit_product),
    ):
        product_dialog = open_product_dialog()
        assert product_dialog is not None, name
        _walk(runner, product_dialog, name, found)
        if name == "new product":
            product_dialog.save()
            _walk(runner, product_dialog, "new product refused", found)
        product_dialog.reject()
    options = products.photos.edit_options()
    _walk(runner, options, "photo options", found)
    options.reject()
    summary = AddSummaryDialog(AddPhotosResult([], 1, [("x.jpg", "[x.jpg~]")]), window)
    summary.show()
    _walk(runner, summary, "add summary", found)
    summary.reject()
    viewer = products.photos.open_viewer(0)
    assert viewer is not None
    _walk(runner, viewer, "photo viewer", found)
    viewer.reject()
    catalogue = products.make_catalogue()
    _walk(runner, catalogue, "catalogue", found)
    catalogue.reject()

    # Dashboard: converted amounts (nothing to convert), the export's message.
    from otop_desktop.ui.pages.dashboard_page import DashboardPage

    dashboard = pages[DashboardPage]
    assert isinstance(dashboard, DashboardPage)
    window.show_page("dashboard")
    dashboard.filters.choose(dashboard.filters.currency_combo, "USD")
    dashboard.filters.flush()
    _walk(runner, window, "dashboard in USD", found)
    dashboard.work._exported(tmp_path / "outcomes.xlsx")
    assert dashboard.work.box is not None
    _walk(runner, dashboard.work.box, "outcome export saved", found)
    dashboard.work.box.reject()

    # Organisations: new and edit.
    organisations = pages[OrganisationsPage]
    assert isinstance(organisations, OrganisationsPage)
    window.show_page("organisations")
    _settle(runner)
    organisation_dialog = organisations.new_organisation()
    _walk(runner, organisation_dialog, "new organisation", found)
    organisation_dialog.reject()
    organisations.view.selectRow(0)
    edited = organisations.edit_organisation()
    assert edited is not None
    _walk(runner, edited, "edit organisation", found)
    edited.reject()

    # Settings, the passphrase, a conflict's value.
    settings = window.open_settings()
    _walk(runner, settings, "settings", found)
    settings.reject()
    passphrase = PassphraseDialog(demo_ctx, runner, window)
    passphrase.show()
    _walk(runner, passphrase, "passphrase", found)
    passphrase.reject()
    value = ConflictValueDialog("[Town~~]", "Siguatepeque", "Comayagua", window)
    value.show()
    _walk(runner, value, "conflict value", found)
    value.reject()

    # The first start's dialog, on a database of its own.
    fresh = open_context(tmp_path / "fresh")
    try:
        initialise(fresh, "DESKTOP-4F2K9")
        first_run = FirstRunDialog(fresh, runner)
        qtbot.addWidget(first_run)
        first_run.show()
        _walk(runner, first_run, "first run", found)
        first_run.reject()
        _settle(runner)
    finally:
        fresh.close()

    assert not found, "Texts that escaped translation:\n" + "\n".join(found)
