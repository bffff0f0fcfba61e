"""The look shared by the tables of every page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

ShortcutKeys = QKeySequence | QKeySequence.StandardKey


def table_view(model: QAbstractItemModel, parent: QWidget | None = None) -> QTableView:
    """A read-only table selecting whole rows, with fixed row heights.

    Fixed heights are what keeps a table of 50,000 rows quick: a height fitted to the
    contents would make the view ask the model for every row.
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    view.horizontalHeader().setHighlightSections(False)
    return view


Slot = Callable[[], object]


def page_shortcuts(page: QWidget, keys: Iterable[tuple[ShortcutKeys, Slot]]) -> list[QShortcut]:
    """Shortcuts of a page, acting while its window is active.

    Made on the page, not the window: a hidden page's shortcuts do not fire, so Ctrl+N means
    "new" on whichever page is shown.
    """
    return [_shortcut(page, key, slot, Qt.ShortcutContext.WindowShortcut) for key, slot in keys]


def table_shortcuts(
    view: QAbstractItemView, keys: Iterable[tuple[ShortcutKeys, Slot]]
) -> list[QShortcut]:
    """Shortcuts of a table only: Enter and Delete keep their meaning in the page's filter box."""
    return [_shortcut(view, key, slot, Qt.ShortcutContext.WidgetShortcut) for key, slot in keys]


def _shortcut(
    owner: QWidget, key: ShortcutKeys, slot: Slot, context: Qt.ShortcutContext
) -> QShortcut:
    shortcut = QShortcut(key, owner)
    shortcut.setContext(context)
    shortcut.activated.connect(slot)
    return shortcut
