"""The objection half of the Script pane: found as the rep types, answers pasted into the call
notes (Return, a button, or the objection's own window-wide key), and the rep's own edits.

Pasting is an intent on the bus (`sig_answer_pasted`): the Call pane adds the answer to the
notes and counts the objection as used on this call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.services.objections import CATEGORIES, ObjectionEdit, ObjectionRow
from sdrdesk.services.record_change import RecordChange
from sdrdesk.ui.models.objection_list import ROW_ROLE, ObjectionListModel
from sdrdesk.ui.widgets.record_undo import push_record_change

if TYPE_CHECKING:
    from sdrdesk.ui.panes.base import Pane

SEARCH_DEBOUNCE_MS = 150
SEARCH_SHORTCUT = "Ctrl+Shift+O"
PASTE_SHORTCUT = "Ctrl+Shift+P"


def _native(key: str) -> str:
    """A key as the user's platform writes it (⌘ on macOS)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class ObjectionPanel(QWidget):
    def __init__(self, pane: Pane) -> None:
        super().__init__(pane)
        self._pane = pane
        self.ctx = pane.ctx
        self.calling_contact: uuid.UUID | None = None  # whose call notes an answer goes into
        self.all_objections: list[ObjectionRow] = []  # for window-wide keys and key conflicts
        self.hotkey_actions: list[QAction] = []  # one per objection with a key
        self._search_generation = 0

        self.search = QLineEdit(self)
        self.search.setObjectName("objections.search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(f"Find an objection… ({_native(SEARCH_SHORTCUT)})")
        self.search.installEventFilter(self)
        self.category = QComboBox(self)
        self.category.setObjectName("objections.category")
        self.category.addItem("All categories", "")
        for key, label in CATEGORIES.items():
            self.category.addItem(label, key)
        self.objection_model = ObjectionListModel(self)
        self.objection_list = QListView(self)
        self.objection_list.setObjectName("objections.list")
        self.objection_list.setModel(self.objection_model)
        self.objection_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.objection_list.setAlternatingRowColors(True)
        self.objection_list.setWordWrap(True)
        self.objection_list.setUniformItemSizes(True)
        self.answer = QLabel(self)
        self.answer.setObjectName("objections.answer")
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer.setMinimumHeight(48)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.paste_button = self._button("Paste answer into notes", "objections.paste", self.paste_answer)
        self.paste_button.setToolTip(f"Return in the search box, or {_native(PASTE_SHORTCUT)}")
        self.add_objection_button = self._button("Add…", "objections.add", self.add_objection)
        self.edit_objection_button = self._button("Edit answer…", "objections.edit", self.edit_objection)
        self.hotkey_button = self._button("Key…", "objections.hotkey", self.set_objection_hotkey)
        self.hotkey_button.setToolTip("Choose the key that pastes this answer from anywhere in the window")

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.paste_answer)
        self.category.currentIndexChanged.connect(lambda _i: self.run_search())
        self.objection_list.activated.connect(lambda _i: self.paste_answer())
        self.objection_list.selectionModel().currentChanged.connect(self._on_objection_current_changed)
        self.search_action = self._make_action("Find an objection", SEARCH_SHORTCUT, self.focus_search)
        self.paste_action = self._make_action("Paste objection answer into notes", PASTE_SHORTCUT,
                                              self.paste_answer)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.category)
        layout.addLayout(find)
        layout.addWidget(self.objection_list, 1)
        layout.addWidget(self.answer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.paste_button)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_objection_button)
        buttons.addWidget(self.hotkey_button)
        buttons.addWidget(self.add_objection_button)
        layout.addLayout(buttons)

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    def _make_action(self, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
        # On the pane, so the key works from anywhere in the window (WindowShortcut).
        action = QAction(text, self._pane)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: slot())
        self._pane.addAction(action)
        return action

    # -- finding ------------------------------------------------------------------------
    def focus_search(self) -> None:
        dock = self._pane.parentWidget()
        if dock is not None and not dock.isVisible():
            dock.show()
        if dock is not None and hasattr(dock, "raise_"):
            dock.raise_()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot()
    def run_search(self) -> None:
        self._search_timer.stop()
        if self._pane.workspace is None:
            self.objection_model.set_rows([])
            return
        text, category = self.search.text(), self.category.currentData() or None
        self._search_generation += 1
        generation = self._search_generation

        def deliver(rows: list[ObjectionRow]) -> None:
            if generation == self._search_generation:  # only the latest search may deliver
                self._show_results(rows)

        self._pane.read(lambda ws: ws.objections.search(text, category), deliver)

    def reload(self) -> None:
        """Search again and rebuild the window-wide keys from the whole library."""
        self.run_search()
        if self._pane.workspace is None:
            self._rebuild_hotkeys([])
            return
        self._pane.read(lambda ws: ws.objections.search(""), self._rebuild_hotkeys)

    def _rebuild_hotkeys(self, rows: list[ObjectionRow]) -> None:
        """A window-wide key per objection that has one: it pastes that answer straight away."""
        self.all_objections = rows
        for action in self.hotkey_actions:
            self._pane.removeAction(action)
            action.deleteLater()
        self.hotkey_actions = []
        taken = {a.shortcut().toString() for a in self._pane.actions()}
        for row in rows:
            if not row.hotkey or QKeySequence(row.hotkey).toString() in taken:
                continue
            taken.add(QKeySequence(row.hotkey).toString())
            action = self._make_action(f"Objection: {row.prompt}", row.hotkey,
                                       lambda r=row: self._paste_row(r))
            self.hotkey_actions.append(action)

    def _show_results(self, rows: list[ObjectionRow]) -> None:
        selected = self.selected_objection()
        self.objection_model.set_rows(rows)
        row = self.objection_model.row_of(selected.id) if selected else None
        self.objection_list.setCurrentIndex(self.objection_model.index(row if row is not None else 0, 0))
        self._on_objection_current_changed(self.objection_list.currentIndex(), QModelIndex())

    def selected_objection(self) -> ObjectionRow | None:
        index = self.objection_list.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, ObjectionRow) else None

    @Slot(QModelIndex, QModelIndex)
    def _on_objection_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, ObjectionRow):
            self.answer.setText(row.answer)
        else:
            self.answer.setText("No objection matches." if self.search.text() else "")
        for button in (self.paste_button, self.edit_objection_button, self.hotkey_button):
            button.setEnabled(isinstance(row, ObjectionRow))

    # -- pasting ------------------------------------------------------------------------
    def paste_answer(self) -> None:
        if self._search_timer.isActive():
            self.run_search()  # Return straight after typing: use what was typed
        row = self.selected_objection()
        if row is not None:
            self._paste_row(row)

    def _paste_row(self, row: ObjectionRow) -> None:
        if self.calling_contact is None:
            self.ctx.bus.sig_status_message.emit(
                "Select a contact first: the answer goes into the call notes.")
            return
        self.ctx.bus.sig_answer_pasted.emit(row.id, row.answer)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the search box move through the results without leaving it.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.objection_model.rowCount():
                step = 1 if key == Qt.Key.Key_Down else -1
                current = self.objection_list.currentIndex().row()
                target = max(0, min(self.objection_model.rowCount() - 1, current + step))
                self.objection_list.setCurrentIndex(self.objection_model.index(target, 0))
                return True
        return super().eventFilter(watched, event)

    # -- editing ------------------------------------------------------------------------
    def _writable(self) -> bool:
        workspace = self._pane.workspace
        return workspace is not None and not workspace.read_only

    def add_objection(self) -> None:
        if not self._writable():
            return
        prompt = self.ctx.prompter.ask_text("New objection", "What the prospect says:", self.search.text())
        if not prompt or not prompt.strip():
            return
        answer = self.ctx.prompter.ask_text("New objection", "Your answer:")
        if not answer or not answer.strip():
            return
        category = self.category.currentData() or "other"
        self._push(None, ObjectionEdit(category, prompt.strip(), answer.strip()),
                   f"Add objection “{prompt.strip()}”")

    def edit_objection(self) -> None:
        row = self.selected_objection()
        if row is None or not self._writable():
            return
        answer = self.ctx.prompter.ask_text("Edit answer", row.prompt, row.answer)
        if answer is None or not answer.strip() or answer == row.answer:
            return
        self._push(row.id, ObjectionEdit(row.category, row.prompt, answer.strip(), row.hotkey),
                   f"Edit objection “{row.prompt}”")

    def set_objection_hotkey(self) -> None:
        """Give the selected objection a window-wide key (or none): it pastes the answer at once."""
        row = self.selected_objection()
        if row is None or not self._writable():
            return
        title = "Objection key"
        text = self.ctx.prompter.ask_text(
            title, f"Key that pastes the answer to “{row.prompt}”, for example Ctrl+Alt+5 "
                   "(empty for none):", _native(row.hotkey) if row.hotkey else "")
        if text is None:
            return
        key: str | None = None
        if text.strip():
            sequence = QKeySequence.fromString(text.strip(), QKeySequence.SequenceFormat.NativeText)
            if sequence.isEmpty() or sequence.count() != 1 or sequence[0].key() == Qt.Key.Key_unknown:
                self.ctx.prompter.inform(title, f"“{text.strip()}” is not a key. Write it like Ctrl+Alt+5.")
                return
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            taken = self._key_owner(key, row.id)
            if taken is not None:
                self.ctx.prompter.inform(title, f"{_native(key)} already {taken}: choose another key, "
                                                "or free that one first.")
                return
        if key == row.hotkey:
            return
        self._push(row.id, ObjectionEdit(row.category, row.prompt, row.answer, key),
                   f"Set the key of objection “{row.prompt}”")

    def _key_owner(self, key: str, objection_id: uuid.UUID) -> str | None:
        """What else `key` does in this window ("pastes the answer to ...", "is Find an objection")."""
        wanted = QKeySequence(key).toString()
        for other in self.all_objections:
            if other.id != objection_id and other.hotkey and QKeySequence(other.hotkey).toString() == wanted:
                return f"pastes the answer to “{other.prompt}”"
        mine = set(self.hotkey_actions)
        for action in self.window().findChildren(QAction):
            if action not in mine and action.shortcut().toString() == wanted:
                return f"is “{action.text().replace('&', '')}”"
        return None

    def _push(self, objection_id: uuid.UUID | None, edit: ObjectionEdit, text: str) -> None:
        push_record_change(self._pane, text, RecordChange(objection_id, edit),
                           lambda ws, change: ws.objections.apply(change),
                           lambda _record_id, _deleted: self.reload())
