"""Translations: gettext catalogs kept as Babel .po files, switchable at run time.

Every user-visible string goes through `_()` (or `ngettext`, `pgettext`). Messages that are
defined before a language is chosen (module-level tables, error classes) use `N_()` to be
extracted and are translated where they are shown.
"""

from __future__ import annotations

from otop_desktop.i18n.catalogs import (
    N_,
    SUPPORTED_LOCALES,
    _,
    current_locale,
    ngettext,
    pgettext,
    resolve_locale,
    set_locale,
    thread_locale,
)

__all__ = [
    "SUPPORTED_LOCALES",
    "N_",
    "_",
    "current_locale",
    "ngettext",
    "pgettext",
    "resolve_locale",
    "set_locale",
    "thread_locale",
]
