"""Which trainee field each column of a roster file holds: one choice per column header."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _
from otop_desktop.services.roster_headers import ROSTER_FIELDS, field_label

# Amber that reads on light and dark palettes: "look at this one" without meaning "error".
UNKNOWN_STYLE = "color: #b26a00; font-weight: bold;"
_SAMPLE_STYLE = "color: palette(mid);"
# An example cell longer than this is cut: the panel is narrow and one line is enough.
_SAMPLE_CHARS = 28


def _sample_text(value: str) -> str:
    text = " ".join(value.split())
    return text if len(text) <= _SAMPLE_CHARS else text[: _SAMPLE_CHARS - 1] + "…"


class ColumnMapping(QWidget):
    """A row per column of the file: its header, an example value, and the field it fills."""

    changed = Signal(object)  # dict[int, str | None]: column -> field, None = ignored

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(_("Columns of the file"))
        heading.setObjectName("sectionHeading")
        hint = QLabel(
            _(
                "Choose what each column holds. Columns set to “Ignore” are not imported; "
                "the preview updates at once."
            )
        )
        hint.setWordWrap(True)

        self._rows = QWidget()
        self._grid = QGridLayout(self._rows)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 2)
        self._grid.setVerticalSpacing(6)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._rows)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)

        self.combos: list[QComboBox] = []
        self.header_labels: list[QLabel] = []

    def set_columns(
        self,
        headers: list[str],
        mapping: Mapping[int, str | None],
        unknown: Collection[str] = (),
        samples: Mapping[int, str] | None = None,
    ) -> None:
        """Show `headers` with the field each is mapped to; `unknown` ones are marked."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = []
        self.header_labels = []
        for column, header in enumerate(headers):
            name = header or _("Column {number}").format(number=column + 1)
            label = QLabel(name)
            label.setWordWrap(True)
            if header in unknown:
                label.setText(_("{header} (not recognised)").format(header=name))
                label.setStyleSheet(UNKNOWN_STYLE)
            example = (samples or {}).get(column, "")
            sample = QLabel(
                _("e.g. {value}").format(value=_sample_text(example)) if example else ""
            )
            sample.setWordWrap(True)
            sample.setStyleSheet(_SAMPLE_STYLE)
            sample.setVisible(bool(example))
            combo = self._field_combo(mapping.get(column))
            combo.setAccessibleName(name)
            combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            combo.currentIndexChanged.connect(self._emit)
            label.setBuddy(combo)
            self._grid.addWidget(label, 2 * column, 0)
            self._grid.addWidget(sample, 2 * column + 1, 0)
            self._grid.addWidget(combo, 2 * column, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
            self.combos.append(combo)
            self.header_labels.append(label)
        # Never narrower than its rows: a choice cut at the edge could not be read.
        scrollbar = self._scroll.verticalScrollBar().sizeHint().width()
        self._scroll.setMinimumWidth(self._rows.minimumSizeHint().width() + scrollbar)

    @staticmethod
    def _field_combo(current: str | None) -> QComboBox:
        combo = QComboBox()
        # Narrow enough for the panel beside the preview; the open list shows the whole labels.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.addItem(_("Ignore"), None)
        for field in ROSTER_FIELDS:
            combo.addItem(field_label(field), field)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        return combo

    def mapping(self) -> dict[int, str | None]:
        """The field chosen for every column (None for an ignored one)."""
        return {column: combo.currentData() for column, combo in enumerate(self.combos)}

    def set_field(self, column: int, field: str | None) -> None:
        """Choose `field` for `column`, as the user would (the preview follows)."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(combo.findData(field), 0) if field is not None else 0)

    def _emit(self) -> None:
        self.changed.emit(self.mapping())
