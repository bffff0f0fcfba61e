"""Product photos as thumbnails in a grid that stays smooth with 10,000 of them.

The model holds photo ids only. The details of a photo (caption, consent, checksum) are read
a page at a time, and its thumbnail once it is painted, both off the GUI thread through
`LazyLoads`; the pixmaps live in a bounded cache. The thumbnails of the first screen are asked
for as soon as the ids arrive, so they load while the grid is laid out and painted. The grid
is a list view flowing left to right on a fixed grid, laid out in batches: laying out 10,000
items asks the model once per item instead of icon mode's twice, and the first screen is
painted after the first batch.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFontMetrics,
    QImage,
    QImageReader,
    QKeyEvent,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.photos import PhotoInfo, photos_by_id, thumbnail_file
from otop_desktop.ui.lazy_loads import LazyLoads

AnyIndex = QModelIndex | QPersistentModelIndex

# The square a thumbnail is fitted in: four across in the right half of a 1366 px screen.
THUMB_BOX = 124
# Details of photos read at once: a screen or two of the grid.
INFO_PAGE = 120
# Pixmaps kept: several screens; each is at most THUMB_BOX² x 4 bytes (~60 KB).
CACHE_SIZE = 600
# Items laid out before the view paints: more than a full-screen window shows.
LAYOUT_BATCH = 200

PHOTO_ID_ROLE = Qt.ItemDataRole.UserRole
INFO_ROLE = Qt.ItemDataRole.UserRole + 1

_AGREED = QColor("#2e7d32")
_REFUSED = QColor("#c62828")
_PLACEHOLDER = QColor("#d8d8d8")


def consent_text(consent: bool | None) -> str:
    """What the consent flag of a photo says, in words."""
    if consent is None:
        return _("Consent not recorded")
    return _("The people shown agreed") if consent else _("The people shown did not agree")


def read_scaled(path: Path, box: int) -> QImage:
    """The image at `path` fitted in a `box` square, decoded at that size (no Qt widgets, so
    safe on any thread); a null image when it cannot be read."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > box or size.height() > box):
        reader.setScaledSize(size.scaled(box, box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def _thumbnail(ctx: AppContext, sha256: str) -> QImage:
    try:
        path = thumbnail_file(ctx, sha256)
    except OtopError:  # the blob has not arrived (or is damaged): the item stays grey
        return QImage()
    return read_scaled(path, THUMB_BOX)


class PhotoGalleryModel(QAbstractListModel):
    """The photos of a product or a workshop, by id; details and thumbnails load lazily."""

    thumbnail_arrived = Signal(str)  # the photo id

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._infos: dict[str, PhotoInfo] = {}
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._generation = 0
        # How many items the view shows at once (it says so when resized).
        self.first_screen = 0
        self.loads = LazyLoads(self)
        self.loads.loaded.connect(self._loaded)

    # --- contents -----------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[str], infos: Sequence[PhotoInfo] = ()) -> None:
        """Show these photos (in this order), with the details of some already read (the first
        screen's, read with the ids); what was loaded for other photos is forgotten."""
        self.beginResetModel()
        self._generation += 1
        self.loads.clear()
        self._ids = list(ids)
        self._rows = {photo_id: row for row, photo_id in enumerate(self._ids)}
        self._infos = {k: v for k, v in self._infos.items() if k in self._rows}
        self._infos.update((info.id, info) for info in infos if info.id in self._rows)
        self.endResetModel()
        self._prefetch_first_screen()

    def ids(self) -> list[str]:
        return list(self._ids)

    def photo_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, photo_id: str) -> int:
        return self._rows.get(photo_id, -1)

    def info(self, row: int) -> PhotoInfo | None:
        photo_id = self.photo_id(row)
        return self._infos.get(photo_id) if photo_id else None

    def refresh(self, photo_ids: Sequence[str]) -> None:
        """Read the details of these photos again (their caption or consent changed)."""
        wanted = [i for i in photo_ids if i in self._rows]
        if wanted:
            self._request_infos(wanted)

    def thumbnail(self, photo_id: str) -> QPixmap | None:
        """The cached thumbnail of a photo, if loaded."""
        info = self._infos.get(photo_id)
        return self._pixmaps.get(info.sha256) if info else None

    # --- Qt's model interface -----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or row >= len(self._ids):
            return None
        photo_id = self._ids[row]
        if role == PHOTO_ID_ROLE:
            return photo_id
        info = self._infos.get(photo_id)
        if info is None:
            if role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.DisplayRole):
                self._request_page(row)
            return None
        if role == INFO_ROLE:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            return info.caption or ""
        if role == Qt.ItemDataRole.DecorationRole:
            return self._pixmap(info)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [info.caption or "", consent_text(info.consent)]
            if info.taken_at:
                lines.append(_("Taken {when}").format(when=formatting.moment_iso(info.taken_at)))
            return "\n".join(line for line in lines if line)
        return None

    # --- lazy loading -------------------------------------------------------------------------

    def _pixmap(self, info: PhotoInfo) -> QPixmap | None:
        pixmap = self._pixmaps.get(info.sha256)
        if pixmap is not None:
            self._pixmaps.move_to_end(info.sha256)
            return pixmap
        ctx, sha = self._ctx, info.sha256
        self.loads.request(("thumb", sha), lambda: _thumbnail(ctx, sha))
        return None

    def _prefetch_first_screen(self) -> None:
        # Asked for last item first: the loader serves the newest request first, so the first
        # item's thumbnail comes first, while the view is still laying out and painting.
        for photo_id in reversed(self._ids[: self.first_screen]):
            info = self._infos.get(photo_id)
            if info is not None and info.sha256 not in self._pixmaps:
                self._pixmap(info)

    def _request_page(self, row: int) -> None:
        start = row - row % INFO_PAGE
        key = ("page", self._generation, start)
        if not self.loads.is_pending(key):
            ids = self._ids[start : start + INFO_PAGE]
            self.loads.request(key, lambda: photos_by_id(self._ctx, ids))

    def _request_infos(self, ids: list[str]) -> None:
        ctx = self._ctx
        self.loads.request(("info", self._generation, tuple(ids)), lambda: photos_by_id(ctx, ids))

    def _loaded(self, key: Hashable, result: Any) -> None:
        if not isinstance(key, tuple):
            return
        if key[0] == "thumb":
            self._thumbnail_loaded(str(key[1]), result)
        elif key[1] == self._generation and isinstance(result, list):
            self._infos_loaded(result)

    def _infos_loaded(self, infos: list[PhotoInfo]) -> None:
        rows = []
        for info in infos:
            row = self._rows.get(info.id)
            if row is not None:
                self._infos[info.id] = info
                rows.append(row)
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

    def _thumbnail_loaded(self, sha256: str, image: Any) -> None:
        if not isinstance(image, QImage):
            return
        # A grey square for an unreadable thumbnail, so it is not asked for on every paint.
        pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        self._pixmaps[sha256] = pixmap
        while len(self._pixmaps) > CACHE_SIZE:
            self._pixmaps.popitem(last=False)
        for photo_id, info in self._infos.items():
            if info.sha256 == sha256:
                row = self._rows.get(photo_id)
                if row is not None:
                    index = self.index(row)
                    self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
                    self.thumbnail_arrived.emit(photo_id)

    def shutdown(self) -> None:
        self.loads.shutdown()


class PhotoDelegate(QStyledItemDelegate):
    """A thumbnail centred in its square, the caption under it, a consent badge in the corner."""

    def cell_size(self, metrics: QFontMetrics) -> QSize:
        return QSize(THUMB_BOX + 12, THUMB_BOX + 12 + metrics.height())

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return self.cell_size(option.fontMetrics)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        rect: QRect = option.rect
        state = option.state
        palette = option.palette
        painter.save()
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect.adjusted(1, 1, -1, -1), palette.highlight())
        box = QRect(rect.x() + 6, rect.y() + 6, THUMB_BOX, THUMB_BOX)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            size = pixmap.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(box.center())
            painter.drawPixmap(target, pixmap)
        else:
            painter.fillRect(box.adjusted(8, 8, -8, -8), _PLACEHOLDER)
        info = index.data(INFO_ROLE)
        if isinstance(info, PhotoInfo):
            if info.consent is not None:
                self._badge(painter, box, info.consent)
            if info.caption:
                metrics = option.fontMetrics
                text_rect = QRect(
                    rect.x() + 4, box.bottom() + 4, rect.width() - 8, metrics.height()
                )
                role = (
                    QPalette.ColorRole.HighlightedText
                    if state & QStyle.StateFlag.State_Selected
                    else QPalette.ColorRole.Text
                )
                painter.setPen(palette.color(role))
                painter.drawText(
                    text_rect,
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
                    metrics.elidedText(
                        info.caption, Qt.TextElideMode.ElideRight, text_rect.width()
                    ),
                )
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()

    @staticmethod
    def _badge(painter: QPainter, box: QRect, agreed: bool) -> None:
        # A round mark in the thumbnail's corner: green tick agreed, red cross refused.
        badge = QRect(box.right() - 20, box.top() + 2, 18, 18)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_AGREED if agreed else _REFUSED)
        painter.drawEllipse(badge)
        painter.setPen(QColor("white"))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), "✓" if agreed else "✗")


def dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files and folders among what is dragged."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class PhotoGallery(QListView):
    """The grid of thumbnails: Enter or a double-click opens a photo, Delete deletes the
    selected ones, and files or folders dropped on it are added."""

    open_requested = Signal(int)  # row
    delete_requested = Signal(list)  # photo ids
    files_dropped = Signal(list)  # list[Path]

    def __init__(self, model: PhotoGalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = PhotoDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setModel(model)
        self.gallery = model
        # A grid of icons, laid out as a wrapping list on a fixed grid: icon mode would call
        # the Python model twice for each of 10,000 items before the first paint.
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        # Laid out a batch at a time between events: the first screen is painted (and its
        # thumbnails arrive) after the first batch instead of after all 10,000 items.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSelectionRectVisible(True)
        self.setGridSize(self.delegate.cell_size(self.fontMetrics()) + QSize(4, 4))
        self.setSpacing(0)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setAcceptDrops(True)
        self.setDragEnabled(False)
        self.setMinimumWidth(self.gridSize().width() * 2 + 24)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))
        self._count_first_screen()

    def _count_first_screen(self) -> None:
        grid = self.gridSize()
        viewport = self.viewport().size()
        across = max(1, viewport.width() // max(1, grid.width()))
        down = max(1, -(-viewport.height() // max(1, grid.height())))  # a part row counts
        self.gallery.first_screen = across * down

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._count_first_screen()

    def selected_ids(self) -> list[str]:
        """The ids of the selected photos, in gallery order."""
        rows = sorted(index.row() for index in self.selectionModel().selectedIndexes())
        return [i for i in (self.gallery.photo_id(row) for row in rows) if i]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        if key == Qt.Key.Key_Delete:
            ids = self.selected_ids()
            if ids:
                self.delete_requested.emit(ids)
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths)
