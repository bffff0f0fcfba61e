"""Settings › Coordinator hub: this laptop's own database or a PostgreSQL hub, with a test.

The coordinator fills in the server, database and user (the URL they make is shown, without
the password); a password left empty means libpq's ~/.pgpass, or the one kept already.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _
from otop_desktop.services.hub_connection import HubCheck, check_connection, current_hub
from otop_desktop.services.hub_settings import HubSettings, build_url, shown_url
from otop_desktop.ui.tasks import TaskRunner
from otop_desktop.ui.widgets.field_errors import FieldErrors

DEFAULT_PORT = 5432


class HubSettingsTab(QWidget):
    """The hub fields; `chosen()` is what Save keeps (None: this laptop's own database)."""

    def __init__(self, data_dir: Path, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._testing = False
        self.initial: HubSettings | None = None
        self._kept_password: str | None = None
        self.field_errors = FieldErrors()

        self.local_radio = QRadioButton(_("This laptop's own database (SQLite)"))
        self.hub_radio = QRadioButton(_("A PostgreSQL hub (coordinator office)"))
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.hub_radio)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText(_("e.g. hub-pc or 192.168.1.20"))
        self.field_errors.add_row(form, "host", _("Server"), self.host_edit)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        form.addRow(_("Port"), self.port_spin)
        self.database_edit = QLineEdit("otop_hub")
        self.field_errors.add_row(form, "database", _("Database"), self.database_edit)
        self.user_edit = QLineEdit("otop")
        form.addRow(_("User"), self.user_edit)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(_("empty: the password in ~/.pgpass"))
        form.addRow(_("Password"), self.password_edit)
        self.url_label = QLabel()
        self.url_label.setWordWrap(True)
        form.addRow(_("URL"), self.url_label)
        self.photo_edit = QLineEdit()
        self.photo_edit.setPlaceholderText(_("e.g. Z:\\otop-photos or \\\\hub-pc\\otop-photos"))
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self._choose_folder)
        photo_box = QWidget()
        photo_row = QHBoxLayout(photo_box)
        photo_row.setContentsMargins(0, 0, 0, 0)
        photo_row.addWidget(self.photo_edit, 1)
        photo_row.addWidget(choose)
        photo_box.setFocusProxy(self.photo_edit)
        self.field_errors.add_row(form, "photo_folder", _("Shared photo folder"), photo_box)
        self.fields = QWidget()
        self.fields.setLayout(form)

        self.test_button = QPushButton(_("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)

        note = QLabel(
            _(
                "Laptops in the field keep their own database and exchange bundles with the "
                "hub. Changing this reopens the app on the chosen database; no data is moved."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.hub_radio)
        layout.addWidget(self.fields)
        layout.addLayout(test_row)
        layout.addWidget(self.field_errors.general)
        layout.addWidget(note)
        layout.addStretch(1)

        for edit in (self.host_edit, self.database_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self._update)
        self.port_spin.valueChanged.connect(self._update)
        self.hub_radio.toggled.connect(self._update)
        self._load(data_dir)

    def _load(self, data_dir: Path) -> None:
        try:
            self.initial = current_hub(data_dir)
        except OtopError as exc:
            self.result_label.setText(str(exc))
        if self.initial is None:
            self.local_radio.setChecked(True)
        else:
            url = make_url(self.initial.database_url)
            self.host_edit.setText(url.host or "")
            self.port_spin.setValue(url.port or DEFAULT_PORT)
            self.database_edit.setText(url.database or "")
            self.user_edit.setText(url.username or "")
            self._kept_password = url.password if isinstance(url.password, str) else None
            if self._kept_password:
                self.password_edit.setPlaceholderText(_("kept; type a new one only to change it"))
            if self.initial.photo_folder is not None:
                self.photo_edit.setText(str(self.initial.photo_folder))
            self.hub_radio.setChecked(True)
        self._update()

    def _update(self) -> None:
        on_hub = self.hub_radio.isChecked()
        self.fields.setEnabled(on_hub)
        self.test_button.setEnabled(on_hub and not self._testing)
        try:
            self.url_label.setText(shown_url(self._url()) if on_hub else "")
        except OtopError:
            self.url_label.setText("")

    def _url(self) -> str:
        password = self.password_edit.text() or self._kept_password
        return build_url(
            self.host_edit.text(),
            self.port_spin.value() if self.port_spin.value() != DEFAULT_PORT else None,
            self.database_edit.text(),
            self.user_edit.text(),
            password,
        )

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Shared photo folder"), self.photo_edit.text()
        )
        if folder:
            self.photo_edit.setText(folder)

    def chosen(self) -> HubSettings | None:
        """The hub the fields describe, or None for this laptop's own database (ValidationError)."""
        if not self.hub_radio.isChecked():
            return None
        photos = self.photo_edit.text().strip()
        return HubSettings(self._url(), Path(photos) if photos else None)

    def changed(self) -> bool:
        """Whether Save would point the app at another database or photo folder."""
        return self.chosen() != self.initial

    def test(self) -> None:
        """Test the connection on the runner's thread; the window keeps answering meanwhile."""
        if self._testing:
            return
        self.field_errors.show(None)
        try:
            url = self._url()
        except OtopError as exc:
            self.field_errors.show_failure(exc, self._runner.show_error)
            return
        self._testing = True
        self.result_label.setText(_("Connecting…"))
        self._update()
        self._runner.run(check_connection, url, on_done=self._tested, on_error=self._test_failed)

    def _tested(self, check: HubCheck) -> None:
        self._testing = False
        self.result_label.setText("✔ " + check.summary)
        self._update()

    def _test_failed(self, exc: BaseException) -> None:
        self._testing = False
        self.result_label.setText("✖ " + str(exc) if isinstance(exc, OtopError) else repr(exc))
        self._update()
