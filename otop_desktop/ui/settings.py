"""Where the window remembers itself: one INI file per user (tests point it elsewhere)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from otop_desktop.services.paths import APP_AUTHOR, APP_NAME


def app_settings() -> QSettings:
    """The user's settings of the window (geometry, last page), not the programme's data."""
    # INI on every system: readable, and `QSettings.setPath` redirects it in tests.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_AUTHOR, APP_NAME)
