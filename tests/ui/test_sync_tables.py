"""What the Sync tables say: the key warning, history summaries, dates in the active language."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from otop_desktop.i18n import formatting, set_locale
from otop_desktop.services.sync_review import BundleHistoryItem, LaptopInfo
from otop_desktop.ui.pages.sync_history import summary
from otop_desktop.ui.pages.sync_laptops import LaptopsModel, laptop_columns
from otop_desktop.ui.pages.sync_send import default_bundle_name


def _laptop(name: str, key_changed_at: str | None, this: bool = False) -> LaptopInfo:
    return LaptopInfo(
        "01a21292-f6ff-7438-a396-2793e86b0643",
        name,
        12,
        "2026-09-07T14:05:00+00:00",
        "2026-09-01T08:00:00+00:00",
        "2b1b-473c-169e-db2a",
        key_changed_at,
        this,
    )


def test_a_changed_key_is_marked_with_an_icon_and_explained(qapp: QApplication) -> None:
    model = LaptopsModel(laptop_columns())
    model.set_rows(
        [
            _laptop("Coordinator", None, this=True),
            _laptop("Gracias", "2026-09-07T14:05:00+00:00"),
        ]
    )
    fingerprint = model.columnCount() - 1

    assert model.index(0, 0).data() == "Coordinator (this laptop)"
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, fingerprint).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(1, fingerprint).data(Qt.ItemDataRole.DecorationRole) is not None
    warning = model.index(1, fingerprint).data(Qt.ItemDataRole.ToolTipRole)
    assert "signing key of this laptop changed" in warning
    assert model.index(1, 1).data() == "…e86b0643"
    assert model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole).endswith("2793e86b0643")


def _item(direction: str, report: dict[str, object]) -> BundleHistoryItem:
    return BundleHistoryItem("b", direction, "2026-09-07T14:05:00+00:00", None, "/x.otop", report)


def test_history_summaries() -> None:
    assert summary(_item("export", {"changes": 5, "photos": 1})) == "5 changes, 1 photo"
    imported = {"stats": {"created": 2, "updated": 1, "conflicts": 1}, "photos_added": 0}
    assert (
        summary(_item("import", imported)) == "2 records created, 1 updated, 1 conflict to review"
    )
    assert summary(_item("import", {"already_imported": True})) == "already imported"
    assert summary(_item("import", {"stats": {}})) == "nothing new"
    assert summary(_item("import", {"stats": {"created": 1}, "cancelled": True})).endswith(
        "(cancelled: import it again to finish)"
    )


def test_moments_follow_the_language_and_leave_out_seconds() -> None:
    moment = dt.datetime(2026, 9, 7, 14, 5, 30, tzinfo=dt.timezone.utc)
    local = moment.astimezone()
    set_locale("es")
    text = formatting.moment(moment)
    assert "sept 2026" in text and f"{local.minute:02d}" in text and ":30" not in text
    set_locale("zh_Hant_TW")
    assert formatting.moment_iso(moment.isoformat()).startswith("2026年9月")
    assert formatting.moment_iso("not a date") == "not a date"


def test_default_bundle_names_keep_letters_of_any_script() -> None:
    day = dt.date(2026, 9, 7)
    assert (
        default_bundle_name("Copán field laptop", day) == "otop-Copán-field-laptop-2026-09-07.otop"
    )
    assert default_bundle_name("台東/筆電 #2", day) == "otop-台東-筆電-2-2026-09-07.otop"
    assert default_bundle_name("///", day) == "otop-laptop-2026-09-07.otop"
