"""The Today pane: the rep's open sequence tasks, overdue first, filterable by channel.

Selecting a task focuses its contact and account on the bus; every other pane follows.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.compliance import CallingWindows
from sdrdesk.domain.focus import Focus
from sdrdesk.services.calls import calling_windows
from sdrdesk.services.task_queue import CHANNELS, QueueView, TodayRow
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.models.paged_table import PAGE_SIZE, ColumnSpec, PagedTableModel
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

CLOCK_REFRESH_MS = 60_000
CALLABLE_SHORTCUT = "Ctrl+Shift+W"  # W for the calling window
_NO_TASKS = "No open tasks. Enrol contacts in a sequence to fill your day."
_NOBODY_CALLABLE = ("Nobody on your list can be called right now: it is outside your calling window "
                    "where they are. Untick “Callable now” to see every task.")


def _due_text(row: TodayRow) -> str:
    return row.task.due_at.astimezone().strftime("%a %d %b %H:%M")


class TodayPane(Pane):
    OBJECT_NAME = "pane.today"
    TITLE = "Today"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        now = ctx.clock.now
        columns: list[ColumnSpec[TodayRow]] = [
            ColumnSpec("due", "Due", _due_text, width=120),
            ColumnSpec("state", "Status", lambda r: r.task.urgency(now()).capitalize(), width=72),
            ColumnSpec("channel", "Channel", lambda r: r.task.channel.capitalize(), width=70),
            ColumnSpec("contact", "Contact", lambda r: r.task.contact_name, width=150,
                       tooltip=lambda r: r.task.contact_title),
            ColumnSpec("account", "Account", lambda r: r.task.account_name, width=170),
            ColumnSpec("local", "Their time", lambda r: r.window.local_time if r.window else "",
                       width=120, tooltip=lambda r: ", ".join(r.window.zones.zones) if r.window else ""),
            ColumnSpec("window", "Calling window", lambda r: r.window_text(now()), width=170),
            ColumnSpec("task", "Task", lambda r: r.task.title, width=140),
        ]
        # Pages load on the runner: a page with its calling windows takes ~0.1 s at 60k tasks.
        self.model: PagedTableModel[TodayRow] = PagedTableModel(columns, self._fetch_rows, self,
                                                                runner=ctx.runner)
        self._windows = self._current_windows()
        self._generation = 0
        # Focus the top task only while the rep has focused nothing else in this book.
        self._focus_taken = False
        ctx.bus.sig_book_opened.connect(self._on_bus_book_opened_reset_focus)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        # Local times and windows move with the clock: repaint the cached pages each minute
        # (and, when only callable prospects are listed, work out again who they are).
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_REFRESH_MS)
        self._clock_timer.timeout.connect(self._on_clock_tick)
        self._clock_timer.start()

        self.channel_filter = QComboBox(self)
        self.channel_filter.setObjectName("today.channel")
        self.channel_filter.addItem("All channels", "")
        for channel in CHANNELS:
            self.channel_filter.addItem(channel.capitalize(), channel)
        self.channel_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.callable_filter = QCheckBox("Callable now", self)
        self.callable_filter.setObjectName("today.callable_now")
        self.callable_filter.setToolTip("Only calls to prospects inside your calling window right now, "
                                        "in every time zone they could be in (power hour)")
        self.callable_filter.setChecked(ctx.settings.get(S.TODAY_CALLABLE_NOW))
        self.callable_filter.toggled.connect(self._on_callable_filter_toggled)
        self.channel_filter.setEnabled(not self.callable_filter.isChecked())  # calls only, then
        self.callable_action = QAction("Today: callable now only (on/off)", self)
        self.callable_action.setShortcut(QKeySequence(CALLABLE_SHORTCUT))
        self.callable_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.callable_action.triggered.connect(lambda _=False: self.callable_filter.toggle())
        self.addAction(self.callable_action)
        native = QKeySequence(CALLABLE_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        self.callable_filter.setToolTip(f"{self.callable_filter.toolTip()} ({native})")
        self.summary = QLabel(self)
        self.summary.setObjectName("today.summary")

        self.table = QTableView(self)
        self.table.setObjectName("today.table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setObjectName("today.header")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, column in enumerate(columns):
            self.table.setColumnWidth(i, column.width)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

        self.empty = EmptyState(_NO_TASKS, self)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(self.channel_filter)
        top.addWidget(self.callable_filter)
        top.addStretch(1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(self._stack)
        self.setFocusProxy(self.table)

    def wants(self, changes: Changes) -> bool:
        return bool(changes.tasks) or changes.sequences or bool(changes.contacts)

    def refresh(self) -> None:
        workspace = self.workspace
        if workspace is None:
            self.model.set_ids([])
            self._stack.setCurrentWidget(self.empty)
            return
        callable_only = self.callable_filter.isChecked()
        channel = None if callable_only else self.channel_filter.currentData() or None
        windows = self._windows = self._current_windows()  # preferences may have changed
        self._generation += 1
        generation = self._generation
        if callable_only:
            self.summary.setText("Finding who you can call now…")

        def load(workspace: Workspace) -> QueueView:
            # The first page comes along, so the top task can be focused without waiting.
            return workspace.tasks.queue(windows, channel=channel, callable_only=callable_only,
                                         first_page=PAGE_SIZE)

        # Off the GUI thread: 60k open tasks take a second to list; only the newest load lands.
        self.read(load, lambda view: self._on_snapshot(generation, view))

    def _on_snapshot(self, generation: int, view: QueueView) -> None:
        if generation != self._generation:
            return  # a newer refresh (filter change, another book) is on its way
        ids, summary = view.ids, view.summary
        self.model.set_ids(ids)
        self.model.preload(dict(view.first_page))
        self.model.refetch()  # pages already shown may hold changed tasks
        self.summary.setText(summary)
        self.empty.setText(_NOBODY_CALLABLE if self.callable_filter.isChecked() else _NO_TASKS)
        self._stack.setCurrentWidget(self.table if ids else self.empty)
        if ids and not self._focus_taken and not self.table.selectionModel().hasSelection():
            self.select_row(0)  # the next task is already in focus, as in a mail client

    @Slot(bool)
    def _on_callable_filter_toggled(self, checked: bool) -> None:
        self.ctx.settings.set(S.TODAY_CALLABLE_NOW, checked)
        self.channel_filter.setEnabled(not checked)  # "callable" is about calls, whatever it says
        self.refresh()

    @Slot()
    def _on_clock_tick(self) -> None:
        if self.callable_filter.isChecked():
            self.refresh()  # who is callable changes with the clock, not only the cells
        else:
            self.model.refetch()

    @Slot(object)
    def _on_bus_book_opened_reset_focus(self, _workspace: object) -> None:
        self._focus_taken = False

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        if not focus.empty:
            self._focus_taken = True

    def _current_windows(self) -> CallingWindows:
        settings = self.ctx.settings  # read on the GUI thread; workers only see the result
        return calling_windows(settings.get(S.CALLING_WINDOW_START), settings.get(S.CALLING_WINDOW_END))

    def _fetch_rows(self, ids: Sequence[Hashable]) -> dict[Hashable, TodayRow]:
        """Runs on a worker: touches only the workspace, the clock and immutable windows."""
        workspace = self.workspace
        if workspace is None:
            return {}
        return dict(workspace.tasks.rows([i for i in ids if isinstance(i, uuid.UUID)], self._windows))

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        row = self.model.row_at(indexes[0].row())
        if row is not None:
            self.ctx.bus.set_focus(Focus(row.task.account_id, row.task.contact_id, row.task.id))

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.currentIndex().isValid():
            row = self.model.row_at(self.table.currentIndex().row())
            if row is not None and row.task.account_id is not None:
                self.ctx.bus.sig_open_research_requested.emit(row.task.account_id)
            return
        super().keyPressEvent(event)
