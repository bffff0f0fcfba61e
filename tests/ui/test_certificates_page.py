"""The certificates page: candidates and statuses, exceptions, a printed batch, verifying codes,
the attendance report; and the PDF preview on its own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from otop_desktop.services.certificates import CertificateCandidate, certificate_candidates
from otop_desktop.services.context import AppContext
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog
from otop_desktop.ui.file_chooser import FileType
from otop_desktop.ui.models.certificate_table import (
    SHOW_MAY_PRINT,
    SHOW_NOT_YET,
    STATUS_COLUMN,
    is_issued,
)
from otop_desktop.ui.pages.certificates_page import CertificatesPage
from otop_desktop.ui.tasks import TaskRunner

# A batch of a few dozen certificates with their QR codes takes a few seconds.
_WAIT_MS = 60_000


class Chooser:
    """Answers the file and folder dialogs with paths set by the test, and records the asks."""

    def __init__(self, file: Path | None = None, folder: Path | None = None) -> None:
        self.file = file
        self.folder = folder
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        return None

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        self.asked.append((name, tuple(s for t in types for s in t.suffixes)))
        return self.file

    def choose_folder(self, parent: QWidget, title: str) -> Path | None:
        self.asked.append((title, ()))
        return self.folder


def open_page(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, chooser: Chooser
) -> CertificatesPage:
    page = CertificatesPage(ctx, runner, chooser=chooser)
    runner.window = page
    qtbot.addWidget(page)
    page.resize(1150, 700)
    page.show()
    assert runner.wait_idle(10_000)
    return page


def pick_workshop(page: CertificatesPage, runner: TaskRunner, workshop_id: str) -> None:
    page.choose_workshop(workshop_id)
    assert runner.wait_idle(10_000)
    assert page.workshop_id() == workshop_id


def select(page: CertificatesPage, trainee_ids: Sequence[str]) -> None:
    page.view.clearSelection()
    for trainee_id in trainee_ids:
        index = page.sorted.mapFromSource(page.model.index(page.model.row_of(trainee_id), 0))
        page.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )


def shown_statuses(page: CertificatesPage) -> dict[str, str]:
    statuses = {}
    for row in range(page.model.rowCount()):
        candidate = page.model.record(row)
        assert candidate is not None
        statuses[candidate.trainee_id] = page.model.index(row, STATUS_COLUMN).data()
    return statuses


def _open_boxes() -> list[QMessageBox]:
    return [b for b in QApplication.allWidgets() if isinstance(b, QMessageBox) and b.isVisible()]


def expected_status(c: CertificateCandidate) -> str:
    if c.code and c.issued_at:
        return f"Issued: {c.code}"
    if c.exception_reason and not c.eligible:
        return f"Exception: {c.exception_reason}"
    return "Eligible" if c.eligible else "Not yet eligible"


@pytest.fixture
def workshop_id(demo_ctx: AppContext) -> str:
    """The demo workshop with the most trainees below the minimum (some must be)."""
    best = max(
        list_workshops(demo_ctx),
        key=lambda w: sum(
            1 for c in certificate_candidates(demo_ctx, w.id).candidates if not c.eligible
        ),
    )
    found = certificate_candidates(demo_ctx, best.id)
    assert any(not c.eligible for c in found.candidates)
    assert any(c.eligible for c in found.candidates)
    return best.id


def test_rows_and_statuses_match_the_candidates(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str
) -> None:
    page = open_page(qtbot, demo_ctx, runner, Chooser())
    pick_workshop(page, runner, workshop_id)
    found = certificate_candidates(demo_ctx, workshop_id)
    assert [c.trainee_id for c in page.model.records()] == [c.trainee_id for c in found.candidates]
    assert shown_statuses(page) == {c.trainee_id: expected_status(c) for c in found.candidates}
    may = sum(1 for c in found.candidates if c.may_print)
    assert page.count_label.text() == (
        f"{may} of {len(found.candidates)} may receive a certificate"
    )
    # The batch's defaults come from the workshop.
    assert page.languages() == found.languages
    assert page.paper() == found.paper

    page.filter_combo.setCurrentIndex(page.filter_combo.findData(SHOW_MAY_PRINT))
    assert page.sorted.rowCount() == may
    page.filter_combo.setCurrentIndex(page.filter_combo.findData(SHOW_NOT_YET))
    assert page.sorted.rowCount() == len(found.candidates) - may


def test_an_exception_is_granted_through_the_dialog_and_withdrawn_with_undo(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str
) -> None:
    page = open_page(qtbot, demo_ctx, runner, Chooser())
    pick_workshop(page, runner, workshop_id)
    below = next(c for c in page.model.records() if not c.may_print)
    eligible = next(c for c in page.model.records() if c.eligible)
    select(page, [eligible.trainee_id])
    assert not page.exception_button.isEnabled()
    assert page.grant_exception() is None  # no exception for someone already eligible

    select(page, [below.trainee_id])
    assert page.exception_button.isEnabled()
    dialog = page.grant_exception()
    assert dialog is not None and dialog.isVisible()
    dialog.save()  # no reason: said under the field, nothing saved
    assert runner.wait_idle()
    assert dialog.isVisible()
    assert dialog.field_errors.errors["reason"].isVisible()
    assert "why" in dialog.field_errors.errors["reason"].text()
    reason = "Dengue en la 3.ª semana; entregó el trabajo"
    dialog.reason_edit.setText(reason)
    dialog.save()
    assert runner.wait_idle()
    assert not dialog.isVisible()

    stored = {c.trainee_id: c for c in certificate_candidates(demo_ctx, workshop_id).candidates}
    assert stored[below.trainee_id].exception_reason == reason
    assert shown_statuses(page)[below.trainee_id] == f"Exception: {reason}"
    assert page.selected_ids() == [below.trainee_id]  # the row stays selected

    assert page.withdraw_button.isEnabled()
    page.withdraw_exception()
    assert runner.wait_idle()
    assert shown_statuses(page)[below.trainee_id] == "Not yet eligible"
    assert page.undo_bar.isVisible() and "withdrawn" in page.undo_bar.text()
    page.undo_bar.undo()
    assert runner.wait_idle()
    assert shown_statuses(page)[below.trainee_id] == f"Exception: {reason}"


def test_a_batch_is_printed_previewed_and_its_codes_verify(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "certificados.pdf"
    chooser = Chooser(file=out)
    page = open_page(qtbot, demo_ctx, runner, chooser)
    pick_workshop(page, runner, workshop_id)
    may = [c for c in page.model.records() if c.may_print]
    # Two languages side by side on Letter paper.
    page.language_combo.setCurrentIndex(page.language_combo.findData("es"))
    page.second_language_combo.setCurrentIndex(page.second_language_combo.findData("zh_Hant_TW"))
    page.paper_combo.setCurrentIndex(page.paper_combo.findData("letter"))
    assert page.languages() == ("es", "zh_Hant_TW")

    choice = page.print_certificates()
    assert choice is not None
    assert choice.all_radio.isChecked() and not choice.selected_radio.isEnabled()
    choice.accept()
    assert runner.wait_idle(_WAIT_MS)
    assert out.is_file()
    assert chooser.asked and chooser.asked[0][1] == (".pdf",)
    preview = page.work.preview
    assert preview is not None and preview.isVisible()
    assert preview.page_count() == len(may)
    assert preview.page_text() == f"Page 1 of {len(may)}"
    assert preview.path == out

    issued = [c for c in page.model.records() if is_issued(c)]
    assert {c.trainee_id for c in issued} == {c.trainee_id for c in may}
    assert all(shown_statuses(page)[c.trainee_id] == f"Issued: {c.code}" for c in issued)

    box = page.verify_box
    first = issued[0]
    box.code_edit.setText(f"  {(first.code or '').lower()}  ")
    box.verify()
    assert runner.wait_idle()
    assert box.last is not None and box.last.genuine
    assert box.verdict_text().startswith("Genuine")
    assert (first.name or first.chinese_name or "?") in box.verdict_text()
    assert "Not genuine" not in box.verdict_text()

    code = first.code or ""
    other = "X" if code[-1] != "X" else "Y"
    box.code_edit.setText(code[:-1] + other)  # one character off: another (unknown) code,
    box.verify()  # or a code whose check character fails
    assert runner.wait_idle()
    assert box.last is None or not box.last.genuine
    assert "Genuine" not in box.verdict_text().split("\n")[0]

    box.code_edit.setText("hola")
    box.verify()
    assert runner.wait_idle()
    assert box.verdict_text().startswith("Not a certificate code")


def test_selected_trainees_are_printed_one_pdf_each(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str, tmp_path: Path
) -> None:
    folder = tmp_path / "por-persona"
    folder.mkdir()
    page = open_page(qtbot, demo_ctx, runner, Chooser(folder=folder))
    pick_workshop(page, runner, workshop_id)
    chosen = [c.trainee_id for c in page.model.records() if c.may_print][:2]
    select(page, chosen)
    choice = page.print_certificates()
    assert choice is not None
    assert choice.selected_radio.isChecked()
    choice.per_trainee_radio.setChecked(True)
    choice.accept()
    assert runner.wait_idle(_WAIT_MS)
    assert len(list(folder.glob("*.pdf"))) == 2
    preview = page.work.preview
    assert preview is not None and preview.page_count() == 1
    assert str(folder) in preview.note_label.text()
    issued = {c.trainee_id for c in page.model.records() if is_issued(c)}
    assert issued == set(chosen)


def test_a_batch_into_a_folder_that_cannot_be_written_says_so(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "certificates.pdf"
    page = open_page(qtbot, demo_ctx, runner, Chooser(file=out))
    pick_workshop(page, runner, workshop_id)
    before = set(_open_boxes())
    page.print_batch(True)
    assert runner.wait_idle(_WAIT_MS)
    boxes = [b for b in _open_boxes() if b not in before]
    assert not out.exists()
    assert len(boxes) == 1 and boxes[0].icon() == QMessageBox.Icon.Warning
    assert "no-such-folder" in boxes[0].text() or "folder" in boxes[0].text().lower()
    assert page.work.preview is None
    assert not any(is_issued(c) for c in page.model.records())


def test_the_attendance_report_goes_to_a_workbook(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "asistencia.xlsx"
    chooser = Chooser(file=out)
    page = open_page(qtbot, demo_ctx, runner, chooser)
    pick_workshop(page, runner, workshop_id)
    assert page.report_button.isEnabled()
    page.attendance_report()
    assert runner.wait_idle(_WAIT_MS)
    assert chooser.asked[-1][1] == (".pdf", ".xlsx")
    assert out.is_file()
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames
    book.close()
    boxes = page.work.boxes()
    assert len(boxes) == 1 and str(out) in boxes[0].text()
    opened = []
    page.work.open_url = opened.append
    folder_button = next(b for b in boxes[0].buttons() if b.text() == "Open folder")
    folder_button.click()
    assert opened and opened[0].toLocalFile() == str(tmp_path)


def test_the_attendance_report_pdf_is_previewed(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, workshop_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "asistencia.pdf"
    page = open_page(qtbot, demo_ctx, runner, Chooser(file=out))
    pick_workshop(page, runner, workshop_id)
    page.attendance_report()
    assert runner.wait_idle(_WAIT_MS)
    preview = page.work.preview
    assert preview is not None and preview.path == out and preview.page_count() >= 1


# --- the preview on its own -------------------------------------------------------------------


def _pdf(path: Path, pages: int) -> Path:
    canvas = Canvas(str(path), pagesize=landscape(A4))
    for n in range(pages):
        canvas.drawString(100, 100, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    return path


def test_the_preview_turns_pages_and_prints_each_one(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PdfPreviewDialog(_pdf(tmp_path / "three.pdf", 3))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_text() == "Page 1 of 3"
    assert not dialog.previous_button.isEnabled()
    dialog.next_page()
    assert dialog.page_text() == "Page 2 of 3"
    dialog.last_page()
    dialog.next_page()  # stays on the last
    assert dialog.page_text() == "Page 3 of 3" and not dialog.next_button.isEnabled()
    dialog.first_page()
    assert dialog.current_page() == 0
    before = dialog.view.zoomFactor()
    dialog.zoom_in()
    assert dialog.view.zoomFactor() != before

    printer = dialog.new_printer()
    assert printer.pageLayout().orientation().name == "Landscape"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(72)
    printer.setFromTo(2, 3)
    assert dialog.print_to(printer) == 2
    again = PdfPreviewDialog(printed)
    qtbot.addWidget(again)
    assert again.page_count() == 2

    opened = []
    dialog.open_url = opened.append
    dialog.open_folder()
    assert opened[0].toLocalFile() == str(tmp_path)


def test_the_preview_of_a_broken_file_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    dialog = PdfPreviewDialog(broken)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_count() == 0
    assert dialog.error_label.isVisible() and "broken.pdf" in dialog.error_label.text()
    assert not dialog.print_button.isEnabled()
    assert dialog.print_pdf() is None
