"""Loading the gettext catalogs and switching the active language.

The .po files are read with Babel and turned into gettext objects in memory, so a checkout,
an installed wheel and a frozen app all work without a separate compile step.
"""

from __future__ import annotations

import gettext
import io
import locale as _stdlib_locale
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "otop_desktop"
SUPPORTED_LOCALES: tuple[str, ...] = ("en", "es", "zh_Hant_TW")
PSEUDO_LOCALE = "pseudo"
DEFAULT_LOCALE = "en"

_lock = threading.Lock()
_cache: dict[str, gettext.NullTranslations] = {}
_active: gettext.NullTranslations = gettext.NullTranslations()
_active_locale = DEFAULT_LOCALE
# A document written in another language than the window's (a sign-in sheet in Chinese on a
# Spanish desk) switches only its own thread, so the GUI thread keeps speaking its language.
_thread = threading.local()


def translations_dir() -> Path:
    """Where the .po files are: inside the package when installed or frozen, else the checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_translations", here.parent / "translations"):
        if candidate.is_dir():
            return candidate
    return here.parent / "translations"


def resolve_locale(requested: str | None) -> str:
    """Map any locale string (`es_HN`, `zh-TW`, `zh_Hant`, `C.UTF-8`) to a supported one."""
    if not requested:
        return DEFAULT_LOCALE
    if requested == PSEUDO_LOCALE:
        return PSEUDO_LOCALE
    text = requested.split(".")[0].split("@")[0].replace("-", "_")
    if text in SUPPORTED_LOCALES:
        return text
    try:
        parsed = Locale.parse(text)
    except (UnknownLocaleError, ValueError):
        return DEFAULT_LOCALE
    if parsed.language == "zh":
        # Taiwan's programme: every Chinese variant shown in Traditional characters.
        return "zh_Hant_TW"
    if parsed.language in SUPPORTED_LOCALES:
        return parsed.language
    return DEFAULT_LOCALE


def system_locale() -> str:
    """The language of the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), resolved."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return resolve_locale(value.split(":")[0])
    try:
        lang, _enc = _stdlib_locale.getlocale()
    except ValueError:
        lang = None
    return resolve_locale(lang)


class _PseudoTranslations(gettext.NullTranslations):
    """Lengthens every string by ~40 % and brackets it, to find clipping and missed strings."""

    @staticmethod
    def _stretch(message: str) -> str:
        pad = "~" * max(1, round(len(message) * 0.4))
        return f"[{message}{pad}]"

    def gettext(self, message: str) -> str:
        return self._stretch(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._stretch(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self._stretch(message)


def _load(locale: str) -> gettext.NullTranslations:
    if locale == PSEUDO_LOCALE:
        return _PseudoTranslations()
    po_path = translations_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale if locale != "zh_Hant_TW" else "zh_Hant_TW")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_locale(requested: str | None) -> str:
    """Make `requested` the active language for every later `_()` call; returns the one used."""
    global _active, _active_locale
    locale = resolve_locale(requested) if requested else system_locale()
    with _lock:
        if locale not in _cache:
            _cache[locale] = _load(locale)
        _active = _cache[locale]
        _active_locale = locale
    return locale


def current_locale() -> str:
    """The active language, as one of SUPPORTED_LOCALES (or the pseudo-locale)."""
    override: str | None = getattr(_thread, "locale", None)
    return override or _active_locale


@contextmanager
def thread_locale(requested: str) -> Iterator[str]:
    """Make `requested` the language of `_()` on this thread only, inside the block."""
    locale = resolve_locale(requested)
    with _lock:
        if locale not in _cache:
            _cache[locale] = _load(locale)
        catalog = _cache[locale]
    previous = (getattr(_thread, "catalog", None), getattr(_thread, "locale", None))
    _thread.catalog, _thread.locale = catalog, locale
    try:
        yield locale
    finally:
        _thread.catalog, _thread.locale = previous


def _catalog() -> gettext.NullTranslations:
    override: gettext.NullTranslations | None = getattr(_thread, "catalog", None)
    return override or _active


def babel_locale() -> Locale:
    """The Babel Locale for formatting numbers, dates and names in the active language."""
    locale = current_locale()
    if locale == PSEUDO_LOCALE:
        return Locale.parse("en")
    return Locale.parse(locale)


def _(message: str) -> str:
    """Translate `message` into the active language."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with the plural form that fits `n`."""
    return _catalog().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate `message` where the same English word means different things."""
    return _catalog().pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for extraction only; translate it with `_()` where it is shown."""
    return message
