"""One version number: otop_desktop/version.py, read by the package build, the CLI and the
installer's workflow."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from otop_desktop import __version__, cli
from otop_desktop.version import __version__ as version_py

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_a_release_number_from_version_py() -> None:
    assert __version__ == version_py
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert "version" not in pyproject["project"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "otop_desktop/version.py"


def test_dash_dash_version_prints_the_name_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--version"]) == 0
    assert capsys.readouterr().out == f"OTOP Field Desk {__version__}\n"


def test_the_workflows_one_liner_reads_it() -> None:
    """The same command .github/workflows/build.yml runs to pass /DAppVersion to Inno Setup."""
    workflow = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
    command = re.search(r'python -c "(import runpy;[^"]+)"', workflow)
    assert command is not None, "the workflow no longer reads version.py with runpy"
    out = subprocess.run(
        [sys.executable, "-c", command.group(1)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == __version__
