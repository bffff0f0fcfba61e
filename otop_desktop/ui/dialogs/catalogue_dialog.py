"""Which products go in a catalogue PDF, and in which language."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, current_locale, formatting, ngettext
from otop_desktop.ui.language import language_names
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons


class CatalogueDialog(QDialog):
    """ "The workshop …", "the N selected products" or "the N products shown", and a language.

    `workshop_id`, `product_ids` and `language` say what was chosen once accepted.
    """

    def __init__(
        self,
        *,
        workshop: tuple[str, str] | None,
        selected: Sequence[str],
        shown: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Product catalogue"))
        self._workshop = workshop
        self._selected = list(selected)
        self._shown = list(shown)
        self.workshop_radio = QRadioButton(
            _("Every product of the workshop “{title}”").format(title=workshop[1])
            if workshop
            else _("Every product of a workshop (choose one in the filter first)")
        )
        self.workshop_radio.setEnabled(workshop is not None)
        self.selected_radio = QRadioButton(
            ngettext(
                "The {n} selected product", "The {n} selected products", len(self._selected)
            ).format(n=formatting.number(len(self._selected)))
        )
        self.selected_radio.setEnabled(bool(self._selected))
        self.shown_radio = QRadioButton(
            ngettext(
                "The {n} product shown in the list",
                "The {n} products shown in the list",
                len(self._shown),
            ).format(n=formatting.number(len(self._shown)))
        )
        self.shown_radio.setEnabled(bool(self._shown))
        self.scope = QButtonGroup(self)
        for radio in (self.workshop_radio, self.selected_radio, self.shown_radio):
            self.scope.addButton(radio)
        # The narrowest choice that makes sense: several chosen rows mean those.
        if len(self._selected) > 1 or (self._selected and workshop is None):
            self.selected_radio.setChecked(True)
        elif workshop is not None:
            self.workshop_radio.setChecked(True)
        else:
            self.shown_radio.setChecked(True)

        # Each language named in itself, as in Settings: not text to translate.
        self.language_combo = mark_data(QComboBox())
        for code, name in language_names():
            self.language_combo.addItem(name, code)
        here = self.language_combo.findData(current_locale())
        self.language_combo.setCurrentIndex(max(here, 0))
        note = QLabel(
            _(
                "A page per product with its first photo (photos marked “did not agree” are "
                "left out), its maker, origin, description and price."
            )
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Language"), self.language_combo)
        buttons, self.save_button = accept_cancel_buttons(
            _("Save the PDF…"), self.accept, self.reject
        )
        self.save_button.setEnabled(bool(workshop or self._selected or self._shown))

        layout = QVBoxLayout(self)
        heading = QLabel(_("Products in the catalogue"))
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        for radio in (self.workshop_radio, self.selected_radio, self.shown_radio):
            layout.addWidget(radio)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    @property
    def workshop_id(self) -> str | None:
        if self.workshop_radio.isChecked() and self._workshop:
            return self._workshop[0]
        return None

    @property
    def product_ids(self) -> list[str] | None:
        if self.selected_radio.isChecked():
            return list(self._selected)
        if self.shown_radio.isChecked():
            return list(self._shown)
        return None

    @property
    def language(self) -> str:
        return str(self.language_combo.currentData())

    def file_name(self) -> str:
        """A name to offer in the save dialog ("Catalogue - Bamboo furniture.pdf")."""
        title = self._workshop[1] if self.workshop_id and self._workshop else ""
        name = _("Catalogue") + (f" - {title}" if title else "")
        return "".join(c for c in name if c not in '\\/:*?"<>|') + ".pdf"
