"""The photo gallery (thumbnails loaded lazily, upright), the viewer (next/previous, caption,
consent), deleting with Delete and Undo, and the loader's queue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.photos import add_photos, photo_ids, photos_by_id
from otop_desktop.services.products import save_product
from otop_desktop.ui.lazy_loads import MAX_PENDING, LazyLoads
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.photo_gallery import INFO_ROLE
from otop_desktop.ui.widgets.photo_panel import PhotoPanel

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
FILES = ["portrait_orientation6_gps.jpg", "photo.webp", "alpha.png", "cmyk.jpg"]


@pytest.fixture
def product_id(demo_ctx: AppContext) -> str:
    product_id = save_product(demo_ctx, {"name": "Máscara de madera", "origin_country": "HN"})
    result = add_photos(demo_ctx, product_id, [PHOTOS / name for name in FILES])
    assert not result.failed
    return product_id


@pytest.fixture
def panel(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, product_id: str
) -> Iterator[PhotoPanel]:
    from otop_desktop.services.products import get_product

    widget = PhotoPanel(demo_ctx, runner)
    qtbot.addWidget(widget)
    widget.resize(640, 560)
    widget.show()
    widget.show_product(get_product(demo_ctx, product_id))
    assert runner.wait_idle()
    yield widget
    widget.shutdown()


def test_thumbnails_arrive_after_the_loader_and_portraits_stand_upright(
    qtbot: QtBot, panel: PhotoPanel, demo_ctx: AppContext, product_id: str
) -> None:
    model = panel.model
    ids = photo_ids(demo_ctx, product_id=product_id)
    assert model.ids() == ids and len(ids) == len(FILES)
    qtbot.waitUntil(lambda: all(model.thumbnail(i) is not None for i in ids), timeout=10_000)
    for row, info in enumerate(photos_by_id(demo_ctx, ids)):
        pixmap = model.thumbnail(info.id)
        assert isinstance(pixmap, QPixmap) and not pixmap.isNull()
        assert model.index(row).data(INFO_ROLE) == info
        # The stored photo and its thumbnail have the same shape.
        assert info.width is not None and info.height is not None
        assert (pixmap.width() > pixmap.height()) == (info.width > info.height)
    # Taken in portrait with EXIF orientation 6: the 320 x 240 sensor image stands upright.
    portrait = photos_by_id(demo_ctx, ids)
    assert any(
        p.height is not None and p.width is not None and p.height > p.width for p in portrait
    )
    assert "Consent not recorded" in model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    panel.gallery.grab()  # painting every state, the badges included, does not fail


def test_the_viewer_goes_back_and_forth_and_saves_caption_and_consent(
    qtbot: QtBot, panel: PhotoPanel, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    ids = panel.model.ids()
    viewer = panel.open_viewer(1)
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.info is not None and not viewer.photo.image.isNull())
    assert viewer.info is not None and viewer.info.id == ids[1]
    assert viewer.position_label.text() == f"Photo 2 of {len(ids)}"
    viewer.next()
    qtbot.waitUntil(lambda: viewer.info is not None and viewer.info.id == ids[2])
    viewer.previous()
    viewer.previous()
    qtbot.waitUntil(lambda: viewer.info is not None and viewer.info.id == ids[0])
    assert not viewer.previous_button.isEnabled()

    viewer.caption_edit.setText("Máscara del Baile de los Diablitos")
    viewer.caption_edit.editingFinished.emit()
    assert runner.wait_idle()
    assert photos_by_id(demo_ctx, [ids[0]])[0].caption == "Máscara del Baile de los Diablitos"
    assert viewer.saved_label.text() == "Saved"
    viewer.consent_combo.setCurrentIndex(viewer.consent_combo.findData(True))
    viewer.consent_combo.activated.emit(viewer.consent_combo.currentIndex())
    assert runner.wait_idle()
    assert photos_by_id(demo_ctx, [ids[0]])[0].consent is True
    # The gallery reads the changed photo again: its caption and consent badge show.
    qtbot.waitUntil(lambda: panel.model.info(0) is not None and panel.model.info(0).consent)
    assert panel.model.index(0).data() == "Máscara del Baile de los Diablitos"

    # A caption typed and left by going on to the next photo is saved too.
    qtbot.waitUntil(lambda: viewer.info is not None)
    viewer.caption_edit.setText("Otra")
    viewer.next()
    assert runner.wait_idle()
    assert photos_by_id(demo_ctx, [ids[0]])[0].caption == "Otra"
    viewer.reject()


def test_delete_removes_the_selected_photos_and_undo_brings_them_back(
    qtbot: QtBot, panel: PhotoPanel, demo_ctx: AppContext, runner: TaskRunner, product_id: str
) -> None:
    ids = panel.model.ids()
    panel.gallery.setFocus()
    panel.gallery.setCurrentIndex(panel.model.index(1))
    qtbot.keyClick(panel.gallery, Qt.Key.Key_Delete)
    assert runner.wait_idle()
    assert photo_ids(demo_ctx, product_id=product_id) == [i for i in ids if i != ids[1]]
    assert panel.model.ids() == [i for i in ids if i != ids[1]]
    assert panel.undo_bar.isVisible()
    panel.undo_bar.undo()
    assert runner.wait_idle()
    assert panel.model.ids() == ids


def test_enter_opens_the_viewer_on_the_current_photo(qtbot: QtBot, panel: PhotoPanel) -> None:
    panel.gallery.setFocus()
    panel.gallery.setCurrentIndex(panel.model.index(2))
    qtbot.keyClick(panel.gallery, Qt.Key.Key_Return)
    assert panel.viewer is not None and panel.viewer.row == 2
    panel.viewer.reject()


def test_the_loader_serves_the_newest_first_and_drops_the_oldest(qtbot: QtBot) -> None:
    loads = LazyLoads(threads=1)
    gate, started = threading.Event(), threading.Event()
    order: list[object] = []
    loads.loaded.connect(lambda key, result: order.append(key))

    def blocker() -> bool:
        started.set()
        return gate.wait(5)

    loads.request("blocker", blocker)
    assert started.wait(5)  # the one thread is busy: what follows queues up
    for n in range(MAX_PENDING + 10):
        loads.request(n, lambda n=n: n)
    gate.set()
    qtbot.waitUntil(lambda: len(order) == MAX_PENDING + 1, timeout=5000)
    assert order[0] == "blocker"
    assert order[1] == MAX_PENDING + 9  # the newest first
    assert set(order[1:]) == set(range(10, MAX_PENDING + 10))  # the 10 oldest were dropped
    loads.shutdown()
