"""Adding photos: the options remembered for this user, choosing files or a camera's card,
and the summary of what was added and what could not be."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.media.photo_ingest import PHOTO_SUFFIXES, IngestOptions
from otop_desktop.services.photos import AddPhotosResult
from otop_desktop.ui.settings import app_settings
from otop_desktop.ui.widgets.data_marks import mark_data
from otop_desktop.ui.widgets.dialog_buttons import accept_cancel_buttons

_KEEP_LOCATION_KEY = "photos/keep_location"
_KEEP_ORIGINAL_KEY = "photos/keep_original"
_MAX_EDGE_KEY = "photos/max_edge"
_FOLDER_KEY = "photos/folder"
DEFAULT_MAX_EDGE = 2048
# Smaller than this is no use in a printed catalogue; larger than a phone's camera is pointless.
MIN_EDGE, MAX_EDGE = 640, 8192


def _flag(value: object) -> bool:
    # QSettings gives back "true"/"false" from an INI file.
    return value is True or str(value).lower() == "true"


def photo_options() -> IngestOptions:
    """The photo options this user chose (location removed, no original, 2048 px by default)."""
    settings = app_settings()
    try:
        edge = int(str(settings.value(_MAX_EDGE_KEY, DEFAULT_MAX_EDGE)))
    except ValueError:
        edge = DEFAULT_MAX_EDGE
    return IngestOptions(
        max_edge=min(max(edge, MIN_EDGE), MAX_EDGE),
        keep_location=_flag(settings.value(_KEEP_LOCATION_KEY, False)),
        keep_original=_flag(settings.value(_KEEP_ORIGINAL_KEY, False)),
    )


def save_photo_options(options: IngestOptions) -> None:
    settings = app_settings()
    settings.setValue(_KEEP_LOCATION_KEY, options.keep_location)
    settings.setValue(_KEEP_ORIGINAL_KEY, options.keep_original)
    settings.setValue(_MAX_EDGE_KEY, options.max_edge)


def image_filter() -> str:
    """The file dialog's filter: "Photos (*.jpg *.jpeg …)" (upper-case too, as cameras write)."""
    globs = [f"*{s}" for s in PHOTO_SUFFIXES] + [f"*{s.upper()}" for s in PHOTO_SUFFIXES]
    return "{label} ({globs})".format(label=_("Photos"), globs=" ".join(globs))


class PhotoChooser(Protocol):
    """What the photo panel asks for photos with; the system's dialogs unless a test swaps it."""

    def photo_files(self, parent: QWidget) -> list[Path]: ...

    def photo_folder(self, parent: QWidget) -> Path | None: ...


class DialogPhotoChooser:
    """Qt's file dialogs, in the folder used last."""

    def _folder(self) -> str:
        folder = str(app_settings().value(_FOLDER_KEY, "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def photo_files(self, parent: QWidget) -> list[Path]:
        chosen, _filter = QFileDialog.getOpenFileNames(
            parent, _("Add photos"), self._folder(), image_filter()
        )
        paths = [Path(p) for p in chosen]
        if paths:
            app_settings().setValue(_FOLDER_KEY, str(paths[0].parent))
        return paths

    def photo_folder(self, parent: QWidget) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(
            parent, _("Add the photos of a folder or a camera's card"), self._folder()
        )
        if not chosen:
            return None
        app_settings().setValue(_FOLDER_KEY, chosen)
        return Path(chosen)


def summary_text(result: AddPhotosResult) -> str:
    """ "12 added, 1 already there, 2 could not be added"."""
    if not (result.added or result.already_there or result.failed):
        return _("No photos were found there.")
    parts = [
        ngettext("{n} photo added", "{n} photos added", len(result.added)).format(
            n=formatting.number(len(result.added))
        )
    ]
    if result.already_there:
        parts.append(
            ngettext("{n} already there", "{n} already there", result.already_there).format(
                n=formatting.number(result.already_there)
            )
        )
    if result.failed:
        parts.append(
            ngettext("{n} could not be added", "{n} could not be added", len(result.failed)).format(
                n=formatting.number(len(result.failed))
            )
        )
    return _("{list}.").format(list=_(", ").join(parts))


def failure_lines(result: AddPhotosResult) -> list[str]:
    """One line per file not added: its name and why (the message names it already, mostly)."""
    return [
        message if name in message else _("{file}: {reason}").format(file=name, reason=message)
        for name, message in result.failed
    ]


class AddSummaryDialog(QDialog):
    """What an addition of photos did, with the reason for each file that could not be added."""

    def __init__(self, result: AddPhotosResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Photos added"))
        self.summary_label = QLabel(summary_text(result))
        self.summary_label.setWordWrap(True)
        self.details = mark_data(QPlainTextEdit())
        self.details.setReadOnly(True)
        self.details.setPlainText("\n".join(failure_lines(result)))
        self.details_label = QLabel(_("These files could not be added:"))
        self.details_label.setBuddy(self.details)
        for widget in (self.details_label, self.details):
            widget.setVisible(bool(result.failed))
        buttons = QDialogButtonBox()
        ok = buttons.addButton(_("OK"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(560, 320 if result.failed else 120)


class PhotoOptionsDialog(QDialog):
    """Keep the location? Keep the original? How large are photos kept?"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Photo options"))
        options = photo_options()
        self.location_check = QCheckBox(_("Keep where the photo was taken (GPS location)"))
        self.location_check.setChecked(options.keep_location)
        location_help = QLabel(
            _(
                "Phones write the place a photo was taken into the file. It is removed "
                "unless you tick this, so that photos shared with buyers or at fairs do not "
                "tell where a trainee lives."
            )
        )
        location_help.setWordWrap(True)
        self.original_check = QCheckBox(_("Also keep the original file on this laptop"))
        self.original_check.setChecked(options.keep_original)
        original_help = QLabel(
            _(
                "Originals are large and stay on this laptop only; the smaller copy is what "
                "is shown, printed and sent."
            )
        )
        original_help.setWordWrap(True)
        self.edge_spin = QSpinBox()
        self.edge_spin.setRange(MIN_EDGE, MAX_EDGE)
        self.edge_spin.setSingleStep(256)
        self.edge_spin.setSuffix(_(" px"))
        self.edge_spin.setValue(options.max_edge)
        form = QFormLayout()
        form.addRow(_("Longest side of a kept photo"), self.edge_spin)
        buttons, _save = accept_cancel_buttons(_("Save"), self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.location_check)
        layout.addWidget(location_help)
        layout.addSpacing(8)
        layout.addWidget(self.original_check)
        layout.addWidget(original_help)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def options(self) -> IngestOptions:
        return IngestOptions(
            max_edge=self.edge_spin.value(),
            keep_location=self.location_check.isChecked(),
            keep_original=self.original_check.isChecked(),
        )

    def save(self) -> None:
        save_photo_options(self.options())
        self.accept()
