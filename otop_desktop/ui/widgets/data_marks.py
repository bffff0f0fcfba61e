"""Marking the widgets that show data (names, titles, paths) rather than text to translate."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

_PROPERTY = "data"

W = TypeVar("W", bound=QWidget)


def mark_data(widget: W) -> W:
    """Mark `widget` (and what it holds) as showing data from the database, not UI text."""
    widget.setProperty(_PROPERTY, True)
    return widget


def is_data(widget: QWidget) -> bool:
    """Whether `widget` was marked by `mark_data()`."""
    return bool(widget.property(_PROPERTY))
