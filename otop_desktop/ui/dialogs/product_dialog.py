"""The dialog for a new or an existing product; errors show next to their field."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.enums import ProductCategory
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.products import ProductInfo, save_product
from otop_desktop.ui.models.product_table import PRODUCTS
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.country_combo import CountryCombo
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldErrors, FormSave
from otop_desktop.ui.widgets.trainee_picker import TraineePicker

# The programme's currencies first; any other ISO code can be typed.
CURRENCIES = ("HNL", "GTQ", "NIO", "USD", "TWD", "PYG", "BZD", "VND", "THB")
_FIELD_WIDTH = 360


class ProductDialog(QDialog):
    """Name, category, maker, workshop, origin, description, materials and price."""

    saved = Signal(str)  # the product id

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        product: ProductInfo | None = None,
        workshops: Sequence[tuple[str, str]] = (),
        organisations: Sequence[tuple[str, str]] = (),
        workshop_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.product = product
        self.setWindowTitle(_("Edit product") if product else _("New product"))

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("e.g. Lenca clay jar"))
        self.category_combo = QComboBox()
        self.category_combo.addItem("", None)
        for category in ProductCategory:
            self.category_combo.addItem(formatting.first_upper(category.label()), category.value)
        self.trainee_picker = TraineePicker(ctx, runner)
        self.organisation_combo = mark_data(QComboBox())
        self.organisation_combo.addItem("", None)
        for organisation_id, name in organisations:
            self.organisation_combo.addItem(name, organisation_id)
        # One maker: choosing a trainee clears the organisation, and the other way round.
        self.trainee_picker.chosen.connect(lambda _id: self.organisation_combo.setCurrentIndex(0))
        self.organisation_combo.activated.connect(self._organisation_chosen)
        self.workshop_combo = mark_data(QComboBox())
        self.workshop_combo.addItem("", None)
        for id_, title in workshops:
            self.workshop_combo.addItem(title, id_)
        self.town_edit = QLineEdit()
        self.country_combo = CountryCombo()
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(
            self.description_edit.fontMetrics().lineSpacing() * 4 + 12
        )
        self.materials_edit = QLineEdit()
        self.materials_edit.setPlaceholderText(_("e.g. clay, natural dyes"))
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText(formatting.number(1250.5))
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItem("")
        self.currency_combo.addItems(list(CURRENCIES))
        self.currency_combo.setToolTip(
            _("Left empty, the price is in the currency of the country of origin.")
        )

        self.fields: dict[str, QWidget] = {
            "name": self.name_edit,
            "category": self.category_combo,
            "owner_trainee_id": self.trainee_picker,
            "owner_organisation_id": self.organisation_combo,
            "workshop_id": self.workshop_combo,
            "origin_town": self.town_edit,
            "origin_country": self.country_combo,
            "description": self.description_edit,
            "materials": self.materials_edit,
            "price": self.price_edit,
            "currency": self.currency_combo,
        }
        labels = {
            "name": _("Name"),
            "category": _("Category"),
            "owner_trainee_id": _("Made by (trainee)"),
            "owner_organisation_id": _("or by (organisation)"),
            "workshop_id": _("Workshop"),
            "origin_town": _("Town of origin"),
            "origin_country": _("Country of origin"),
            "description": _("Description"),
            "materials": _("Materials"),
            "price": _("Price"),
            "currency": _("Currency"),
        }
        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        form = self.field_errors.form(self.fields, labels, _FIELD_WIDTH)
        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        self.saver = FormSave(self.field_errors, self.save_button, runner.run, runner.show_error)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.field_errors.general)
        layout.addWidget(buttons)
        if product is not None:
            self._fill(product)
        else:
            self._select(self.workshop_combo, workshop_id)
        self.name_edit.setFocus()

    @staticmethod
    def _select(combo: QComboBox, data: str | None) -> None:
        combo.setCurrentIndex(max(0, combo.findData(data)) if data else 0)

    def _organisation_chosen(self, _row: int) -> None:
        if self.organisation_combo.currentData():
            self.trainee_picker.set_trainee(None, None)

    def _fill(self, product: ProductInfo) -> None:
        self.name_edit.setText(product.name)
        self._select(self.category_combo, product.category)
        self.trainee_picker.set_trainee(product.owner_trainee_id, product.owner_trainee_name)
        self._select(self.organisation_combo, product.owner_organisation_id)
        if product.workshop_id and self.workshop_combo.findData(product.workshop_id) < 0:
            # An archived or otherwise unlisted workshop stays as it was.
            self.workshop_combo.addItem(product.workshop_title or "?", product.workshop_id)
        self._select(self.workshop_combo, product.workshop_id)
        self.town_edit.setText(product.origin_town or "")
        self.country_combo.set_code(product.origin_country)
        self.description_edit.setPlainText(product.description or "")
        self.materials_edit.setText(product.materials or "")
        # The amount as this language writes numbers, so it is typed back the same way.
        self.price_edit.setText(
            formatting.number(product.price) if product.price is not None else ""
        )
        self.currency_combo.setEditText(product.currency or "")

    def values(self) -> dict[str, Any]:
        """What the form holds, as `save_product` takes it (the price as typed)."""
        return {
            "name": self.name_edit.text(),
            "category": self.category_combo.currentData(),
            "owner_trainee_id": self.trainee_picker.trainee_id(),
            "owner_organisation_id": self.organisation_combo.currentData(),
            "workshop_id": self.workshop_combo.currentData(),
            "origin_town": self.town_edit.text(),
            "origin_country": self.country_combo.code(),
            "description": self.description_edit.toPlainText(),
            "materials": self.materials_edit.text(),
            "price": self.price_edit.text(),
            "currency": self.currency_combo.currentText().strip().upper() or None,
        }

    def save(self) -> None:
        """Save in the background; close when saved, else show what is wrong by its field."""
        product_id = self.product.id if self.product else None
        work = functools.partial(save_product, self._ctx, self.values(), product_id)
        self.saver.start(work, self._saved, (PRODUCTS,))

    def _saved(self, product_id: str) -> None:
        self.saved.emit(product_id)
        self.accept()

    def show_errors(self, exc: ValidationError | None) -> None:
        """Show `exc` under its field, or clear every message."""
        self.field_errors.show(exc)
