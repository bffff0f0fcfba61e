"""Qt's side of the language: QLocale, Qt's own translations, sorting collator."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCollator, QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator

from otop_desktop.i18n import current_locale

# Our locale names -> Qt's. zh_Hant_TW is the Taiwan programme's Traditional Chinese.
_QT_NAMES = {"en": "en_US", "es": "es", "zh_Hant_TW": "zh_TW"}


def qt_locale() -> QLocale:
    """The QLocale of the active language (for date edits, calendars and collation)."""
    return QLocale(_QT_NAMES.get(current_locale(), "en_US"))


def sorted_for_humans(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(key, text) pairs sorted by text as a reader of the active language expects."""
    collator = QCollator(qt_locale())
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def compare(a: tuple[str, str], b: tuple[str, str]) -> int:
        return collator.compare(a[1], b[1])

    return sorted(items, key=functools.cmp_to_key(compare))


def date_edit_format() -> str:
    """The short date format of the active language, with the year in four digits."""
    pattern = str(qt_locale().dateFormat(QLocale.FormatType.ShortFormat))
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


@contextmanager
def qt_language(app: QCoreApplication) -> Iterator[None]:
    """Qt's own dialogs and the default QLocale in the active language, while inside."""
    previous = QLocale()
    QLocale.setDefault(qt_locale())
    translator: QTranslator | None = None
    language = _QT_NAMES.get(current_locale(), "en_US")
    if not language.startswith("en"):
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{language}", folder):
            app.installTranslator(translator)
        else:
            translator = None  # Qt shipped without them: its few buttons stay in English
    try:
        yield
    finally:
        if translator is not None:
            app.removeTranslator(translator)
        QLocale.setDefault(previous)
