"""The language of a document, which may differ from the interface's: choosing and switching it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.text import fold
from otop_desktop.i18n import SUPPORTED_LOCALES, _, resolve_locale, thread_locale

# Names people write in a workshop's "languages" field that CLDR does not list.
_NAME_ALIASES = {
    "mandarin": "zh_Hant_TW",
    "mandarin chinese": "zh_Hant_TW",
    "chino": "zh_Hant_TW",
    "華語": "zh_Hant_TW",
    "國語": "zh_Hant_TW",
}


@contextmanager
def document_language(locale: str) -> Iterator[str]:
    """Make `locale` the language of `_()` inside the block, on this thread only.

    A sheet drawn on the runner's thread in Chinese leaves the window in its own language.
    """
    with thread_locale(locale) as chosen:
        yield chosen


def supported_locale(text: str) -> str:
    """The supported locale that `text` (a code such as es_HN or zh-TW) names; else an error."""
    try:
        language = Locale.parse(text.strip().replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError):
        language = None
    resolved = resolve_locale(text)
    if language is None or resolved.split("_")[0] != language:
        raise ValidationError(
            _("Documents can be written in {choices}, not “{value}”.").format(
                choices=", ".join(SUPPORTED_LOCALES), value=text
            ),
            "locale",
        )
    return resolved


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Folded language names, in each supported language, to the supported locale."""
    names = dict(_NAME_ALIASES)
    for target in SUPPORTED_LOCALES:
        language = target.split("_")[0]
        for shown_in in (*SUPPORTED_LOCALES, "zh_Hans"):
            name = Locale.parse(shown_in).languages.get(language)
            if name:
                names[fold(name)] = target
    return names


def language_of(languages: str | None) -> str | None:
    """The supported locale of the first language a workshop lists ("es, Q’eqchi’"), or None."""
    first = next((p for p in re.split(r"[,;/\n]+", languages or "") if p.strip()), "").strip()
    if not first:
        return None
    try:
        return supported_locale(first)
    except ValidationError:
        return _names().get(fold(first))


def formatting_locale(locale: str, country: str | None) -> Locale:
    """The Babel locale for dates: the language as written in the workshop's country if CLDR
    has it (es_HN), else the language's own."""
    base = Locale.parse(locale)
    if country and not base.territory:
        try:
            return Locale.parse(f"{base.language}_{country.upper()}")
        except (UnknownLocaleError, ValueError):
            return base
    return base
