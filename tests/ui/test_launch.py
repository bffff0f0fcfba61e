"""Starting the app: a database that cannot be used is refused; a new one gets the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.i18n import current_locale
from otop_desktop.services.context import open_context
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.launch import launch, parse_options


def _record_critical(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def critical(_parent: QWidget | None, _title: str, text: str, *args: object) -> int:
        shown.append(text)
        return 0

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return shown


def test_garbage_database_is_refused_and_left_alone(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    database = data_dir / "otop.sqlite3"
    garbage = b"this is a spreadsheet, not a database\n" * 50
    database.write_bytes(garbage)
    shown = _record_critical(monkeypatch)

    code = launch(["--data-dir", str(data_dir), "--lang", "en"])

    assert code == 1
    [message] = shown
    assert "not an OTOP Field Desk database" in message
    assert database.read_bytes() == garbage
    # Only the log, which says why.
    assert sorted(p.name for p in data_dir.iterdir()) == ["logs", "otop.sqlite3"]
    log_text = (data_dir / "logs" / "otop-desktop.log").read_text(encoding="utf-8")
    assert "DatabaseError" in log_text


def test_the_message_is_in_the_chosen_language(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    (data_dir / "otop.sqlite3").write_bytes(b"garbage" * 100)
    shown = _record_critical(monkeypatch)

    assert launch(["--data-dir", str(data_dir), "--lang", "es"]) == 1

    assert current_locale() == "es"
    [message] = shown
    assert "SQLite" in message and "not an OTOP" not in message


def test_unknown_options_are_ignored() -> None:
    options = parse_options(["--lang", "es", "-style", "fusion", "--data-dir", "/tmp/x"])

    assert options.lang == "es"
    assert options.data_dir == Path("/tmp/x")
    assert options.database_url is None


def test_first_start_builds_the_demo_and_takes_the_screenshot(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "fresh"
    shot = tmp_path / "shot.png"
    monkeypatch.setenv("OTOP_SCREENSHOT", str(shot))

    code = launch(["--data-dir", str(data_dir), "--lang", "en"])

    assert code == 0
    image = QImage(str(shot))
    assert not image.isNull() and image.width() <= 1366 and image.height() <= 768
    ctx = open_context(data_dir)
    try:
        assert len(list_workshops(ctx)) == 3
    finally:
        ctx.close()
