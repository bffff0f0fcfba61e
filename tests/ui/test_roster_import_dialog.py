"""Roster import as a trainer does it: a file, a preview, a column mapped, Import; and export."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.dump import dump_text
from otop_desktop.services.enrollments import list_enrolled
from otop_desktop.services.roster_files import RosterCancelled, RosterFileError, read_roster
from otop_desktop.services.roster_import import RowAction
from otop_desktop.services.trainees import count_trainees, search_trainees
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs import roster_import_dialog
from otop_desktop.ui.dialogs.column_mapping import ColumnMapping
from otop_desktop.ui.dialogs.roster_import_dialog import RosterImportDialog
from otop_desktop.ui.file_chooser import FileType, with_suffix
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.roster_actions import RosterActions

# A Spanish-Excel roster: semicolons, Windows-1252, one header nobody maps, a bad phone.
ROSTER = (
    "Nombres;Apellidos;Teléfono;Municipio;Comentario del técnico\r\n"
    "María Fernanda;López Reyes;9876-5432;Siguatepeque;trae muestras\r\n"
    "José Ángel;Núñez;3344-5566;Rabinal;\r\n"
    ";;;;\r\n"
    "Rosa;Pérez;12;Intibucá;sin teléfono\r\n"
)


class FakeChooser:
    """Answers the file dialogs with paths given in advance, and records what was asked."""

    def __init__(self, *paths: Path | None) -> None:
        self.paths = list(paths)
        self.asked: list[tuple[str, list[FileType]]] = []

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        self.asked.append((title, list(types)))
        return self.paths.pop(0)

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        self.asked.append((title, list(types)))
        return self.paths.pop(0)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "lista.csv"
    path.write_bytes(ROSTER.encode("cp1252"))
    return path


def _open(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, path: Path, **kwargs: object
) -> RosterImportDialog:
    dialog = RosterImportDialog(ctx, runner, None, path=path, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    assert runner.wait_idle(10_000)
    return dialog


def test_preview_map_a_column_and_import(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, roster: Path
) -> None:
    workshop = list_workshops(demo_ctx)[0]
    before = count_trainees(demo_ctx)
    dialog = _open(qtbot, demo_ctx, runner, roster, workshop_id=workshop.id)

    preview = dialog.preview
    assert preview is not None
    counts = preview.counts()
    assert counts.get(RowAction.CREATE) == 2
    assert counts.get(RowAction.REJECT) == 1
    # Shown before anything is written: the rows, the counts, the import button.
    assert dialog.preview_panel.model.rowCount() == 3
    assert dialog.preview_panel.count_labels[RowAction.CREATE].text().endswith("2")
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 2 trainees"
    assert count_trainees(demo_ctx) == before
    # The header nobody knows opens the columns panel, marked.
    assert "Comentario del técnico" in preview.unknown_headers
    assert dialog.mapping_panel.isVisible()
    assert "not recognised" in dialog.mapping_panel.header_labels[4].text()
    assert dialog.mapping_panel.mapping()[4] is None

    # The rejected row says which row of the file and why.
    dialog.preview_panel.set_filter(frozenset({RowAction.REJECT}))
    model = dialog.preview_panel.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "5"
    assert "12" in model.index(0, 5).data()

    dialog.mapping_panel.set_field(4, "notes")
    assert runner.wait_idle(10_000)
    assert dialog.preview is not None and dialog.preview.mapping[4] == "notes"

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(10_000)

    assert count_trainees(demo_ctx) == before + 2
    [maria] = search_trainees(demo_ctx, "maria fernanda lopez")
    assert (maria.phone, maria.town, maria.notes) == ("9876-5432", "Siguatepeque", "trae muestras")
    enrolled = {e.trainee.id for e in list_enrolled(demo_ctx, workshop.id)}
    assert maria.id in enrolled
    assert dialog.outcome is not None and dialog.outcome.created == 2
    assert "2 trainees registered." in dialog.status_label.text()
    assert not dialog.import_button.isVisible()
    assert dialog.cancel_button.text() == "Close"


def test_cancel_or_close_before_import_writes_nothing(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, roster: Path
) -> None:
    before = dump_text(demo_ctx)
    dialog = _open(qtbot, demo_ctx, runner, roster)
    assert dialog.preview is not None and dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    again = _open(qtbot, demo_ctx, runner, roster)
    again.mapping_panel.set_field(0, None)  # a preview still being made when closing
    again.close()
    assert runner.wait_idle(10_000)
    assert dump_text(demo_ctx) == before


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, b""], ids=["png", "empty"]
)
def test_a_bad_file_shows_the_error_and_writes_nothing(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    with pytest.raises(RosterFileError) as expected:
        read_roster(path)
    before = dump_text(demo_ctx)

    dialog = _open(qtbot, demo_ctx, runner, path)

    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == str(expected.value)
    assert not dialog.import_button.isEnabled()
    dialog.start_import()  # Enter on a disabled button does nothing; nor does a direct call
    assert runner.wait_idle(5000)
    assert dump_text(demo_ctx) == before


def test_choosing_another_file_previews_it(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, roster: Path, tmp_path: Path
) -> None:
    other = tmp_path / "otra.csv"
    other.write_text("Nombre completo,Celular\nAna Isabel Cruz Mejía,0912-345-678\n", "utf-8")
    chooser = FakeChooser(other)
    dialog = _open(qtbot, demo_ctx, runner, roster, chooser=chooser)

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert runner.wait_idle(10_000)

    assert dialog.file_edit.text() == str(other)
    assert dialog.preview is not None and len(dialog.preview.rows) == 1
    assert [c.currentData() for c in dialog.mapping_panel.combos] == ["full_name", "phone"]
    assert dialog.preview_panel.model.index(0, 3).data() == "0912-345-678"
    assert dialog.import_button.text() == "&Import 1 trainee"

    # Another workshop: previewed again for it.
    dialog.workshop_combo.setCurrentIndex(2)
    assert runner.wait_idle(10_000)
    chosen = dialog.workshop_combo.currentData()
    assert chosen and dialog.preview is not None and dialog.preview.workshop_id == chosen


def test_a_cancelled_import_says_nothing_was_written(
    qtbot: QtBot,
    demo_ctx: AppContext,
    runner: TaskRunner,
    roster: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def cancelled_import(*args: object, **kwargs: object) -> None:
        raise RosterCancelled()

    monkeypatch.setattr(roster_import_dialog, "apply_roster", cancelled_import)
    dialog = _open(qtbot, demo_ctx, runner, roster)

    dialog.start_import()
    assert runner.wait_idle(10_000)

    assert dialog.error_label.text() == str(RosterCancelled())
    assert dialog.import_button.isEnabled() and dialog.cancel_button.isEnabled()
    assert dialog.outcome is None


def test_mapping_panel_reports_each_change(qtbot: QtBot) -> None:
    panel = ColumnMapping()
    qtbot.addWidget(panel)
    panel.set_columns(["Nombre", "Rareza"], {0: "given_names", 1: None}, ["Rareza"], {1: "x"})
    assert panel.mapping() == {0: "given_names", 1: None}
    with qtbot.waitSignal(panel.changed) as signal:
        panel.set_field(1, "town")
    assert signal.args == [{0: "given_names", 1: "town"}]


def test_export_and_template_through_the_roster_buttons(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, tmp_path: Path, roster: Path
) -> None:
    target = tmp_path / "out" / "lista.csv"
    target.parent.mkdir()
    template = tmp_path / "plantilla.xlsx"
    chooser = FakeChooser(target, template, roster)
    actions = RosterActions(demo_ctx, runner, None, lambda: "", chooser=chooser)
    qtbot.addWidget(actions)

    with qtbot.waitSignal(actions.finished, timeout=10_000):
        qtbot.mouseClick(actions.export_button, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == count_trainees(demo_ctx) + 1
    assert actions.boxes() and "exported" in actions.boxes()[0].text()

    with qtbot.waitSignal(actions.finished, timeout=10_000):
        qtbot.mouseClick(actions.template_button, Qt.MouseButton.LeftButton)
    assert template.read_bytes()[:2] == b"PK"  # an XLSX workbook
    assert "saved" in actions.boxes()[-1].text()
    for box in actions.boxes():
        box.done(0)
    assert not actions.boxes()

    dialog = actions.import_roster()
    assert dialog is not None and dialog.path == roster
    qtbot.addWidget(dialog)
    assert runner.wait_idle(10_000)
    assert dialog.preview is not None


def test_a_name_without_suffix_gets_the_chosen_one() -> None:
    xlsx = FileType("Excel", (".xlsx",))
    csv_type = FileType("CSV", (".csv",))
    assert with_suffix(Path("lista"), csv_type, [xlsx, csv_type]) == Path("lista.csv")
    assert with_suffix(Path("lista.csv"), xlsx, [xlsx, csv_type]) == Path("lista.csv")
    assert with_suffix(Path("v1.2"), None, [xlsx, csv_type]) == Path("v1.2.xlsx")
