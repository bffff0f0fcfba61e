"""The attendance page: marking a full room by keyboard, mark all, undo, walk-ins, refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.services.attendance import attendance_id, mark, marks_for_session
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrol, is_enrolled
from otop_desktop.services.trainees import add_trainee, search_trainees
from otop_desktop.services.workshops import add_session, create_workshop, set_archived
from otop_desktop.ui.file_chooser import FileType
from otop_desktop.ui.main_window import MainWindow
from otop_desktop.ui.models.attendance_model import SaveState
from otop_desktop.ui.pages.attendance_page import AttendancePage, find_row
from otop_desktop.ui.pages.workshops_page import WorkshopsPage
from otop_desktop.ui.tasks import TaskRunner
from tests.helpers import new_context

NAMES = [
    ("María Fernanda", "López Reyes", None),
    (None, None, "陳美玲"),
    ("José", "Núñez", None),
    ("Mei-ling", "Chen", "陳美齡"),
]


@dataclass
class Room:
    workshop_id: str
    session_id: str
    trainee_ids: list[str]


def make_room(ctx: AppContext, people: int, *, day: dt.date | None = None) -> Room:
    """A workshop with a session on `day` (today) and `people` enrolled trainees."""
    today = dt.date.today()
    workshop = create_workshop(
        ctx, title="Bamboo furniture", country="HN", start_date=today - dt.timedelta(days=14)
    )
    add_session(ctx, workshop.id, today - dt.timedelta(days=7), topic="Tools")
    session = add_session(ctx, workshop.id, day or today, topic="Joints")
    ids = []
    for n in range(people):
        given, family, chinese = NAMES[n] if n < len(NAMES) else (f"Ana {n:02d}", "Pérez", None)
        trainee = add_trainee(
            ctx, given_names=given, family_names=family, chinese_name=chinese, phone=None
        )
        enrol(ctx, workshop.id, trainee.id)
        ids.append(trainee.id)
    return Room(workshop.id, session.id, ids)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path / "data")
    yield context
    context.close()


def open_page(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> AttendancePage:
    page = AttendancePage(ctx, runner)
    qtbot.addWidget(page)
    page.resize(1150, 700)
    page.show()
    assert runner.wait_idle(10_000)
    return page


def attendance_changes(ctx: AppContext) -> list[ChangeLog]:
    with ctx.read() as session:
        return list(session.scalars(select(ChangeLog).where(ChangeLog.tbl == "attendance")))


def test_a_room_of_60_is_marked_by_keyboard_only(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 60)
    page = open_page(qtbot, ctx, runner)
    chosen = page.choice.session()
    assert chosen is not None and chosen.id == room.session_id
    assert page.model.rowCount() == 60
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(0, 0))
    # Every tenth absent, every fifteenth late, the 7th excused; the rest present.
    wanted: dict[str, str] = {}
    keys = {"present": "p", "late": "l", "excused": "3", "absent": "a"}
    for row in range(60):
        status = "present"
        if row % 10 == 9:
            status = "absent"
        elif row % 15 == 14:
            status = "late"
        elif row == 6:
            status = "excused"
        line = page.model.line(row)
        assert line is not None
        wanted[line.trainee_id] = status
        assert page.list.currentIndex().row() == row  # each key moved to the next row
        qtbot.keyClicks(page.list, keys[status])
        # Shown at once, saved later.
        assert page.model.status(row) == status
    assert runner.wait_idle(10_000)
    assert all(page.model.state(row) == SaveState.SAVED for row in range(60))
    stored = marks_for_session(ctx, room.session_id)
    assert {t: m.status for t, m in stored.items()} == wanted
    changes = attendance_changes(ctx)
    assert len(changes) == 60
    assert {c.row_id for c in changes} == {attendance_id(room.session_id, t) for t in wanted}
    here = sum(1 for s in wanted.values() if s in ("present", "late"))
    assert here == 53 and "53 of 60 here" in page.count_label.text()


def test_digits_find_box_and_up_down(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> None:
    room = make_room(ctx, 6)
    page = open_page(qtbot, ctx, runner)
    page.list.setFocus()
    # A letter that marks nothing goes to the find box, which jumps to the name.
    qtbot.keyClicks(page.list, "n")
    assert page.find_box.hasFocus() and page.find_box.text() == "n"
    qtbot.keyClicks(page.find_box, "u")
    line = page.model.line(page.list.currentIndex().row())
    assert line is not None and line.family_names == "Núñez"
    qtbot.keyClick(page.find_box, Qt.Key.Key_Return)
    assert page.list.hasFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_4)
    assert runner.wait_idle(5000)
    assert marks_for_session(ctx, room.session_id)[line.trainee_id].status == "absent"
    # Chinese names are found by their characters, López by any of its words.
    assert page.model.line(find_row(page.model, "陳美玲")).chinese_name == "陳美玲"  # type: ignore[union-attr]
    assert page.model.line(find_row(page.model, "lopez r")).given_names == "María Fernanda"  # type: ignore[union-attr]
    assert find_row(page.model, "zzz") == -1


def test_mark_all_present_then_exceptions_and_undo(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 8)
    first = room.trainee_ids[0]
    mark(ctx, room.session_id, first, "excused")
    page = open_page(qtbot, ctx, runner)
    before = len(attendance_changes(ctx))
    page.all_present_button.click()
    box = page.question
    assert isinstance(box, QMessageBox) and box.isVisible()  # one has a mark already: asked
    only = next(b for b in box.buttons() if b.text() == "Only those not marked")
    only.click()
    assert runner.wait_idle(5000)
    stored = marks_for_session(ctx, room.session_id)
    assert stored[first].status == "excused"  # kept
    assert sum(1 for m in stored.values() if m.status == "present") == 7
    assert len(attendance_changes(ctx)) == before + 7  # one transaction, one change per mark

    # An exception: the second row was absent after all; then undo puts "present" back.
    row = page.model.row_of(room.trainee_ids[1])
    page.activateWindow()  # the question box had it
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(row, 0))
    qtbot.keyClick(page.list, Qt.Key.Key_A)
    assert runner.wait_idle(5000)
    assert marks_for_session(ctx, room.session_id)[room.trainee_ids[1]].status == "absent"
    qtbot.keyClick(page.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert runner.wait_idle(5000)
    assert marks_for_session(ctx, room.session_id)[room.trainee_ids[1]].status == "present"
    assert page.model.status(row) == "present"
    # Undo again takes back "mark all present": the seven have no mark any more.
    page.undo_button.click()
    assert runner.wait_idle(5000)
    assert set(marks_for_session(ctx, room.session_id)) == {first}
    assert page.model.counts()[None] == 7


def test_clicking_a_button_marks_and_says_saved(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 3)
    page = open_page(qtbot, ctx, runner)
    index = page.model.index(2, 0)
    rect = page.list.visualRect(index)
    late = dict(page.list.delegate.button_rects(rect))["late"]
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=late.center())
    assert page.model.state(2) == SaveState.SAVING
    assert runner.wait_idle(5000)
    assert page.model.state(2) == SaveState.SAVED
    line = page.model.line(2)
    assert line is not None
    assert marks_for_session(ctx, room.session_id)[line.trainee_id].status == "late"


def test_archived_meanwhile_refuses_writes_nothing_and_reverts(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 3)
    page = open_page(qtbot, ctx, runner)
    set_archived(ctx, room.workshop_id, True)  # on another window, say
    before = len(attendance_changes(ctx))
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.list, Qt.Key.Key_P)
    assert runner.wait_idle(5000)
    assert page.model.status(0) is None  # reverted
    assert page.model.state(0) == SaveState.FAILED
    assert page.error_frame.isVisible() and "archived" in page.error_label.text()
    assert marks_for_session(ctx, room.session_id) == {}
    assert len(attendance_changes(ctx)) == before


def test_archived_or_future_sessions_are_read_only(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 2, day=dt.date.today() + dt.timedelta(days=5))
    page = open_page(qtbot, ctx, runner)
    page.open_session(room.workshop_id, room.session_id)
    assert runner.wait_idle(5000)
    assert "in the future" in page.notice_label.text()
    assert not page.all_present_button.isEnabled()
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_P)
    assert runner.wait_idle(5000)
    assert marks_for_session(ctx, room.session_id) == {}


def test_a_walk_in_is_registered_enrolled_and_marked_present(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 3)
    page = open_page(qtbot, ctx, runner)
    dialog = page.open_walk_in()
    assert dialog is not None
    assert runner.wait_idle(5000)
    dialog.form.given_edit.setText("Rosa Amalia")
    dialog.form.family_edit.setText("Castillo")
    dialog.save()
    assert runner.wait_idle(5000)
    walked = search_trainees(ctx, "Rosa Amalia Castillo")
    assert len(walked) == 1
    assert is_enrolled(ctx, room.workshop_id, walked[0].id)
    assert marks_for_session(ctx, room.session_id)[walked[0].id].status == "present"
    assert page.model.rowCount() == 4
    current = page.model.line(page.list.currentIndex().row())
    assert current is not None and current.trainee_id == walked[0].id


def test_a_walk_in_who_is_a_duplicate_marks_the_existing_trainee(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 2)
    known = add_trainee(ctx, given_names="Rosa Amalia", family_names="Castillo", phone="9876-5432")
    page = open_page(qtbot, ctx, runner)
    dialog = page.open_walk_in()
    assert dialog is not None
    dialog.form.given_edit.setText("Rosa Amalia")
    dialog.form.family_edit.setText("Castillo")
    dialog.form.phone_edit.setText("9876 5432")
    dialog.save()
    assert runner.wait_idle(5000)
    assert dialog.duplicates.isVisible()
    dialog.duplicates.open_button.click()
    assert runner.wait_idle(5000)
    assert len(search_trainees(ctx, "Rosa Amalia Castillo")) == 1
    assert marks_for_session(ctx, room.session_id)[known.id].status == "present"


def test_a_paper_sheet_is_entered_one_key_per_row(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 6)
    page = open_page(qtbot, ctx, runner)
    # The session of last week, typed in from its signed sheet.
    page.choice.session_combo.setCurrentIndex(0)
    page.choice.session_combo.activated.emit(0)
    assert runner.wait_idle(5000)
    session_id = page.model.session_id
    assert session_id is not None and session_id != room.session_id
    dialog = page.open_back_entry()
    assert dialog is not None
    table = dialog.table
    qtbot.keyClick(table, Qt.Key.Key_Space)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.keyClick(table, Qt.Key.Key_0)
    qtbot.keyClick(table, Qt.Key.Key_L)
    assert dialog.isVisible()  # Enter marked, it did not close the dialog
    assert runner.wait_idle(5000)
    assert "4 of 6 entered" in dialog.progress_label.text()
    dialog.mark_rest_absent()
    box = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    box.button(QMessageBox.StandardButton.NoButton)  # the box has only its own buttons
    yes = next(b for b in box.buttons() if b.text() == "Mark absent")
    yes.click()
    assert runner.wait_idle(5000)
    order = [page.model.line(r).trainee_id for r in range(6)]  # type: ignore[union-attr]
    stored = marks_for_session(ctx, session_id)
    assert [stored[t].status for t in order] == [
        "present",
        "present",
        "absent",
        "late",
        "absent",
        "absent",
    ]
    assert "6 of 6 entered" in dialog.progress_label.text()


def test_the_summary_shows_counts_and_rates(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    room = make_room(ctx, 4)
    for trainee_id, status in zip(
        room.trainee_ids, ["present", "late", "absent", "present"], strict=True
    ):
        mark(ctx, room.session_id, trainee_id, status)
    page = open_page(qtbot, ctx, runner)
    page.tabs.setCurrentWidget(page.summary)
    assert runner.wait_idle(5000)
    sessions = page.summary.sessions
    assert sessions.rowCount() == 2
    today = sessions.index(1, 0)
    assert [sessions.index(1, c).data() for c in range(1, 7)] == ["2", "1", "0", "1", "0", "75%"]
    assert today.isValid()
    assert page.summary.trainees.rowCount() == 4
    assert [rate for _label, rate in page.summary.chart.bars()] == [0.0, 0.75]
    assert "38%" in page.summary.rule_label.text()  # 3 of 8 marks over the two sessions


class _Chooser:
    """Answers the save dialogs with a path in the test's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str] = []

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        return None

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        self.asked.append(title)
        return self.folder / (name + types[0].suffixes[0])


def test_print_sign_in_sheet_writes_the_pdf_and_offers_to_open_it(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    make_room(ctx, 4)
    page = AttendancePage(ctx, runner, chooser=_Chooser(tmp_path))
    qtbot.addWidget(page)
    page.show()
    assert runner.wait_idle(10_000)
    opened: list[QUrl] = []
    page.printer.open_url = opened.append
    page.print_button.click()
    assert runner.wait_idle(20_000)
    [pdf] = list(tmp_path.glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")
    [box] = page.printer.boxes()
    assert str(pdf) in box.text()
    next(b for b in box.buttons() if b.text() == "Open").click()
    assert opened == [QUrl.fromLocalFile(str(pdf))]


def test_export_writes_the_workshops_attendance(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    room = make_room(ctx, 3)
    mark(ctx, room.session_id, room.trainee_ids[0], "present")
    page = AttendancePage(ctx, runner, chooser=_Chooser(tmp_path))
    qtbot.addWidget(page)
    page.show()
    assert runner.wait_idle(10_000)
    page.tabs.setCurrentWidget(page.summary)
    assert runner.wait_idle(5000)
    page.summary.export_button.click()
    assert runner.wait_idle(20_000)
    [xlsx] = list(tmp_path.glob("*.xlsx"))
    assert xlsx.stat().st_size > 0
    [box] = page.summary.boxes()
    assert "3 trainees" in box.text()


def test_take_attendance_on_the_workshops_page_opens_the_session(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    workshops = window.pages[0]
    assert isinstance(workshops, WorkshopsPage)
    workshops.session_view.selectRow(1)
    session = workshops.selected_session()
    assert session is not None and workshops.attendance_button.isEnabled()
    workshops.attendance_button.click()
    assert runner.wait_idle(10_000)
    page = window.pages[1]
    assert isinstance(page, AttendancePage)
    assert window.current_page_key() == "attendance"
    assert page.model.session_id == session.id
    assert page.model.rowCount() > 0
