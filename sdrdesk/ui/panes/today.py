"""The Today pane: the rep's open sequence tasks, callable-now first, then by due time.

Filters by channel and sequence; complete, skip, snooze and reschedule (with a reason) the
selected tasks, one or many; "next callable task" key. Selecting a task focuses its contact
and account on the bus; every other pane follows. After a call is logged the queue moves to
the task after the one just completed.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.compliance import CallingWindows
from sdrdesk.domain.dispositions import parse_callback_time
from sdrdesk.domain.focus import Focus
from sdrdesk.services.calls import calling_windows
from sdrdesk.services.task_queue import CHANNELS, QueueView, TodayRow
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.dialogs.sequence_editor import SequenceEditor
from sdrdesk.ui.models.paged_table import PAGE_SIZE, ColumnSpec, PagedTableModel
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState
from sdrdesk.ui.widgets.disposition_keys import rep_tz

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

CLOCK_REFRESH_MS = 60_000
CALLABLE_SHORTCUT = "Ctrl+Shift+W"  # W for the calling window
NEXT_CALLABLE_SHORTCUT = "Ctrl+J"  # J for jump
OUTREACH_CHANNELS = ("email", "linkedin")
ZONE_CHUNK = 2000  # contacts per write when storing calling zones after an upgrade
_NO_TASKS = "No open tasks. Enrol contacts in a sequence to fill your day."
_NOBODY_CALLABLE = ("Nobody on your list can be called right now: it is outside your calling window "
                    "where they are. Untick “Callable now” to see every task.")


def _due_text(row: TodayRow) -> str:
    return row.task.due_at.astimezone().strftime("%a %d %b %H:%M")


def _merge(results: list[OpResult[int]]) -> OpResult[int]:
    changes = Changes()
    for result in results:
        changes = changes | result.changes
    return OpResult(sum(r.value for r in results), changes)


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
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)

        self.sequence_filter = QComboBox(self)
        self.sequence_filter.setObjectName("today.sequence")
        self.sequence_filter.addItem("All sequences", "")
        self.sequence_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.done_button = self._button("Done", "today.done", "Ctrl+Return", self.complete_selected,
                                        "Mark the selected tasks done (the next step is scheduled)")
        self.skip_button = self._button("Skip…", "today.skip", "Ctrl+Shift+S", self.skip_selected,
                                        "Skip the selected tasks, with a reason")
        self.snooze_button = self._button("Snooze…", "today.snooze", "Ctrl+L", self.snooze_selected,
                                          "Push the selected tasks later (+1h, tomorrow 10:00…)")
        self.reschedule_button = self._button("Reschedule…", "today.reschedule", "Ctrl+Shift+R",
                                              self.reschedule_selected,
                                              "Move the selected tasks to a date, with a reason")
        self.next_callable_action = QAction("Today: next callable task", self)
        self.next_callable_action.setShortcut(QKeySequence(NEXT_CALLABLE_SHORTCUT))
        self.next_callable_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.next_callable_action.triggered.connect(lambda _=False: self.select_next_callable())
        self.addAction(self.next_callable_action)
        self._callable_ids: frozenset[uuid.UUID] = frozenset()
        self._move_on_from: tuple[uuid.UUID, int] | None = None  # (completed task, its row)
        self._defaults_checked = False
        self._full_landed = -1
        self._quiet = False
        self._storing_zones = False
        ctx.bus.sig_call_logged.connect(self._on_bus_call_logged)

        self.empty = EmptyState(_NO_TASKS, self)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(self.channel_filter)
        top.addWidget(self.sequence_filter)
        top.addWidget(self.callable_filter)
        top.addStretch(1)
        top.addWidget(self.summary)
        actions = QHBoxLayout()
        for button in (self.done_button, self.skip_button, self.snooze_button, self.reschedule_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.sequences_button = QPushButton("Sequences…", self)
        self.sequences_button.setObjectName("today.sequences")
        self.sequences_button.setToolTip("Edit, import and export sequences (steps, offsets, templates)")
        self.sequences_button.clicked.connect(lambda _=False: self.open_sequence_editor())
        actions.addWidget(self.sequences_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(actions)
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
        chosen = self.sequence_filter.currentData()
        sequence_id = uuid.UUID(chosen) if chosen else None
        windows = self._windows = self._current_windows()  # preferences may have changed
        self._generation += 1
        generation = self._generation
        if callable_only:
            self.summary.setText("Finding who you can call now…")

        def load(workspace: Workspace) -> QueueView:
            # The first page comes along, so the top task can be focused without waiting.
            return workspace.tasks.queue(windows, channel=channel, callable_only=callable_only,
                                         sequence_id=sequence_id)

        # Off the GUI thread: 60k open tasks take a second to list; only the newest load lands.
        def load_head(workspace: Workspace) -> QueueView:
            return workspace.tasks.queue_head(windows, channel=channel, callable_only=callable_only,
                                              limit=PAGE_SIZE, sequence_id=sequence_id)

        # The first screen in a few index probes, then the whole queue (60k ids take ~0.5 s).
        # One read after the other (head, whole queue, sequence names): a refresh never holds
        # more than one reader of the pool, whatever else the panes are loading.
        def after_whole(view: QueueView) -> None:
            self._on_snapshot(generation, view)
            if generation == self._generation:
                self.read(lambda ws: [(s.name, s.id.hex) for s in ws.sequences.list()],
                          self._on_sequences_listed)

        def after_head(view: QueueView) -> None:
            self._on_snapshot(generation, view)
            if generation == self._generation:
                self.read(load, after_whole)

        self.read(load_head, after_head)
        if not self._defaults_checked and not workspace.read_only:
            self._defaults_checked = True

            def defaults(ws: Workspace) -> OpResult[int]:
                # A new book gets the shipped sequences; paused sequences whose date came resume.
                loaded, resumed = ws.sequences.ensure_defaults(), ws.sequences.resume_due()
                return OpResult(loaded.value + resumed.value, loaded.changes | resumed.changes)

            self.write(defaults, lambda result: self.refresh() if result.value else None)

    def _on_snapshot(self, generation: int, view: QueueView) -> None:
        if generation != self._generation:
            return  # a newer refresh (filter change, another book) is on its way
        if not view.complete and self._full_landed == generation:
            return  # the whole queue already landed; the head is older news
        if view.complete:
            self._full_landed = generation
        ids, summary = view.ids, view.summary
        previous = list(self.model.ids)
        index = self.table.currentIndex()
        current = self.model.id_at(index.row()) if index.isValid() else None
        self._callable_ids = view.callable_ids if view.complete else self._callable_ids | view.callable_ids
        self.model.set_ids(ids)
        self.model.preload(dict(view.first_page))
        self.model.refetch()  # pages already shown may hold changed tasks
        self.summary.setText(summary)
        self.empty.setText(_NOBODY_CALLABLE if self.callable_filter.isChecked() else _NO_TASKS)
        self._stack.setCurrentWidget(self.table if ids else self.empty)
        if view.stale and self.workspace is not None and not self.workspace.read_only:
            self._store_zones()
        if self._move_on_from is not None and ids:
            done_id, row = self._move_on_from
            if done_id in previous or view.complete:
                self._move_on_from = None
                self._select_after(done_id, row, previous, ids)
                return
        restored = self.model.row_of(current) if current is not None else None
        if restored is not None:
            self._quiet = True  # the reset keeps the rep's place; the focus is not Today's to move
            try:
                self.select_row(restored)
            finally:
                self._quiet = False
            return
        working_on = self.ctx.bus.focus.task_id
        if (current is not None and ids and view.complete and isinstance(current, uuid.UUID)
                and working_on == current):
            # The task the rep was on is done (sent from Outreach, ended elsewhere): move on.
            self._select_after(current, index.row(), previous, ids)
            return
        if ids and not self._focus_taken and not self.table.selectionModel().hasSelection():
            self.select_row(0)  # the next task is already in focus, as in a mail client

    def _store_zones(self) -> None:
        """Store the calling zones worked out in memory, a chunk per write (the serial writer
        stays free for the rep), so the next "Callable now" is a query. After an upgrade."""
        if self._storing_zones:
            return
        self._storing_zones = True

        def landed(result: object) -> None:
            self._storing_zones = False
            if getattr(result, "value", 0) >= ZONE_CHUNK:
                self._store_zones()
            else:
                self.refresh()

        def failed(exc: BaseException) -> None:
            self._storing_zones = False
            self.report_error(exc)

        self.write(lambda ws: ws.sequences.refresh_zones(limit=ZONE_CHUNK), landed, failed)

    def _on_sequences_listed(self, items: list[tuple[str, str]]) -> None:
        """Item data are id hex strings: QComboBox.findData cannot match Python objects."""
        current = self.sequence_filter.currentData()
        known = [self.sequence_filter.itemData(i) for i in range(1, self.sequence_filter.count())]
        if known == [i for _n, i in items]:
            return
        self.sequence_filter.blockSignals(True)
        try:
            self.sequence_filter.clear()
            self.sequence_filter.addItem("All sequences", "")
            for name, seq_id in items:
                self.sequence_filter.addItem(name, seq_id)
            index = self.sequence_filter.findData(current) if current else 0
            self.sequence_filter.setCurrentIndex(max(0, index))
        finally:
            self.sequence_filter.blockSignals(False)

    def _select_after(self, done_id: uuid.UUID, row: int, previous: list[object],
                      ids: list[uuid.UUID]) -> None:
        """Select the task that came after `done_id` in the old order (still open), else the
        row now at the same place: the rep moves on, and every pane follows."""
        present = set(ids)
        target: uuid.UUID | None = None
        if done_id in previous:
            for candidate in previous[previous.index(done_id) + 1:]:
                if candidate in present and isinstance(candidate, uuid.UUID):
                    target = candidate
                    break
        index = self.model.row_of(target) if target is not None else None
        self.table.clearSelection()
        self.select_row(index if index is not None else min(row, len(ids) - 1))

    def _button(self, text: str, name: str, key: str, slot, tip: str) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(text, self)
        button.setObjectName(name)
        native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{tip} ({native})")
        button.clicked.connect(lambda _=False: slot())
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return button

    # -- acting on tasks -------------------------------------------------------------------------
    def selected_task_ids(self) -> list[uuid.UUID]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.id_at(r) for r in rows]
        return [i for i in ids if isinstance(i, uuid.UUID)]

    def _act(self, action: str, *, reason: str = "", when=None) -> None:  # type: ignore[no-untyped-def]
        ids = self.selected_task_ids()
        if not ids or self.workspace is None:
            return
        row = self.table.currentIndex().row()
        current = self.model.id_at(row)
        if isinstance(current, uuid.UUID) and current in ids:
            self._move_on_from = (current, row)
        count = len(ids)

        def done(result: object) -> None:
            self.ctx.bus.sig_status_message.emit(f"{action.capitalize()}: {count} task{'s' * (count != 1)}")
            self.refresh()  # the other panes refresh from the published changes; this one here

        self.write(lambda ws: ws.sequences.bulk(ids, action, reason=reason, when=when), done)

    def complete_selected(self) -> None:
        self._act("complete")

    def skip_selected(self) -> None:
        if not self.selected_task_ids():
            return
        reason = self.ctx.prompter.ask_text("Skip task", "Why is this task skipped?")
        if reason is None:
            return
        if not reason.strip():
            self.ctx.prompter.inform("Skip task", "A skipped task needs a reason.")
            return
        self._act("skip", reason=reason)

    def _ask_when(self, title: str) -> object | None:
        text = self.ctx.prompter.ask_text(title, "When? (+2h, +1d, 14:30, tomorrow 10:00, 2026-03-12 09:00)",
                                          "+1d")
        if text is None:
            return None
        when = parse_callback_time(text, self.ctx.clock.now(), rep_tz())
        if when is None:
            self.ctx.prompter.inform(title, f"“{text}” is not a time in the future.")
        return when

    def snooze_selected(self) -> None:
        if not self.selected_task_ids():
            return
        when = self._ask_when("Snooze")
        if when is not None:
            self._act("snooze", when=when)

    def reschedule_selected(self) -> None:
        if not self.selected_task_ids():
            return
        when = self._ask_when("Reschedule")
        if when is None:
            return
        reason = self.ctx.prompter.ask_text("Reschedule", "Why does it move?")
        if not reason or not reason.strip():
            return
        self._act("reschedule", reason=reason, when=when)

    def _selected_contacts(self) -> list[uuid.UUID]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        found = [self.model.row_at(r) for r in rows]
        return list(dict.fromkeys(r.task.contact_id for r in found if r is not None))

    def pause_selected(self) -> None:
        """Pause the selected contacts' sequences, until a date (auto-resume) or until resumed."""
        contacts = self._selected_contacts()
        if not contacts:
            return
        text = self.ctx.prompter.ask_text("Pause the sequence",
                                          "Resume by itself on (2026-03-12, +5d; empty: only by hand)", "")
        if text is None:
            return
        until = parse_callback_time(text, self.ctx.clock.now(), rep_tz()) if text.strip() else None
        if text.strip() and until is None:
            self.ctx.prompter.inform("Pause the sequence", f"“{text}” is not a date in the future.")
            return
        self.write(lambda ws: _merge([ws.sequences.pause(c, until, "paused by the rep") for c in contacts]),
                   lambda _r: self.refresh())

    def out_of_office(self) -> None:
        """The rep is away: tasks due on those days move by the working days away."""
        text = self.ctx.prompter.ask_text("Out of office",
                                          "First and last day away (2026-03-09 2026-03-13)", "")
        if not text:
            return
        try:
            first, last = (date.fromisoformat(p) for p in text.split()[:2])
        except ValueError:
            self.ctx.prompter.inform("Out of office", "Write two dates: the first and the last day away.")
            return
        settings = self.ctx.settings  # the rep's own holidays, from Preferences
        country, region = settings.get(S.REP_HOLIDAY_COUNTRY), settings.get(S.REP_HOLIDAY_REGION)
        self.write(lambda ws: ws.sequences.out_of_office(first, last, country=country, region=region),
                   self._after_out_of_office)

    def _after_out_of_office(self, result: OpResult[int]) -> None:
        self.ctx.bus.sig_status_message.emit(f"{result.value} tasks moved past your time away.")
        self.refresh()

    def open_sequence_editor(self) -> None:
        if self.workspace is None:
            return
        dialog = SequenceEditor(self.read, self.write, self.ctx.prompter, self)
        dialog.finished.connect(lambda _code: self.refresh())  # names and steps may have changed
        self.sequence_editor = dialog
        dialog.open()

    def select_next_callable(self) -> None:
        """Jump to the first task callable now (after the current one, if it is callable)."""
        ids = [i for i in self.model.ids if i in self._callable_ids]
        if not ids:
            self.ctx.bus.sig_status_message.emit("Nobody on your list can be called right now.")
            return
        index = self.table.currentIndex()
        current = self.model.id_at(index.row()) if index.isValid() else None
        after = ids[ids.index(current) + 1:] if current in ids else ids
        target = (after or ids)[0]
        row = self.model.row_of(target)
        if row is not None:
            self.table.clearSelection()
            self.select_row(row)

    @Slot(object)
    def _on_bus_call_logged(self, logged: object) -> None:
        done_id = getattr(logged, "completed_task_id", None)
        if not isinstance(done_id, uuid.UUID):
            return
        row = self.model.row_of(done_id)
        if row is not None:
            self._move_on_from = (done_id, row)

    @Slot(object)
    def _on_table_context_menu(self, pos: object) -> None:
        menu = QMenu(self)
        for text, slot in (("Done", self.complete_selected), ("Skip…", self.skip_selected),
                           ("Snooze…", self.snooze_selected), ("Reschedule…", self.reschedule_selected),
                           ("Next callable task", self.select_next_callable),
                           ("Pause the sequence…", self.pause_selected),
                           ("Out of office…", self.out_of_office)):
            menu.addAction(text).triggered.connect(lambda _=False, f=slot: f())
        menu.popup(self.table.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

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
        if not indexes or self.table.currentIndex().isValid():
            return  # the current row drives the focus (see below)
        self._focus_row(indexes[0].row())

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _old: QModelIndex) -> None:
        if current.isValid():
            self._focus_row(current.row())

    def _focus_row(self, index: int) -> None:
        if self._quiet:
            return
        row = self.model.row_at(index)
        if row is not None:
            self.ctx.bus.set_focus(Focus(row.task.account_id, row.task.contact_id, row.task.id))

    def select_row(self, row: int) -> None:
        """Select exactly this row and make it current (never toggled by held modifiers)."""
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
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
