"""The dialog for a new or an existing workshop: its details, partners and certificate rule.

The service validates; errors show next to their field. Two columns, so that the dialog fits a
1366x768 screen at 125 %: the details on the left, partners and the attendance rule on the right.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.attendance_rules import DEFAULT_MIN_RATE
from otop_desktop.domain.enums import OrganisationKind, ProductCategory
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.follow_up_dates import LATER_PERIODS, schedule_periods
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, formatting
from otop_desktop.services.context import AppContext
from otop_desktop.services.organisations import OrganisationInfo, list_organisations
from otop_desktop.services.workshops import WorkshopInfo, partner_ids, save_workshop
from otop_desktop.ui.qt_locale import date_edit_format, qt_locale
from otop_desktop.ui.tasks import WORKSHOPS, TaskRunner
from otop_desktop.ui.widgets.country_combo import CountryCombo
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons
from otop_desktop.ui.widgets.field_errors import FieldError, FieldErrors, FormSave

_FIELD_WIDTH = 340
_PARTNERS_WIDTH = 300


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _load_partner_choices(
    ctx: AppContext, workshop_id: str | None
) -> tuple[list[OrganisationInfo], list[str]]:
    """Every organisation, and the partners the workshop has now (none for a new one)."""
    chosen = partner_ids(ctx, workshop_id) if workshop_id else []
    return list_organisations(ctx), chosen


class WorkshopDialog(QDialog):
    """Title, category, place, dates, languages, trainers, partners and attendance rule."""

    saved = Signal(object)  # the WorkshopInfo saved

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        country: str | None = None,
        workshop: WorkshopInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.workshop = workshop
        # None until the organisations are loaded: a save before that leaves partners alone.
        self._partners_loaded = False
        self.setWindowTitle(_("Edit workshop") if workshop else _("New workshop"))
        self.setLocale(qt_locale())

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("e.g. Bamboo furniture for beginners"))
        self.category_combo = QComboBox()
        self.category_combo.addItem("", None)
        for category in ProductCategory:
            self.category_combo.addItem(formatting.first_upper(category.label()), category.value)
        self.country_combo = CountryCombo()
        self.country_combo.set_code(country)
        self.town_edit = QLineEdit()
        self.venue_edit = QLineEdit()
        today = QDate.currentDate()
        self.start_edit = self._date_edit(today)
        self.end_edit = self._date_edit(today)
        self.start_edit.dateChanged.connect(self._start_moved)
        self.languages_edit = QLineEdit()
        self.languages_edit.setPlaceholderText(_("e.g. Spanish, Q’eqchi’"))
        self.trainers_edit = QLineEdit()
        self.trainers_edit.setPlaceholderText(_("names, separated by commas"))

        self.fields: dict[str, QWidget] = {
            "title": self.title_edit,
            "category": self.category_combo,
            "country": self.country_combo,
            "town": self.town_edit,
            "venue": self.venue_edit,
            "start_date": self.start_edit,
            "end_date": self.end_edit,
            "languages": self.languages_edit,
            "trainers": self.trainers_edit,
        }
        labels = {
            "title": _("Title"),
            "category": _("Category"),
            "country": _("Country"),
            "town": _("Town"),
            "venue": _("Venue"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "languages": _("Languages"),
            "trainers": _("Trainers"),
        }
        self.field_errors = FieldErrors()
        self.errors = self.field_errors.errors
        form = self.field_errors.form(self.fields, labels, _FIELD_WIDTH)
        # Errors that belong to no field (or to one not on this form).
        self.general_error = self.field_errors.general

        buttons, self.save_button = accept_cancel_buttons(_("Save"), self.save, self.reject)
        self.saver = FormSave(self.field_errors, self.save_button, runner.run, runner.show_error)
        self.save_button.setAutoDefault(True)

        columns = QHBoxLayout()
        columns.addLayout(form, 3)
        columns.addSpacing(12)
        columns.addLayout(self._right_column(), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self._set_tab_order()
        if workshop is not None:
            self._fill(workshop)
        self.title_edit.setFocus()
        runner.run(
            _load_partner_choices,
            ctx,
            workshop.id if workshop else None,
            on_done=self._partners_ready,
        )

    def _right_column(self) -> QVBoxLayout:
        partners_label = QLabel(_("Partner organisations"))
        partners_label.setObjectName("sectionHeading")
        self.partner_filter = QLineEdit()
        self.partner_filter.setClearButtonEnabled(True)
        self.partner_filter.setPlaceholderText(_("Find an organisation"))
        self.partner_filter.textChanged.connect(self._filter_partners)
        self.partner_list = QListWidget()
        self.partner_list.setMinimumWidth(_PARTNERS_WIDTH)
        self.partner_list.setToolTip(_("Tick the organisations that partner this workshop."))
        partners_label.setBuddy(self.partner_filter)
        self.partners_empty = QLabel(_("No organisations yet: add them on the Organisations page."))
        self.partners_empty.setWordWrap(True)
        self.partners_empty.hide()

        rule_label = QLabel(_("Certificates"))
        rule_label.setObjectName("sectionHeading")
        self.min_rate_spin = QSpinBox()
        self.min_rate_spin.setRange(0, 100)
        self.min_rate_spin.setSuffix(" %")
        self.min_rate_spin.setValue(round(DEFAULT_MIN_RATE * 100))
        self.late_check = QCheckBox(_("Late counts as attended"))
        self.late_check.setChecked(True)
        self.excused_check = QCheckBox(_("Excused counts as attended"))
        rate_row = QFormLayout()
        rate_label = QLabel(_("Minimum attendance"))
        rate_label.setBuddy(self.min_rate_spin)
        # The message joins the form's others, so a refused rate shows under the spin box.
        rate_error = FieldError()
        self.field_errors.errors["min_attendance_rate"] = rate_error
        self.field_errors.fields["min_attendance_rate"] = self.min_rate_spin
        rate_box = QVBoxLayout()
        rate_box.addWidget(self.min_rate_spin)
        rate_box.addWidget(rate_error)
        rate_row.addRow(rate_label, rate_box)

        column = QVBoxLayout()
        column.addWidget(partners_label)
        column.addWidget(self.partner_filter)
        column.addWidget(self.partner_list, 1)
        column.addWidget(self.partners_empty)
        column.addSpacing(8)
        column.addWidget(rule_label)
        column.addLayout(rate_row)
        column.addWidget(self.late_check)
        column.addWidget(self.excused_check)
        column.addSpacing(8)
        column.addLayout(self._schedule_part())
        return column

    def _schedule_part(self) -> QVBoxLayout:
        heading = QLabel(_("Follow-ups after the workshop"))
        heading.setObjectName("sectionHeading")
        # The baseline is always due at the start; these are counted from the end date.
        self.schedule_checks = {
            period: QCheckBox(text)
            for period, text in zip(
                LATER_PERIODS, (_("3 months"), _("6 months"), _("12 months")), strict=True
            )
        }
        row = QHBoxLayout()
        for check in self.schedule_checks.values():
            check.setChecked(True)
            row.addWidget(check)
        row.addStretch(1)
        schedule_error = FieldError()
        self.field_errors.errors["follow_up_schedule"] = schedule_error
        self.field_errors.fields["follow_up_schedule"] = self.schedule_checks[LATER_PERIODS[0]]
        part = QVBoxLayout()
        part.addWidget(heading)
        part.addLayout(row)
        part.addWidget(schedule_error)
        return part

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            *self.fields.values(),
            self.partner_filter,
            self.partner_list,
            self.min_rate_spin,
            self.late_check,
            self.excused_check,
            *self.schedule_checks.values(),
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _date_edit(self, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(date_edit_format())
        edit.setLocale(qt_locale())
        return edit

    def _start_moved(self, start: QDate) -> None:
        # Most workshops are planned start first: keep the end from falling before it.
        if self.end_edit.date() < start:
            self.end_edit.setDate(start)

    def _fill(self, workshop: WorkshopInfo) -> None:
        self.title_edit.setText(workshop.title)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(workshop.category)))
        self.country_combo.set_code(workshop.country)
        self.town_edit.setText(workshop.town or "")
        self.venue_edit.setText(workshop.venue or "")
        # End first: moving the start would otherwise push an earlier end along.
        if workshop.end_date:
            self.end_edit.setDate(_qdate(workshop.end_date))
        if workshop.start_date:
            self.start_edit.setDate(_qdate(workshop.start_date))
        self.languages_edit.setText(workshop.languages or "")
        self.trainers_edit.setText(workshop.trainers or "")
        self.min_rate_spin.setValue(round(workshop.min_attendance_rate * 100))
        self.late_check.setChecked(workshop.rule.late_counts)
        self.excused_check.setChecked(workshop.rule.excused_counts)
        scheduled = schedule_periods(workshop.follow_up_schedule)
        for period, check in self.schedule_checks.items():
            check.setChecked(period in scheduled)

    # --- partners -----------------------------------------------------------------------------

    def _partners_ready(self, loaded: tuple[list[OrganisationInfo], list[str]]) -> None:
        organisations, chosen = loaded
        self.partner_list.clear()
        for org in organisations:
            kind = formatting.label_of(OrganisationKind, org.org_kind)
            text = f"{org.name} ({kind})" if kind else org.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, org.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = org.id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.partner_list.addItem(item)
        self.partners_empty.setVisible(not organisations)
        self._partners_loaded = True
        self._filter_partners(self.partner_filter.text())

    def _filter_partners(self, text: str) -> None:
        typed = fold(text)
        for row in range(self.partner_list.count()):
            item = self.partner_list.item(row)
            item.setHidden(bool(typed) and typed not in fold(item.text()))

    def set_partner(self, organisation_id: str, checked: bool) -> None:
        """Tick (or untick) the organisation `organisation_id` as a partner."""
        for row in range(self.partner_list.count()):
            item = self.partner_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == organisation_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen_partners(self) -> list[str] | None:
        """Ids of the ticked organisations; None while the list is not loaded yet."""
        if not self._partners_loaded:
            return None
        items = [self.partner_list.item(row) for row in range(self.partner_list.count())]
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    # --- saving -------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form holds, as `save_workshop` takes it."""
        start: dt.date = self.start_edit.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.end_edit.date().toPython()  # type: ignore[assignment]
        return {
            "title": self.title_edit.text(),
            "category": self.category_combo.currentData(),
            "country": self.country_combo.code(),
            "town": self.town_edit.text(),
            "venue": self.venue_edit.text(),
            "start_date": start,
            "end_date": end,
            "languages": self.languages_edit.text(),
            "trainers": self.trainers_edit.text(),
            "min_attendance_rate": self.min_rate_spin.value() / 100,
            "late_counts": self.late_check.isChecked(),
            "excused_counts": self.excused_check.isChecked(),
            "follow_up_schedule": [p for p, c in self.schedule_checks.items() if c.isChecked()],
        }

    def save(self) -> None:
        """Save the workshop in the background; close when saved, else show what is wrong."""
        work = functools.partial(
            save_workshop,
            self._ctx,
            self.workshop.id if self.workshop else None,
            partners=self.chosen_partners(),
            **self.values(),
        )
        self.saver.start(work, self._saved, (WORKSHOPS,))

    def _saved(self, workshop: WorkshopInfo) -> None:
        self.workshop = workshop
        self.saved.emit(workshop)
        self.accept()

    def show_errors(self, exc: ValidationError | None) -> None:
        """Show `exc` next to its field (and focus that field), or clear every message."""
        self.field_errors.show(exc)
