"""The Products page: the table and its filters, the product dialog, delete and Undo, adding
photos (with a file that is not a photo), the catalogue and the webcam without a camera."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from otop_desktop.i18n import formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import list_organisations
from otop_desktop.services.photos import photo_ids, photos_by_id
from otop_desktop.services.products import get_product, list_products, save_product
from otop_desktop.services.trainees import search_trainees
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs.photo_adding import AddSummaryDialog, photo_options
from otop_desktop.ui.dialogs.webcam_dialog import WebcamDialog, cameras
from otop_desktop.ui.file_chooser import FileType
from otop_desktop.ui.models.row_table import RECORD_ROLE
from otop_desktop.ui.pages.products_page import ProductsPage
from otop_desktop.ui.tasks import TaskRunner

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"


class _Chooser:
    """Answers the photo dialogs with given files, and the save dialog with a path."""

    def __init__(self, files: list[Path], save_to: Path | None = None) -> None:
        self.files = files
        self.save_to = save_to

    def photo_files(self, parent: QWidget) -> list[Path]:
        return self.files

    def photo_folder(self, parent: QWidget) -> Path | None:
        return self.files[0].parent if self.files else None

    def open_file(self, parent: QWidget, title: str, types: object) -> Path | None:
        return None

    def save_file(
        self, parent: QWidget, title: str, name: str, types: list[FileType]
    ) -> Path | None:
        return self.save_to


@pytest.fixture
def page(qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner) -> Iterator[ProductsPage]:
    widget = ProductsPage(demo_ctx, runner)
    qtbot.addWidget(widget)
    widget.resize(1180, 660)
    widget.show()
    assert runner.wait_idle(10_000)
    yield widget
    widget.shutdown()


def _names(page: ProductsPage) -> list[str]:
    return [
        page.filtered.index(row, 0).data(RECORD_ROLE).name
        for row in range(page.filtered.rowCount())
    ]


def _select(page: ProductsPage, name: str) -> None:
    # Not selectRow(): a Ctrl left pressed by an earlier test would make it a toggle.
    index = page.filtered.index(_names(page).index(name), 0)
    flags = QItemSelectionModel.SelectionFlag
    page.view.selectionModel().select(index, flags.ClearAndSelect | flags.Rows)


def test_a_product_is_added_edited_deleted_and_brought_back(
    page: ProductsPage, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    before = len(list_products(demo_ctx))
    trainee = search_trainees(demo_ctx, limit=1)[0]
    dialog = page.new_product()
    dialog.name_edit.setText("Cántaro lenca")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("pottery"))
    dialog.trainee_picker.set_trainee(trainee.id, trainee.display_name)
    dialog.country_combo.set_code("HN")
    dialog.town_edit.setText("La Campa")
    dialog.price_edit.setText("1,250.50")
    dialog.save()
    assert runner.wait_idle()
    assert not dialog.isVisible()
    saved = next(p for p in list_products(demo_ctx) if p.name == "Cántaro lenca")
    assert saved.price == Decimal("1250.50") and saved.currency == "HNL"
    assert saved.owner_trainee_id == trainee.id
    # The new product is selected, its row shows the price as money and the maker's name.
    chosen = page.selected()
    assert chosen is not None and chosen.id == saved.id
    row = _names(page).index("Cántaro lenca")
    assert page.filtered.index(row, 4).data() == formatting.money(Decimal("1250.50"), "HNL", "HN")
    assert page.filtered.index(row, 2).data() == trainee.display_name

    edit = page.edit_product()
    assert edit is not None
    assert edit.trainee_picker.text() == trainee.display_name
    edit.name_edit.setText("Cántaro lenca grande")
    edit.save()
    assert runner.wait_idle()
    assert get_product(demo_ctx, saved.id).name == "Cántaro lenca grande"

    box = page.delete_product()
    assert box is not None
    yes = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    )
    yes.click()
    assert runner.wait_idle()
    assert len(list_products(demo_ctx)) == before
    assert page.undo_bar.isVisible()
    page.undo_bar.undo()
    assert runner.wait_idle()
    assert len(list_products(demo_ctx)) == before + 1
    assert "Cántaro lenca grande" in _names(page)


def test_errors_show_under_their_field(page: ProductsPage, runner: TaskRunner) -> None:
    dialog = page.new_product()
    dialog.save()
    assert runner.wait_idle()
    assert dialog.isVisible()
    assert dialog.errors["name"].isVisibleTo(dialog)
    dialog.name_edit.setText("Petate")
    dialog.price_edit.setText("twelve")
    dialog.save()
    assert runner.wait_idle()
    assert dialog.errors["price"].isVisibleTo(dialog)
    assert not dialog.errors["name"].isVisibleTo(dialog)
    dialog.reject()


def test_the_filters_keep_the_products_asked_for(
    page: ProductsPage, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    first, second = list_workshops(demo_ctx)[:2]
    organisation = list_organisations(demo_ctx)[0]
    save_product(
        demo_ctx,
        {"name": "Silla de bambú", "category": "bamboo", "workshop_id": first.id,
         "origin_country": "GT", "owner_organisation_id": organisation.id},
    )  # fmt: skip
    save_product(
        demo_ctx,
        {"name": "竹編提籃", "category": "bamboo", "workshop_id": second.id,
         "origin_country": "TW", "materials": "桂竹"},
    )  # fmt: skip
    page.reload()
    assert runner.wait_idle()
    every = _names(page)
    assert {"Silla de bambú", "竹編提籃"} <= set(every)

    page.workshop_combo.setCurrentIndex(page.workshop_combo.findData(first.id))
    page.workshop_combo.activated.emit(page.workshop_combo.currentIndex())
    shown = [p for p in page.shown_products()]
    assert shown and all(p.workshop_id == first.id for p in shown)
    assert "Silla de bambú" in _names(page) and "竹編提籃" not in _names(page)

    page.workshop_combo.setCurrentIndex(0)
    page.category_combo.setCurrentIndex(page.category_combo.findData("bamboo"))
    page.category_combo.activated.emit(page.category_combo.currentIndex())
    assert all(p.category == "bamboo" for p in page.shown_products())
    assert {"Silla de bambú", "竹編提籃"} <= set(_names(page))

    page.country_combo.setCurrentIndex(page.country_combo.findData("TW"))
    page.country_combo.activated.emit(page.country_combo.currentIndex())
    assert _names(page) == ["竹編提籃"]

    page.country_combo.setCurrentIndex(0)
    page.country_combo.activated.emit(0)
    page.filter_edit.setText("桂竹")  # a material
    assert _names(page) == ["竹編提籃"]
    page.filter_edit.setText(organisation.name.split()[0])  # the maker
    assert "Silla de bambú" in _names(page)
    assert "竹編提籃" not in _names(page)

    # The filters are remembered by the next page.
    again = ProductsPage(demo_ctx, runner)
    assert runner.wait_idle()
    assert again.category_combo.currentData() == "bamboo"
    again.shutdown()
    again.deleteLater()


def test_adding_photos_lists_the_files_that_could_not_be_added(
    page: ProductsPage, demo_ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    product_id = save_product(demo_ctx, {"name": "Hamaca", "origin_country": "NI"})
    page.reload()
    assert runner.wait_idle()
    _select(page, "Hamaca")
    assert page.photos.add_button.isEnabled()
    broken = tmp_path / "hamaca-rota.jpg"
    shutil.copy(PHOTOS / "not_a_photo.jpg", broken)
    files = [PHOTOS / "portrait_orientation6_gps.jpg", PHOTOS / "photo.webp", broken]
    page.photos.chooser = _Chooser(files)
    page.photos.add_files()
    assert runner.wait_idle(20_000)
    summary = page.photos.summary
    assert isinstance(summary, AddSummaryDialog) and summary.isVisible()
    assert "2 photos added" in summary.summary_label.text()
    assert "1 could not be added" in summary.summary_label.text()
    assert summary.details.isVisibleTo(summary)
    assert "hamaca-rota.jpg" in summary.details.toPlainText()
    assert len(photo_ids(demo_ctx, product_id=product_id)) == 2
    assert page.photos.model.rowCount() == 2
    assert page.selected() is not None and page.selected().photo_count == 2  # type: ignore[union-attr]

    # The same photos again: nothing new is stored.
    page.photos.add_paths(files[:1])
    assert runner.wait_idle(20_000)
    assert "1 already there" in page.photos.summary.summary_label.text()  # type: ignore[union-attr]
    assert len(photo_ids(demo_ctx, product_id=product_id)) == 2


def test_without_a_camera_taking_a_photo_is_disabled_and_says_why(
    page: ProductsPage, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    assert not cameras()  # offscreen CI: none
    save_product(demo_ctx, {"name": "Tapiz", "origin_country": "GT"})
    page.reload()
    assert runner.wait_idle()
    _select(page, "Tapiz")
    assert page.selected() is not None
    assert not page.photos.camera_button.isEnabled()
    assert page.photos.camera_button.toolTip() == "No camera found"


def test_a_frame_from_the_camera_is_added_like_a_file(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    product_id = save_product(demo_ctx, {"name": "Jarrón", "origin_country": "HN"})
    dialog = WebcamDialog(demo_ctx, runner, product_id, photo_options())
    qtbot.addWidget(dialog)
    assert not dialog.take_button.isEnabled()
    frame = QImage(640, 480, QImage.Format.Format_RGB32)
    frame.fill(QColor("#a0522d"))
    with qtbot.waitSignal(dialog.photo_added, timeout=10_000) as added:
        dialog.save_image(frame)
    info = added.args[0]
    assert (info.width, info.height) == (640, 480)
    assert [p.id for p in photos_by_id(demo_ctx, photo_ids(demo_ctx, product_id=product_id))] == [
        info.id
    ]
    assert "1 photo taken" in dialog.status_label.text()


def test_the_catalogue_is_written_for_the_workshop_and_previewed(
    page: ProductsPage, demo_ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    workshop = list_workshops(demo_ctx)[0]
    save_product(demo_ctx, {"name": "Canasta", "workshop_id": workshop.id, "origin_country": "HN"})
    page.reload()
    assert runner.wait_idle()
    page.workshop_combo.setCurrentIndex(page.workshop_combo.findData(workshop.id))
    page.workshop_combo.activated.emit(page.workshop_combo.currentIndex())
    out = tmp_path / "catalogo.pdf"
    page.chooser = _Chooser([], out)
    dialog = page.make_catalogue()
    assert dialog.workshop_radio.isChecked()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("es"))
    assert dialog.workshop_id == workshop.id and dialog.language == "es"
    dialog.accept()
    assert runner.wait_idle(30_000)
    assert out.read_bytes().startswith(b"%PDF")
    assert page.preview is not None and page.preview.isVisible()
    page.preview.close()
