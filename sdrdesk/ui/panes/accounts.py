"""The Accounts & contacts pane: the whole book, searchable as you type, filterable, sortable in SQL.

Two paged tables (accounts, contacts) behind one search box. Typing is debounced and runs
on a worker (`SearchController`); the models only ever hold rowids. Selecting a row focuses
it on the bus; Enter opens the account's research.

Keys: Ctrl+F focuses the search; Up/Down/PgUp/PgDn in the search move the list; Enter opens
research; Esc clears the search (from the list too, and returns to the search box).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.focus import Focus
from sdrdesk.services import book_queries as bq
from sdrdesk.services.book_queries import BookFilters, BookIds, FilterOptions
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.dialogs.enrol import EnrolDialog
from sdrdesk.ui.models.book_tables import AccountTableModel, ContactTableModel
from sdrdesk.ui.models.paged_table import PagedTableModel
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState
from sdrdesk.ui.search_controller import SearchController
from sdrdesk.ui.widgets.book_filters import BookFilterBar
from sdrdesk.ui.widgets.book_table import StatusLabel, book_table_view, search_status

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

ACCOUNTS_TAB, CONTACTS_TAB = 0, 1
_NAV_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True)
class BookRequest:
    """One search: what was typed, the filters and both sort orders, against one workspace."""

    workspace: Workspace = field(compare=False)
    text: str
    filters: BookFilters
    account_sort: tuple[str, bool]
    contact_sort: tuple[str, bool]


def run_book_search(request: BookRequest, cancel: CancelToken,
                    partial: Callable[[BookIds], None] | None = None) -> BookIds:
    """The worker side: only rowids come back."""
    return request.workspace.browse.search(request.text, request.filters, request.account_sort,
                                           request.contact_sort, cancel=cancel, accounts_first=partial)


ENROL_SHORTCUT = "Ctrl+Shift+E"


class AccountsPane(Pane):
    OBJECT_NAME = "pane.accounts"
    TITLE = "Accounts and contacts"
    RANKED = (bq.RELEVANCE, False)

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._account_sort: tuple[str, bool] = ("name", False)  # the rep's column choice
        self._contact_sort: tuple[str, bool] = ("name", False)
        self._relevance = True  # best match first while a query is typed, until a header is clicked
        self._last_result: BookIds | None = None
        self._last_minute = -1
        self._warmed: Workspace | None = None  # the book whose name ranks were built

        self.accounts_model = AccountTableModel(lambda: self.ctx.workspace, self, runner=ctx.runner)
        self.contacts_model = ContactTableModel(lambda: self.ctx.workspace, ctx.clock.now,
                                                lambda: ctx.settings.get(S.DEFAULT_REGION), self,
                                                runner=ctx.runner)
        self.search = SearchController(ctx.runner, run_book_search, parent=self)
        self.search.sig_results_ready.connect(self._on_search_results_ready)
        ctx.bus.sig_show_source_requested.connect(self._on_bus_show_source_requested)
        self.search.sig_search_failed.connect(self._on_search_failed)
        self.search.sig_busy_changed.connect(self._on_search_busy_changed)

        self._pending_focus: tuple[PagedTableModel, int] | None = None
        self._build_widgets()
        for model in (self.accounts_model, self.contacts_model):
            model.dataChanged.connect(lambda *_a, m=model: self._on_rows_arrived(m))
            model.modelReset.connect(self._forget_pending_focus)
        self.accounts_model.sig_sort_requested.connect(self._on_accounts_sort_requested)
        self.contacts_model.sig_sort_requested.connect(self._on_contacts_sort_requested)

        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)  # cheap: only repaints when the minute turns
        self._clock_timer.timeout.connect(self._on_clock_tick)
        self._clock_timer.start()

    # -- construction -----------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("book.search")
        self.search_edit.setPlaceholderText("Search company, person, title, e-mail, phone, notes (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textEdited.connect(self._on_search_text_edited)
        self.search_edit.textChanged.connect(self._on_search_text_changed)
        self.search_edit.installEventFilter(self)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self.filter_bar = BookFilterBar(self)
        self.filter_bar.sig_changed.connect(self.run_search_now)

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("book.tabs")
        self.tabs.addTab("Accounts")
        self.tabs.addTab("Contacts")
        self.tabs.setDrawBase(False)
        self.status = StatusLabel(self)
        self.status.setObjectName("book.status")
        self.status.setForegroundRole(self.status.foregroundRole())

        self.accounts_view = self._table("book.accounts", self.accounts_model)
        self.contacts_view = self._table("book.contacts", self.contacts_model)
        self.empty = EmptyState("Open a book, or import a CSV of accounts and contacts, to fill it.", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.accounts_view)
        self.stack.addWidget(self.contacts_view)
        self.stack.addWidget(self.empty)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        if self.ctx.settings.get(S.BOOK_TAB) == "contacts":
            self.tabs.setCurrentIndex(CONTACTS_TAB)

        bar = QHBoxLayout()
        bar.addWidget(self.tabs)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.filter_bar)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.setFocusProxy(self.search_edit)
        self._show_current_table()

    def _table(self, name: str, model: PagedTableModel) -> QTableView:
        view = book_table_view(self, name, model)
        # Several rows at once, for "Enrol in sequence…" (issue 13); the current row still focuses.
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(self._enrol_action())
        view.addAction(self._resume_action())
        view.selectionModel().currentRowChanged.connect(
            lambda current, _prev, m=model: self._on_view_current_row_changed(m, current))
        view.activated.connect(lambda _index: self.open_research())
        view.installEventFilter(self)
        return view

    def _enrol_action(self) -> QAction:
        if not hasattr(self, "enrol_action"):
            self.enrol_action = QAction("Enrol in sequence…", self)
            self.enrol_action.setObjectName("book.enrol")
            self.enrol_action.setShortcut(QKeySequence(ENROL_SHORTCUT))
            self.enrol_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.enrol_action.triggered.connect(lambda _=False: self.enrol_selected())
        return self.enrol_action

    def _resume_action(self) -> QAction:
        if not hasattr(self, "resume_action"):
            self.resume_action = QAction("Resume paused sequences", self)
            self.resume_action.setObjectName("book.resume_sequences")
            self.resume_action.triggered.connect(lambda _=False: self.resume_selected())
        return self.resume_action

    def resume_selected(self) -> None:
        """Resume the paused sequences of the selected contacts (or accounts' contacts)."""
        rowids = self.selected_rowids()
        if not rowids or self.ctx.workspace is None or self.ctx.workspace.read_only:
            return
        table = "contacts" if self.tabs.currentIndex() == CONTACTS_TAB else "accounts"

        def resume(ws: Workspace) -> Any:
            contacts = ws.sequences.contacts_for_rows(table, rowids)
            return ws.sequences.resume_many(contacts)

        self.write(resume, lambda r: self.ctx.bus.sig_status_message.emit(f"{r.value} sequences resumed."))

    # -- enrolment (issue 13) -------------------------------------------------------------
    def selected_rowids(self) -> list[int]:
        view, model = self._current_view(), self._current_model()
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
        ids = [model.id_at(r) for r in rows]
        return [i for i in ids if isinstance(i, int)]

    def enrol_selected(self) -> None:
        """Open "Enrol in sequence…" for the selected contacts (or the selected accounts' contacts)."""
        rowids = self.selected_rowids()
        if not rowids or self.ctx.workspace is None or self.ctx.workspace.read_only:
            return
        table = "contacts" if self.tabs.currentIndex() == CONTACTS_TAB else "accounts"
        self.read(lambda ws: ws.sequences.contacts_for_rows(table, rowids), self._open_enrol)

    def _open_enrol(self, contact_ids: list[uuid.UUID]) -> None:
        if not contact_ids:
            self.ctx.bus.sig_status_message.emit("Nobody to enrol: the selected accounts have no contacts.")
            return
        dialog = EnrolDialog(contact_ids, self.read, self.write, self, caps=self.ctx.settings.daily_caps())
        dialog.sig_enrolled.connect(lambda report: self.ctx.bus.sig_status_message.emit(report.summary()))
        self.enrol_dialog = dialog
        dialog.open()

    # -- the Pane contract ------------------------------------------------------------
    def wants(self, changes: Changes) -> bool:
        return bool(changes.accounts or changes.contacts or changes.tasks)

    def refresh(self) -> None:
        if self.ctx.workspace is None:
            self.search.cancel()
            self.accounts_model.set_ids([])
            self.contacts_model.set_ids([])
            self._show_current_table()
            return
        self._reload_filter_options()
        self.accounts_model.invalidate()
        self.contacts_model.invalidate()
        self.run_search_now()

    @Slot(object, object)
    def _on_bus_changes_applied(self, changes: Changes, initiator: object) -> None:
        # Repaint only the rows that changed, then let SQL re-decide membership and order.
        self.accounts_model.invalidate_records(changes.accounts)
        self.contacts_model.invalidate_records(changes.contacts)
        if self.ctx.workspace is not None and (changes.accounts or changes.contacts or changes.book_reloaded):
            self.ctx.workspace.browse.records_changed()
        if changes.book_reloaded or initiator is self:
            super()._on_bus_changes_applied(changes, initiator)  # everything reloads (or nothing)
            return
        if changes.tasks:
            self.accounts_model.invalidate()  # open-task counts; only painted rows refetch
        if self.wants(changes):
            # No full reload for one edited record: the rows above repaint, and the lists are
            # asked again in case a name (sort order) or a filtered field changed.
            if self.isVisible():
                self.run_search_now()
            else:
                self._stale = True  # the base class refreshes when the pane is shown

    # -- searching --------------------------------------------------------------------
    def current_request(self) -> BookRequest | None:
        ws = self.ctx.workspace
        if ws is None:
            return None
        filters = self.filter_bar.filters()
        text = self.search_edit.text()
        if self._relevance and bq.parse_query(text).searches:
            return BookRequest(ws, text, filters, self.RANKED, self.RANKED)
        return BookRequest(ws, text, filters, self._account_sort, self._contact_sort)

    def run_search_now(self) -> None:
        request = self.current_request()
        if request is not None:
            self.search.run_now(request)

    @Slot(str)
    def _on_search_text_edited(self, text: str) -> None:
        self._relevance = True  # a new query: best match first again
        request = self.current_request()
        if request is not None:
            self.search.request(request)

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        if not text:  # cleared (Esc, the clear button, or code): show everything at once
            self.run_search_now()

    @Slot(object, object)
    def _on_search_results_ready(self, request: BookRequest, result: BookIds) -> None:
        if request.workspace is not self.ctx.workspace:
            return  # a result from a book that has since been closed
        self._last_result = result
        if self._warmed is not request.workspace and result.contacts is not None:
            self._warmed = request.workspace  # warm the name ranks while the rep reads the list
            # Then the names' words (ranking, typos): after the ranks, not beside the first pages.
            self.read(lambda ws: ws.browse.warm_up(), lambda _none: self._warm_up_names(),
                      lambda exc: log.info("ranks: %s", type(exc).__name__))
        for model, view, ids in ((self.accounts_model, self.accounts_view, result.accounts),
                                 (self.contacts_model, self.contacts_view, result.contacts)):
            if ids is None:
                continue  # accounts came first; contacts follow in a moment
            keep = model.id_at(view.currentIndex().row()) if view.currentIndex().isValid() else None
            model.set_ids(ids)
            if keep is not None and not view.currentIndex().isValid():
                self._restore_current(view, model, keep)
        self.tabs.setTabText(ACCOUNTS_TAB, f"Accounts {len(result.accounts):,}")
        if result.contacts is not None:
            self.tabs.setTabText(CONTACTS_TAB, f"Contacts {len(result.contacts):,}")
        self.status.setText(search_status(result))
        self._show_sort_indicators(request)
        self._show_current_table()

    def _show_sort_indicators(self, request: BookRequest) -> None:
        """No indicator while ranked by relevance; the column's otherwise."""
        for view, model, (key, descending) in (
                (self.accounts_view, self.accounts_model, request.account_sort),
                (self.contacts_view, self.contacts_model, request.contact_sort)):
            section = next((i for i, c in enumerate(model.columns) if c.key == key), -1)
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            header = view.horizontalHeader()
            if header.sortIndicatorSection() != section or header.sortIndicatorOrder() != order:
                header.blockSignals(True)  # showing the order, not asking for one
                header.setSortIndicator(section, order)
                header.blockSignals(False)
                header.viewport().update()

    def _restore_current(self, view: QTableView, model: PagedTableModel, record_id: object) -> None:
        try:
            row = model.ids.index(record_id)  # C-speed scan; no 300k-entry dict just for this
        except ValueError:
            return
        view.selectionModel().blockSignals(True)  # same record: no need to re-announce it
        try:
            view.selectionModel().setCurrentIndex(
                model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        finally:
            view.selectionModel().blockSignals(False)
        view.scrollTo(model.index(row, 0))

    @Slot(bool)
    def _on_search_busy_changed(self, busy: bool) -> None:
        if busy:  # filters over the whole book take up to a second at 300k contacts
            self.status.setText("Searching…")

    @Slot(object)
    def _on_search_failed(self, exc: BaseException) -> None:
        log.warning("search failed: %s", type(exc).__name__)
        self.status.setText("Search failed; see the log")
        self.ctx.bus.sig_error.emit(exc)

    def _reload_filter_options(self) -> None:
        self.read(lambda ws: ws.browse.filter_options(), self._on_filter_options)

    def _on_filter_options(self, options: FilterOptions) -> None:
        if self.filter_bar.set_options(options):  # "show this import" was waiting for its label
            self.search_edit.clear()
            self.run_search_now()

    # -- sorting ----------------------------------------------------------------------
    @Slot(str, bool)
    def _on_accounts_sort_requested(self, key: str, descending: bool) -> None:
        self._account_sort = (key, descending)
        self._leave_relevance()
        self.run_search_now()

    @Slot(str, bool)
    def _on_contacts_sort_requested(self, key: str, descending: bool) -> None:
        self._contact_sort = (key, descending)
        self._leave_relevance()
        self.run_search_now()

    def _leave_relevance(self) -> None:
        """A header click sorts both tables by their columns until the query changes."""
        if self._relevance and bq.parse_query(self.search_edit.text()).searches:
            # The other table keeps the column its header shows (name until clicked).
            self._relevance = False

    # -- selection, focus and keys ----------------------------------------------------
    def _current_view(self) -> QTableView:
        return self.contacts_view if self.tabs.currentIndex() == CONTACTS_TAB else self.accounts_view

    def _current_model(self) -> PagedTableModel:
        return self.contacts_model if self.tabs.currentIndex() == CONTACTS_TAB else self.accounts_model

    def _show_current_table(self) -> None:
        if self.ctx.workspace is None:
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self._current_view())

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        self.ctx.settings.set(S.BOOK_TAB, "contacts" if index == CONTACTS_TAB else "accounts")
        self._show_current_table()
        current = self._current_view().currentIndex()
        if current.isValid():
            self._on_view_current_row_changed(self._current_model(), current)

    def _on_view_current_row_changed(self, model: PagedTableModel, current: QModelIndex) -> None:
        if not current.isValid():
            return
        row = model.cached_row(current.row())  # never a query on the GUI thread while paging
        if row is None:
            self._pending_focus = (model, current.row())  # announced when its page arrives
            return
        self._pending_focus = None
        if model is self.contacts_model:
            self.ctx.bus.set_focus(Focus(row.account_id, row.id))
            return
        # An account: the person panes follow its best contact to call, never stay on another
        # company's person; until that arrives (or when it has nobody) no contact is focused.
        account_id = row.id
        self.ctx.bus.set_focus(Focus(account_id, None))
        self.read(lambda ws: ws.browse.best_contact(account_id),
                  lambda contact_id: self._on_best_contact(account_id, contact_id))

    def _warm_up_names(self) -> None:
        if self.ctx.workspace is None:
            return
        try:
            self.read(lambda ws: ws.browse.warm_up_names(), lambda _none: None,
                      lambda exc: log.info("name words: %s", type(exc).__name__))
        except RuntimeError:  # the runner stopped (the window closed) while the ranks were built
            log.info("name words: runner stopped")

    def _on_rows_arrived(self, model: PagedTableModel) -> None:
        pending = self._pending_focus
        if pending is None or pending[0] is not model:
            return
        view = self.contacts_view if model is self.contacts_model else self.accounts_view
        current = view.currentIndex()
        if not current.isValid() or current.row() != pending[1]:
            self._pending_focus = None  # the rep moved on; that row announced itself
            return
        if model.cached_row(current.row()) is not None:
            self._on_view_current_row_changed(model, current)

    @Slot()
    def _forget_pending_focus(self) -> None:
        self._pending_focus = None

    def _on_best_contact(self, account_id: uuid.UUID, contact_id: uuid.UUID | None) -> None:
        if contact_id is not None and self.ctx.bus.focus == Focus(account_id, None):
            self.ctx.bus.set_focus(Focus(account_id, contact_id))

    def selected_row(self) -> Any:
        view = self._current_view()
        index = view.currentIndex()
        return self._current_model().row_at(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        view = self._current_view()
        model = self._current_model()
        if 0 <= row < model.rowCount():
            view.setCurrentIndex(model.index(row, 0))
            view.scrollTo(model.index(row, 0))

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def open_research(self) -> None:
        row = self.selected_row()
        if row is None:
            if self._current_model().rowCount() == 0:
                return
            self.select_row(0)
            row = self.selected_row()
        is_contact = self._current_model() is self.contacts_model
        account_id = row.account_id if is_contact else row.id
        if account_id is not None:
            self.ctx.bus.sig_open_research_requested.emit(account_id)

    @Slot(object)
    def _on_bus_show_source_requested(self, label_id: object) -> None:
        """List exactly what one import brought in: that source label, no other filter or search."""
        if self.ctx.workspace is None:
            return
        if not isinstance(label_id, uuid.UUID):
            return
        if not self.filter_bar.only_source(label_id):
            self._reload_filter_options()  # the label is newer than the list: applied when it arrives
            return
        self.search_edit.clear()  # runs the search once, with the filters above
        self.run_search_now()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def clear_search(self) -> None:
        self.search_edit.clear()
        self.focus_search()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search_edit:
            if key in _NAV_KEYS:
                view = self._current_view()
                if not view.currentIndex().isValid() and key == Qt.Key.Key_Down:
                    self.select_row(0)
                else:
                    QApplication.sendEvent(view, QKeyEvent(event.type(), key, event.modifiers()))
                return True
            if key in _ENTER_KEYS:
                self.open_research()
                return True
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
        elif watched in (self.accounts_view, self.contacts_view):
            if key in _ENTER_KEYS:
                self.open_research()
                return True
            if key == Qt.Key.Key_Escape:
                self.clear_search()
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_clock_tick(self) -> None:
        minute = self.ctx.clock.now().minute
        if minute == self._last_minute or not self.contacts_view.isVisible():
            return
        self._last_minute = minute
        rows = self.contacts_model.rowCount()
        if rows:
            column = self.contacts_model.column_of("local")
            self.contacts_model.dataChanged.emit(self.contacts_model.index(0, column),
                                                 self.contacts_model.index(rows - 1, column))
