"""The dashboard's filters: country, workshop, period (from, to) and the currency of amounts.

Changes are gathered for a moment (typing a date changes it at every key) and announced once
through `changed`; `current()` is the `DashboardFilter` they make.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _
from otop_desktop.services.dashboard import DashboardFilter
from otop_desktop.ui.qt_locale import date_edit_format, qt_locale
from otop_desktop.ui.widgets.data_marks import mark_data

# The programme's currencies (converting into one of them needs the coordinator's rates).
CURRENCIES = ("HNL", "GTQ", "NIO", "USD", "TWD")
# A date at the minimum of its edit means "no limit" and shows as "any".
_NO_DATE = QDate(2000, 1, 1)
_SETTLE_MS = 250


class DashboardFilters(QWidget):
    """Country, workshop, from, to and currency, in one row; `changed` once they settle."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_SETTLE_MS)
        self._timer.timeout.connect(self.changed)

        self.country_combo = mark_data(QComboBox())
        self.country_combo.addItem(_("All countries"), None)
        self.country_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.country_combo.setMinimumContentsLength(12)
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.addItem(_("All workshops"), None)
        self.workshop_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.workshop_combo.setMinimumContentsLength(14)
        # A long title gets room, not the whole width of a wide window.
        self.workshop_combo.setMaximumWidth(460)
        self.start_edit = self._date_edit()
        self.end_edit = self._date_edit()
        self.currency_combo = mark_data(QComboBox())
        self.currency_combo.addItem(_("Per currency"), None)
        for code in CURRENCIES:
            self.currency_combo.addItem(_("In {currency}").format(currency=code), code)
        self.currency_combo.setToolTip(
            _(
                "Amounts in different currencies are never added: each is shown on its own, "
                "or converted with the exchange rates you entered"
            )
        )

        # Two rows: one would not fit beside the navigation on a small screen in Spanish.
        where = QHBoxLayout()
        when = QHBoxLayout()
        for row, text, widget, stretch in (
            (where, _("&Country:"), self.country_combo, 0),
            (where, _("&Workshop:"), self.workshop_combo, 1),
            (when, _("&From:"), self.start_edit, 0),
            (when, _("&To:"), self.end_edit, 0),
            (when, _("&Amounts:"), self.currency_combo, 0),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget, stretch)
        where.addStretch(1)
        when.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(where)
        layout.addLayout(when)

        self.country_combo.currentIndexChanged.connect(self._country_changed)
        for combo in (self.workshop_combo, self.currency_combo):
            combo.currentIndexChanged.connect(self._timer.start)
        for edit in (self.start_edit, self.end_edit):
            edit.dateChanged.connect(self._timer.start)

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit(_NO_DATE)
        edit.setCalendarPopup(True)
        edit.setLocale(qt_locale())
        edit.setDisplayFormat(date_edit_format())
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText(_("any date"))
        edit.setToolTip(_("Workshops held in this period (leave at “any date” for all)"))
        return edit

    # --- choices ------------------------------------------------------------------------------

    def set_choices(
        self,
        countries: list[tuple[str, str]],
        workshops: list[tuple[str, str]],
        workshop_countries: dict[str, str | None] | None = None,
    ) -> None:
        """Fill the country and workshop lists, keeping what was chosen when still there."""
        self._workshops = list(workshops)
        self._workshop_countries = dict(workshop_countries or {})
        country = self.country_combo.currentData()
        self.country_combo.blockSignals(True)
        self.country_combo.clear()
        self.country_combo.addItem(_("All countries"), None)
        for code, name in countries:
            self.country_combo.addItem(name, code)
        self.country_combo.setCurrentIndex(max(0, self.country_combo.findData(country)))
        self.country_combo.blockSignals(False)
        self._fill_workshops()

    def _fill_workshops(self) -> None:
        chosen = self.workshop_combo.currentData()
        country = self.country_combo.currentData()
        self.workshop_combo.blockSignals(True)
        self.workshop_combo.clear()
        self.workshop_combo.addItem(_("All workshops"), None)
        for workshop_id, title in getattr(self, "_workshops", []):
            # A workshop of another country than the one chosen would show nothing.
            where = self._workshop_countries.get(workshop_id)
            if country and where and where != country:
                continue
            self.workshop_combo.addItem(title, workshop_id)
        self.workshop_combo.setCurrentIndex(max(0, self.workshop_combo.findData(chosen)))
        self.workshop_combo.blockSignals(False)

    def _country_changed(self) -> None:
        before = self.workshop_combo.currentData()
        self._fill_workshops()
        if self.workshop_combo.currentData() != before:
            self.workshop_combo.currentIndexChanged.emit(self.workshop_combo.currentIndex())
        self._timer.start()

    # --- the filter ---------------------------------------------------------------------------

    def current(self) -> DashboardFilter:
        """The filter the widgets show now."""
        return DashboardFilter(
            country=self.country_combo.currentData(),
            workshop_id=self.workshop_combo.currentData(),
            start=_date(self.start_edit),
            end=_date(self.end_edit),
            currency=self.currency_combo.currentData(),
        )

    def set_period(self, start: dt.date | None, end: dt.date | None) -> None:
        for edit, value in ((self.start_edit, start), (self.end_edit, end)):
            edit.setDate(QDate(value.year, value.month, value.day) if value else _NO_DATE)

    def choose(self, combo: QComboBox, value: str | None) -> bool:
        """Choose the entry of `combo` whose data is `value`; False if there is none."""
        row = combo.findData(value)
        if row < 0:
            return False
        combo.setCurrentIndex(row)
        return True

    def flush(self) -> None:
        """Announce a pending change now rather than after the pause."""
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()


def _date(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    if value <= _NO_DATE:
        return None
    return dt.date(value.year(), value.month(), value.day())
