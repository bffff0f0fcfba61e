"""Where the files shipped with the app (fonts, later icons) are; no Qt, so reports can use it."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """`_resources` inside the installed package, else `resources/` of the checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return package.parent / "resources"
