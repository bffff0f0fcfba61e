"""build_scripts/icu_trim.py: the frozen app's smaller ICU data still sorts as Qt's full one."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    """icu_trim.py by path: build_scripts is not a package."""
    spec = importlib.util.spec_from_file_location(
        "icu_trim", ROOT / "build_scripts" / "icu_trim.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


icu_trim = _load()
LIBRARY = icu_trim.qt_icu_data()
needs_library = pytest.mark.skipif(LIBRARY is None, reason="PySide6 ships no libicudata here")

# Sorted by Qt in a child process, the given ICU data library first on the search path.
SORT_SCRIPT = """
import functools, json, sys
from PySide6.QtCore import QCollator, QLocale
names = json.loads(sys.argv[1])
out = {}
for locale in ("zh_TW", "es_HN", "en_US", "ko_KR"):
    collator = QCollator(QLocale(locale))
    out[locale] = sorted(names, key=functools.cmp_to_key(collator.compare))
print(json.dumps(out))
"""
NAMES = ["蕭文華", "陳美玲", "王小明", "一心", "劉德華", "Oso", "Ñandú", "Nube", "Álvaro", "Zoe"]


@pytest.mark.parametrize(
    "name",
    ["root.res", "res_index.res", "pool.res", "zh_Hant_TW.res", "es_419.res", "en_GB.res",
     "coll/zh.res", "coll/zh_Hant.res", "coll/es.res", "coll/es__TRADITIONAL.res",
     "coll/root.res", "coll/ucadata.icu", "zone/es.res", "lang/zh_Hant.res", "cnvalias.icu",
     "zoneinfo64.res", "timezoneTypes.res", "supplementalData.res", "likelySubtags.res",
     "uts46.nrm", "ibm-5348_P100-1997.cnv"],
)  # fmt: skip
def test_kept(name: str) -> None:
    assert icu_trim.kept_item(name)


@pytest.mark.parametrize(
    "name",
    ["ko.res", "fr_CA.res", "coll/ja.res", "coll/de__PHONEBOOK.res", "lang/th.res",
     "brkitr/cjdict.dict", "brkitr/root.res", "translit/root.res", "gb18030.cnv",
     "ibm-1390_P110-2003.cnv", "unit/ru.res", "yue_Hant.res"],
)  # fmt: skip
def test_dropped(name: str) -> None:
    assert not icu_trim.kept_item(name)


@needs_library
def test_the_data_symbol_is_found_where_icus_common_data_starts() -> None:
    assert LIBRARY is not None
    symbol, offset, size = icu_trim.find_data(LIBRARY)
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    assert 1_000_000 < size <= LIBRARY.stat().st_size
    with LIBRARY.open("rb") as handle:
        handle.seek(offset)
        header = handle.read(16)
    assert header[2:4] == b"\xda\x27"  # the magic of every ICU data file


def test_a_file_that_is_not_elf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "libicudata.so.73"
    fake.write_bytes(b"MZ" + bytes(100))
    with pytest.raises(ValueError, match="not a 64-bit"):
        icu_trim.find_data(fake)


def _sorted_with(folder: Path | None) -> dict[str, list[str]]:
    env = dict(os.environ)
    if folder is not None:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            [str(folder), *filter(None, [env.get("LD_LIBRARY_PATH")])]
        )
    done = subprocess.run(
        [sys.executable, "-c", SORT_SCRIPT, json.dumps(NAMES)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert "ICU" not in done.stderr, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


@needs_library
@pytest.mark.skipif(
    not sys.platform.startswith("linux") or bool(icu_trim.missing_tools()),
    reason="needs Linux, icupkg (icu-devtools), gcc and readelf",
)
def test_the_trimmed_library_is_small_and_sorts_as_the_full_one(tmp_path: Path) -> None:
    assert LIBRARY is not None
    out = icu_trim.trim(LIBRARY, tmp_path / "icu")
    assert out is not None and out.name == LIBRARY.name
    assert out.stat().st_size < LIBRARY.stat().st_size / 3
    assert [p.name for p in out.parent.iterdir()] == [LIBRARY.name]  # no leftovers
    symbol, _offset, _size = icu_trim.find_data(out)
    assert symbol == icu_trim.find_data(LIBRARY)[0]
    full, trimmed = _sorted_with(None), _sorted_with(out.parent)
    for locale in ("zh_TW", "es_HN", "en_US"):
        assert trimmed[locale] == full[locale], locale
    # Stroke order in Taiwan, Ñ after N in Spanish: the languages' own data was used.
    assert trimmed["zh_TW"][:5] == ["一心", "王小明", "陳美玲", "劉德華", "蕭文華"]
    assert trimmed["es_HN"].index("Ñandú") == trimmed["es_HN"].index("Nube") + 1
    assert trimmed["en_US"].index("Ñandú") < trimmed["en_US"].index("Nube")
    # Korean's data was left out: its order falls back to ICU's root.
    assert trimmed["ko_KR"] == trimmed["en_US"]
