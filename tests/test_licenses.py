"""resources/licenses/: an entry with a licence text for everything the app ships.

When this fails after a dependency changed: `.venv/bin/python build_scripts/collect_licenses.py`
and commit resources/licenses/.
"""

from __future__ import annotations

import importlib.metadata as md
import json
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from otop_desktop.resources_path import resources_dir
from otop_desktop.version import __version__

ROOT = Path(__file__).resolve().parent.parent
LICENSES = resources_dir() / "licenses"
HINT = "run `.venv/bin/python build_scripts/collect_licenses.py` and commit resources/licenses/"


def _entries() -> list[dict[str, str]]:
    data = json.loads((LICENSES / "index.json").read_text(encoding="utf-8"))
    entries: list[dict[str, str]] = data["entries"]
    return entries


def _installed_runtime_requirements() -> set[str]:
    """pyproject's dependencies and postgres extra, and all they require here, installed."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [
        (Requirement(text), "")
        for text in project["dependencies"] + project["optional-dependencies"]["postgres"]
    ]
    seen: set[str] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras)
        if name in seen and not extras:
            continue
        seen.add(name)
        for text in md.distribution(requirement.name).requires or []:
            for wanted in ["", *extras]:
                todo.append((Requirement(text), wanted))
    return seen


def test_every_runtime_dependency_has_an_entry_with_its_text() -> None:
    by_dist = {entry["dist"]: entry for entry in _entries() if entry["dist"]}
    needed = _installed_runtime_requirements()
    # The walk must have found the indirect ones too, else it proves nothing.
    assert {"pyside6-essentials", "shiboken6", "mako", "et-xmlfile", "psycopg-binary"} <= needed
    missing = sorted(needed - set(by_dist))
    assert not missing, f"no licence entry for {missing}: {HINT}"
    for name in needed:
        text = (LICENSES / by_dist[name]["file"]).read_text(encoding="utf-8")
        assert len(text.strip()) > 200, f"{name}: licence text empty or too short"
        assert by_dist[name]["license"].strip(), f"{name}: no licence name"


def test_every_entry_points_at_a_text_in_the_folder() -> None:
    entries = _entries()
    assert len(entries) >= 10
    for entry in entries:
        path = (LICENSES / entry["file"]).resolve()
        assert path.is_relative_to(LICENSES.resolve()), entry
        assert path.is_file() and path.stat().st_size > 200, entry
        assert entry["name"] and entry["version"] and entry["license"], entry


def test_the_app_the_font_and_qts_lgpl_terms_are_there() -> None:
    entries = {entry["name"]: entry for entry in _entries()}
    app = entries["OTOP Field Desk"]
    assert (app["version"], app["license"]) == (__version__, "MIT")
    assert "MIT License" in (LICENSES / app["file"]).read_text(encoding="utf-8")
    font = entries["WenQuanYi Micro Hei"]
    assert "Apache License" in (LICENSES / font["file"]).read_text(encoding="utf-8")
    qt = (LICENSES / entries["PySide6-Essentials"]["file"]).read_text(encoding="utf-8")
    # The LGPL, the GPL it builds on, and how to replace Qt in the one-folder app.
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in qt and "GNU GENERAL PUBLIC LICENSE" in qt
    assert "Replacing the Qt libraries" in qt
    babel = (LICENSES / entries["babel"]["file"]).read_text(encoding="utf-8")
    assert "UNICODE LICENSE" in babel  # the CLDR data's own licence
