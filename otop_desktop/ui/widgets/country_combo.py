"""A country chosen by its name in the active language: the programme's countries first,
then every other country, and typing any part of a name (accents optional) finds it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from otop_desktop.domain.text import fold
from otop_desktop.i18n import formatting
from otop_desktop.ui.qt_locale import sorted_for_humans

# Where the OTOP programmes run: Central America, Paraguay, Taiwan and South-East Asia.
PROGRAMME_COUNTRIES = ("HN", "GT", "SV", "NI", "BZ", "PY", "TW", "VN", "TH")
# What typing is matched against: the name as written, without accents, and the code.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


class CountryCombo(QComboBox):
    """An editable combo of countries; `code()` is the ISO code chosen, or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        names = formatting.country_names()
        self.addItem("", None)
        first = [(code, names[code]) for code in PROGRAMME_COUNTRIES if code in names]
        rest = [(code, name) for code, name in names.items() if code not in PROGRAMME_COUNTRIES]
        for code, name in sorted_for_humans(first):
            self._add(code, name)
        self.insertSeparator(self.count())
        for code, name in sorted_for_humans(rest):
            self._add(code, name)
        completer = QCompleter(self.model(), self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._completed)
        self.setCompleter(completer)
        self._completer = completer
        edit = self.lineEdit()
        if edit is not None:
            edit.editingFinished.connect(self._settle)

    def _add(self, code: str, name: str) -> None:
        self.addItem(name, code)
        self.setItemData(self.count() - 1, f"{name} {fold(name)} {code}", SEARCH_ROLE)

    def _completed(self, *_args: object) -> None:
        # The completer put its search text in the box: show the chosen name instead.
        popup = self._completer.popup()
        index = popup.currentIndex() if popup is not None else None
        code = index.data(Qt.ItemDataRole.UserRole) if index and index.isValid() else None
        if code:
            self.set_code(str(code))
        else:
            self._settle()

    def _settle(self) -> None:
        # A name (or code) typed in full chooses that country, as picking it would.
        row = self._row_of_text(self.currentText())
        if row is not None and row != self.currentIndex():
            self.setCurrentIndex(row)
        elif row is not None:
            self.setEditText(self.itemText(row))

    def _row_of_text(self, text: str) -> int | None:
        typed = fold(text)
        if not typed:
            return 0
        for row in range(self.count()):
            code = self.itemData(row)
            if code and typed in (fold(self.itemText(row)), fold(str(code))):
                return row
        return None

    def set_code(self, code: str | None) -> None:
        """Show the country `code` (nothing for None or an unknown code)."""
        row = self.findData(code) if code else 0
        self.setCurrentIndex(max(row, 0))
        self.setEditText(self.itemText(max(row, 0)))

    def code(self) -> str | None:
        """The ISO code of the country shown; what was typed when it names none (the service
        then says it is not a country), None when empty."""
        text = self.currentText().strip()
        if not text:
            return None
        row = self._row_of_text(text)
        if row is not None:
            data = self.itemData(row)
            return str(data) if data else None
        return text
