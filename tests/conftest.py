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
    parser.addoption(
        "--engine",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="the database engine(s) the service, sync, report and CLI tests run on",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: about SQLite itself (its file, WAL, a killed writer); not run on PostgreSQL",
    )
    config.addinivalue_line(
        "markers", "one_engine: not about the database (and slow): run on SQLite only"
    )


# The folders (and top-level files) whose tests run on every engine; see tests/engines.py.
BOTH_ENGINES = ("services", "sync", "reports")


def _runs_on_both(path: Path) -> bool:
    tests = Path(__file__).resolve().parent
    relative = path.resolve().relative_to(tests).parts
    if relative[0] in BOTH_ENGINES:
        return True
    return len(relative) == 1 and relative[0].startswith("test_cli")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" not in metafunc.fixturenames or not _runs_on_both(metafunc.definition.path):
        return
    if (
        "pg_url" in metafunc.fixturenames
        or metafunc.definition.get_closest_marker("postgres")
        or hasattr(metafunc.module, "pg_server")
    ):
        return  # it sets up its own PostgreSQL databases beside SQLite ones: once is enough
    from tests.engines import ENGINES

    wanted = metafunc.config.getoption("--engine")
    names = [e for e in ENGINES if wanted in ("both", e)]
    if metafunc.definition.get_closest_marker(
        "sqlite_only"
    ) or metafunc.definition.get_closest_marker("one_engine"):
        names = [e for e in names if e == "sqlite"]
    if names:
        metafunc.parametrize("db_engine", names, indirect=True, ids=names)
    else:
        # Asked for PostgreSQL only, and this test is about SQLite.
        skip = pytest.mark.skip(reason="SQLite only (--engine postgresql)")
        metafunc.parametrize(
            "db_engine", [pytest.param("sqlite", marks=skip)], indirect=True, ids=["sqlite"]
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


@pytest.fixture(autouse=True)
def db_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The engine data dirs open on: "sqlite", or "postgresql" (a database per data dir)."""
    name: str = getattr(request, "param", "sqlite")
    if name != "postgresql":
        yield name
        return
    from tests import engines

    engines.start(monkeypatch)
    try:
        yield name
    finally:
        engines.stop()


# --- fixtures for tests to ask for ----------------------------------------------------------


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    """The fresh, empty data dir of this test (the one OTOP_DATA_DIR points at)."""
    return _isolated_data_dir
