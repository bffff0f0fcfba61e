"""(Re)generate resources/licenses/ from the installed runtime packages' licence files.

    python build_scripts/collect_licenses.py [--check]

What the app ships: the distributions in pyproject's `dependencies` and its `postgres` extra,
everything they require in this environment (their markers evaluated here: run it on each
platform a build is made on, as the GitHub workflow does), Python itself, PyInstaller's
bootloader when PyInstaller is installed, and the bundled font. For each, the licence texts
named by its dist-info (`License-File`, else LICENSE*/COPYING*/NOTICE* there) plus the texts
kept by hand in resources/licenses/common/ where a wheel ships none (Qt for Python) or needs
more (LGPL's GPL base, pi-heif's bundled libraries) are joined into one file in
resources/licenses/packages/; resources/licenses/index.json lists name, version, licence and
file for the About window. `--check` only says whether the folder is up to date (exit 1 if not).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import os
import re
import shutil
import sys
import sysconfig
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LICENSES = ROOT / "resources" / "licenses"
COMMON = LICENSES / "common"
PACKAGES = "packages"
INDEX = "index.json"
FONT_LICENSE = ROOT / "resources" / "fonts" / "wqy-microhei-LICENSE.txt"
# The extras of the project that the app ships (psycopg for a PostgreSQL hub).
SHIPPED_EXTRAS = ("postgres",)
LICENSE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)

_QT = ["Qt-for-Python-NOTE.txt", "LGPL-3.0.txt", "GPL-3.0.txt"]
# Texts from common/ added to (or, for wheels without any, standing for) a package's own.
COMMON_TEXTS: dict[str, list[str]] = {
    "pyside6-essentials": _QT,
    "pyside6-addons": _QT,
    "shiboken6": _QT,
    # The LGPL is a set of permissions on top of the GPL: both texts go with LGPL code.
    "psycopg": ["GPL-3.0.txt"],
    "psycopg-binary": ["GPL-3.0.txt"],
    # The binary wheel bundles libheif and libde265 (LGPL-3.0); decode-only, so no x265.
    "pi-heif": ["LGPL-3.0.txt", "GPL-3.0.txt"],
}
# The file name of texts several packages share.
SHARED_STEMS = {
    "pyside6-addons": "qt-for-python",
    "pyside6-essentials": "qt-for-python",
    "shiboken6": "qt-for-python",
    "psycopg-binary": "psycopg",
}
# Licence files a package keeps outside its dist-info (package-relative paths).
EXTRA_FILES: dict[str, list[str]] = {
    "babel": ["babel/locale-data/LICENSE.unicode"],
}
# Where the metadata's own words are vague or leave something out.
LICENSE_OVERRIDES: dict[str, str] = {
    "babel": "BSD-3-Clause; CLDR data: Unicode-3.0",
    "pi-heif": "BSD-3-Clause; wheel's libheif, libde265: LGPL-3.0",
    "pyinstaller": "GPL-2.0-or-later with the bootloader exception",
    # Offered as LGPL-3.0 or GPL: the app takes the LGPL (see Qt-for-Python-NOTE.txt).
    "pyside6-addons": "LGPL-3.0-only",
    "pyside6-essentials": "LGPL-3.0-only",
    "shiboken6": "LGPL-3.0-only",
    "reportlab": "BSD-3-Clause",
    "segno": "BSD-3-Clause",
}
_CLASSIFIER_NAMES = {
    "BSD License": "BSD",
    "MIT License": "MIT",
    "Apache Software License": "Apache-2.0",
    "Python Software Foundation License": "PSF-2.0",
}


@dataclass(frozen=True)
class Entry:
    """One line of index.json: what is shipped and where its licence text is."""

    name: str
    version: str
    license: str
    file: str
    kind: str  # application, library, runtime or font
    dist: str = ""  # the canonical distribution name, for libraries


def project_metadata() -> dict[str, Any]:
    """pyproject.toml's [project] table."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project: dict[str, Any] = tomllib.load(handle)["project"]
    return project


def root_requirements() -> list[Requirement]:
    """The requirements of the app as shipped: `dependencies` and the shipped extras."""
    project = project_metadata()
    texts = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in SHIPPED_EXTRAS:
        texts.extend(optional.get(extra, []))
    return [Requirement(text) for text in texts]


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras or {""})


def runtime_distributions() -> dict[str, md.Distribution]:
    """Every installed distribution the app needs at run time, by canonical name."""
    found: dict[str, md.Distribution] = {}
    extras_seen: dict[str, set[str]] = {}
    pending = [(requirement, {""}) for requirement in root_requirements()]
    while pending:
        requirement, parent_extras = pending.pop()
        if not _applies(requirement, parent_extras):
            continue
        name = canonicalize_name(requirement.name)
        wanted = set(requirement.extras)
        if name in found and wanted <= extras_seen[name]:
            continue
        try:
            dist = found.get(name) or md.distribution(requirement.name)
        except md.PackageNotFoundError:
            raise SystemExit(
                f"collect_licenses: {requirement.name} is required but not installed"
            ) from None
        found[name] = dist
        extras_seen[name] = extras_seen.get(name, set()) | wanted
        active = extras_seen[name] | {""}
        pending.extend((Requirement(text), active) for text in dist.requires or [])
    return found


def _dist_info_files(dist: md.Distribution) -> list[Path]:
    """The dist-info's licence files: `License-File` entries, else LICENSE*-like names."""
    files = [f for f in dist.files or [] if ".dist-info" in str(f.parent)]
    named = dist.metadata.get_all("License-File") or []
    chosen = [f for f in files if any(str(f).endswith("/" + n) for n in named)]
    if not chosen:
        chosen = [f for f in files if LICENSE_NAME.match(f.name)]
    extra = [f for f in dist.files or [] if str(f) in EXTRA_FILES.get(_canonical(dist), [])]
    return [Path(str(dist.locate_file(f))) for f in sorted(chosen, key=str) + extra]


def _canonical(dist: md.Distribution) -> str:
    return canonicalize_name(dist.metadata["Name"])


def license_name(dist: md.Distribution) -> str:
    """The licence in a few words: an override, SPDX expression, short License, classifier."""
    canonical = _canonical(dist)
    if canonical in LICENSE_OVERRIDES:
        return LICENSE_OVERRIDES[canonical]
    meta: Any = dist.metadata  # an email.message.Message underneath
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    text = str(meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 60:
        return text
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License ::"):
            last = str(classifier).split("::")[-1].strip()
            return _CLASSIFIER_NAMES.get(last, last)
    return text.splitlines()[0][:60] if text else "see text"


def _joined(sources: list[tuple[str, str]]) -> str:
    """Licence texts one after another, each under the name of the file it came from."""
    parts = []
    for label, text in sources:
        parts.append(f"----- {label} -----\n\n{text.strip()}\n")
    return "\n\n".join(parts)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _python_license() -> Path | None:
    """CPython's LICENSE.txt: beside the stdlib on Linux/macOS, in the base prefix on Windows."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for candidate in (stdlib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        if candidate.is_file():
            return candidate
    return None


def collect() -> tuple[list[Entry], dict[str, str]]:
    """The index entries and the text of each file under packages/ (by relative name)."""
    entries: list[Entry] = []
    texts: dict[str, str] = {}
    by_digest: dict[str, str] = {}

    def store(stem: str, text: str) -> str:
        # Packages with the same texts (the three Qt for Python wheels) share one file.
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest not in by_digest:
            by_digest[digest] = f"{PACKAGES}/{stem}.txt"
            texts[by_digest[digest]] = text
        return by_digest[digest]

    entries.append(
        Entry(
            "OTOP Field Desk",
            _project_version(),
            "MIT",
            "common/OTOP-Field-Desk-MIT.txt",
            "application",
        )
    )
    python = _python_license()
    if python is not None:
        version = ".".join(str(part) for part in sys.version_info[:3])
        text = _joined([("LICENSE.txt", _read(python))])
        entries.append(Entry("Python", version, "PSF-2.0", store("python", text), "runtime"))
    dists = runtime_distributions()
    try:
        dists["pyinstaller"] = md.distribution("pyinstaller")
    except md.PackageNotFoundError:
        pass  # not frozen from here: no bootloader shipped
    for canonical, dist in sorted(dists.items()):
        sources = [(path.name, _read(path)) for path in _dist_info_files(dist)]
        sources += [(name, _read(COMMON / name)) for name in COMMON_TEXTS.get(canonical, [])]
        if not any(text.strip() for _label, text in sources):
            raise SystemExit(f"collect_licenses: no licence text for {canonical}")
        file = store(SHARED_STEMS.get(canonical, canonical), _joined(sources))
        # As people write them (PySide6-Essentials, not PySide6_Essentials).
        name = str(dist.metadata["Name"]).replace("_", "-")
        kind = "runtime" if canonical == "pyinstaller" else "library"
        entries.append(Entry(name, dist.version, license_name(dist), file, kind, canonical))
    font = _joined([(FONT_LICENSE.name, _read(FONT_LICENSE))])
    entries.append(
        Entry(
            "WenQuanYi Micro Hei", "0.2.0-beta", "Apache-2.0", store("wqy-microhei", font), "font"
        )
    )
    return entries, texts


def _project_version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "otop_desktop" / "version.py").read_text(encoding="utf-8"), namespace)
    return str(namespace["__version__"])


def index_json(entries: list[Entry]) -> str:
    """index.json's text: a note on where it comes from, then the entries."""
    data = {
        "generated_by": "build_scripts/collect_licenses.py (do not edit by hand)",
        "entries": [asdict(entry) for entry in entries],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def is_current(entries: list[Entry], texts: dict[str, str]) -> bool:
    """Whether resources/licenses/ already holds exactly these entries and texts."""
    index = LICENSES / INDEX
    if not index.is_file() or _read(index) != index_json(entries):
        return False
    folder = LICENSES / PACKAGES
    present = {f"{PACKAGES}/{p.name}" for p in folder.glob("*.txt")} if folder.is_dir() else set()
    if present != set(texts):
        return False
    return all(_read(LICENSES / name) == text for name, text in texts.items())


def write(entries: list[Entry], texts: dict[str, str]) -> None:
    """Replace packages/ and index.json; a failure leaves the old ones in place."""
    staging = Path(tempfile.mkdtemp(prefix=".packages.", dir=LICENSES))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the folder is shipped to everyone
        for name, text in texts.items():
            (staging / Path(name).name).write_text(text, encoding="utf-8", newline="\n")
        index_part = staging / INDEX
        index_part.write_text(index_json(entries), encoding="utf-8", newline="\n")
        old = LICENSES / PACKAGES
        retired = LICENSES / ".packages.old"
        if retired.exists():
            shutil.rmtree(retired)
        if old.exists():
            old.rename(retired)
        os.replace(index_part, LICENSES / INDEX)
        staging.rename(old)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Regenerate the folder, or with --check say whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    entries, texts = collect()
    if args.check:
        if is_current(entries, texts):
            print(f"resources/licenses is up to date ({len(entries)} entries)")
            return 0
        print("resources/licenses is out of date: run build_scripts/collect_licenses.py")
        return 1
    write(entries, texts)
    print(f"wrote {len(entries)} entries, {len(texts)} texts to {LICENSES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
