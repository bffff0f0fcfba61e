"""The "saved to …" message: Open opens the file, Open folder its folder, Close nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.ui.widgets.saved_file_notice import SavedFileNotices


def _button(box: QMessageBox, text: str) -> QMessageBox:
    return next(b for b in box.buttons() if b.text() == text)  # type: ignore[return-value]


def test_open_folder_opens_the_folder_and_forgets_the_box(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    notices = SavedFileNotices(parent)
    opened: list[QUrl] = []
    path = tmp_path / "sub" / "outcomes.xlsx"
    box = notices.show("Outcome data", f"Saved to {path}.", path, opened.append)
    assert notices.boxes() == [box]
    assert box.text() == f"Saved to {path}."
    assert box.window() is not None
    _button(box, "Open folder").click()
    qtbot.waitUntil(lambda: not notices.boxes())
    assert opened == [QUrl.fromLocalFile(str(path.parent))]


def test_open_is_the_default_and_opens_the_file_itself(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    notices = SavedFileNotices(parent)
    opened: list[QUrl] = []
    path = tmp_path / "sign-in.pdf"
    box = notices.show("Print", "Saved.", path, opened.append, open_file=True)
    assert box.defaultButton() is _button(box, "Open")
    assert not [b for b in box.buttons() if b.text() == "Open folder"]
    _button(box, "Open").click()
    qtbot.waitUntil(lambda: not notices.boxes())
    assert opened == [QUrl.fromLocalFile(str(path))]


def test_close_opens_nothing_and_each_box_is_kept_until_closed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    notices = SavedFileNotices(parent)
    opened: list[QUrl] = []
    first = notices.show("A", "one", tmp_path / "a.csv", opened.append)
    second = notices.show("B", "two", tmp_path / "b.csv", opened.append)
    assert notices.boxes() == [first, second]
    _button(first, "Close").click()
    qtbot.waitUntil(lambda: notices.boxes() == [second])
    second.reject()
    qtbot.waitUntil(lambda: not notices.boxes())
    assert opened == []
