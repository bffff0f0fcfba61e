"""One photo at a time, fitted to the window: next and previous, its caption and its consent.

Keyboard: PgDn/PgUp (and the arrows while the photo has the focus) go to the next and
previous photo; Enter in the caption saves it (leaving the box saves it too).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.photos import (
    PhotoInfo,
    photo_path,
    photos_by_id,
    set_caption,
    set_consent,
)
from otop_desktop.ui.lazy_loads import LazyLoads
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.photo_gallery import read_scaled

# Photos are decoded at most this large: a full-screen window on the laptops used.
_DECODE_EDGE = 1600
# How long "Saved" stays after a caption or consent is saved.
_SAVED_MS = 2500


class _PhotoLabel(QLabel):
    """The photo, scaled to fit as the window is resized; takes the focus for the arrows."""

    def __init__(self) -> None:
        super().__init__()
        self.image = QImage()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self._fit()

    def _fit(self) -> None:
        if self.image.isNull():
            self.setPixmap(QPixmap())
            return
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() > self.image.width():
            size = self.image.size()  # never enlarged: a small photo stays sharp
        self.setPixmap(
            QPixmap.fromImage(
                self.image.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class PhotoViewer(QDialog):
    """The photos of `ids`, starting at `row`; `changed(photo_id)` after a caption or consent
    is saved."""

    changed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        ids: Sequence[str],
        row: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._ids = list(ids)
        self.row = max(0, min(row, len(self._ids) - 1))
        self.info: PhotoInfo | None = None
        self.setWindowTitle(_("Photo"))
        self.resize(QSize(960, 660))
        self._loads = LazyLoads(self, threads=1)
        self._loads.loaded.connect(self._loaded)

        self.photo = _PhotoLabel()
        self.position_label = QLabel()
        self.product_label = mark_data(QLabel())
        self.taken_label = QLabel()
        self.caption_edit = mark_data(QLineEdit())
        self.caption_edit.setPlaceholderText(_("What the photo shows, for the catalogue"))
        self.caption_edit.editingFinished.connect(self.save_caption)
        self.consent_combo = QComboBox()
        self.consent_combo.addItem(_("Not recorded"), None)
        self.consent_combo.addItem(_("Agreed to its use"), True)
        self.consent_combo.addItem(_("Did not agree"), False)
        self.consent_combo.setToolTip(
            _("Whether the people in the photo agreed that it is shown and printed")
        )
        self.consent_combo.activated.connect(lambda _row: self.save_consent())
        self.saved_label = QLabel()
        self._saved_timer = QTimer(self)
        self._saved_timer.setSingleShot(True)
        self._saved_timer.setInterval(_SAVED_MS)
        self._saved_timer.timeout.connect(self.saved_label.clear)

        self.previous_button = QPushButton(_("Previous"))
        self.previous_button.setToolTip(_("Previous photo (Page Up)"))
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QPushButton(_("Next"))
        self.next_button.setToolTip(_("Next photo (Page Down)"))
        self.next_button.clicked.connect(self.next)
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)

        form = QFormLayout()
        form.addRow(_("Caption"), self.caption_edit)
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent_combo)
        consent_row.addStretch(1)
        consent_row.addWidget(self.saved_label)
        form.addRow(_("Consent"), consent_row)
        close = QDialogButtonBox()
        close.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole).setAutoDefault(False)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.previous_button)
        bottom.addWidget(self.position_label)
        bottom.addWidget(self.next_button)
        bottom.addSpacing(16)
        bottom.addWidget(self.product_label, 1)
        bottom.addWidget(self.taken_label)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.photo, 1)
        layout.addLayout(form)
        layout.addLayout(bottom)
        for keys, slot in ((Qt.Key.Key_PageDown, self.next), (Qt.Key.Key_PageUp, self.previous)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.show_row(self.row)
        self.photo.setFocus()

    # --- moving ------------------------------------------------------------------------------

    def count(self) -> int:
        return len(self._ids)

    def next(self) -> None:
        if self.row + 1 < len(self._ids):
            self.show_row(self.row + 1)

    def previous(self) -> None:
        if self.row > 0:
            self.show_row(self.row - 1)

    def show_row(self, row: int) -> None:
        """Show the photo at `row` (its caption, if edited, is saved first)."""
        if not self._ids:
            return
        if self.info is not None:
            self.save_caption()
        self.row = row
        self.info = None
        photo_id = self._ids[row]
        self.position_label.setText(
            _("Photo {n} of {total}").format(
                n=formatting.number(row + 1), total=formatting.number(len(self._ids))
            )
        )
        self.previous_button.setEnabled(row > 0)
        self.next_button.setEnabled(row + 1 < len(self._ids))
        self.caption_edit.clear()
        self.caption_edit.setEnabled(False)
        self.consent_combo.setEnabled(False)
        self.photo.set_image(QImage())
        self.photo.setText(_("Loading…"))
        ctx = self._ctx
        self._loads.request(("info", photo_id), lambda: photos_by_id(ctx, [photo_id]))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.next()
        elif event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.previous()
        else:
            super().keyPressEvent(event)

    # --- loading -----------------------------------------------------------------------------

    def _loaded(self, key: Hashable, result: Any) -> None:
        if not isinstance(key, tuple) or not self._ids or key[1] != self._ids[self.row]:
            return  # moved on meanwhile
        if key[0] == "info":
            infos = result if isinstance(result, list) else []
            self._show_info(infos[0] if infos else None)
        elif key[0] == "image" and isinstance(result, QImage):
            if result.isNull():
                self.photo.setText(_("This photo cannot be shown: its file is missing."))
            else:
                self.photo.setText("")
                self.photo.set_image(result)

    def _show_info(self, info: PhotoInfo | None) -> None:
        if info is None:
            self.photo.setText(_("This photo was deleted."))
            return
        self.info = info
        self.caption_edit.setText(info.caption or "")
        self.caption_edit.setEnabled(True)
        self.consent_combo.setCurrentIndex(self.consent_combo.findData(info.consent))
        if info.consent is None:
            self.consent_combo.setCurrentIndex(0)
        self.consent_combo.setEnabled(True)
        self.product_label.setText(info.product_name or "")
        self.taken_label.setText(
            _("Taken {when}").format(when=formatting.moment_iso(info.taken_at))
            if info.taken_at
            else ""
        )
        ctx, sha = self._ctx, info.sha256
        self._loads.request(
            ("image", info.id), lambda: read_scaled(photo_path(ctx, sha), _DECODE_EDGE)
        )

    # --- saving ------------------------------------------------------------------------------

    def save_caption(self) -> None:
        """Save the caption typed, if it changed."""
        info = self.info
        if info is None:
            return
        caption = self.caption_edit.text().strip() or None
        if caption == (info.caption or None):
            return
        self.info = replace(info, caption=caption)
        self._runner.run(
            set_caption, self._ctx, info.id, caption, on_done=lambda _r: self._saved(info.id)
        )

    def save_consent(self) -> None:
        """Save the consent chosen, if it changed."""
        info = self.info
        if info is None:
            return
        data = self.consent_combo.currentData()
        consent = data if isinstance(data, bool) else None
        if consent == info.consent:
            return
        self.info = replace(info, consent=consent)
        self._runner.run(
            set_consent, self._ctx, info.id, consent, on_done=lambda _r: self._saved(info.id)
        )

    def _saved(self, photo_id: str) -> None:
        self.saved_label.setText(_("Saved"))
        self._saved_timer.start()
        self.changed.emit(photo_id)

    def done(self, result: int) -> None:
        self.save_caption()
        self._loads.shutdown()
        super().done(result)
