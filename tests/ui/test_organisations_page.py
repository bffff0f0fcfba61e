"""The organisations page: counts, filter as you type, add, edit, delete (asked, undoable)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import list_organisations, organisation_summaries
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.pages.organisations_page import OrganisationsPage
from otop_desktop.ui.tasks import TaskRunner


def _page(qtbot: QtBot, window: MainWindow) -> OrganisationsPage:
    assert window.show_page("organisations")
    page = next(p for p in window.pages if isinstance(p, OrganisationsPage))
    assert isinstance(page, OrganisationsPage)
    assert window.stack.currentWidget() is page
    return page


def _names(page: OrganisationsPage) -> list[str]:
    model = page.view.model()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_the_demo_organisations_are_listed_with_their_counts(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext
) -> None:
    page = _page(qtbot, window)
    summaries = organisation_summaries(demo_ctx)

    assert sorted(_names(page)) == sorted(s.organisation.name for s in summaries)
    model = page.view.model()
    shown = {
        str(model.index(row, 0).data()): str(model.index(row, 4).data())
        for row in range(model.rowCount())
    }
    assert any(s.workshop_count for s in summaries)
    for s in summaries:
        assert shown[s.organisation.name] == str(s.workshop_count)


def test_filtering_ignores_accents_and_case(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_edit.hasFocus()
    target = list_organisations(demo_ctx)[0]
    typed = target.name.split()[-1].upper()

    page.filter_edit.setText(typed)

    names = _names(page)
    assert target.name in names and len(names) < len(list_organisations(demo_ctx))
    page.filter_edit.setText("zzz nobody")
    assert _names(page) == []
    assert page.count_label.text().startswith("0 of")


def test_a_new_organisation_is_typed_and_saved(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, window)
    dialog = page.new_organisation()
    dialog.name_edit.setText("Asociación de Mujeres Artesanas de Rabinal")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("community"))
    dialog.country_combo.set_code("GT")
    dialog.town_edit.setText("Rabinal")
    dialog.phone_edit.setText("5512-3456")
    dialog.email_edit.setText("not an address")
    qtbot.keyClick(dialog.town_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)
    assert dialog.errors["email"].isVisibleTo(dialog)

    dialog.email_edit.setText("artesanas@example.org")
    qtbot.keyClick(dialog.town_edit, Qt.Key.Key_Return)
    assert runner.wait_idle(5000)

    [stored] = [
        o for o in list_organisations(demo_ctx) if o.name.startswith("Asociación de Mujeres")
    ]
    assert (stored.org_kind, stored.country, stored.town) == ("community", "GT", "Rabinal")
    assert stored.phone == "5512-3456"
    selected = page.selected()
    assert selected is not None and selected.organisation.id == stored.id


def test_editing_keeps_the_kind_choosable_and_clearable(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, window)
    selected = page.selected()
    assert selected is not None
    dialog = page.edit_organisation()
    assert dialog is not None
    assert dialog.name_edit.text() == selected.organisation.name

    dialog.kind_combo.setCurrentIndex(0)
    dialog.notes_edit.setPlainText("Contacto por WhatsApp")
    dialog.save()
    assert runner.wait_idle(5000)

    [stored] = [o for o in list_organisations(demo_ctx) if o.id == selected.organisation.id]
    assert stored.org_kind is None and stored.notes == "Contacto por WhatsApp"


def test_delete_asks_then_undo_brings_it_back(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    page = _page(qtbot, window)
    selected = page.selected()
    assert selected is not None
    count = len(list_organisations(demo_ctx))

    page.delete_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    assert selected.organisation.name in box.text()
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    assert runner.wait_idle(5000)

    assert len(list_organisations(demo_ctx)) == count - 1
    assert selected.organisation.name not in _names(page)

    page.undo_bar.undo_button.click()
    assert runner.wait_idle(5000)
    assert len(list_organisations(demo_ctx)) == count
    again = page.selected()
    assert again is not None and again.organisation.id == selected.organisation.id
