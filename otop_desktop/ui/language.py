"""The language of the window: remembered for this user, chosen at first run or in Settings,
and switched while the app runs (our catalogs, Qt's own strings and the default QLocale).

Imports only Qt and the translations, like the shell: the language is read before the window
is shown, long before the database is open.
"""

from __future__ import annotations

from contextlib import ExitStack

from babel import Locale
from PySide6.QtCore import QCoreApplication

from otop_desktop.i18n import SUPPORTED_LOCALES, current_locale, resolve_locale, set_locale
from otop_desktop.ui.qt_locale import qt_language
from otop_desktop.ui.settings import app_settings

LANGUAGE_KEY = "language"


def language_names() -> list[tuple[str, str]]:
    """Each supported language named in itself ("English", "Español", "中文 (繁體, 台灣)"), so a
    reader finds their own whatever language is shown now."""
    names = []
    for code in SUPPORTED_LOCALES:
        name = str(Locale.parse(code).get_display_name(code) or code)
        names.append((code, name[:1].upper() + name[1:]))
    return names


def saved_language() -> str | None:
    """The language this user chose last (None: never chose, so the system's is used)."""
    value = app_settings().value(LANGUAGE_KEY)
    if not value:
        return None
    return resolve_locale(str(value))


def save_language(locale: str) -> None:
    """Remember `locale` as this user's language for the next starts."""
    settings = app_settings()
    settings.setValue(LANGUAGE_KEY, resolve_locale(locale))
    settings.sync()


class AppLanguage:
    """The active language of a running app: `apply()` switches it, `close()` undoes Qt's part."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._qt = ExitStack()

    def apply(self, requested: str | None) -> str:
        """Make `requested` (None: the system's) the language of every later text; returns it."""
        self._qt.close()
        locale = set_locale(requested)
        self._qt.enter_context(qt_language(self._app))
        return locale

    @property
    def locale(self) -> str:
        return current_locale()

    def close(self) -> None:
        self._qt.close()
