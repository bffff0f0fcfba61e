"""Help › About: the version, where the data is, the shipped licences and their texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from otop_desktop import __version__
from otop_desktop.resources_path import resources_dir
from otop_desktop.services.context import AppContext
from otop_desktop.ui.dialogs import about_dialog
from otop_desktop.ui.dialogs.about_dialog import AboutDialog
from otop_desktop.ui.main_window import MainWindow


def _index() -> list[dict[str, str]]:
    path = resources_dir() / "licenses" / "index.json"
    entries: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["entries"]
    return entries


def test_shows_the_version_and_lists_the_licences(qtbot: QtBot) -> None:
    dialog = AboutDialog(["Data folder: /somewhere"])
    qtbot.addWidget(dialog)
    dialog.show()

    assert __version__ in dialog.version_label.text()
    assert dialog.facts_label.text() == "Data folder: /somewhere"
    names = [
        dialog.list.topLevelItem(row).text(0) for row in range(dialog.list.topLevelItemCount())
    ]
    assert len(names) >= 10
    assert names == [entry["name"] for entry in _index()]
    assert {"OTOP Field Desk", "PySide6-Essentials", "WenQuanYi Micro Hei"} <= set(names)
    # The app's own licence is shown first.
    assert "MIT License" in dialog.text.toPlainText()
    assert dialog.text.isReadOnly()


def test_choosing_a_library_shows_its_licence_text(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    entry = next(e for e in _index() if e["name"] == "SQLAlchemy")
    expected = (resources_dir() / "licenses" / entry["file"]).read_text(encoding="utf-8")
    row = next(
        r
        for r in range(dialog.list.topLevelItemCount())
        if dialog.list.topLevelItem(r).text(0) == "SQLAlchemy"
    )
    item = dialog.list.topLevelItem(row)
    dialog.list.scrollToItem(item)
    rect = dialog.list.visualItemRect(item)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert dialog.list.currentItem() is item
    assert item.text(1) == entry["version"] and item.text(2) == entry["license"]
    assert dialog.text.toPlainText() == expected
    assert dialog.select("WenQuanYi Micro Hei")
    assert "Apache License" in dialog.text.toPlainText()
    assert not dialog.select("no such library")


def test_escape_closes_it(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.list.setFocus()

    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)

    assert not dialog.isVisible()


def test_without_the_licence_folder_it_still_opens(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(about_dialog, "licenses_folder", lambda: tmp_path / "missing")
    dialog = AboutDialog()
    qtbot.addWidget(dialog)

    assert dialog.list.topLevelItemCount() == 0
    assert __version__ in dialog.version_label.text()
    assert "missing" in dialog.text.toPlainText()


def test_help_about_says_where_the_data_is(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext
) -> None:
    dialog = window.show_about()

    assert dialog.isVisible() and dialog.parent() is window
    facts = dialog.facts_label.text()
    assert str(demo_ctx.data_dir.root) in facts
    assert str(demo_ctx.data_dir.database) in facts
    assert "test-laptop" in facts
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
