"""The products table: its columns and the filter by workshop, category, country and words."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, formatting
from otop_desktop.services.products import ProductInfo
from otop_desktop.ui.models.row_table import RECORD_ROLE, SORT_ROLE, Column

# What the runner announces after products or their photos change (the page reloads).
PRODUCTS = "products"
PHOTOS = "photos"

AnyIndex = QModelIndex | QPersistentModelIndex


def category_text(product: ProductInfo) -> str:
    return formatting.first_upper(formatting.label_of(ProductCategory, product.category))


def maker(product: ProductInfo) -> str:
    """Who makes it: the trainee, else the organisation."""
    return product.owner_trainee_name or product.owner_organisation_name or ""


def origin(product: ProductInfo) -> str:
    """ "Town, Country" as far as known."""
    parts = [product.origin_town or "", formatting.country_name(product.origin_country)]
    return ", ".join(p for p in parts if p)


def price_text(product: ProductInfo) -> str:
    return formatting.money(product.price, product.currency, product.origin_country)


def product_columns() -> list[Column[ProductInfo]]:
    return [
        Column(_("Name"), lambda p: p.name),
        Column(_("Category"), category_text),
        Column(_("Maker"), maker),
        Column(_("Origin"), origin),
        Column(
            _("Price"),
            price_text,
            # Amounts of two currencies are not compared: by currency, then by amount.
            lambda p: (p.currency or "", p.price if p.price is not None else -1),
            numeric=True,
        ),
        Column(
            _("Photos"),
            lambda p: formatting.number(p.photo_count),
            lambda p: p.photo_count,
            numeric=True,
        ),
    ]


class ProductFilter(QSortFilterProxyModel):
    """Keeps the products of the chosen workshop, category and country holding every word."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workshop_id: str | None = None
        self.category: str | None = None
        self.country: str | None = None
        self.words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setSortLocaleAware(True)

    def set_filters(
        self,
        *,
        workshop_id: str | None,
        category: str | None,
        country: str | None,
        text: str,
    ) -> None:
        self.beginFilterChange()
        self.workshop_id = workshop_id
        self.category = category
        self.country = country
        self.words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, product: ProductInfo) -> bool:
        if self.workshop_id and product.workshop_id != self.workshop_id:
            return False
        if self.category and product.category != self.category:
            return False
        if self.country and product.origin_country != self.country:
            return False
        if not self.words:
            return True
        haystack = fold(
            " ".join(
                [
                    product.name,
                    category_text(product),
                    maker(product),
                    origin(product),
                    product.materials or "",
                    product.description or "",
                ]
            )
        )
        return all(word in haystack for word in self.words)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        record = self.sourceModel().index(source_row, 0, source_parent).data(RECORD_ROLE)
        return not isinstance(record, ProductInfo) or self.accepts(record)
