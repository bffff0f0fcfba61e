"""A lazy table of trainees: every matching id, and only the pages of rows the view asked for.

With 100,000 trainees, loading every row would take seconds and hundreds of megabytes, and
filtering them in the database on every key would scan the table each time. The model keeps
an in-memory index of ids and search texts (`services.trainee_index`, loaded once per order
and again when trainees change): a key filters it in a few milliseconds, which gives the row
count and the id of every row. Rows themselves are fetched a page at a time through the
runner when the view paints them (a placeholder until then). Pages far from where the user
looks are dropped, and pages asked for while scrolling past are skipped if the user has
moved on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtCore import Signal as QtSignal

from otop_desktop.domain.enums import Gender
from otop_desktop.i18n import _, formatting, pgettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainee_index import TraineeIndex, TraineeMatch, load_trainee_index
from otop_desktop.services.trainees import SORT_COLUMNS, TraineeInfo, get_trainees
from otop_desktop.ui.tasks import TaskRunner

PAGE_SIZE = 200
# At most this many pages are kept (6,000 rows); the farthest from the view go first.
MAX_PAGES = 30
# A page still waiting to be fetched is skipped when the view is this many pages away.
NEAR_PAGES = 2
PLACEHOLDER = "…"
# The trainee id of a row (known for every row, loaded or not).
ID_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS = SORT_COLUMNS  # name, town, country, organisation, phone, gender


def _headers() -> tuple[str, ...]:
    return (
        pgettext("person", "Name"),
        _("Town"),
        _("Country"),
        _("Organisation"),
        _("Phone"),
        _("Gender"),
    )


class _IndexCache:
    """The latest index, shared by the runner's work: loaded again only for a new order or
    after trainees changed (`version`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: TraineeIndex | None = None
        self._version = -1

    def get(self, ctx: AppContext, version: int, sort: str, descending: bool) -> TraineeIndex:
        with self._lock:
            index = self._index
            if (
                index is None
                or self._version != version
                or index.sort != sort
                or index.descending != descending
            ):
                index = load_trainee_index(ctx, sort, descending)
                self._index, self._version = index, version
            return index


class TraineeTableModel(QAbstractTableModel):
    """Trainees matching a filter text, in a chosen order, rows fetched a page at a time."""

    counted = QtSignal(int)  # how many trainees match, after each (re)load

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._headers = _headers()
        self._cache = _IndexCache()
        # Bumped when trainees change, so that the next filter loads the index again.
        self._version = 0
        self._sort = "name"
        self._descending = False
        # What is shown: the match of `_shown_text`, loaded as `_shown_generation`.
        self._shown_text = ""
        self._shown_generation = 0
        self._match: TraineeMatch | None = None
        self._ids: Sequence[str] = ()
        self._organisations: dict[str, str] = {}
        self._pages: OrderedDict[int, list[TraineeInfo | None]] = OrderedDict()
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
    def sort_column(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def loaded(self) -> bool:
        """Whether the rows of the latest filter (and order) have arrived."""
        return self._loaded_once and self._shown_generation == self._generation

    def set_filter(self, text: str) -> None:
        """Show the trainees matching `text`; the current rows stay until the new ones come."""
        self._generation += 1
        self._wanted_text = text
        generation = self._generation
        ctx, cache, previous = self._ctx, self._cache, self._match
        version, sort, descending = self._version, self._sort, self._descending

        def first_page() -> tuple[TraineeMatch, list[TraineeInfo | None]] | None:
            if generation != self._generation:
                return None  # the user typed on: only the newest text is worth searching
            match = cache.get(ctx, version, sort, descending).match(text, previous)
            return match, get_trainees(ctx, match.ids[:PAGE_SIZE])

        self._runner.run(
            first_page, on_done=lambda result: self._first_page_arrived(generation, text, result)
        )

    def reload(self) -> None:
        """Load again with the latest filter, from the database (after trainees changed)."""
        self._version += 1
        self.set_filter(self._wanted_text)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by `column` (a click on its header); ties by name, then id."""
        if not 0 <= column < len(COLUMNS):
            column = 0  # "no sort column" is the default order, by family name
        descending = order == Qt.SortOrder.DescendingOrder
        if (COLUMNS[column], descending) == (self._sort, self._descending):
            return
        self._sort, self._descending = COLUMNS[column], descending
        self.set_filter(self._wanted_text)

    def _first_page_arrived(
        self,
        generation: int,
        text: str,
        result: tuple[TraineeMatch, list[TraineeInfo | None]] | None,
    ) -> None:
        if result is None or generation != self._generation:
            return  # a newer request is on its way
        match, rows = result
        self.beginResetModel()
        self._shown_text = text
        self._shown_generation = generation
        self._match = match
        self._ids = match.ids
        self._organisations = match.index.organisation_names
        self._pages = OrderedDict({0: rows}) if rows else OrderedDict()
        self._pending = set()
        self._focus_page = 0
        self._headers = _headers()
        self._loaded_once = True
        self.endResetModel()
        self.counted.emit(len(self._ids))

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation = self._shown_generation
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        ctx = self._ctx

        def fetch() -> list[TraineeInfo | None] | None:
            if generation != self._shown_generation or abs(page - self._focus_page) > NEAR_PAGES:
                return None  # the user has scrolled on or filtered since: not worth a query
            return get_trainees(ctx, ids)

        self._runner.run(fetch, on_done=lambda rows: self._page_arrived(generation, page, rows))

    def _page_arrived(
        self, generation: int, page: int, rows: list[TraineeInfo | None] | None
    ) -> None:
        if generation != self._shown_generation:
            return
        self._pending.discard(page)
        if rows is None:
            return  # skipped; asked again if the view comes back to it
        self._pages[page] = rows
        self._pages.move_to_end(page)
        self._drop_far_pages()
        first = page * PAGE_SIZE
        last = min(len(self._ids), first + PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(
                self.index(first, 0),
                self.index(last, len(COLUMNS) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )

    def _drop_far_pages(self) -> None:
        while len(self._pages) > MAX_PAGES:
            farthest = max(self._pages, key=lambda p: abs(p - self._focus_page))
            del self._pages[farthest]

    # --- reading ------------------------------------------------------------------------------

    def loaded_rows(self) -> list[TraineeInfo]:
        """The rows loaded so far, in order (for tests and for "select all loaded")."""
        return [row for page in sorted(self._pages) for row in self._pages[page] if row]

    def trainee(self, row: int) -> TraineeInfo | None:
        """The trainee of `row`, or None while its page is not loaded."""
        page, offset = divmod(row, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None or not 0 <= offset < len(rows):
            return None
        return rows[offset]

    def trainee_id(self, row: int) -> str | None:
        """The id of the trainee of `row`, loaded or not."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, trainee_id: str) -> int:
        """The row showing `trainee_id`, or -1."""
        try:
            return self._ids.index(trainee_id)
        except ValueError:
            return -1

    def organisations(self) -> dict[str, str]:
        """Every live organisation's id and name, as of the last load."""
        return dict(self._organisations)

    def organisation_name(self, organisation_id: str | None) -> str:
        return self._organisations.get(organisation_id or "", "")

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        page, offset = divmod(index.row(), PAGE_SIZE)
        self._focus_page = page
        rows = self._pages.get(page)
        if rows is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return None
            self._request(page)
            return PLACEHOLDER if index.column() == 0 else ""
        trainee = rows[offset] if offset < len(rows) else None
        if trainee is None:
            return ""  # deleted since the filter ran; the reload that follows removes it
        return self._text(trainee, COLUMNS[index.column()])

    def _text(self, trainee: TraineeInfo, column: str) -> str:
        if column == "name":
            return trainee.display_name
        if column == "town":
            return trainee.town or ""
        if column == "country":
            return formatting.country_name(trainee.country)
        if column == "organisation":
            return self.organisation_name(trainee.organisation_id)
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
