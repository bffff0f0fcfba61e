"""Where the window remembers itself: one INI file per user (tests point it elsewhere)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

# The same names as `services.paths` (a test keeps them equal), written again here so that the
# window can read its settings before the service layer, and SQLAlchemy with it, is imported.
APP_NAME = "OTOP Field Desk"
APP_AUTHOR = "OTOP"


def app_settings() -> QSettings:
    """The user's settings of the window (geometry, last page), not the programme's data."""
    # INI on every system: readable, and `QSettings.setPath` redirects it in tests.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_AUTHOR, APP_NAME)
