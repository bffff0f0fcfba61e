"""Laptops for the Sync page tests: data dirs with a passphrase, file dialogs answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.laptop import set_passphrase

PASSPHRASE = "mangoes and bamboo"


def new_laptop(root: Path, name: str, passphrase: str | None = PASSPHRASE) -> AppContext:
    """An initialised data dir keeping `passphrase` (none when None)."""
    ctx = open_context(root)
    initialise(ctx, name)
    if passphrase is not None:
        set_passphrase(ctx, passphrase, passphrase)
    return ctx


def answer_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """`QFileDialog.getSaveFileName` returns `path`; the list collects the suggested names."""
    suggested: list[str] = []

    def fake(_parent: QWidget, _caption: str, start: str, _filter: str) -> tuple[str, str]:
        suggested.append(start)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return suggested


def answer_open_dialog(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> None:
    """`QFileDialog.getOpenFileNames` returns `paths`, as if the user chose them."""

    def fake(_parent: QWidget, _caption: str, _start: str, _filter: str) -> tuple[list[str], str]:
        return [str(p) for p in paths], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake))


def drop_files(target: QWidget, paths: list[Path]) -> bool:
    """Drag `paths` onto `target` and drop them; whether the drag was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(target.rect().center())
    action = Qt.DropAction.CopyAction
    buttons = Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), action, mime, buttons, none)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(point, action, mime, buttons, none)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()
