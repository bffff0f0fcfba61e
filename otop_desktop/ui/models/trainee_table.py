"""A lazy table of trainees: the count, and only the pages of rows the view has asked for.

With 50,000 trainees, loading every row would take seconds and hundreds of megabytes. The
model knows how many rows match the filter; when the view paints a row whose page is not
loaded, it shows a placeholder and asks the runner for that page (`search_trainees` with an
offset); when the page arrives, those rows repaint. Pages far from where the user looks are
dropped, and pages asked for while scrolling past are skipped if the user has moved on.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtCore import Signal as QtSignal

from otop_desktop.domain.enums import Gender
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import TraineeInfo, count_trainees, search_trainees
from otop_desktop.ui import formatting
from otop_desktop.ui.tasks import TaskRunner

PAGE_SIZE = 200
# At most this many pages are kept (6,000 rows); the farthest from the view go first.
MAX_PAGES = 30
# A page still waiting to be fetched is skipped when the view is this many pages away.
NEAR_PAGES = 2
PLACEHOLDER = "…"

AnyIndex = QModelIndex | QPersistentModelIndex

_COLUMNS = ("name", "town", "country", "phone", "gender")


def _headers() -> tuple[str, ...]:
    return (_("Name"), _("Town"), _("Country"), _("Phone"), _("Gender"))


class TraineeTableModel(QAbstractTableModel):
    """Trainees matching a filter text, fetched a page at a time through the runner."""

    counted = QtSignal(int)  # how many trainees match, after each (re)load

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._headers = _headers()
        # What is shown: rows and pages belong to `_shown_text`, loaded as `_shown_generation`.
        self._shown_text = ""
        self._shown_generation = 0
        self._count = 0
        self._pages: OrderedDict[int, list[TraineeInfo]] = OrderedDict()
        self._pending: set[int] = set()
        # The latest request: results of older ones are dropped when they arrive.
        self._generation = 0
        self._wanted_text = ""
        self._loaded_once = False
        # The page the view asked for last; read by pool threads to skip pages passed by.
        self._focus_page = 0

    # --- loading ------------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._shown_text

    @property
    def loaded(self) -> bool:
        """Whether the count of the latest filter has arrived."""
        return self._loaded_once and self._shown_generation == self._generation

    def set_filter(self, text: str) -> None:
        """Show the trainees matching `text`; the current rows stay until the new ones come."""
        self._generation += 1
        self._wanted_text = text
        generation = self._generation
        ctx = self._ctx

        def first_page() -> tuple[int, list[TraineeInfo]]:
            count = count_trainees(ctx, text)
            return count, search_trainees(ctx, text, limit=PAGE_SIZE, offset=0)

        self._runner.run(
            first_page, on_done=lambda result: self._first_page_arrived(generation, text, result)
        )

    def reload(self) -> None:
        """Load again with the latest filter (after trainees changed)."""
        self.set_filter(self._wanted_text)

    def _first_page_arrived(
        self, generation: int, text: str, result: tuple[int, list[TraineeInfo]]
    ) -> None:
        if generation != self._generation:
            return  # the user typed on; a newer request is on its way
        count, rows = result
        self.beginResetModel()
        self._shown_text = text
        self._shown_generation = generation
        self._count = count
        self._pages = OrderedDict({0: rows}) if rows else OrderedDict()
        self._pending = set()
        self._focus_page = 0
        self._headers = _headers()
        self._loaded_once = True
        self.endResetModel()
        self.counted.emit(count)

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation = self._shown_generation
        text = self._shown_text
        ctx = self._ctx

        def fetch() -> list[TraineeInfo] | None:
            if generation != self._shown_generation or abs(page - self._focus_page) > NEAR_PAGES:
                return None  # the user has scrolled on or filtered since: not worth a query
            return search_trainees(ctx, text, limit=PAGE_SIZE, offset=page * PAGE_SIZE)

        self._runner.run(fetch, on_done=lambda rows: self._page_arrived(generation, page, rows))

    def _page_arrived(self, generation: int, page: int, rows: list[TraineeInfo] | None) -> None:
        if generation != self._shown_generation:
            return
        self._pending.discard(page)
        if rows is None:
            return  # skipped; asked again if the view comes back to it
        self._pages[page] = rows
        self._pages.move_to_end(page)
        self._drop_far_pages()
        first = page * PAGE_SIZE
        last = min(self._count, first + PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(
                self.index(first, 0),
                self.index(last, len(_COLUMNS) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )

    def _drop_far_pages(self) -> None:
        while len(self._pages) > MAX_PAGES:
            farthest = max(self._pages, key=lambda p: abs(p - self._focus_page))
            del self._pages[farthest]

    # --- reading ------------------------------------------------------------------------------

    def loaded_rows(self) -> list[TraineeInfo]:
        """The rows loaded so far, in order (for tests and for "select all loaded")."""
        return [row for page in sorted(self._pages) for row in self._pages[page]]

    def trainee(self, row: int) -> TraineeInfo | None:
        """The trainee of `row`, or None while its page is not loaded."""
        page, offset = divmod(row, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None or offset >= len(rows):
            return None
        return rows[offset]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        page, offset = divmod(index.row(), PAGE_SIZE)
        self._focus_page = page
        rows = self._pages.get(page)
        if rows is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return None
            self._request(page)
            return PLACEHOLDER if index.column() == 0 else ""
        if offset >= len(rows):
            return ""  # trainees were deleted since the count; the next reload fixes it
        return self._text(rows[offset], _COLUMNS[index.column()])

    @staticmethod
    def _text(trainee: TraineeInfo, column: str) -> str:
        if column == "name":
            return trainee.display_name
        if column == "town":
            return trainee.town or ""
        if column == "country":
            return formatting.country_name(trainee.country)
        if column == "phone":
            return trainee.phone or ""
        return formatting.first_upper(formatting.label_of(Gender, trainee.gender))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None
