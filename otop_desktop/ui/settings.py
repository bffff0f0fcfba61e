"""Where the window remembers itself: one INI file per user (tests point it elsewhere)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QTableView

# The same names as `services.paths` (a test keeps them equal), written again here so that the
# window can read its settings before the service layer, and SQLAlchemy with it, is imported.
APP_NAME = "OTOP Field Desk"
APP_AUTHOR = "OTOP"


def app_settings() -> QSettings:
    """The user's settings of the window (geometry, last page), not the programme's data."""
    # INI on every system: readable, and `QSettings.setPath` redirects it in tests.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_AUTHOR, APP_NAME)


def restore_splitter(settings: QSettings, key: str, splitter: QSplitter) -> bool:
    """Give `splitter` the sizes saved under `key`; False when none were saved."""
    state = settings.value(key)
    return isinstance(state, QByteArray) and splitter.restoreState(state)


def restore_table(settings: QSettings, key: str, view: QTableView) -> bool:
    """Give `view` the column widths, order and sort saved under `key`, and sort by it again
    (restoring the header only moves the indicator); False when nothing was restored."""
    header = view.horizontalHeader()
    state = settings.value(key)
    if not (isinstance(state, QByteArray) and header.restoreState(state)):
        return False
    view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
    return True
