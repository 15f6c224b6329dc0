"""A table model over an ordered list of ids; row data is fetched a page at a time on first paint.

Filtering and sorting happen in SQL (the caller supplies the ordered ids); this model only
remembers ids and a cache of pages. That keeps 300k rows cheap: no Python object per row
until a row is actually painted (Anki's browser table, Electrum's lesson).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from sdrdesk.ui.workers import Runner

RowT = TypeVar("RowT")
Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50  # 10k rows: scrolling a 300k book top to bottom must not keep every row


@dataclass(frozen=True)
class ColumnSpec(Generic[RowT]):
    key: str  # stable: header state and SQL sort keys use it
    title: str
    display: Callable[[RowT], str]
    width: int = 140
    align_right: bool = False
    tooltip: Callable[[RowT], str] | None = None
    sortable: bool = False  # the model's sort() asks for a new SQL order by `key`


class PagedTableModel(QAbstractTableModel, Generic[RowT]):
    """`fetch(ids) -> {id: row}` loads one page.

    Without a `runner` the fetch runs on the GUI thread the moment a row is painted (keep it
    indexed). With a `runner`, painting never waits: an unloaded row shows the placeholder,
    its page is fetched on a worker (`fetch` must then open its own unit of work), and the
    rows repaint when it arrives. `row_at()` always answers synchronously (selection and
    keyboard handlers need the row now).
    """

    PLACEHOLDER = "…"

    sig_sort_requested = Signal(str, bool)
    """The view's header asked for (column key, descending): the owner re-queries in SQL."""

    def __init__(self, columns: Sequence[ColumnSpec[RowT]],
                 fetch: Callable[[Sequence[Hashable]], dict[Hashable, RowT]],
                 parent: QObject | None = None, page_size: int = PAGE_SIZE,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._generation = 0  # bumped by set_ids/invalidate: late pages of old ids are dropped
        self._requested: set[int] = set()  # pages asked for by painting, not yet submitted
        self._in_flight: set[int] = set()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)  # after this paint: never emit dataChanged inside data()
        self._flush_timer.timeout.connect(self._submit_requested_pages)
        self.columns = list(columns)
        self._fetch = fetch
        self._page_size = page_size
        self._ids: list[Hashable] = []
        self._pos: dict[Hashable, int] | None = {}  # built on first use: 300k entries cost ~20 MB
        self._rows: dict[Hashable, RowT] = {}
        self._loaded_pages: dict[int, float] = {}

    # -- data the view asks for -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row_for_paint(index.row())
        if row is None:
            return self.PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        return column.display(row)

    # -- ids and pages ----------------------------------------------------------------
    def row_at(self, row: int) -> RowT | None:
        record_id = self._ids[row]
        cached = self._rows.get(record_id)
        if cached is not None:
            return cached
        self._load_page(row // self._page_size)
        return self._rows.get(record_id)

    def cached_row(self, row: int) -> RowT | None:
        """The row if its page is loaded; else None, and (with a runner) its page is fetched on
        a worker like a painted row's: `dataChanged` says when it arrived. Never queries on the
        calling thread when there is a runner, so keyboard paging cannot stall the window."""
        if not 0 <= row < len(self._ids):
            return None
        if self._runner is None:
            return self.row_at(row)
        return self._row_for_paint(row)

    def _row_for_paint(self, row: int) -> RowT | None:
        if self._runner is None:
            return self.row_at(row)
        cached = self._rows.get(self._ids[row])
        if cached is None:
            page = row // self._page_size
            if page not in self._in_flight and page not in self._requested:
                self._requested.add(page)
                self._flush_timer.start()
        return cached

    @property
    def loading(self) -> bool:
        """Whether pages are still being fetched for painting (placeholders on screen)."""
        return bool(self._requested or self._in_flight)

    def _submit_requested_pages(self) -> None:
        runner = self._runner
        if runner is None:
            return
        generation = self._generation
        for page in sorted(self._requested):
            start = page * self._page_size
            chunk = list(self._ids[start:start + self._page_size])
            self._in_flight.add(page)
            runner.run(lambda c=chunk: self._fetch(c),
                       lambda rows, p=page, g=generation: self._on_page_fetched(p, g, rows),
                       lambda _exc, p=page, g=generation: self._on_page_failed(p, g),
                       serial_db=False)
        self._requested.clear()

    def _on_page_fetched(self, page: int, generation: int, rows: dict[Hashable, RowT]) -> None:
        if generation != self._generation:
            return  # the ids changed meanwhile; the new ones get their own fetch
        self._in_flight.discard(page)
        self._rows.update(rows)
        self._loaded_pages[page] = time.monotonic()
        if len(self._loaded_pages) > MAX_CACHED_PAGES:
            self._evict(min(self._loaded_pages, key=self._loaded_pages.__getitem__))
        first = page * self._page_size
        last = min(first + self._page_size, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def _on_page_failed(self, page: int, generation: int) -> None:
        if generation == self._generation:
            self._in_flight.discard(page)  # the placeholder stays; the next paint asks again

    def id_at(self, row: int) -> Hashable | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: Hashable) -> int | None:
        if self._pos is None:
            self._pos = {rid: i for i, rid in enumerate(self._ids)}
        return self._pos.get(record_id)

    def cached_rows(self) -> dict[Hashable, RowT]:
        """Rows fetched so far (id -> row); no database access."""
        return self._rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.columns) and self.columns[column].sortable:
            self.sig_sort_requested.emit(self.columns[column].key,
                                         order == Qt.SortOrder.DescendingOrder)

    @property
    def ids(self) -> list[Hashable]:
        return self._ids

    def _load_page(self, page: int) -> None:
        start = page * self._page_size
        chunk = self._ids[start:start + self._page_size]
        if not chunk:
            return
        self._rows.update(self._fetch(chunk))
        self._loaded_pages[page] = time.monotonic()
        if len(self._loaded_pages) > MAX_CACHED_PAGES:
            self._evict(min(self._loaded_pages, key=self._loaded_pages.__getitem__))

    def _evict(self, page: int) -> None:
        """Forget the least recently loaded page; it is fetched again if scrolled back to."""
        del self._loaded_pages[page]
        start = page * self._page_size
        for record_id in self._ids[start:start + self._page_size]:
            self._rows.pop(record_id, None)

    def set_ids(self, ids: Sequence[Hashable]) -> None:
        """Replace the rows (a new search or sort). Identical ids keep the cache: nothing flickers."""
        new_ids = list(ids)
        if new_ids == self._ids:
            return
        self.beginResetModel()
        self._ids = new_ids
        self._pos = None
        self._forget_pending()
        if len(new_ids) > 50_000:
            self._rows.clear()  # a set of 300k ids costs more than refetching one page
        else:
            keep = set(new_ids)
            self._rows = {k: v for k, v in self._rows.items() if k in keep}
        self._loaded_pages.clear()
        self.endResetModel()

    def _forget_pending(self) -> None:
        self._generation += 1
        self._requested.clear()
        self._in_flight.clear()

    def preload(self, rows: dict[Hashable, RowT]) -> None:
        """Cache rows fetched together with the ids (e.g. the first page), so they paint at once."""
        self._rows.update(rows)

    def refetch(self) -> None:
        """Reload the cached pages in the background; rows on screen stay until fresh ones land.

        For data that ages (local times, calling windows): no placeholder flicker, unlike
        `invalidate`. Without a runner this is `invalidate`.
        """
        if self._runner is None:
            self.invalidate()
            return
        pages = {self._pos_page(record_id) for record_id in self._rows}
        self._requested.update(p for p in pages if p is not None and p not in self._in_flight)
        if self._requested:
            self._flush_timer.start()

    def _pos_page(self, record_id: Hashable) -> int | None:
        row = self.row_of(record_id)
        return None if row is None else row // self._page_size

    def invalidate(self, record_ids: Sequence[Hashable] | None = None) -> None:
        """Forget cached rows (all, or these ids) and repaint them from the database."""
        if record_ids is None:
            self._rows.clear()
            self._loaded_pages.clear()
            self._forget_pending()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._ids) - 1, len(self.columns) - 1))
            return
        for record_id in record_ids:
            self._rows.pop(record_id, None)
            row = self.row_of(record_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))


def uuid_or_none(value: object) -> uuid.UUID | None:
    return value if isinstance(value, uuid.UUID) else None
