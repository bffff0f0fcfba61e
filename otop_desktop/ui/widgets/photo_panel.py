"""The photos beside the products table: the gallery of one product (or of a whole workshop),
adding photos from files, a camera's card or the webcam, the viewer, delete with Undo."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.photos import (
    AddPhotosResult,
    PhotoInfo,
    add_photos,
    delete_photo,
    photo_ids,
    photos_by_id,
    undelete_photo,
)
from otop_desktop.services.products import ProductInfo
from otop_desktop.ui.dialogs.photo_adding import (
    AddSummaryDialog,
    DialogPhotoChooser,
    PhotoChooser,
    PhotoOptionsDialog,
    photo_options,
)
from otop_desktop.ui.dialogs.photo_viewer import PhotoViewer
from otop_desktop.ui.models.product_table import PHOTOS, PRODUCTS
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.photo_gallery import INFO_PAGE, PhotoGallery, PhotoGalleryModel
from otop_desktop.ui.widgets.undo_bar import UndoBar

if TYPE_CHECKING:
    from otop_desktop.ui.dialogs.webcam_dialog import WebcamDialog

_WHOLE_WORKSHOP_KEY = "products/whole_workshop"


def camera_device_possible() -> bool:
    """Whether asking Qt for cameras can find one. Asking loads QtMultimedia and FFmpeg for
    good (about 16 MB); on Linux a camera is a /dev/video device, so without one it is not
    worth it. Elsewhere only asking tells."""
    if sys.platform.startswith("linux"):
        return any(Path("/dev").glob("video*"))
    return True


class PhotoPanel(QWidget):
    """The gallery with its buttons; `photos_changed` once photos were added or deleted."""

    photos_changed = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.product: ProductInfo | None = None
        self.workshop_id: str | None = None
        self.workshop_title = ""
        self._generation = 0
        self._cameras_checked = False
        self.chooser: PhotoChooser = DialogPhotoChooser()
        self.viewer: PhotoViewer | None = None
        self.summary: AddSummaryDialog | None = None
        self.webcam: WebcamDialog | None = None

        self.heading = QLabel(_("Photos"))
        self.heading.setObjectName("sectionHeading")
        self.heading.setWordWrap(True)
        self.whole_check = QCheckBox(_("Whole workshop"))
        self.whole_check.setToolTip(_("Show the photos of every product of the chosen workshop"))
        self.whole_check.setChecked(
            str(app_settings().value(_WHOLE_WORKSHOP_KEY, False)).lower() == "true"
        )
        self.whole_check.toggled.connect(self._whole_toggled)
        self.add_button = QPushButton(_("Add photos…"))
        self.add_button.setToolTip(_("Add photos from files; you can also drop them here"))
        self.add_button.clicked.connect(self.add_files)
        self.folder_button = QPushButton(_("Add a folder…"))
        self.folder_button.setToolTip(_("Add every photo of a folder or a camera's card"))
        self.folder_button.clicked.connect(self.add_folder)
        self.camera_button = QPushButton(_("Take a photo…"))
        self.camera_button.clicked.connect(self.take_photos)
        self.options_button = QPushButton(_("Options…"))
        self.options_button.setToolTip(_("Photo size, location and originals"))
        self.options_button.clicked.connect(self.edit_options)
        self.count_label = QLabel()

        self.model = PhotoGalleryModel(ctx, self)
        self.gallery = PhotoGallery(self.model)
        self.gallery.open_requested.connect(self.open_viewer)
        self.gallery.delete_requested.connect(self.delete_photos)
        self.gallery.files_dropped.connect(self.add_paths)
        self.undo_bar = UndoBar(self)

        title = QHBoxLayout()
        title.addWidget(self.heading, 1)
        title.addWidget(self.whole_check)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.folder_button, self.camera_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.options_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addLayout(title)
        layout.addLayout(buttons)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.gallery, 1)
        layout.addWidget(self.count_label)
        runner.changed.connect(self._on_changed)
        self._update()

    # --- what is shown ------------------------------------------------------------------------

    def show_product(self, product: ProductInfo | None) -> None:
        """Show the photos of `product` (unless the whole workshop is shown)."""
        same = (product.id if product else None) == (self.product.id if self.product else None)
        self.product = product
        self._update()
        if not (same and self._whole_workshop()):
            self.reload()

    def set_workshop(self, workshop_id: str | None, title: str = "") -> None:
        """The workshop chosen in the page's filter (None: all)."""
        self.workshop_id = workshop_id
        self.workshop_title = title
        self._update()
        self.reload()

    def _whole_workshop(self) -> bool:
        return self.whole_check.isChecked() and self.workshop_id is not None

    def _whole_toggled(self, checked: bool) -> None:
        app_settings().setValue(_WHOLE_WORKSHOP_KEY, checked)
        self._update()
        self.reload()

    def _update(self) -> None:
        self.whole_check.setEnabled(self.workshop_id is not None)
        if self._whole_workshop():
            self.heading.setText(
                _("Photos of the workshop “{title}”").format(title=self.workshop_title)
            )
        elif self.product is not None:
            self.heading.setText(_("Photos of “{name}”").format(name=self.product.name))
        else:
            self.heading.setText(_("Photos"))
        can_add = self.product is not None
        for button in (self.add_button, self.folder_button):
            button.setEnabled(can_add)
        self._update_camera()

    def reload(self) -> None:
        """Read the photo ids again (in the background); the gallery keeps what it can."""
        self._generation += 1
        generation = self._generation
        if self._whole_workshop():
            kwargs = {"workshop_id": self.workshop_id}
        elif self.product is not None:
            kwargs = {"product_id": self.product.id}
        else:
            self._ids_loaded(generation, [])
            return
        ctx = self._ctx

        def load() -> tuple[list[str], list[PhotoInfo]]:
            # The first screen's details with the ids: one trip to the database less before
            # the first thumbnails are asked for.
            ids = photo_ids(ctx, **kwargs)
            return ids, photos_by_id(ctx, ids[:INFO_PAGE])

        self._runner.run(load, on_done=lambda loaded: self._ids_loaded(generation, *loaded))

    def _ids_loaded(self, generation: int, ids: list[str], infos: Sequence[PhotoInfo] = ()) -> None:
        if generation != self._generation:
            return
        if ids != self.model.ids():
            self.model.set_ids(ids, infos)
        self.count_label.setText(
            ngettext("{n} photo", "{n} photos", len(ids)).format(n=formatting.number(len(ids)))
        )

    def _on_changed(self, what: str) -> None:
        if what == PHOTOS:
            self.reload()

    # --- the camera ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._cameras_checked:
            # Looked for once the page is first shown: QtMultimedia takes a moment to load.
            self._cameras_checked = True
            self._update_camera()

    def _update_camera(self) -> None:
        if not self._cameras_checked:
            self.camera_button.setEnabled(False)
            return
        found = False
        if camera_device_possible():
            from otop_desktop.ui.dialogs.webcam_dialog import cameras

            found = bool(cameras())
        self.camera_button.setEnabled(found and self.product is not None)
        self.camera_button.setToolTip(
            _("Take photos with the laptop's camera") if found else _("No camera found")
        )

    def take_photos(self) -> WebcamDialog | None:
        """Open the camera's live preview; each photo taken is added to the product."""
        if self.product is None:
            return None
        from otop_desktop.ui.dialogs.webcam_dialog import WebcamDialog

        if self.webcam is not None:
            self.webcam.deleteLater()
        self.webcam = WebcamDialog(self._ctx, self._runner, self.product.id, photo_options(), self)
        self.webcam.photo_added.connect(lambda _info: self._added_some())
        self.webcam.open()
        return self.webcam

    # --- adding -------------------------------------------------------------------------------

    def edit_options(self) -> PhotoOptionsDialog:
        dialog = PhotoOptionsDialog(self)
        dialog.open()
        return dialog

    def add_files(self) -> None:
        """Choose photo files and add them to the product."""
        if self.product is not None:
            self.add_paths(self.chooser.photo_files(self))

    def add_folder(self) -> None:
        """Choose a folder (a camera's card) and add every photo in it."""
        if self.product is not None:
            folder = self.chooser.photo_folder(self)
            if folder is not None:
                self.add_paths([folder])

    def add_paths(self, paths: list[Path]) -> None:
        """Add photo files and folders to the product, with progress and cancel."""
        if self.product is None or not paths:
            return
        # Folders (a camera's card) are searched by the service, off the GUI thread.
        work = functools.partial(
            add_photos, self._ctx, self.product.id, list(paths), options=photo_options()
        )
        self._runner.run(
            work,
            on_done=self._added,
            on_error=self._add_failed,
            progress=True,
            title=_("Adding photos…"),
            changes=(PHOTOS, PRODUCTS),
        )

    def _added(self, result: AddPhotosResult) -> None:
        if self.summary is not None:
            self.summary.deleteLater()
        self.summary = AddSummaryDialog(result, self)
        self.summary.open()
        self._added_some()

    def _add_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, OperationCancelled):
            self._runner.show_error(exc)

    def _added_some(self) -> None:
        self.photos_changed.emit()
        self._runner.changed.emit(PHOTOS)

    # --- viewing and deleting -----------------------------------------------------------------

    def open_viewer(self, row: int) -> PhotoViewer | None:
        """Show the photo at `row` large, with next/previous over the gallery's photos."""
        ids = self.model.ids()
        if not 0 <= row < len(ids):
            return None
        if self.viewer is not None:
            self.viewer.deleteLater()
        self.viewer = PhotoViewer(self._ctx, self._runner, ids, row, self)
        self.viewer.changed.connect(lambda photo_id: self.model.refresh([photo_id]))
        self.viewer.open()
        return self.viewer

    def delete_photos(self, ids: list[str]) -> None:
        """Delete these photos now; Undo brings them back."""
        if not ids:
            return
        text = ngettext("{n} photo deleted.", "{n} photos deleted.", len(ids)).format(
            n=formatting.number(len(ids))
        )
        self._runner.run(
            _each(delete_photo),
            self._ctx,
            ids,
            on_done=lambda _none: self.undo_bar.offer(text, lambda: self._undelete(ids)),
            changes=(PHOTOS, PRODUCTS),
        )

    def _undelete(self, ids: list[str]) -> None:
        self._runner.run(_each(undelete_photo), self._ctx, ids, changes=(PHOTOS, PRODUCTS))

    def delete_selected(self) -> None:
        self.delete_photos(self.gallery.selected_ids())

    def shutdown(self) -> None:
        """Stop the gallery's loads (before the database closes)."""
        self.model.shutdown()
        if self.viewer is not None:
            self.viewer.done(0)


def _each(action: Callable[[AppContext, str], None]) -> Callable[[AppContext, list[str]], None]:
    """`action(ctx, photo_id)` for each of a list of ids, as one piece of background work."""

    def run(ctx: AppContext, ids: list[str]) -> None:
        for photo_id in ids:
            action(ctx, photo_id)

    return run
