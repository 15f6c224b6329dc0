"""Ctrl+K: one box to jump to an account or contact, or to run any of the window's commands.

Keyboard only: type, Up/Down (or Ctrl+N/Ctrl+P) to choose, Enter to go, Esc to close.
Commands are the window's own `QAction`s (menus, layouts, "Go to" panes), read when the
switcher opens, so a menu item another area adds appears here without a line of code.
Records come from `workspace.browse.search_with_hits` on a worker (the pane's ranking), and
only the newest answer lands. Commands and records are ranked together by the same name
tiers (start of the name, whole word, word start), ties in their original order.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from sdrdesk.domain.focus import Focus
from sdrdesk.services.book_queries import ParsedQuery, QueryKind, SearchHit, parse_query, text_tier
from sdrdesk.ui.context import PaneContext

log = logging.getLogger(__name__)

RECORDS_PER_KIND = 6
DEBOUNCE_MS = 120
_NO_TIER = 4  # matched elsewhere than the name (e-mail, phone, notes)


@dataclass(frozen=True)
class Entry:
    kind: str  # "command", "account" or "contact"
    title: str
    detail: str
    run: Callable[[], None]
    record_id: uuid.UUID | None = None


def window_commands(root: QWidget) -> list[tuple[str, QAction]]:
    """(title with its menu path, action) for every enabled, named action of `root`'s menus and
    its own shortcuts; sub-menus are walked, separators and sub-menu entries skipped."""
    found: list[tuple[str, QAction]] = []
    seen: set[int] = set()

    def add(action: QAction, path: str) -> None:
        if id(action) in seen or action.isSeparator() or not action.isEnabled():
            return
        seen.add(id(action))
        menu = action.menu()
        title = action.text().replace("&", "").rstrip("…").strip()
        if menu is not None:
            if hasattr(menu, "aboutToShow"):
                menu.aboutToShow.emit()  # menus filled on demand (layouts) fill now
            for child in menu.actions():
                add(child, f"{path}{title} › ")
            return
        if title:
            found.append((f"{path}{title}", action))

    menu_bar = getattr(root, "menuBar", None)
    if callable(menu_bar):
        for top in menu_bar().actions():
            add(top, "")
    for action in root.actions():
        add(action, "")
    return found


class QuickSwitcher(QFrame):
    sig_done = Signal()
    """Closed, after running a choice or on Esc."""

    def __init__(self, ctx: PaneContext, commands_of: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("quick_switcher")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.ctx = ctx
        self._commands_of = commands_of
        self._commands: list[tuple[str, QAction]] = []
        self._records: list[SearchHit] = []
        self._generation = 0
        self.edit = QLineEdit(self)
        self.edit.setObjectName("quick_switcher.query")
        self.edit.setPlaceholderText("Jump to an account or contact, or run a command")
        self.list = QListWidget(self)
        self.list.setObjectName("quick_switcher.results")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the box
        self.hint = QLabel("Enter to go · Esc to close", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.resize(560, 380)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_records)
        self.edit.textEdited.connect(self._on_text_edited)
        self.edit.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept_current())

    # -- opening and closing ----------------------------------------------------------
    def open(self) -> None:
        self._commands = window_commands(self._commands_of)
        self._records = []
        self.edit.clear()
        self._refill()
        anchor = self._commands_of
        top_left = anchor.mapToGlobal(anchor.rect().topLeft())
        self.move(top_left.x() + max(0, (anchor.width() - self.width()) // 2), top_left.y() + 60)
        self.show()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_switcher(self) -> None:
        self._timer.stop()
        self._generation += 1  # a late answer must not refill a closed switcher
        self.hide()
        self.sig_done.emit()

    # -- typing -----------------------------------------------------------------------
    def _on_text_edited(self, _text: str) -> None:
        self._refill()  # commands at once
        self._timer.start()

    def _search_records(self) -> None:
        text = self.edit.text()
        workspace = self.ctx.workspace
        self._generation += 1
        generation = self._generation
        if workspace is None or not parse_query(text).searches:
            self._records = []
            self._refill()
            return

        def done(result: tuple[object, list[SearchHit]]) -> None:
            if generation == self._generation:
                self._records = result[1]
                self._refill()

        self.ctx.runner.run(lambda: workspace.browse.search_with_hits(text, RECORDS_PER_KIND), done,
                            lambda exc: log.info("switcher search: %s", type(exc).__name__),
                            serial_db=False)

    def entries(self) -> list[Entry]:
        """What the list shows now, best first."""
        query = parse_query(self.edit.text())
        ranked: list[tuple[int, Entry]] = []
        if query.kind is QueryKind.ALL:
            return [self._command_entry(title, action) for title, action in self._commands]
        for title, action in self._commands:
            tier = _tier(title.rsplit(" › ", 1)[-1], query)
            if tier is None:
                tier = _tier(title, query)
            if tier is not None:
                ranked.append((tier, self._command_entry(title, action)))
        for hit in self._records:
            tier = _tier(hit.name, query)
            ranked.append((_NO_TIER if tier is None else tier, self._record_entry(hit)))
        ranked.sort(key=lambda pair: pair[0])  # stable: records keep the service's order
        return [entry for _tier_, entry in ranked]

    def _refill(self) -> None:
        self._entries = self.entries()
        self.list.clear()
        for entry in self._entries:
            label = {"command": "Command", "account": "Account", "contact": "Contact"}[entry.kind]
            item = QListWidgetItem(f"{entry.title}    {entry.detail}".rstrip() + f"    · {label}")
            self.list.addItem(item)
        if self._entries:
            self.list.setCurrentRow(0)

    def _command_entry(self, title: str, action: QAction) -> Entry:
        shortcut = action.shortcut().toString()
        return Entry("command", title, shortcut, action.trigger)

    def _record_entry(self, hit: SearchHit) -> Entry:
        detail = hit.company if hit.kind == "contact" else ""
        if hit.matched and "name" not in hit.matched:
            detail = f"{detail} ({', '.join(hit.matched)})".strip()

        def jump() -> None:
            bus = self.ctx.bus
            if hit.kind == "account":
                bus.set_focus(Focus(hit.id, None))
            else:
                bus.set_focus(Focus(hit.account_id, hit.id))
            if hit.account_id is not None:
                bus.sig_open_research_requested.emit(hit.account_id)

        return Entry(hit.kind, hit.name, detail, jump, hit.id)

    # -- choosing ---------------------------------------------------------------------
    def accept_current(self) -> None:
        row = self.list.currentRow()
        entries = getattr(self, "_entries", [])
        if not 0 <= row < len(entries):
            return
        entry = entries[row]
        self.close_switcher()
        entry.run()  # after closing: a command may open a dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) or (ctrl and key in (Qt.Key.Key_N, Qt.Key.Key_P)):
                step = 1 if key in (Qt.Key.Key_Down, Qt.Key.Key_N) else -1
                count = self.list.count()
                if count:
                    self.list.setCurrentRow((self.list.currentRow() + step) % count)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():  # typed faster than the debounce: search now, then go
                    self._timer.stop()
                    self._search_records()
                self.accept_current()
                return True
            if key == Qt.Key.Key_Escape:
                self.close_switcher()
                return True
        return super().eventFilter(watched, event)


def _tier(text: str, query: ParsedQuery) -> int | None:
    if query.kind not in (QueryKind.TERMS, QueryKind.SHORT):
        return None
    return text_tier(text, query)
