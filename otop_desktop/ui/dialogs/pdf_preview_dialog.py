"""A preview of any PDF the app wrote (certificates, reports, catalogues), printable from there.

Keyboard: Page Down / Page Up (or the arrows on the buttons) turn the pages, Home and End go
to the first and last; Ctrl++ and Ctrl+- zoom, Ctrl+1 fits the width, Ctrl+0 the whole page;
Ctrl+P prints. Printing renders each page with QtPdf at the printer's resolution (up to
`MAX_PRINT_DPI`), so it needs no PDF viewer on the laptop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QShortcut,
)
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.ui.widgets.data_marks import mark_data

# Above this a page image of a Letter sheet passes 100 MB; no office printer shows the difference.
MAX_PRINT_DPI = 600
_ZOOM_STEP = 1.25
_MIN_ZOOM = 0.1
_MAX_ZOOM = 8.0
# Fits a 1366x768 screen with the task bar and the window frame.
_DEFAULT_SIZE = QSize(1000, 680)


class PdfPreviewDialog(QDialog):
    """Shows the PDF at `path` a page at a time; "Print…" and "Open folder" below it."""

    def __init__(
        self,
        path: Path,
        parent: QWidget | None = None,
        *,
        title: str = "",
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(title or _("Preview — {name}").format(name=self.path.name))
        self.resize(_DEFAULT_SIZE)
        # Opens the folder in the system's file manager (tests swap it out).
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.print_dialog: QPrintDialog | None = None

        self.document = QPdfDocument(self)
        self.load_error = self.document.load(str(self.path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.note_label = QLabel(note)
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(bool(note))
        self.error_label = mark_data(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()

        self.previous_button = QPushButton(_("Previous page"))
        self.previous_button.setToolTip(_("Previous page (Page Up)"))
        self.previous_button.clicked.connect(self.previous_page)
        self.page_label = QLabel()
        self.next_button = QPushButton(_("Next page"))
        self.next_button.setToolTip(_("Next page (Page Down)"))
        self.next_button.clicked.connect(self.next_page)
        self.fit_width_button = QPushButton(_("Fit width"))
        self.fit_width_button.setToolTip(_("Fit the page's width to the window (Ctrl+1)"))
        self.fit_width_button.clicked.connect(self.fit_width)
        self.fit_page_button = QPushButton(_("Whole page"))
        self.fit_page_button.setToolTip(_("Show the whole page (Ctrl+0)"))
        self.fit_page_button.clicked.connect(self.fit_page)
        self.zoom_out_button = QPushButton(_("Zoom out"))
        self.zoom_out_button.setToolTip(_("Zoom out (Ctrl+-)"))
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_in_button = QPushButton(_("Zoom in"))
        self.zoom_in_button.setToolTip(_("Zoom in (Ctrl++)"))
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setToolTip(_("Print (Ctrl+P)"))
        self.print_button.clicked.connect(self._print_from_key)
        self.folder_button = QPushButton(_("Open folder"))
        self.folder_button.setToolTip(_("Show the folder holding this file"))
        self.folder_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.previous_button, self.next_button, self.fit_width_button):
            button.setAutoDefault(False)
        for button in (self.fit_page_button, self.zoom_in_button, self.zoom_out_button):
            button.setAutoDefault(False)
        self.folder_button.setAutoDefault(False)
        self.print_button.setDefault(True)

        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        for button in (
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            bar.addWidget(button)
        actions = QHBoxLayout()
        actions.addWidget(self.folder_button)
        actions.addStretch(1)
        actions.addWidget(self.print_button)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note_label)
        layout.addWidget(self.error_label)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)

        shortcuts: tuple[
            tuple[QKeySequence | QKeySequence.StandardKey, Callable[[], None]], ...
        ] = (
            (QKeySequence(Qt.Key.Key_PageDown), self.next_page),
            (QKeySequence(Qt.Key.Key_PageUp), self.previous_page),
            (QKeySequence(Qt.Key.Key_Home), self.first_page),
            (QKeySequence(Qt.Key.Key_End), self.last_page),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence("Ctrl+1"), self.fit_width),
            (QKeySequence("Ctrl+0"), self.fit_page),
            (QKeySequence.StandardKey.Print, self._print_from_key),
        )
        for keys, action in shortcuts:
            QShortcut(keys, self).activated.connect(action)
        self.view.pageNavigator().currentPageChanged.connect(self._update_page)
        self._show_load_error()
        self._update_page()
        self.view.setFocus()

    # --- pages --------------------------------------------------------------------------------

    def page_count(self) -> int:
        return max(self.document.pageCount(), 0)

    def current_page(self) -> int:
        """The page shown, counted from 0."""
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        """Show page `page` (from 0), kept within the document."""
        count = self.page_count()
        if count == 0:
            return
        page = min(max(page, 0), count - 1)
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())
        self._update_page()

    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    def first_page(self) -> None:
        self.go_to(0)

    def last_page(self) -> None:
        self.go_to(self.page_count() - 1)

    def page_text(self) -> str:
        return self.page_label.text()

    def _update_page(self, *_args: object) -> None:
        count = self.page_count()
        current = self.current_page() + 1 if count else 0
        self.page_label.setText(
            _("Page {page} of {count}").format(
                page=formatting.number(current), count=formatting.number(count)
            )
        )
        self.previous_button.setEnabled(current > 1)
        self.next_button.setEnabled(current < count)
        for button in (self.print_button, self.zoom_in_button, self.zoom_out_button):
            button.setEnabled(count > 0)

    def _show_load_error(self) -> None:
        if self.load_error == QPdfDocument.Error.None_:
            return
        if self.load_error == QPdfDocument.Error.FileNotFound:
            text = _("The file {path} is not there any more.").format(path=self.path)
        else:
            text = _("The file {path} cannot be shown: it is not a readable PDF.").format(
                path=self.path
            )
        self.error_label.setText(text)
        self.error_label.show()

    # --- zoom ---------------------------------------------------------------------------------

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def _zoom(self, factor: float) -> None:
        current = self.view.zoomFactor()
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            current = self._fitted_zoom()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(current * factor, _MIN_ZOOM), _MAX_ZOOM))

    def zoom_in(self) -> None:
        self._zoom(_ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(1 / _ZOOM_STEP)

    def _fitted_zoom(self) -> float:
        """The zoom factor a fitted page has now, so zooming goes on from what is seen."""
        if self.page_count() == 0:
            return 1.0
        points = self.document.pagePointSize(max(self.current_page(), 0))
        # QPdfView draws a point as a pixel at logical DPI 72 scaled by the screen's DPI.
        screen_dpi = self.view.logicalDpiX() or 96
        width = points.width() * screen_dpi / 72
        height = points.height() * screen_dpi / 72
        room = self.view.viewport().size()
        if width <= 0 or height <= 0:
            return 1.0
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return room.width() / width
        return min(room.width() / width, room.height() / height)

    # --- printing -----------------------------------------------------------------------------

    def new_printer(self) -> QPrinter:
        """A printer set up for this document: its paper size and orientation, every page."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.path.stem)
        if self.page_count():
            points = self.document.pagePointSize(0)
            landscape = points.width() > points.height()
            portrait = QSizeF(
                min(points.width(), points.height()), max(points.width(), points.height())
            )
            printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Point))
            printer.setPageOrientation(
                QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
            )
            printer.setFromTo(1, self.page_count())
        return printer

    def _print_from_key(self) -> None:
        self.print_pdf()

    def print_pdf(self) -> QPrintDialog | None:
        """Qt's print dialog (not blocking); accepting it prints the pages chosen."""
        if self.page_count() == 0:
            return None
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count())
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        self.print_dialog = dialog

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.print_to(printer)
            dialog.deleteLater()
            self.print_dialog = None

        dialog.finished.connect(finished)
        # QDialog.open(), without the overload QPrintDialog adds for a slot to call.
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        return dialog

    def print_to(self, printer: QPrinter) -> int:
        """Print the pages `printer` asks for (all when it names none); the number printed.

        Each page is rendered at the printer's resolution and drawn to fill its printable area,
        keeping the proportions. A progress dialog can stop a long batch between two pages.
        """
        count = self.page_count()
        first = printer.fromPage() or 1
        last = printer.toPage() or count
        pages = list(range(max(first, 1) - 1, min(last, count)))
        if not pages:
            return 0
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        progress = QProgressDialog(_("Printing…"), _("Cancel"), 0, len(pages), self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        painter = QPainter()
        if not painter.begin(printer):
            progress.deleteLater()
            raise ValidationError(_("The printer could not be started."))
        printed = 0
        try:
            options = QPdfDocumentRenderOptions()
            for n, page in enumerate(pages):
                if progress.wasCanceled():
                    printer.abort()
                    break
                if n:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self.document.render(page, size, options)
                target = painter.viewport()
                scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(
                    target.x() + (target.width() - scaled.width()) // 2,
                    target.y() + (target.height() - scaled.height()) // 2,
                    scaled.width(),
                    scaled.height(),
                )
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
                painter.setWindow(target)
                printed += 1
                progress.setValue(n + 1)
                QApplication.processEvents()
        finally:
            painter.end()
            progress.deleteLater()
        return printed

    # --- the folder ---------------------------------------------------------------------------

    def open_folder(self) -> None:
        """Show the folder holding the PDF in the system's file manager."""
        self.open_url(QUrl.fromLocalFile(str(self.path.parent)))
