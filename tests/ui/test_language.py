"""Languages on screen: Qt's own strings, CLDR names and dates, and the shipped CJK font."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from otop_desktop.i18n import formatting, set_locale
from otop_desktop.ui import resources
from otop_desktop.ui.qt_locale import date_edit_format, qt_language, sorted_for_humans

SYSTEM_CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def test_qt_buttons_speak_the_chosen_language_only_while_inside(qapp: QApplication) -> None:
    set_locale("zh_Hant_TW")

    with qt_language(qapp):
        inside = QCoreApplication.translate("QPlatformTheme", "Cancel")

    assert inside == "取消"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_names_dates_and_numbers_follow_the_language() -> None:
    set_locale("es")
    assert formatting.country_name("TW") == "Taiwán"
    assert formatting.day(dt.date(2026, 9, 7)) == "7 sept 2026"
    assert formatting.percent(0.86) == "86\u00a0%"

    set_locale("zh_Hant_TW")
    assert formatting.country_name("GT") == "瓜地馬拉"
    assert formatting.day(dt.date(2026, 9, 7)) == "2026年9月7日"


def test_countries_sort_as_readers_expect() -> None:
    set_locale("es")
    names = [name for _code, name in sorted_for_humans(formatting.country_names().items())]

    # Accented letters sort with their letter (Bélgica among the Bs), not after Z.
    assert names.index("Austria") < names.index("Bélgica") < names.index("Bolivia")
    assert "Unión Europea" not in names


def test_date_edits_show_four_digit_years() -> None:
    for locale in ("en", "es", "zh_Hant_TW"):
        set_locale(locale)
        assert "yyyy" in date_edit_format()


@pytest.mark.skipif(not SYSTEM_CJK_FONT.exists(), reason="needs fonts-wqy-microhei")
def test_a_shipped_font_is_loaded_behind_the_default(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fonts").mkdir()
    shutil.copy(SYSTEM_CJK_FONT, tmp_path / "fonts" / SYSTEM_CJK_FONT.name)
    monkeypatch.setattr(resources, "resources_dir", lambda: tmp_path)
    before = qapp.font()
    try:
        families = resources.load_bundled_fonts(qapp)

        assert "WenQuanYi Micro Hei" in families
        # The default font still draws Latin text (its real family first, not an alias such
        # as "Sans Serif" that Qt would skip); the CJK font only fills in.
        assert qapp.font().families()[0] == QFontInfo(before).family()
        assert QFontInfo(qapp.font()).family() == QFontInfo(before).family()
        assert "WenQuanYi Micro Hei" in qapp.font().families()
    finally:
        qapp.setFont(before)


def test_no_shipped_font_changes_nothing(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fonts").mkdir()
    monkeypatch.setattr(resources, "resources_dir", lambda: tmp_path)
    before = qapp.font()

    assert resources.load_bundled_fonts(qapp) == []
    assert qapp.font() == before
