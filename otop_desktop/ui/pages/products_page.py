"""Products made by trainees and organisations, with their photos and a catalogue PDF.

Left, the products filtered by workshop, category, country and words; right, the photos of the
product selected (or of the whole workshop chosen in the filter).

Keyboard: Ctrl+F finds, Ctrl+N adds, Enter (or a double-click) edits, Delete deletes (asked
first, undoable with Ctrl+Z for a while).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.catalogue import write_catalogue
from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import list_organisations
from otop_desktop.services.products import ProductInfo, delete_product, undelete_product
from otop_desktop.services.products import list_products as _list_products
from otop_desktop.services.workshops import list_workshops
from otop_desktop.ui.dialogs.catalogue_dialog import CatalogueDialog
from otop_desktop.ui.dialogs.organisation_dialog import ORGANISATIONS
from otop_desktop.ui.dialogs.product_dialog import ProductDialog
from otop_desktop.ui.file_chooser import DialogFileChooser, FileChooser, FileType
from otop_desktop.ui.latest_load import LatestLoad
from otop_desktop.ui.models.product_table import (
    PHOTOS,
    PRODUCTS,
    ProductFilter,
    product_columns,
)
from otop_desktop.ui.models.row_table import RECORD_ROLE, RowTableModel
from otop_desktop.ui.qt_locale import sorted_for_humans
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.tasks import TRAINEES, WORKSHOPS, TaskRunner
from otop_desktop.ui.views import table_view
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.photo_panel import PhotoPanel
from otop_desktop.ui.widgets.undo_bar import UndoBar, confirm

_HEADER_KEY = "products/header"
_SPLITTER_KEY = "products/splitter"
_FILTER_KEYS = ("products/workshop", "products/category", "products/country")


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
        self.catalogue_dialog: CatalogueDialog | None = None
        self.preview: QWidget | None = None
        self.chooser: FileChooser = DialogFileChooser("products/catalogue_folder")

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

        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.setToolTip(_("Workshop"))
        self.workshop_combo.addItem(_("All workshops"), None)
        self.category_combo = QComboBox()
        self.category_combo.setToolTip(_("Category"))
        self.category_combo.addItem(_("All categories"), None)
        for category in ProductCategory:
            self.category_combo.addItem(formatting.first_upper(category.label()), category.value)
        self.country_combo = mark_data(QComboBox())
        self.country_combo.setToolTip(_("Country of origin"))
        self.country_combo.addItem(_("All countries"), None)
        # Narrow enough for a small window; the open list is as wide as its longest entry.
        for combo in (self.workshop_combo, self.category_combo, self.country_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(_("Find by name, maker or town (Ctrl+F)"))
        self.filter_edit.setMinimumWidth(120)
        self.count_label = QLabel()
        find = QHBoxLayout()
        for widget in (self.workshop_combo, self.category_combo, self.country_combo):
            find.addWidget(widget)
        find.addWidget(self.filter_edit, 1)
        find.addSpacing(8)
        find.addWidget(self.count_label)

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
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Sized for the left two thirds of a 1366 px screen; cells cut short say all on hover.
        metrics = self.view.fontMetrics()
        header.setMinimumSectionSize(40)
        for column, chars in ((1, 11), (2, 16), (3, 17), (4, 17), (5, 6)):
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
        layout.addLayout(find)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.splitter, 1)

        self._shortcuts()
        self._restore_state()
        self.filter_edit.textChanged.connect(lambda _t: self._apply_filters())
        for combo in (self.workshop_combo, self.category_combo, self.country_combo):
            combo.activated.connect(lambda _row: self._filters_chosen())
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
        # Window shortcuts of a hidden page do not fire: these mean something on this page only.
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_filter),
            (QKeySequence.StandardKey.New, self.new_product),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_product)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # --- remembered state ---------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = app_settings()
        state = settings.value(_SPLITTER_KEY)
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        else:
            self.splitter.setSizes([660, 330])
        header = self.view.horizontalHeader()
        state = settings.value(_HEADER_KEY)
        if isinstance(state, QByteArray) and header.restoreState(state):
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            self.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        # Filters whose choices arrive later (workshops, countries) are set once loaded.
        self._wanted = [str(settings.value(key, "") or "") or None for key in _FILTER_KEYS]
        self._choose(self.category_combo, self._wanted[1])

    def _save_state(self) -> None:
        settings = app_settings()
        settings.setValue(_SPLITTER_KEY, self.splitter.saveState())
        settings.setValue(_HEADER_KEY, self.view.horizontalHeader().saveState())

    def _save_filters(self) -> None:
        settings = app_settings()
        combos = (self.workshop_combo, self.category_combo, self.country_combo)
        for key, combo in zip(_FILTER_KEYS, combos, strict=True):
            settings.setValue(key, combo.currentData() or "")

    @staticmethod
    def _choose(combo: QComboBox, data: str | None) -> None:
        row = combo.findData(data) if data else 0
        combo.setCurrentIndex(max(row, 0))

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the products again, in the background."""
        self._load.reload()

    def _loaded(self, rows: list[ProductInfo]) -> None:
        keep = self._select_after_load or self._selected_id
        self._select_after_load = None
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)
        self._fill_countries(rows)
        self._apply_filters(keep)

    def _workshops_loaded(self, workshops: list[Any]) -> None:
        self._workshops = [(w.id, w.title) for w in workshops]
        current = self.workshop_combo.currentData() or self._wanted[0]
        self.workshop_combo.clear()
        self.workshop_combo.addItem(_("All workshops"), None)
        for workshop_id, title in self._workshops:
            self.workshop_combo.addItem(title, workshop_id)
        self._choose(self.workshop_combo, current)
        self._apply_filters()

    def _organisations_loaded(self, organisations: list[Any]) -> None:
        self._organisations = [(o.id, o.name) for o in organisations]

    def _fill_countries(self, rows: list[ProductInfo]) -> None:
        # The countries products come from, not every country of the world.
        current = self.country_combo.currentData() or self._wanted[2]
        codes = {p.origin_country for p in rows if p.origin_country}
        self.country_combo.clear()
        self.country_combo.addItem(_("All countries"), None)
        for code, name in sorted_for_humans((c, formatting.country_name(c)) for c in codes):
            self.country_combo.addItem(name, code)
        self._choose(self.country_combo, current)

    # --- filtering ----------------------------------------------------------------------------

    def _filters_chosen(self) -> None:
        self._wanted = [c.currentData() for c in self._filter_combos()]
        self._save_filters()
        self._apply_filters()

    def _filter_combos(self) -> tuple[QComboBox, QComboBox, QComboBox]:
        return self.workshop_combo, self.category_combo, self.country_combo

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
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.filtered.rowCount(), self.model.rowCount()
        text = ngettext("{n} product", "{n} products", total).format(n=formatting.number(total))
        if shown != total:
            text = _("{shown} of {total}").format(shown=formatting.number(shown), total=text)
        self.count_label.setText(text)

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

    def make_catalogue(self) -> CatalogueDialog:
        """Choose the products and the language, then where the PDF goes."""
        workshop_id = self.workshop_combo.currentData()
        if self.catalogue_dialog is not None:
            self.catalogue_dialog.deleteLater()
        dialog = CatalogueDialog(
            workshop=(workshop_id, self.workshop_combo.currentText()) if workshop_id else None,
            selected=[p.id for p in self.selected_products()],
            shown=[p.id for p in self.shown_products()],
            parent=self,
        )
        dialog.accepted.connect(lambda: self._save_catalogue(dialog))
        self.catalogue_dialog = dialog
        dialog.open()
        return dialog

    def _save_catalogue(self, dialog: CatalogueDialog) -> None:
        out = self.chooser.save_file(
            self, _("Save the catalogue"), dialog.file_name(), [FileType(_("PDF files"), (".pdf",))]
        )
        if out is None:
            return
        work = functools.partial(
            write_catalogue,
            self._ctx,
            out,
            workshop_id=dialog.workshop_id,
            product_ids=dialog.product_ids,
            locale=dialog.language,
        )
        self._runner.run(
            work,
            on_done=self._catalogue_written,
            progress=True,
            title=_("Writing the catalogue…"),
        )

    def _catalogue_written(self, path: Path) -> None:
        from otop_desktop.ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

        if self.preview is not None:
            self.preview.deleteLater()
        preview = PdfPreviewDialog(path, self, note=_("Saved as {path}").format(path=path))
        self.preview = preview
        preview.open()

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
