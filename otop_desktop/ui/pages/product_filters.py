"""The products page's filters: workshop, category, country of origin and words, and the count.

The combos chosen are remembered between runs; the workshops and countries arrive later (they
are loaded), so the remembered ones are chosen when they do.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.ui.qt_locale import sorted_for_humans
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.widgets.data_marks import mark_data

_FILTER_KEYS = ("products/workshop", "products/category", "products/country")


class ProductFilterBar(QWidget):
    """Three combos, a find box and "n of m products"; `changed` when the user changes one."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.setToolTip(_("Workshop"))
        self.workshop_combo.addItem(_("All workshops"), None)
        self.category_combo = QComboBox()
        self.category_combo.setToolTip(_("Category"))
        self.category_combo.addItem(_("All categories"), None)
        for category in ProductCategory:
            self.category_combo.addItem(formatting.first_upper(category.label()), category.value)
        self.country_combo = mark_data(QComboBox())
        self.country_combo.setToolTip(_("Country of origin"))
        self.country_combo.addItem(_("All countries"), None)
        # Narrow enough for a small window; the open list is as wide as its longest entry.
        for combo in self.combos():
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(_("Find by name, maker or town (Ctrl+F)"))
        self.filter_edit.setMinimumWidth(120)
        self.count_label = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in self.combos():
            layout.addWidget(widget)
        layout.addWidget(self.filter_edit, 1)
        layout.addSpacing(8)
        layout.addWidget(self.count_label)

        # Filters whose choices arrive later (workshops, countries) are set once loaded.
        settings = app_settings()
        self._wanted = [str(settings.value(key, "") or "") or None for key in _FILTER_KEYS]
        _choose(self.category_combo, self._wanted[1])
        self.filter_edit.textChanged.connect(lambda _t: self.changed.emit())
        for combo in self.combos():
            combo.activated.connect(lambda _row: self._chosen())

    def combos(self) -> tuple[QComboBox, QComboBox, QComboBox]:
        return self.workshop_combo, self.category_combo, self.country_combo

    def set_workshops(self, workshops: Iterable[tuple[str, str]]) -> None:
        """The workshops (id, title) to filter by; the one chosen stays chosen."""
        current = self.workshop_combo.currentData() or self._wanted[0]
        self.workshop_combo.clear()
        self.workshop_combo.addItem(_("All workshops"), None)
        for workshop_id, title in workshops:
            self.workshop_combo.addItem(title, workshop_id)
        _choose(self.workshop_combo, current)

    def set_countries(self, codes: Iterable[str]) -> None:
        """The countries products come from, not every country of the world."""
        current = self.country_combo.currentData() or self._wanted[2]
        self.country_combo.clear()
        self.country_combo.addItem(_("All countries"), None)
        for code, name in sorted_for_humans((c, formatting.country_name(c)) for c in set(codes)):
            self.country_combo.addItem(name, code)
        _choose(self.country_combo, current)

    def show_count(self, shown: int, total: int) -> None:
        """ "12 products", or "3 of 12 products" while filtered."""
        text = ngettext("{n} product", "{n} products", total).format(n=formatting.number(total))
        if shown != total:
            text = _("{shown} of {total}").format(shown=formatting.number(shown), total=text)
        self.count_label.setText(text)

    def _chosen(self) -> None:
        self._wanted = [c.currentData() for c in self.combos()]
        settings = app_settings()
        for key, combo in zip(_FILTER_KEYS, self.combos(), strict=True):
            settings.setValue(key, combo.currentData() or "")
        self.changed.emit()


def _choose(combo: QComboBox, data: str | None) -> None:
    row = combo.findData(data) if data else 0
    combo.setCurrentIndex(max(row, 0))
