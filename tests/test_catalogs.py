"""The translation catalogs are up to date with the code, complete, and loaded at run time.

When one of these fails: `.venv/bin/python build_scripts/i18n.py extract && ... update`,
translate what `build_scripts/i18n.py status --list` shows, then `build_scripts/i18n.py check`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from otop_desktop.i18n import SUPPORTED_LOCALES, _, set_locale

ROOT = Path(__file__).resolve().parent.parent
HOW_TO_FIX = (
    "\nRun `.venv/bin/python build_scripts/i18n.py extract && "
    ".venv/bin/python build_scripts/i18n.py update`, translate, then `... i18n.py check`."
)


def _load_tool() -> ModuleType:
    name = "otop_i18n_tool"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "build_scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


i18n_tool = _load_tool()


def test_tool_and_app_agree_on_locales() -> None:
    assert tuple(i18n_tool.LOCALES) == tuple(SUPPORTED_LOCALES)


def test_pot_is_up_to_date_with_the_code() -> None:
    problems = i18n_tool.pot_problems()
    assert not problems, "\n".join(problems) + HOW_TO_FIX


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_is_complete(locale: str) -> None:
    """Every message of the .pot is translated, none is fuzzy, none is obsolete."""
    problems = i18n_tool.po_problems(locale)
    assert not problems, "\n".join(problems) + HOW_TO_FIX


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_placeholders_match(locale: str) -> None:
    """A translation has the same `{placeholders}` as its msgid, or `.format()` breaks."""
    problems = i18n_tool.placeholder_problems(locale)
    assert not problems, "\n".join(problems)


def test_placeholder_check_finds_a_renamed_field() -> None:
    assert i18n_tool.placeholders("No {kind} with id {id}.") == {"{kind}", "{id}"}
    assert i18n_tool.placeholders("{{literal}} {n:>3}") == {"{n}"}
    assert i18n_tool.placeholders("unbalanced {") is None


def test_spanish_is_loaded_at_run_time() -> None:
    catalog = i18n_tool.read_catalog(i18n_tool.po_path("es"), "es")
    expected = catalog.get("present").string
    assert expected and expected != "present"

    assert set_locale("es") == "es"
    assert _("present") == expected

    set_locale("en")
    assert _("present") == "present"


def test_traditional_chinese_is_loaded_for_any_chinese_locale() -> None:
    catalog = i18n_tool.read_catalog(i18n_tool.po_path("zh_Hant_TW"), "zh_Hant_TW")
    expected = catalog.get("present").string
    assert expected

    assert set_locale("zh_TW.UTF-8") == "zh_Hant_TW"
    assert _("present") == expected


def test_update_fills_english_and_sizes_plurals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`update` on a scratch folder: English copied from msgid, one form in Chinese, two in es."""
    from babel.messages.catalog import Catalog

    monkeypatch.setattr(i18n_tool, "TRANSLATIONS", tmp_path)
    monkeypatch.setattr(i18n_tool, "POT", tmp_path / "otop_desktop.pot")
    template = Catalog(creation_date=i18n_tool.FIXED_DATE)
    template.add("Hello", locations=[("otop_desktop/x.py", None)])
    template.add(("{n} trainee", "{n} trainees"), locations=[("otop_desktop/x.py", None)])
    template.add("Open", context="verb", locations=[("otop_desktop/x.py", None)])
    i18n_tool.write_catalog(i18n_tool.POT, template)

    i18n_tool.update()

    en = i18n_tool.read_catalog(i18n_tool.po_path("en"), "en")
    assert en.get("Hello").string == "Hello"
    assert tuple(en.get("{n} trainee").string) == ("{n} trainee", "{n} trainees")
    assert en.get("Open", context="verb").string == "Open"
    assert i18n_tool.po_problems("en") == []

    zh = i18n_tool.read_catalog(i18n_tool.po_path("zh_Hant_TW"), "zh_Hant_TW")
    assert zh.num_plurals == 1
    assert len(zh.get("{n} trainee").string) == 1
    es = i18n_tool.read_catalog(i18n_tool.po_path("es"), "es")
    assert (es.num_plurals, es.plural_expr) == (2, "(n != 1)")
    assert any("untranslated" in p for p in i18n_tool.po_problems("es"))

    # A second run changes nothing.
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.po")}
    i18n_tool.update()
    assert before == {p: p.read_bytes() for p in tmp_path.rglob("*.po")}
