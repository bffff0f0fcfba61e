"""Translation catalogs of OTOP Field Desk: extract, update, compile, check, status.

    .venv/bin/python build_scripts/i18n.py extract   # code -> translations/otop_desktop.pot
    .venv/bin/python build_scripts/i18n.py update    # .pot -> the .po of every locale
    .venv/bin/python build_scripts/i18n.py compile   # .po -> .mo (git-ignored; for packagers)
    .venv/bin/python build_scripts/i18n.py check     # non-zero exit when anything is missing
    .venv/bin/python build_scripts/i18n.py status    # counts per locale (--list: the to-do)

The usual round: `extract && update`, translate the empty and fuzzy entries of es and
zh_Hant_TW, then `check`. English needs no translating: `update` copies msgid into msgstr.
The app reads the .po files directly (otop_desktop/i18n/catalogs.py), so nothing is compiled
for it. Output is sorted and carries no line numbers or dates, so re-running on unchanged code
changes no byte.
"""

from __future__ import annotations

import argparse
import datetime
import io
import re
import string
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "otop_desktop"
DOMAIN = "otop_desktop"
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / f"{DOMAIN}.pot"
LOCALES: tuple[str, ...] = ("en", "es", "zh_Hant_TW")
SOURCE_LOCALE = "en"
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "zh_Hant_TW": "nplurals=1; plural=0;",
}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ("TRANSLATORS:", "Translators:")
PROJECT = "OTOP Field Desk"
# A fixed date, so that re-extracting unchanged code writes the same bytes.
FIXED_DATE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
TEMPLATE_HEADER = (
    f"# Translations template for {PROJECT}.\n"
    "# Written by build_scripts/i18n.py extract: do not edit by hand.\n"
    "#"
)
LOCALE_HEADER = (
    "# {name} translations for " + PROJECT + ".\n"
    "# Refresh with build_scripts/i18n.py update; translate the msgstr lines.\n"
    "#"
)

MessageKey = tuple[str | None, str | tuple[str, ...]]


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- reading and writing ----------------------------------------------------------------------


def extract_catalog() -> Catalog:
    """The template as the code stands now."""
    catalog = Catalog(
        project=PROJECT,
        version="1",
        creation_date=FIXED_DATE,
        header_comment=TEMPLATE_HEADER,
        msgid_bugs_address="",
        charset="utf-8",
    )
    found = extract_from_dir(
        ROOT / PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        location = (f"{PACKAGE}/{filename}", lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    for msg in catalog:
        if msg.id:
            msg.locations = sorted(set(msg.locations))
            msg.auto_comments = list(dict.fromkeys(msg.auto_comments))
    return catalog


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write sorted, without line numbers, only when the bytes change."""
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
    )
    data = buffer.getvalue()
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {rel(path)}")


def key_of(msg: Message) -> MessageKey:
    ident = msg.id if isinstance(msg.id, str) else tuple(msg.id)
    return (msg.context, ident)


def keys_of(catalog: Catalog) -> set[MessageKey]:
    return {key_of(msg) for msg in catalog if msg.id}


def show(key: MessageKey) -> str:
    context, ident = key
    text = ident if isinstance(ident, str) else " / ".join(ident)
    return f"[{context}] {text!r}" if context else repr(text)


def is_plural(msg: Message) -> bool:
    return not isinstance(msg.id, str)


def forms(msg: Message) -> list[str]:
    """The msgstr (or every msgstr[i]) of a message."""
    if isinstance(msg.string, (list, tuple)):
        return list(msg.string)
    return [msg.string or ""]


# --- commands -------------------------------------------------------------------------------------


def extract() -> None:
    write_catalog(POT, extract_catalog())


def set_plural_forms(catalog: Catalog, locale: str) -> None:
    catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[locale])]


def update(no_fuzzy: bool = False) -> None:
    if not POT.is_file():
        sys.exit(f"{rel(POT)} is missing: run `extract` first")
    for locale in LOCALES:
        template = read_catalog(POT)  # fresh each time: update() adopts its Message objects
        path = po_path(locale)
        if path.is_file():
            catalog = read_catalog(path, locale)
        else:
            catalog = Catalog(locale=locale, project=PROJECT, version="1", msgid_bugs_address="")
        set_plural_forms(catalog, locale)
        catalog.update(template, no_fuzzy_matching=no_fuzzy or locale == SOURCE_LOCALE)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.revision_date = FIXED_DATE
        name = catalog.locale.english_name if catalog.locale else locale
        catalog.header_comment = LOCALE_HEADER.format(name=name)
        if locale == SOURCE_LOCALE:
            fill_source(catalog)
        for msg in catalog:
            if msg.id and is_plural(msg):
                # Exactly as many forms as the language has.
                have = forms(msg)
                msg.string = tuple((have + [""] * catalog.num_plurals)[: catalog.num_plurals])
        write_catalog(path, catalog)


def fill_source(catalog: Catalog) -> None:
    """English: msgstr = msgid (msgstr[0] singular, every other form the plural)."""
    for msg in catalog:
        if not msg.id:
            continue
        if isinstance(msg.id, str):
            msg.string = msg.id
        else:
            singular, plural = msg.id[0], msg.id[1]
            msg.string = tuple(singular if i == 0 else plural for i in range(catalog.num_plurals))
        msg.flags.discard("fuzzy")
        msg.previous_id = []


def compile_all() -> None:
    for locale in LOCALES:
        path = po_path(locale)
        if not path.is_file():
            print(f"skipped {locale}: no {rel(path)}")
            continue
        catalog = read_catalog(path, locale)
        target = path.with_suffix(".mo")
        with target.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        print(f"wrote {rel(target)}")


# --- checks -----------------------------------------------------------------------------------


def pot_problems() -> list[str]:
    """Messages that the code has and the .pot lacks, or the other way round."""
    if not POT.is_file():
        return [f"{rel(POT)} is missing"]
    in_code = keys_of(extract_catalog())
    in_pot = keys_of(read_catalog(POT))
    problems = [
        f"in the code, not in the .pot: {show(k)}" for k in sorted(in_code - in_pot, key=str)
    ]
    problems += [
        f"in the .pot, not in the code: {show(k)}" for k in sorted(in_pot - in_code, key=str)
    ]
    return problems


def po_problems(locale: str) -> list[str]:
    """Messages of the .pot that this locale lacks, leaves empty or fuzzy; obsolete ones."""
    path = po_path(locale)
    if not path.is_file():
        return [f"{locale}: {rel(path)} is missing"]
    catalog = read_catalog(path, locale)
    problems: list[str] = []
    if POT.is_file():
        missing = keys_of(read_catalog(POT)) - keys_of(catalog)
        problems += [f"{locale}: not in the .po: {show(k)}" for k in sorted(missing, key=str)]
    for msg in catalog:
        if not msg.id:
            continue
        strings = forms(msg)
        if not all(strings) or (is_plural(msg) and len(strings) < catalog.num_plurals):
            problems.append(f"{locale}: untranslated: {show(key_of(msg))}")
        if msg.fuzzy:
            problems.append(f"{locale}: fuzzy: {show(key_of(msg))}")
    for msg in catalog.obsolete.values():
        problems.append(f"{locale}: obsolete: {show(key_of(msg))}")
    return problems


_PERCENT_NAMED = re.compile(r"%\((\w+)\)")


def placeholders(text: str) -> set[str] | None:
    """`{name}` fields (and `%(name)s`) in `text`; None when the braces do not parse."""
    names = {f"%({name})" for name in _PERCENT_NAMED.findall(text)}
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    for _literal, field, _spec, _conversion in parsed:
        if field is not None:
            names.add("{" + field + "}")
    return names


def _fmt(names: Iterable[str] | None) -> str:
    return "unbalanced braces" if names is None else ", ".join(sorted(names)) or "none"


def placeholder_problems(locale: str) -> list[str]:
    """Translations whose `{placeholders}` differ from those of their msgid."""
    path = po_path(locale)
    if not path.is_file():
        return [f"{locale}: {rel(path)} is missing"]
    problems: list[str] = []
    for msg in read_catalog(path, locale):
        if not msg.id or msg.fuzzy:
            continue  # a fuzzy entry is a guess, reported as fuzzy by po_problems
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        id_sets = [placeholders(text) for text in ids]
        if any(names is None for names in id_sets):
            continue  # not a format string
        sets = [names for names in id_sets if names is not None]
        allowed = set().union(*sets)
        required = set.intersection(*sets)
        for index, text in enumerate(forms(msg)):
            if not text:
                continue
            got = placeholders(text)
            if got is None or not required <= got <= allowed:
                where = f"msgstr[{index}]" if is_plural(msg) else "msgstr"
                problems.append(
                    f"{locale}: {show(key_of(msg))}: {where} has {_fmt(got)}, "
                    f"msgid has {_fmt(allowed)}"
                )
    return problems


def check() -> int:
    problems = pot_problems()
    if problems:
        problems.append("(run: build_scripts/i18n.py extract && build_scripts/i18n.py update)")
    for locale in LOCALES:
        problems += po_problems(locale)
        problems += placeholder_problems(locale)
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("catalogs OK")
    return 0


def status(listing: bool = False) -> None:
    template_keys = keys_of(read_catalog(POT)) if POT.is_file() else set()
    print(f"{rel(POT)}: {len(template_keys)} messages")
    for locale in LOCALES:
        path = po_path(locale)
        if not path.is_file():
            print(f"{locale:12} missing")
            continue
        catalog = read_catalog(path, locale)
        messages = [msg for msg in catalog if msg.id]
        fuzzy = [msg for msg in messages if msg.fuzzy]
        empty = [msg for msg in messages if not all(forms(msg))]
        done = len(messages) - len({key_of(m) for m in fuzzy + empty})
        missing = len(template_keys - keys_of(catalog))
        print(
            f"{locale:12} {done:4} translated, {len(empty):4} untranslated, "
            f"{len(fuzzy):4} fuzzy, {len(catalog.obsolete):4} obsolete, "
            f"{missing:4} not merged yet"
        )
        if listing:
            for msg in {key_of(m): m for m in empty + fuzzy}.values():
                label = "fuzzy" if msg.fuzzy else "todo"
                print(f"    {label}: {show(key_of(msg))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write the .pot from the code")
    upd = commands.add_parser("update", help="merge the .pot into every .po")
    upd.add_argument("--no-fuzzy", action="store_true", help="no guesses from similar old messages")
    commands.add_parser("compile", help="write a .mo next to every .po")
    commands.add_parser("check", help="exit non-zero when a catalog needs work")
    stat = commands.add_parser("status", help="counts per locale")
    stat.add_argument("--list", action="store_true", help="also list what needs translating")
    args = parser.parse_args(argv)

    if args.command == "extract":
        extract()
    elif args.command == "update":
        update(no_fuzzy=args.no_fuzzy)
    elif args.command == "compile":
        compile_all()
    elif args.command == "check":
        return check()
    elif args.command == "status":
        status(listing=args.list)
    return 0


if __name__ == "__main__":
    sys.exit(main())
