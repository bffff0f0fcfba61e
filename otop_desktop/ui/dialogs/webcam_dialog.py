"""Taking photos of a product with the laptop's camera: a live preview, Space takes one.

Each photo taken goes through the same processing as a file (`add_photo_bytes`): scaled,
re-encoded, location removed unless allowed. QtMultimedia is imported by this module only,
so that the window does not load it before a camera is wanted.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtMultimedia import (
    QCamera,
    QCameraDevice,
    QImageCapture,
    QMediaCaptureSession,
    QMediaDevices,
)
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.photos import PhotoInfo, add_photo_bytes
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.data_marks import mark_data

if TYPE_CHECKING:
    from otop_desktop.media.photo_ingest import IngestOptions
    from otop_desktop.services.context import AppContext

# What the camera's frame is encoded as before processing: the processing re-encodes anyway.
_CAPTURE_QUALITY = 95


def cameras() -> list[QCameraDevice]:
    """The cameras of this laptop (none on a server or a laptop without one)."""
    return list(QMediaDevices.videoInputs())


def jpeg_bytes(image: QImage) -> bytes:
    """`image` as JPEG bytes, as the photo processing takes a file's contents."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # A str format at run time, whatever the stubs say (bytes raises a ValueError).
    image.save(buffer, "JPEG", _CAPTURE_QUALITY)  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


def capture_name(now: dt.datetime | None = None) -> str:
    """The file name a photo taken now is known by in messages ("camera-20260314-101502.jpg")."""
    return (now or dt.datetime.now()).strftime("camera-%Y%m%d-%H%M%S.jpg")


class WebcamDialog(QDialog):
    """A live preview of the chosen camera; each photo taken is added to `product_id`."""

    photo_added = Signal(object)  # PhotoInfo

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        product_id: str,
        options: IngestOptions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._product_id = product_id
        self._options = options
        self.taken = 0
        self.setWindowTitle(_("Take photos"))
        self.resize(800, 620)

        self.camera_combo = mark_data(QComboBox())
        for device in cameras():
            self.camera_combo.addItem(device.description(), device)
        self.camera_combo.currentIndexChanged.connect(self._camera_chosen)
        self.preview = QVideoWidget()
        self.preview.setMinimumSize(480, 360)
        self.status_label = QLabel(_("Press Space to take a photo."))
        self.status_label.setWordWrap(True)
        self.take_button = QPushButton(_("Take a photo"))
        self.take_button.setToolTip(_("Take a photo (Space)"))
        self.take_button.clicked.connect(self.capture)
        buttons = QDialogButtonBox()
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        self.camera_label = QLabel(_("Camera"))
        self.camera_label.setBuddy(self.camera_combo)
        top.addWidget(self.camera_label)
        top.addWidget(self.camera_combo, 1)
        # A chooser only when there is a choice.
        several = self.camera_combo.count() > 1
        self.camera_label.setVisible(several)
        self.camera_combo.setVisible(several)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.take_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)

        self.session = QMediaCaptureSession(self)
        self.image_capture = QImageCapture(self)
        self.session.setImageCapture(self.image_capture)
        self.session.setVideoOutput(self.preview)
        self.image_capture.imageCaptured.connect(lambda _id, image: self.save_image(image))
        self.image_capture.errorOccurred.connect(
            lambda _id, _error, text: self._say(
                _("The photo was not taken: {reason}").format(reason=text)
            )
        )
        self.camera: QCamera | None = None
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        shortcut.activated.connect(self.capture)
        self._camera_chosen(self.camera_combo.currentIndex())

    def _camera_chosen(self, index: int) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
            self.camera = None
        device = self.camera_combo.itemData(index) if index >= 0 else None
        if not isinstance(device, QCameraDevice):
            self.take_button.setEnabled(False)
            self._say(_("No camera found"))
            return
        self.camera = QCamera(device, self)
        self.camera.errorOccurred.connect(
            lambda _error, text: self._say(
                _("The camera cannot be used: {reason}").format(reason=text)
            )
        )
        self.session.setCamera(self.camera)
        self.camera.start()
        self.take_button.setEnabled(True)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    def capture(self) -> None:
        """Take a photo (when the camera is ready)."""
        if self.image_capture.isReadyForCapture():
            self.image_capture.capture()

    def save_image(self, image: QImage) -> None:
        """Add a photo taken (the camera's frame) to the product, in the background."""
        data = jpeg_bytes(image)
        work = functools.partial(
            add_photo_bytes,
            self._ctx,
            self._product_id,
            data,
            name=capture_name(),
            options=self._options,
        )
        self._runner.run(
            work,
            on_done=self._added,
            on_error=lambda exc: self._say(str(exc)),
        )

    def _added(self, info: PhotoInfo) -> None:
        self.taken += 1
        self._say(
            ngettext("{n} photo taken.", "{n} photos taken.", self.taken).format(
                n=formatting.number(self.taken)
            )
        )
        self.photo_added.emit(info)

    def done(self, result: int) -> None:
        if self.camera is not None:
            self.camera.stop()
        super().done(result)
