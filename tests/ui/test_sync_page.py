"""The Sync page: bundles exported and imported through it, dropped files, errors, conflicts."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from otop_desktop.i18n import set_locale
from otop_desktop.services import sync_bundles
from otop_desktop.services.context import AppContext
from otop_desktop.services.sync_bundles import ImportReport
from otop_desktop.services.sync_review import bundle_history, open_conflicts
from otop_desktop.services.trainees import add_trainee, edit_trainee, get_trainee, search_trainees
from otop_desktop.sync import crypto
from otop_desktop.ui.pages import sync_receive
from otop_desktop.ui.pages.sync_page import SyncPage
from otop_desktop.ui.tasks import TaskRunner
from tests.ui.sync_helpers import answer_open_dialog, answer_save_dialog, drop_files, new_laptop

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[dict[str, AppContext]]:
    contexts = {name: new_laptop(tmp_path / name, f"laptop-{name}") for name in "ABC"}
    yield contexts
    for ctx in contexts.values():
        ctx.close()


def _page(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> SyncPage:
    page = SyncPage(ctx, runner)
    qtbot.addWidget(page)
    page.show()
    assert runner.wait_idle(5000)
    return page


def _names(ctx: AppContext) -> set[str]:
    return {t.display_name for t in search_trainees(ctx, limit=100)}


def _export(ctx: AppContext, path: Path) -> Path:
    sync_bundles.export_bundle(ctx, path)
    return path


def _record_errors(monkeypatch: pytest.MonkeyPatch, runner: TaskRunner) -> list[str]:
    shown: list[str] = []
    original = runner.show_error

    def show_error(exc: BaseException, details: str = "") -> object:
        shown.append(str(exc))
        return original(exc, details)

    monkeypatch.setattr(runner, "show_error", show_error)
    return shown


def test_bundle_exported_on_one_laptop_is_imported_on_another(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    laptops: dict[str, AppContext],
    runner: TaskRunner,
) -> None:
    a, b = laptops["A"], laptops["B"]
    add_trainee(a, given_names="María", family_names="López", phone="9876-5432")
    add_trainee(a, given_names="Chen", family_names="Wei")
    bundle = tmp_path / "out" / "from-a.otop"
    bundle.parent.mkdir()
    suggested = answer_save_dialog(monkeypatch, bundle)

    sender = _page(qtbot, a, runner)
    qtbot.mouseClick(sender.send.export_button, LEFT)
    assert runner.wait_idle(10_000)

    assert bundle.is_file()
    today = dt.date.today().isoformat()
    assert Path(suggested[0]).name == f"otop-laptop-A-{today}.otop"
    assert str(bundle) in sender.send.result_label.text()
    assert "changes" in sender.send.result_label.text()
    assert sender.history.model.rowCount() == 1

    answer_open_dialog(monkeypatch, [bundle])
    receiver = _page(qtbot, b, runner)
    qtbot.mouseClick(receiver.receive.import_button, LEFT)
    assert runner.wait_idle(10_000)

    assert _names(b) == {"María López", "Chen Wei"}
    report = receiver.receive.report_text()
    assert "from “laptop-A”" in report and "2 records created" in report
    saved = tmp_path / "report.txt"
    answer_save_dialog(monkeypatch, saved)
    qtbot.mouseClick(receiver.receive.save_button, LEFT)
    assert runner.wait_idle(5000)
    assert "2 records created" in saved.read_text(encoding="utf-8")
    # The import reloaded the other tabs: A is now a known laptop, the bundle is in history.
    assert receiver.laptops.model.rowCount() == 2
    assert receiver.history.model.rowCount() == 1


def test_dropping_two_bundles_imports_both(
    qtbot: QtBot, tmp_path: Path, laptops: dict[str, AppContext], runner: TaskRunner
) -> None:
    a, b, c = laptops["A"], laptops["B"], laptops["C"]
    add_trainee(a, given_names="Rosa", family_names="Pérez")
    add_trainee(c, given_names="Lin", family_names="Mei")
    bundles = [_export(a, tmp_path / "a.otop"), _export(c, tmp_path / "c.otop")]
    page = _page(qtbot, b, runner)

    assert drop_files(page.receive.drop_area, bundles)
    assert runner.wait_idle(10_000)

    assert _names(b) == {"Rosa Pérez", "Lin Mei"}
    report = page.receive.report_text()
    assert "laptop-A" in report and "laptop-C" in report
    assert len(page.receive.reports) == 2


def test_files_that_are_not_bundles_are_not_taken(
    qtbot: QtBot, tmp_path: Path, laptops: dict[str, AppContext], runner: TaskRunner
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    page = _page(qtbot, laptops["B"], runner)

    assert not drop_files(page.receive.drop_area, [other])
    assert not runner.busy


def test_wrong_passphrase_shows_the_translated_error_and_changes_nothing(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    laptops: dict[str, AppContext],
    runner: TaskRunner,
) -> None:
    a = laptops["A"]
    add_trainee(a, given_names="Rosa", family_names="Pérez")
    bundle = _export(a, tmp_path / "a.otop")
    stranger = new_laptop(tmp_path / "other", "other-programme", "another programme's words")
    try:
        set_locale("es")
        expected = str(crypto.WrongPassphraseError())
        assert "passphrase" not in expected  # the Spanish catalog has it
        shown = _record_errors(monkeypatch, runner)
        page = _page(qtbot, stranger, runner)

        assert drop_files(page.receive.drop_area, [bundle])
        assert runner.wait_idle(10_000)

        assert shown == [expected]
        assert expected in page.receive.report_text()
        assert _names(stranger) == set()
        assert [h.direction for h in bundle_history(stranger)] == []
        assert not page.receive.save_button.isEnabled()
    finally:
        stranger.close()


def test_a_conflict_shows_and_use_other_value_settles_it(
    qtbot: QtBot, tmp_path: Path, laptops: dict[str, AppContext], runner: TaskRunner
) -> None:
    a, b = laptops["A"], laptops["B"]
    trainee = add_trainee(a, given_names="Luis", family_names="Mejía", phone="9876-0000")
    sync_bundles.import_bundles(b, [_export(a, tmp_path / "first.otop")])
    edit_trainee(a, trainee.id, phone="9876-1111")
    edit_trainee(b, trainee.id, phone="9876-2222")
    page = _page(qtbot, b, runner)
    assert page.tabs.tabText(2) == "Conflicts"

    assert drop_files(page.receive.drop_area, [_export(a, tmp_path / "second.otop")])
    assert runner.wait_idle(10_000)

    [conflict] = open_conflicts(b)
    panel = page.conflicts
    assert page.tabs.tabText(2) == "Conflicts (1)"
    assert panel.model.rowCount() == 1
    row = [str(panel.model.index(0, col).data()) for col in range(panel.model.columnCount())]
    assert row[0] == "Trainee\nLuis Mejía"
    assert row[1] == "…" + trainee.id[-8:]
    assert row[2] == "Phone"
    assert {row[3], row[5]} == {"9876-1111", "9876-2222"}
    assert row[4].startswith(conflict.kept_laptop) and row[6].startswith(conflict.lost_laptop)

    page.show_tab("conflicts")
    panel.view.selectRow(0)
    qtbot.mouseClick(panel.other_button, LEFT)
    assert runner.wait_idle(5000)

    assert open_conflicts(b) == []
    assert get_trainee(b, trainee.id).phone == conflict.lost_value
    assert panel.model.rowCount() == 0
    assert page.tabs.tabText(2) == "Conflicts"


def test_typing_another_value_settles_the_conflict_with_it(
    qtbot: QtBot, tmp_path: Path, laptops: dict[str, AppContext], runner: TaskRunner
) -> None:
    a, b = laptops["A"], laptops["B"]
    trainee = add_trainee(a, given_names="Luis", town="Copán")
    sync_bundles.import_bundles(b, [_export(a, tmp_path / "first.otop")])
    edit_trainee(a, trainee.id, town="Gracias")
    edit_trainee(b, trainee.id, town="Santa Rosa")
    sync_bundles.import_bundles(b, [_export(a, tmp_path / "second.otop")])
    page = _page(qtbot, b, runner)
    panel = page.conflicts
    assert panel.model.rowCount() == 1

    dialog = panel.type_value()
    assert dialog is not None
    dialog.value_edit.setText("")
    dialog.choose()
    assert dialog.error.isVisibleTo(dialog) and dialog.isVisible()  # empty is refused
    dialog.value_edit.setText("Santa Rosa de Copán")
    dialog.choose()
    assert runner.wait_idle(5000)

    assert open_conflicts(b) == []
    assert get_trainee(b, trainee.id).town == "Santa Rosa de Copán"


def test_an_import_can_be_cancelled_from_its_progress_dialog(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    laptops: dict[str, AppContext],
    runner: TaskRunner,
) -> None:
    bundle = _export(laptops["A"], tmp_path / "a.otop")

    def slow_import(
        _ctx: AppContext,
        paths: list[Path],
        *,
        progress: Callable[[int, int], None],
        cancelled: Callable[[], bool],
    ) -> list[ImportReport]:
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            progress(1, 10)
            time.sleep(0.01)
        return [ImportReport(str(paths[0]), sender_name="laptop-A", cancelled=True)]

    monkeypatch.setattr(sync_receive, "import_bundles", slow_import)
    page = _page(qtbot, laptops["B"], runner)

    assert drop_files(page.receive.drop_area, [bundle])
    assert not page.receive.import_button.isEnabled()
    qtbot.waitUntil(lambda: _progress_dialog(page) is not None, timeout=5000)
    dialog = _progress_dialog(page)
    assert dialog is not None
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, LEFT)
    assert runner.wait_idle(5000)

    assert "Cancelled" in page.receive.report_text()
    assert page.receive.import_button.isEnabled()


def _progress_dialog(page: SyncPage) -> QProgressDialog | None:
    dialogs = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible()
    ]
    return dialogs[0] if dialogs else None
