"""Shared test set-up: a headless Qt, a fixed locale, and a fresh data dir for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Qt or reads the locale.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["LANG"] = "C.UTF-8"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.pop("LANGUAGE", None)
os.environ.pop("LC_MESSAGES", None)


# --- command-line options -------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--runslow", action="store_true", default=False, help="also run tests marked slow"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


# --- isolation of every test ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point OTOP_DATA_DIR at a new, empty folder, so no test sees the user's data."""
    path = tmp_path / "otop-data"
    path.mkdir()
    monkeypatch.setenv("OTOP_DATA_DIR", str(path))
    yield path


@pytest.fixture(autouse=True)
def _english() -> None:
    """Every test starts in English, whatever the previous one switched to."""
    from otop_desktop.i18n import set_locale

    set_locale("en")


# --- fixtures for tests to ask for ----------------------------------------------------------


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    """The fresh, empty data dir of this test (the one OTOP_DATA_DIR points at)."""
    return _isolated_data_dir
