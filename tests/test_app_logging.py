"""The log file: rotated, UTF-8, no passwords, and a folder that cannot be written stops nothing."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop import app_logging, cli
from otop_desktop.services import paths

log = logging.getLogger("otop_desktop.tests")


@pytest.fixture(autouse=True)
def _stop_logging() -> Iterator[None]:
    yield
    app_logging.stop_logging()


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_the_log_goes_to_the_data_dirs_logs_folder(tmp_path: Path) -> None:
    path = app_logging.setup_logging(tmp_path / "data")
    log.info("Workshop %s opened; 陳美玲 not named", "01abc")
    _flush()

    assert path == paths.DataDir(tmp_path / "data").logs / "otop-desktop.log"
    assert app_logging.current_log_path() == path
    assert "Workshop 01abc opened; 陳美玲" in path.read_text(encoding="utf-8")


def test_the_log_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_logging, "MAX_BYTES", 2_000)
    path = app_logging.setup_logging(tmp_path)
    for i in range(100):
        log.info("line %d %s", i, "x" * 60)
    _flush()

    assert path.with_name("otop-desktop.log.1").is_file()
    assert path.stat().st_size <= 2_000
    assert not path.with_name(f"otop-desktop.log.{app_logging.BACKUP_COUNT + 1}").exists()


def test_setting_up_again_replaces_the_handler(tmp_path: Path) -> None:
    app_logging.setup_logging(tmp_path / "a")
    second = app_logging.setup_logging(tmp_path / "b")
    log.info("only in b")
    _flush()

    ours = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert [Path(h.baseFilename) for h in ours] == [second]
    assert "only in b" not in (tmp_path / "a/logs/otop-desktop.log").read_text()


def test_sqlalchemy_statements_are_not_logged(tmp_path: Path) -> None:
    path = app_logging.setup_logging(tmp_path)
    logging.getLogger("sqlalchemy.engine.Engine").info("SELECT secret FROM trainee")
    _flush()

    assert "SELECT" not in path.read_text()


def test_no_password_in_the_logged_url(tmp_path: Path) -> None:
    url = "postgresql+psycopg://otop:s3cret-pass@10.0.0.5:5432/hub"
    path = app_logging.setup_logging(tmp_path)
    app_logging.log_start("test", language="es", data_dir=tmp_path, database_url=url)
    _flush()

    text = path.read_text()
    assert "s3cret" not in text
    assert "postgresql+psycopg://otop:***@10.0.0.5:5432/hub" in text
    assert "language es" in text and "Python" in text
    assert app_logging.hide_password("sqlite:////tmp/otop.sqlite3") == "sqlite:////tmp/otop.sqlite3"


def test_an_unwritable_log_folder_stops_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_logging, "_warned", False)
    # A file where the folder should be: cannot be created, even by root.
    (tmp_path / "logs").write_text("in the way")

    app_logging.setup_logging(tmp_path)
    log.info("still running")
    app_logging.setup_logging(tmp_path)

    assert app_logging.current_log_path() is None
    assert capsys.readouterr().err.count("cannot be written") == 1


def test_the_default_data_dir_is_the_services_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTOP_DATA_DIR")
    assert app_logging.default_data_dir() == paths.default_data_dir()


def test_a_cli_command_is_logged_and_its_output_unchanged(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["--data-dir", str(data_dir), "workshop", "delete", "nope"]) == 1
    err = capsys.readouterr().err
    _flush()

    text = (data_dir / "logs" / "otop-desktop.log").read_text(encoding="utf-8")
    assert "Start (command workshop delete)" in text
    assert "Ended with NotFoundError" in text
    assert "otop-desktop" not in err and "Start" not in err
