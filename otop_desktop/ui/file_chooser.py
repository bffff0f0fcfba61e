"""Choosing a file to open or to save, in the folder used last; tests give their own chooser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QWidget

from otop_desktop.ui.settings import app_settings


@dataclass(frozen=True)
class FileType:
    """A kind of file offered in a file dialog: its translated name and its suffixes."""

    label: str
    suffixes: tuple[str, ...]  # ".xlsx", ".csv"

    def pattern(self) -> str:
        """The filter as Qt's file dialog takes it: "Excel workbooks (*.xlsx)"."""
        globs = " ".join("*" + s for s in self.suffixes)
        return f"{self.label} ({globs})"


class FileChooser(Protocol):
    """What a widget asks for a file with; the dialogs of the system unless a test swaps it."""

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        """A file to read, or None when the user cancels."""
        ...

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        """A file to write (its suffix one of `types`), or None when the user cancels."""
        ...


def with_suffix(path: Path, chosen: FileType | None, types: Sequence[FileType]) -> Path:
    """`path` ending with a suffix of `types`: the one typed, else that of the chosen filter.

    Someone who types "roster" and picks "CSV" means roster.csv; someone who types
    "roster.csv" under the Excel filter means it too.
    """
    known = {s for t in types for s in t.suffixes}
    if path.suffix.lower() in known:
        return path
    fallback = chosen or (types[0] if types else None)
    if fallback is None or not fallback.suffixes:
        return path
    return path.with_name(path.name + fallback.suffixes[0])


class DialogFileChooser:
    """Qt's file dialogs, starting in the folder remembered under `folder_key`."""

    def __init__(self, folder_key: str) -> None:
        self._key = folder_key

    def _folder(self) -> Path:
        remembered = str(app_settings().value(self._key, "") or "")
        folder = Path(remembered) if remembered else Path.home()
        return folder if folder.is_dir() else Path.home()

    def _remember(self, path: Path) -> None:
        app_settings().setValue(self._key, str(path.parent))

    def open_file(self, parent: QWidget, title: str, types: Sequence[FileType]) -> Path | None:
        """Ask for a file to read."""
        chosen, _filter = QFileDialog.getOpenFileName(
            parent, title, str(self._folder()), ";;".join(t.pattern() for t in types)
        )
        if not chosen:
            return None
        path = Path(chosen)
        self._remember(path)
        return path

    def save_file(
        self, parent: QWidget, title: str, name: str, types: Sequence[FileType]
    ) -> Path | None:
        """Ask for a file to write; the suffix follows the chosen filter when none is typed."""
        patterns = [t.pattern() for t in types]
        chosen, selected = QFileDialog.getSaveFileName(
            parent, title, str(self._folder() / name), ";;".join(patterns)
        )
        if not chosen:
            return None
        kind = types[patterns.index(selected)] if selected in patterns else None
        path = with_suffix(Path(chosen), kind, types)
        self._remember(path)
        return path
