"""The exchange rates the coordinator enters, dated: a list, a form to add one, delete.

Figures in different currencies are only ever added after conversion with these rates, and
shown as converted; a rate holds from its date until a newer one of the same pair.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel.numbers import format_decimal
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.prices import parse_price
from otop_desktop.i18n import _, formatting, pgettext
from otop_desktop.i18n.catalogs import babel_locale
from otop_desktop.services.context import AppContext
from otop_desktop.services.exchange_rates import RateInfo, delete_rate, list_rates, save_rate
from otop_desktop.ui.models.row_table import RECORD_ROLE, Column, RowTableModel
from otop_desktop.ui.owned_tasks import OwnedTasks
from otop_desktop.ui.qt_locale import date_edit_format, qt_locale
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.views import table_view
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.field_errors import FieldErrors
from otop_desktop.ui.widgets.undo_bar import confirm

# What the runner announces after a rate was added or deleted: converted figures reload.
RATES = "exchange-rates"
# The programme's currencies first; any other ISO code can be typed.
COMMON_CURRENCIES = ("USD", "HNL", "GTQ", "NIO", "TWD", "CRC", "SVC", "PAB", "DOP", "MXN")


def rate_text(rate: Decimal) -> str:
    """A rate with every digit entered ("0,0405" in Spanish), not rounded to three decimals."""
    return str(format_decimal(rate, locale=babel_locale(), decimal_quantization=False))


def rate_columns() -> list[Column[RateInfo]]:
    return [
        Column(pgettext("currency", "From"), lambda r: r.currency),
        Column(pgettext("currency", "To"), lambda r: r.target_currency),
        Column(
            pgettext("exchange", "Rate"),
            lambda r: rate_text(r.rate),
            sort_key=lambda r: r.rate,
            numeric=True,
            tooltip=lambda r: _("1 {currency} = {rate} {target}").format(
                currency=r.currency, rate=rate_text(r.rate), target=r.target_currency
            ),
        ),
        Column(_("Valid from"), lambda r: formatting.day(r.valid_from), lambda r: r.valid_from),
        Column(_("Note"), lambda r: r.note or ""),
    ]


def _currency_combo(code: str) -> QComboBox:
    combo = mark_data(QComboBox())
    combo.setEditable(True)
    combo.addItems(list(COMMON_CURRENCIES))
    combo.setCurrentText(code)
    line = combo.lineEdit()
    if line is not None:
        line.setMaxLength(3)
    return combo


def _rate_value(text: str) -> Decimal | str:
    """The rate typed in the current language; text the service cannot read goes as it is,
    for its message."""
    try:
        return parse_price(text) or text
    except ValidationError:
        return text


class ExchangeRatesDialog(QDialog):
    """Every rate entered, newest last per pair; a form under the list adds one."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._tasks = OwnedTasks(self, runner)
        self._saving = False
        self.question: QMessageBox | None = None
        self.setWindowTitle(_("Exchange rates"))
        self.setLocale(qt_locale())

        explanation = QLabel(
            _(
                "Amounts in different currencies are never added as they are. To compare "
                "them, enter how much one unit of a currency is worth in another from a date; "
                "the rate holds until a newer one of the same pair."
            )
        )
        explanation.setWordWrap(True)
        self.model: RowTableModel[RateInfo] = RowTableModel(rate_columns(), self)
        self.view = table_view(self.model)
        self.view.setMinimumHeight(160)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self.empty_label = QLabel(_("No exchange rates yet."))
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setToolTip(_("Delete the selected rate"))
        self.delete_button.clicked.connect(self.delete_selected)
        list_bar = QHBoxLayout()
        list_bar.addWidget(self.empty_label, 1)
        list_bar.addWidget(self.delete_button)

        add_heading = QLabel(_("Add a rate"))
        add_heading.setObjectName("sectionHeading")
        self.currency_combo = _currency_combo("HNL")
        self.target_combo = _currency_combo("USD")
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText(
            _("e.g. {example}").format(example=rate_text(Decimal("0.0405")))
        )
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(date_edit_format())
        self.date_edit.setLocale(qt_locale())
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(_("e.g. central bank rate"))
        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label, widget in (
            ("currency", _("1 unit of"), self.currency_combo),
            ("target_currency", _("is worth, in"), self.target_combo),
            ("rate", pgettext("exchange", "Rate"), self.rate_edit),
            ("valid_from", _("Valid from"), self.date_edit),
            ("note", _("Note"), self.note_edit),
        ):
            self.field_errors.add_row(form, name, label, widget)
        self.add_button = QPushButton(_("Add rate"))
        self.add_button.clicked.connect(self.add_rate)
        self.add_button.setAutoDefault(True)
        self.add_button.setDefault(True)
        add_bar = QHBoxLayout()
        add_bar.addWidget(self.field_errors.general, 1)
        add_bar.addWidget(self.add_button)

        close = QDialogButtonBox()
        close_button = QPushButton(_("Close"))
        close_button.setAutoDefault(False)
        close.addButton(close_button, QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.view, 1)
        layout.addLayout(list_bar)
        layout.addSpacing(6)
        layout.addWidget(add_heading)
        layout.addLayout(form)
        layout.addLayout(add_bar)
        layout.addWidget(close)
        self.resize(620, 560)
        self._update_actions()
        self.rate_edit.setFocus()
        self.reload()

    def reload(self) -> None:
        self._tasks.run(functools.partial(list_rates, self._ctx), on_done=self._loaded)

    def _loaded(self, rates: list[RateInfo]) -> None:
        self.model.set_rows(rates)
        self.empty_label.setVisible(not rates)
        self._update_actions()

    def selected(self) -> RateInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(RECORD_ROLE) if rows else None

    def _update_actions(self) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    def add_rate(self) -> None:
        """Save the rate of the form; the list shows it, or the message shows under its field."""
        if self._saving:
            return
        self._saving = True
        self.add_button.setEnabled(False)
        self.field_errors.show(None)
        day: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        self._tasks.run(
            functools.partial(
                save_rate,
                self._ctx,
                self.currency_combo.currentText(),
                self.target_combo.currentText(),
                _rate_value(self.rate_edit.text()),
                day,
                self.note_edit.text(),
            ),
            on_done=self._added,
            on_error=self._failed,
            changes=(RATES,),
        )

    def _added(self, _rate_id: str) -> None:
        self._saving = False
        self.add_button.setEnabled(True)
        self.rate_edit.clear()
        self.note_edit.clear()
        self.rate_edit.setFocus()
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.add_button.setEnabled(True)
        self.field_errors.show_failure(exc, self._runner.show_error)

    def delete_selected(self) -> QMessageBox | None:
        """Ask, then delete the selected rate."""
        rate = self.selected()
        if rate is None:
            return None
        text = _("Delete the rate 1 {currency} = {rate} {target} valid from {date}?").format(
            currency=rate.currency,
            rate=rate_text(rate.rate),
            target=rate.target_currency,
            date=formatting.day(rate.valid_from),
        )
        self.question = confirm(
            self, _("Delete exchange rate"), text, _("Delete"), lambda: self._delete(rate)
        )
        return self.question

    def _delete(self, rate: RateInfo) -> None:
        self._tasks.run(
            functools.partial(delete_rate, self._ctx, rate.id),
            on_done=lambda _none: self.reload(),
            changes=(RATES,),
        )

    def done(self, result: int) -> None:
        self._tasks.close()
        super().done(result)


def open_exchange_rates(
    ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None
) -> ExchangeRatesDialog:
    """Open the exchange rates (not blocking); the dialog deletes itself once closed."""
    dialog = ExchangeRatesDialog(ctx, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
