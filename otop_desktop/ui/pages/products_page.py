"""Products made by trainees and organisations, with their photos and a catalogue PDF.

Left, the products filtered by workshop, category, country and words; right, the photos of the
product selected (or of the whole workshop chosen in the filter).

Keyboard: Ctrl+F finds, Ctrl+N adds, Enter (or a double-click) edits, Delete deletes (asked
first, undoable with Ctrl+Z for a while).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import list_organisations
from otop_desktop.services.products import ProductInfo, delete_product, undelete_product
from otop_desktop.services.products import list_products as _list_products
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs.catalogue_dialog import CatalogueDialog
from otop_desktop.ui.dialogs.organisation_dialog import ORGANISATIONS
from otop_desktop.ui.dialogs.product_dialog import ProductDialog
from otop_desktop.ui.file_chooser import FileChooser
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.product_table import (
    PHOTOS,
    PRODUCTS,
    ProductFilter,
    product_columns,
)
from otop_desktop.ui.models.row_table import RECORD_ROLE, RowTableModel
from otop_desktop.ui.pages.product_catalogue import CatalogueWork
from otop_desktop.ui.pages.product_filters import ProductFilterBar
from otop_desktop.ui.settings import app_settings, restore_splitter, restore_table
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import page_shortcuts, table_shortcuts, table_view
from otop_desktop.ui.widgets.photo_panel import PhotoPanel
from otop_desktop.ui.widgets.undo_bar import UndoBar, confirm

_HEADER_KEY = "products/columns"
_STRETCHED = 3  # the origin column
_SPLITTER_KEY = "products/splitter"


def list_products(ctx: AppContext) -> list[ProductInfo]:
    """Every live product (the page filters them itself, at once as the filters change)."""
    return _list_products(ctx)


class ProductsPage(QWidget):
    """Filters, the products table, and the photos of the selected product."""

    key = "products"

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._selected_id: str | None = None
        self._select_after_load: str | None = None
        self._workshops: list[tuple[str, str]] = []
        self._organisations: list[tuple[str, str]] = []
        self.dialog: ProductDialog | None = None
        self.catalogue = CatalogueWork(ctx, runner, self)

        self.title = _("Products")
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        self.new_button = QPushButton(_("New product…"))
        self.new_button.setToolTip(_("New product (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_product)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Edit the product (Enter)"))
        self.edit_button.clicked.connect(self.edit_product)
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setToolTip(_("Delete the product and its photos (Delete)"))
        self.delete_button.clicked.connect(self.delete_product)
        self.catalogue_button = QPushButton(_("Catalogue PDF…"))
        self.catalogue_button.setToolTip(_("A page per product, for fairs and buyers"))
        self.catalogue_button.clicked.connect(self.make_catalogue)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        for button in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.catalogue_button,
        ):
            top.addWidget(button)

        self.filters = ProductFilterBar()
        # The filters under the names the page has always had.
        self.workshop_combo = self.filters.workshop_combo
        self.category_combo = self.filters.category_combo
        self.country_combo = self.filters.country_combo
        self.filter_edit = self.filters.filter_edit
        self.count_label = self.filters.count_label

        self.undo_bar = UndoBar(self)
        self.model: RowTableModel[ProductInfo] = RowTableModel(product_columns(), self)
        self.filtered = ProductFilter(self)
        self.filtered.setSourceModel(self.model)
        self.view = table_view(self.filtered)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # by name, as loaded
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # The origin takes what is left: a product's name cut to "Cánta…" says nothing, a town
        # cut short still does. Sized for the left two thirds of a 1366 px screen; cells cut
        # short say all on hover.
        header.setSectionResizeMode(_STRETCHED, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        header.setMinimumSectionSize(40)
        for column, chars in ((0, 18), (1, 10), (2, 15), (4, 15), (5, 5)):
            header.resizeSection(column, metrics.averageCharWidth() * chars + 12)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.view.activated.connect(lambda _index: self.edit_product())
        self.empty_label = QLabel(
            _("No products yet. Add one with “New product…”."),
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        self.photos = PhotoPanel(ctx, runner)
        table = QWidget()
        table_layout = QVBoxLayout(table)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.empty_label)
        table_layout.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(table)
        self.splitter.addWidget(self.photos)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.splitter, 1)

        self._shortcuts()
        self._restore_state()
        self.filters.changed.connect(self._apply_filters)
        self.splitter.splitterMoved.connect(lambda *_args: self._save_state())
        header.sortIndicatorChanged.connect(lambda *_args: self._save_state())
        header.sectionResized.connect(lambda *_args: self._save_state())
        self._update_actions()

        self._load = LatestLoad(
            self, runner, (PRODUCTS, PHOTOS, TRAINEES, ORGANISATIONS, WORKSHOPS),
            list_products, ctx, on_loaded=self._loaded,
        )  # fmt: skip
        self._workshops_load = LatestLoad(
            self, runner, (WORKSHOPS,), list_workshops, ctx, on_loaded=self._workshops_loaded
        )
        self._organisations_load = LatestLoad(
            self, runner, (ORGANISATIONS,), list_organisations, ctx,
            on_loaded=self._organisations_loaded,
        )  # fmt: skip
        self._workshops_load.reload()
        self._organisations_load.reload()
        self.reload()

    def _shortcuts(self) -> None:
        page_shortcuts(
            self,
            (
                (QKeySequence.StandardKey.Find, self.focus_filter),
                (QKeySequence.StandardKey.New, self.new_product),
            ),
        )
        table_shortcuts(self.view, ((QKeySequence.StandardKey.Delete, self.delete_product),))

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # --- remembered state ---------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = app_settings()
        if not restore_splitter(settings, _SPLITTER_KEY, self.splitter):
            self.splitter.setSizes([660, 330])
        if restore_table(settings, _HEADER_KEY, self.view):
            header = self.view.horizontalHeader()
            header.setSectionResizeMode(_STRETCHED, QHeaderView.ResizeMode.Stretch)

    def _save_state(self) -> None:
        settings = app_settings()
        settings.setValue(_SPLITTER_KEY, self.splitter.saveState())
        settings.setValue(_HEADER_KEY, self.view.horizontalHeader().saveState())

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the products again, in the background."""
        self._load.reload()

    def _loaded(self, rows: list[ProductInfo]) -> None:
        keep = self._select_after_load or self._selected_id
        self._select_after_load = None
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)
        self.filters.set_countries(p.origin_country for p in rows if p.origin_country)
        self._apply_filters(keep)

    def _workshops_loaded(self, workshops: list[Any]) -> None:
        self._workshops = [(w.id, w.title) for w in workshops]
        self.filters.set_workshops(self._workshops)
        self._apply_filters()

    def _organisations_loaded(self, organisations: list[Any]) -> None:
        self._organisations = [(o.id, o.name) for o in organisations]

    # --- filtering ----------------------------------------------------------------------------

    def _apply_filters(self, keep: str | None = None) -> None:
        keep = keep or self._selected_id
        workshop_id = self.workshop_combo.currentData()
        self.filtered.set_filters(
            workshop_id=workshop_id,
            category=self.category_combo.currentData(),
            country=self.country_combo.currentData(),
            text=self.filter_edit.text(),
        )
        if workshop_id != self.photos.workshop_id:
            self.photos.set_workshop(workshop_id, self.workshop_combo.currentText())
        self._select(keep)
        self.filters.show_count(self.filtered.rowCount(), self.model.rowCount())

    # --- selection ----------------------------------------------------------------------------

    def _select(self, product_id: str | None) -> None:
        ids = [p.id for p in self.model.records()]
        source = ids.index(product_id) if product_id in ids else -1
        row = self.filtered.mapFromSource(self.model.index(source, 0)).row() if source >= 0 else -1
        if row < 0 and self.filtered.rowCount() > 0:
            row = 0
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.filtered.index(row, 0))
        else:
            self.view.clearSelection()
        self._selection_changed()

    def _selection_changed(self) -> None:
        product = self.selected()
        self._selected_id = product.id if product else None
        self._update_actions()
        self.photos.show_product(product)

    def selected_products(self) -> list[ProductInfo]:
        """The selected products, in table order."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=QModelIndex.row)
        records = [index.data(RECORD_ROLE) for index in rows]
        return [r for r in records if isinstance(r, ProductInfo)]

    def selected(self) -> ProductInfo | None:
        """The current product when selected, else the first selected one."""
        chosen = self.selected_products()
        current = self.view.currentIndex().data(RECORD_ROLE)
        if isinstance(current, ProductInfo) and current in chosen:
            return current
        return chosen[0] if chosen else None

    def shown_products(self) -> list[ProductInfo]:
        records = (
            self.filtered.index(r, 0).data(RECORD_ROLE) for r in range(self.filtered.rowCount())
        )
        return [r for r in records if isinstance(r, ProductInfo)]

    def _update_actions(self) -> None:
        count = len(self.selected_products())
        self.edit_button.setEnabled(count == 1)
        self.delete_button.setEnabled(count >= 1)

    # --- actions ------------------------------------------------------------------------------

    def new_product(self) -> ProductDialog:
        """Open the dialog for a new product of the workshop filtered on (not blocking)."""
        return self._open(None)

    def edit_product(self) -> ProductDialog | None:
        """Open the selected product in its dialog (not blocking)."""
        product = self.selected()
        return self._open(product) if product else None

    def _open(self, product: ProductInfo | None) -> ProductDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = ProductDialog(
            self._ctx,
            self._runner,
            self,
            product=product,
            workshops=self._workshops,
            organisations=self._organisations,
            workshop_id=self.workshop_combo.currentData(),
        )
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, product_id: str) -> None:
        # The runner announces PRODUCTS right after; that reload selects the one saved.
        self._select_after_load = product_id

    def delete_product(self) -> QMessageBox | None:
        """Ask, then delete the selected products with their photos; Undo brings them back."""
        products = self.selected_products()
        if not products:
            return None
        if len(products) == 1:
            text = _("Delete “{name}” and its photos? You can undo it right after.").format(
                name=products[0].name
            )
        else:
            text = ngettext(
                "Delete {n} product and its photos? You can undo it right after.",
                "Delete {n} products and their photos? You can undo it right after.",
                len(products),
            ).format(n=formatting.number(len(products)))
        return confirm(
            self, _("Delete products"), text, _("Delete"), lambda: self._delete(products)
        )

    def _delete(self, products: list[ProductInfo]) -> None:
        ids = [p.id for p in products]
        if len(products) == 1:
            done = _("Product “{name}” deleted.").format(name=products[0].name)
        else:
            done = ngettext("{n} product deleted.", "{n} products deleted.", len(ids)).format(
                n=formatting.number(len(ids))
            )
        self._runner.run(
            _for_each(delete_product),
            self._ctx,
            ids,
            on_done=lambda _none: self.undo_bar.offer(done, lambda: self._undelete(ids)),
            changes=(PRODUCTS, PHOTOS),
        )

    def _undelete(self, ids: list[str]) -> None:
        self._select_after_load = ids[0]
        self._runner.run(_for_each(undelete_product), self._ctx, ids, changes=(PRODUCTS, PHOTOS))

    # --- the catalogue ------------------------------------------------------------------------

    @property
    def chooser(self) -> FileChooser:
        """Where the catalogue PDF goes is asked with this (tests give their own)."""
        return self.catalogue.chooser

    @chooser.setter
    def chooser(self, chooser: FileChooser) -> None:
        self.catalogue.chooser = chooser

    @property
    def catalogue_dialog(self) -> CatalogueDialog | None:
        return self.catalogue.dialog

    @property
    def preview(self) -> QWidget | None:
        return self.catalogue.preview

    def make_catalogue(self) -> CatalogueDialog:
        """Choose the products and the language, then where the PDF goes."""
        workshop_id = self.workshop_combo.currentData()
        return self.catalogue.make(
            (workshop_id, self.workshop_combo.currentText()) if workshop_id else None,
            selected=[p.id for p in self.selected_products()],
            shown=[p.id for p in self.shown_products()],
        )

    def shutdown(self) -> None:
        """Stop the gallery's background loads (before the database closes)."""
        self.photos.shutdown()


def _for_each(
    action: Callable[[AppContext, str], object],
) -> Callable[[AppContext, list[str]], None]:
    """`action(ctx, id)` for each of a list of ids, as one piece of background work."""

    def run(ctx: AppContext, ids: list[str]) -> None:
        for record_id in ids:
            action(ctx, record_id)

    return run
