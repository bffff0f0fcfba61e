"""The gallery's first screen: its thumbnails are asked for with the ids (before any paint),
and the grid is still a grid of icons that takes dropped files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from otop_desktop.services.context import AppContext
from otop_desktop.services.photos import add_photos, photo_ids, photos_by_id
from otop_desktop.services.products import save_product
from otop_desktop.ui.widgets.photo_gallery import PhotoGallery, PhotoGalleryModel

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
FILES = ["portrait_orientation6_gps.jpg", "photo.webp", "alpha.png", "cmyk.jpg"]


@pytest.fixture
def ids(demo_ctx: AppContext) -> list[str]:
    product_id = save_product(demo_ctx, {"name": "Jarrón de barro", "origin_country": "HN"})
    assert not add_photos(demo_ctx, product_id, [PHOTOS / name for name in FILES]).failed
    return photo_ids(demo_ctx, product_id=product_id)


def test_the_first_screens_thumbnails_load_with_the_ids_without_a_paint(
    qtbot: QtBot, demo_ctx: AppContext, ids: list[str]
) -> None:
    model = PhotoGalleryModel(demo_ctx)  # no view: nothing is ever painted
    model.first_screen = 2
    model.set_ids(ids, photos_by_id(demo_ctx, ids))
    qtbot.waitUntil(lambda: all(model.thumbnail(i) is not None for i in ids[:2]), timeout=10_000)
    model.loads.wait()
    qtbot.wait(50)  # anything else asked would have arrived by now
    assert [model.thumbnail(i) is not None for i in ids] == [True, True, False, False]
    model.shutdown()


def test_the_view_counts_its_first_screen_and_shows_a_grid(
    qtbot: QtBot, demo_ctx: AppContext, ids: list[str]
) -> None:
    model = PhotoGalleryModel(demo_ctx)
    gallery = PhotoGallery(model)
    qtbot.addWidget(gallery)
    grid = gallery.gridSize()
    gallery.resize(grid.width() * 3 + 40, grid.height() * 2 + 10)
    gallery.show()
    qtbot.waitExposed(gallery)
    viewport = gallery.viewport().size()
    across = viewport.width() // grid.width()
    assert across >= 2
    assert model.first_screen == across * -(-viewport.height() // grid.height())
    model.set_ids(ids, photos_by_id(demo_ctx, ids))
    qtbot.waitUntil(lambda: gallery.visualRect(model.index(1)).isValid())
    first, second = (gallery.visualRect(model.index(row)) for row in (0, 1))
    # Side by side on one row, a grid cell apart; the next row starts under the first.
    assert second.top() == first.top() and second.left() - first.left() == grid.width()
    third_row = gallery.visualRect(model.index(across))
    assert third_row.left() == first.left() and third_row.top() - first.top() == grid.height()
    assert gallery.acceptDrops()
    model.shutdown()
