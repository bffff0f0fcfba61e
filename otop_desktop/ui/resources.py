"""Files shipped with the app: fonts (and later icons), found in a checkout, a wheel or a freeze."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from otop_desktop.resources_path import resources_dir

log = logging.getLogger(__name__)

__all__ = ["load_bundled_fonts", "resources_dir"]


def load_bundled_fonts(app: QApplication) -> list[str]:
    """Add the fonts of `resources/fonts` and put them behind the default font; their families.

    A Windows laptop bought in Honduras often has no Traditional Chinese font: the shipped CJK
    font fills in the characters the default font lacks. With none shipped, the system's
    fonts are used as they are.
    """
    folder = resources_dir() / "fonts"
    families: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".ttf", ".ttc", ".otf"):
                continue
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                log.warning("Font %s could not be loaded", path)
                continue
            families.extend(
                f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families
            )
    if families:
        font = QFont(app.font())
        # The family the default font really is: an alias such as "Sans Serif" is no family, so
        # Qt would skip it and draw every Latin letter with the CJK font.
        font.setFamilies([QFontInfo(app.font()).family(), *families])
        app.setFont(font)
    return families
