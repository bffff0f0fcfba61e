"""Help › About OTOP Field Desk: the version, where the data is, and the licences shipped.

A volunteer helping on the phone asks "which version?" and "where is the data?": both are
here, selectable for copying. Below, the libraries, the Python runtime and the font the app
ships, each with its version and licence; choosing one shows its licence text. The list and
the texts come from resources/licenses/ (written by build_scripts/collect_licenses.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from otop_desktop import __version__
from otop_desktop.i18n import _
from otop_desktop.resources_path import resources_dir

ICON_FILE = ("icons", "otop-desktop.png")
# Fits a 1366x768 screen with the task bar, with room for the licence texts' 80 columns.
DEFAULT_WIDTH, DEFAULT_HEIGHT = 820, 600


@dataclass(frozen=True)
class ShippedLicense:
    """One library, runtime or font shipped with the app, and its licence."""

    name: str
    version: str
    license: str
    path: Path
    kind: str


def licenses_folder() -> Path:
    """Where the licence texts and their index are."""
    return resources_dir() / "licenses"


def shipped_licenses(folder: Path | None = None) -> list[ShippedLicense]:
    """The entries of index.json in its order; none when the folder is missing or broken."""
    folder = folder or licenses_folder()
    try:
        data = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        return [
            ShippedLicense(
                name=str(entry["name"]),
                version=str(entry["version"]),
                license=str(entry["license"]),
                path=folder / str(entry["file"]),
                kind=str(entry.get("kind", "library")),
            )
            for entry in data["entries"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        # A damaged install must still show the version and the data's location.
        return []


def license_text(entry: ShippedLicense) -> str:
    """The licence text of `entry`, or a sentence saying it is missing."""
    try:
        return entry.path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return _("The licence text {file} is missing from this installation.").format(
            file=entry.path.name
        )


def _selectable(text: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    """The version, what the app is, its licence, where the data is, and the shipped licences.

    `facts` are plain lines on this laptop and its data (data folder, database, laptop name),
    from the open database; none before it is open. Esc or Close closes it.
    """

    def __init__(self, facts: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About OTOP Field Desk"))
        self.entries = shipped_licenses()

        heading = QHBoxLayout()
        icon = QLabel()
        pixmap = QPixmap(str(resources_dir().joinpath(*ICON_FILE)))
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    64,
                    64,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        heading.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        name = QLabel(_("OTOP Field Desk"))
        name.setStyleSheet("font-size: 14pt; font-weight: bold;")
        titles.addWidget(name)
        self.version_label = _selectable(_("Version {version}").format(version=__version__))
        titles.addWidget(self.version_label)
        titles.addWidget(
            _selectable(
                _(
                    "An offline-first desk for One Town, One Product craft workshops: "
                    "trainees, attendance, certificates, products and follow-ups, shared "
                    "between laptops without the internet."
                )
            )
        )
        titles.addWidget(
            _selectable(
                _(
                    "Copyright © 2026 the OTOP Field Desk contributors. Free software under "
                    "the MIT licence."
                )
            )
        )
        heading.addLayout(titles, 1)

        self.facts_label = _selectable("\n".join(facts))
        self.facts_label.setVisible(bool(facts))

        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels([_("Shipped with the app"), _("Version"), _("Licence")])
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, entry in enumerate(self.entries):
            item = QTreeWidgetItem([entry.name, entry.version, entry.license])
            item.setData(0, Qt.ItemDataRole.UserRole, row)
            item.setToolTip(2, entry.license)
            self.list.addTopLevelItem(item)

        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        if not self.entries:
            self.text.setPlainText(_("The licence texts are missing from this installation."))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.facts_label)
        libraries = QLabel(_("Libraries, runtime and font shipped with the app:"))
        libraries.setStyleSheet("font-weight: bold;")
        layout.addWidget(libraries)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.list.currentItemChanged.connect(self._show_text)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        self.resize(DEFAULT_WIDTH, DEFAULT_HEIGHT)

    def _show_text(self, current: QTreeWidgetItem | None, _previous: object = None) -> None:
        if current is None:
            return
        entry = self.entries[int(current.data(0, Qt.ItemDataRole.UserRole))]
        self.text.setPlainText(license_text(entry))
        self.text.moveCursor(self.text.textCursor().MoveOperation.Start)

    def select(self, name: str) -> bool:
        """Show the licence of the entry called `name`; False if there is none."""
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item is not None and item.text(0) == name:
                self.list.setCurrentItem(item)
                return True
        return False
