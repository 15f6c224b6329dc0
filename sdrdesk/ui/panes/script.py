"""The Script and objections pane: the focused contact's script, filled in, and the objection library.

The script is Markdown rendered by Qt; a variable with no value shows as a highlighted
marker (never as `{pain}`) and is listed above the script so the rep sees it before dialling.
Objections are found as the rep types; Return pastes the answer into the call notes and
counts the objection as used on this call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QColor, QFont, QKeyEvent, QKeySequence, QTextCharFormat, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.domain.script_vars import KNOWN_VARIABLES, FilledScript, fill
from sdrdesk.services import default_library
from sdrdesk.services.calls import CallService
from sdrdesk.services.objections import CATEGORIES, ObjectionEdit, ObjectionRow, ObjectionService
from sdrdesk.services.scripts import STEP_KINDS, ScriptEdit, ScriptRow, ScriptService, best_script
from sdrdesk.services.workspace import Workspace
from sdrdesk.ui import settings as S
from sdrdesk.ui.call_session import CallSession
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.models.objection_list import ROW_ROLE, ObjectionListModel
from sdrdesk.ui.panes.base import Pane

SEARCH_DEBOUNCE_MS = 150
SEARCH_SHORTCUT = "Ctrl+Shift+O"
PASTE_SHORTCUT = "Ctrl+Shift+P"
PERSONAS = ("economic buyer", "champion", "influencer", "technical buyer", "user", "gatekeeper")
NEW_SCRIPT_TEMPLATE = "## Opener\nHi {first_name}, this is {my_name} from {my_company}.\n\n## Why I called\n"


class _EditService(Protocol):
    def save(self, record_id: uuid.UUID | None, edit: object) -> tuple[uuid.UUID, object, Changes]: ...
    def delete(self, record_id: uuid.UUID) -> Changes: ...


class SaveRecordCommand(QUndoCommand):
    """Undo/redo of a script or objection save that already happened (so errors surface first).

    `previous` is None for a created record: undo tombstones it, redo brings it back.
    """

    def __init__(self, text: str, service: Callable[[], _EditService], record_id: uuid.UUID,
                 edit: object, previous: object | None,
                 on_changed: Callable[[Changes, uuid.UUID], None]) -> None:
        super().__init__(text)
        self._service = service
        self.record_id = record_id
        self._edit = edit
        self._previous = previous
        self._on_changed = on_changed
        self._applied = True  # the first redo() (from push) has nothing to do

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        _, _, changes = self._service().save(self.record_id, self._edit)
        self._on_changed(changes, self.record_id)

    def undo(self) -> None:
        if self._previous is None:
            changes = self._service().delete(self.record_id)
        else:
            _, _, changes = self._service().save(self.record_id, self._previous)
        self._on_changed(changes, self.record_id)


class DeleteRecordCommand(QUndoCommand):
    """Tombstone a script or objection; undo brings the same record back."""

    def __init__(self, text: str, service: Callable[[], _EditService], record_id: uuid.UUID,
                 current: object, on_changed: Callable[[Changes, uuid.UUID], None]) -> None:
        super().__init__(text)
        self._service = service
        self.record_id = record_id
        self._current = current
        self._on_changed = on_changed

    def redo(self) -> None:
        self._on_changed(self._service().delete(self.record_id), self.record_id)

    def undo(self) -> None:
        _, _, changes = self._service().save(self.record_id, self._current)
        self._on_changed(changes, self.record_id)


def save_with_undo(ctx: PaneContext, text: str, service: Callable[[], _EditService],
                   record_id: uuid.UUID | None, edit: object,
                   on_changed: Callable[[Changes, uuid.UUID], None]) -> uuid.UUID | None:
    """Save now (showing a validation error to the user), then put the save on the undo stack."""
    try:
        saved_id, previous, changes = service().save(record_id, edit)
    except SdrdeskError as exc:
        ctx.prompter.inform(exc.title, exc.user_message)
        return None
    ctx.undo_stack.push(SaveRecordCommand(text, service, saved_id, edit, previous, on_changed))
    on_changed(changes, saved_id)
    return saved_id


def _step_label(kind: str) -> str:
    return STEP_KINDS.get(kind, kind.replace("_", " ").capitalize())


def script_details(row: ScriptRow) -> str:
    return f"{_step_label(row.step_kind)} · {row.persona or 'any persona'}"


class ScriptPane(Pane):
    OBJECT_NAME = "pane.script"
    TITLE = "Script and objections"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.session = CallSession.of(ctx.bus)
        self.contact_id: uuid.UUID | None = None
        self.persona: str | None = None
        self.step_kind: str | None = None
        self.scripts: list[ScriptRow] = []
        self.current_script: ScriptRow | None = None
        self.filled: FilledScript | None = None
        self._pinned_script: uuid.UUID | None = None  # the rep picked one by hand
        self._library_checked: Workspace | None = None
        self._search_generation = 0
        self.hotkey_actions: list[QAction] = []  # one per objection with a hotkey

        # -- script ------------------------------------------------------------------
        self.script_choice = QComboBox(self)
        self.script_choice.setObjectName("script.choice")
        self.script_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.script_choice.setMinimumContentsLength(18)
        self.script_choice.activated.connect(self._on_script_choice_activated)
        self.edit_button = QPushButton("Edit", self)
        self.edit_button.setObjectName("script.edit")
        self.edit_button.clicked.connect(self.start_editing)
        self.new_button = QPushButton("New…", self)
        self.new_button.setObjectName("script.new")
        self.new_button.clicked.connect(self.new_script)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("script.save")
        self.save_button.clicked.connect(self.save_editing)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("script.cancel")
        self.cancel_button.clicked.connect(self.cancel_editing)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("script.delete")
        self.delete_button.clicked.connect(self.delete_script)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("script.name")
        self.name_edit.setPlaceholderText("Script name")
        self.persona_edit = QComboBox(self)
        self.persona_edit.setObjectName("script.persona")
        self.persona_edit.setEditable(True)
        self.persona_edit.addItem("any persona", "")
        for persona in PERSONAS:
            self.persona_edit.addItem(persona, persona)
        self.step_edit = QComboBox(self)
        self.step_edit.setObjectName("script.step")
        for key, label in STEP_KINDS.items():
            self.step_edit.addItem(label, key)
        self.details = QWidget(self)
        details = QHBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.name_edit, 2)
        details.addWidget(QLabel("for", self.details))
        details.addWidget(self.persona_edit, 1)
        details.addWidget(self.step_edit, 1)
        self.missing_label = QLabel(self)
        self.missing_label.setObjectName("script.missing")
        self.missing_label.setWordWrap(True)
        self.missing_label.setTextFormat(Qt.TextFormat.RichText)
        self.missing_label.linkActivated.connect(lambda _link: self.ask_rep_identity())
        self.missing_label.setStyleSheet("background: rgba(255, 193, 7, 0.30); color: palette(text);"
                                         " padding: 3px; border-radius: 3px;")
        self.viewer = QTextBrowser(self)
        self.viewer.setObjectName("script.view")
        self.viewer.setOpenLinks(False)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("script.editor")
        self.editor.setPlaceholderText("Markdown. Variables: " + ", ".join(
            "{" + name + "}" for name in KNOWN_VARIABLES))
        self._script_stack = QStackedWidget(self)
        self._script_stack.addWidget(self.viewer)
        self._script_stack.addWidget(self.editor)

        # -- objections ----------------------------------------------------------------
        self.search = QLineEdit(self)
        self.search.setObjectName("objections.search")
        self.search.setClearButtonEnabled(True)
        native = QKeySequence(SEARCH_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        self.search.setPlaceholderText(f"Find an objection… ({native})")
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
        self.paste_button = QPushButton("Paste answer into notes", self)
        self.paste_button.setObjectName("objections.paste")
        self.add_objection_button = QPushButton("Add…", self)
        self.add_objection_button.setObjectName("objections.add")
        self.edit_objection_button = QPushButton("Edit answer…", self)
        self.edit_objection_button.setObjectName("objections.edit")
        self.hotkey_button = QPushButton("Key…", self)
        self.hotkey_button.setObjectName("objections.hotkey")
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
        self.paste_button.clicked.connect(self.paste_answer)
        self.add_objection_button.clicked.connect(self.add_objection)
        self.edit_objection_button.clicked.connect(self.edit_objection)
        self.hotkey_button.clicked.connect(self.set_objection_hotkey)

        self.search_action = self._make_action("Find an objection", SEARCH_SHORTCUT, self.focus_search)
        self.paste_action = self._make_action("Paste objection answer into notes", PASTE_SHORTCUT,
                                              self.paste_answer)
        native_paste = QKeySequence(PASTE_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        self.paste_button.setToolTip(f"Return in the search box, or {native_paste}")
        ctx.bus.sig_focus_contact_changed.connect(self._on_bus_focus_contact_changed)

        # -- layout ----------------------------------------------------------------------
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.script_choice, 1)
        for button in (self.edit_button, self.new_button, self.save_button, self.cancel_button,
                       self.delete_button):
            bar.addWidget(button)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.details)
        top_layout.addWidget(self.missing_label)
        top_layout.addWidget(self._script_stack, 1)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.category)
        bottom_layout.addLayout(find)
        bottom_layout.addWidget(self.objection_list, 1)
        bottom_layout.addWidget(self.answer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.paste_button)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_objection_button)
        buttons.addWidget(self.hotkey_button)
        buttons.addWidget(self.add_objection_button)
        bottom_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("split.script")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        saved = ctx.settings.get(S.SCRIPT_SPLITTER)
        if saved:
            self.splitter.restoreState(saved)
        self.splitter.splitterMoved.connect(self._on_splitter_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self._set_editing(False)
        self._render()

    def _make_action(self, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    # -- services -------------------------------------------------------------------------
    def _script_service(self) -> ScriptService:
        assert self.workspace is not None
        return ScriptService(self.workspace.uow_factory, self.ctx.clock)

    def _objection_service(self) -> ObjectionService:
        assert self.workspace is not None
        return ObjectionService(self.workspace.uow_factory, self.ctx.clock)

    def wants(self, changes: Changes) -> bool:
        return (changes.scripts or changes.objections or changes.activities
                or (self.contact_id is not None and self.contact_id in changes.contacts)
                or bool(changes.accounts))

    def refresh(self) -> None:
        workspace = self.workspace
        if workspace is None:
            self.scripts = []
            self._render()
            return
        if self._library_checked is not workspace and not workspace.read_only:
            self._library_checked = workspace
            self.ctx.runner.run(lambda: default_library.ensure_default_library(workspace.uow_factory),
                                lambda load: self._after_library(load), self.ctx.bus.sig_error.emit)
        self._reload_scripts()
        self._load_contact()
        self._render()
        self.run_search()
        self._rebuild_hotkeys()

    def _after_library(self, load: default_library.LibraryLoad) -> None:
        if load.loaded:
            self.refresh()

    def _reload_scripts(self) -> None:
        self.scripts = self._script_service().list() if self.workspace else []

    def _load_contact(self) -> None:
        self.persona = self.step_kind = None
        workspace = self.workspace
        if workspace is None or self.contact_id is None:
            return
        target = CallService(workspace.uow_factory, self.ctx.clock).target(self.contact_id)
        if target is not None:
            self.persona, self.step_kind = target.persona, target.step_kind

    # -- script -------------------------------------------------------------------------------
    @Slot(object)
    def _on_bus_focus_contact_changed(self, contact_id: uuid.UUID | None) -> None:
        if contact_id == self.contact_id:
            return
        self.contact_id = contact_id
        self._pinned_script = None  # an edit in progress stays open: the rep's typing is not lost
        self._load_contact()
        self._render()

    @Slot(int)
    def _on_script_choice_activated(self, index: int) -> None:
        script_id = self.script_choice.itemData(index)
        self._pinned_script = script_id if isinstance(script_id, uuid.UUID) else None
        self._render()

    def _choose(self) -> ScriptRow | None:
        if self._pinned_script is not None:
            chosen = next((s for s in self.scripts if s.id == self._pinned_script), None)
            if chosen is not None:
                return chosen
        return best_script(self.scripts, self.persona, self.step_kind)

    def _render(self) -> None:
        script = self._choose()
        self.current_script = script
        self.script_choice.blockSignals(True)
        self.script_choice.clear()
        for row in self.scripts:
            self.script_choice.addItem(row.name, row.id)
            self.script_choice.setItemData(self.script_choice.count() - 1, script_details(row),
                                           Qt.ItemDataRole.ToolTipRole)
        if script is not None:
            self.script_choice.setCurrentIndex(self.script_choice.findData(script.id))
            self.script_choice.setToolTip(script_details(script))
        self.script_choice.blockSignals(False)
        has_book = self.workspace is not None and not self.workspace.read_only
        self.edit_button.setEnabled(script is not None and has_book)
        self.new_button.setEnabled(has_book)
        if script is None:
            self.filled = None
            self.viewer.setMarkdown("*No scripts yet.* Use **New…** to write one." if self.workspace
                                    else "*Open a book to see call scripts.*")
            self.missing_label.hide()
            return
        values: dict[str, str] = {}
        if self.workspace is not None:
            settings = self.ctx.settings
            values = self._script_service().values_for(self.contact_id, settings.get(S.REP_NAME),
                                                       settings.get(S.REP_COMPANY))
        self.filled = fill(script.body, values)
        self.viewer.document().setMarkdown(self.filled.text)
        self._highlight_markers(self.filled.markers)
        self._show_missing(self.filled)

    def _highlight_markers(self, markers: tuple[str, ...]) -> None:
        document = self.viewer.document()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 193, 7))
        fmt.setForeground(QColor(60, 30, 0))
        fmt.setFontWeight(QFont.Weight.Bold)
        for mark in markers:
            cursor = document.find(mark, 0)
            while not cursor.isNull():
                cursor.mergeCharFormat(fmt)
                cursor = document.find(mark, cursor)

    def _show_missing(self, filled: FilledScript) -> None:
        parts = []
        if self.contact_id is None:
            parts.append("No contact selected: the script shows its variables as gaps.")
        elif filled.missing:
            names = ", ".join(KNOWN_VARIABLES[name] for name in filled.missing)
            parts.append(f"Missing before the call: {names}.")
        if filled.unknown:
            parts.append("Unknown variables: " + ", ".join("{" + n + "}" for n in filled.unknown) + ".")
        if any(name in ("my_name", "my_company") for name in filled.missing):
            parts.append("<a href='#me'>Set your name and company…</a>")
        self.missing_label.setText(" ".join(parts))
        self.missing_label.setVisible(bool(parts))

    def ask_rep_identity(self) -> None:
        """Fill {my_name} and {my_company} (kept in the rep's preferences)."""
        settings = self.ctx.settings
        name = self.ctx.prompter.ask_text("Your name", "Your name, as you say it on calls:",
                                          settings.get(S.REP_NAME))
        if name is None:
            return
        company = self.ctx.prompter.ask_text("Your company", "Your company:", settings.get(S.REP_COMPANY))
        if company is None:
            return
        settings.set(S.REP_NAME, name.strip())
        settings.set(S.REP_COMPANY, company.strip())
        self._render()

    # -- editing scripts -------------------------------------------------------------------
    @property
    def editing(self) -> bool:
        return self._script_stack.currentWidget() is self.editor

    def _set_editing(self, on: bool, *, existing: bool = False) -> None:
        self._script_stack.setCurrentWidget(self.editor if on else self.viewer)
        for widget in (self.save_button, self.cancel_button, self.details):
            widget.setVisible(on)
        self.delete_button.setVisible(on and existing)
        self.edit_button.setVisible(not on)
        self.new_button.setVisible(not on)
        self.script_choice.setEnabled(not on)

    def _fill_details(self, name: str, persona: str | None, step_kind: str) -> None:
        self.name_edit.setText(name)
        index = self.persona_edit.findData(persona or "")
        if index < 0:
            self.persona_edit.addItem(persona or "", persona or "")
            index = self.persona_edit.count() - 1
        self.persona_edit.setCurrentIndex(index)
        step = self.step_edit.findData(step_kind)
        if step < 0:
            self.step_edit.addItem(_step_label(step_kind), step_kind)
            step = self.step_edit.count() - 1
        self.step_edit.setCurrentIndex(step)

    def start_editing(self) -> None:
        script = self.current_script
        if script is None:
            return
        self._editing_id: uuid.UUID | None = script.id
        self._fill_details(script.name, script.persona, script.step_kind)
        self.editor.setPlainText(script.body)
        self._set_editing(True, existing=True)
        self.editor.setFocus()

    def new_script(self) -> None:
        """A new script for this contact's persona and step, starting from the one on screen."""
        if self.workspace is None:
            return
        step = self.step_kind or (self.current_script.step_kind if self.current_script else "cold_call")
        self._editing_id = None
        self._fill_details(f"My {_step_label(step).lower()}", self.persona, step)
        self.editor.setPlainText(self.current_script.body if self.current_script else NEW_SCRIPT_TEMPLATE)
        self._set_editing(True)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def cancel_editing(self) -> None:
        self._set_editing(False)

    def _edited(self) -> ScriptEdit:
        typed = self.persona_edit.currentText().strip()
        persona = None if not typed or typed == "any persona" else typed
        return ScriptEdit(self.name_edit.text().strip(), persona,
                          self.step_edit.currentData() or "cold_call", self.editor.toPlainText())

    def save_editing(self) -> None:
        edit = self._edited()
        verb = "Add" if self._editing_id is None else "Edit"
        if save_with_undo(self.ctx, f"{verb} script “{edit.name}”", self._script_service,
                          self._editing_id, edit, self._on_script_saved) is not None:
            self._set_editing(False)

    def delete_script(self) -> None:
        script_id = self._editing_id
        row = next((s for s in self.scripts if s.id == script_id), None)
        if row is None or not self.ctx.prompter.confirm("Delete script", f"Delete the script “{row.name}”?"):
            return
        edit = ScriptEdit(row.name, row.persona, row.step_kind, row.body)
        self.ctx.undo_stack.push(DeleteRecordCommand(f"Delete script “{row.name}”", self._script_service,
                                                     row.id, edit, self._on_script_deleted))
        self._set_editing(False)

    def _on_script_deleted(self, changes: Changes, script_id: uuid.UUID) -> None:
        if self._pinned_script == script_id:
            self._pinned_script = None
        self._reload_scripts()
        if any(s.id == script_id for s in self.scripts):
            self._pinned_script = script_id  # undone: show it again
        self._render()
        self.publish(changes)

    def _on_script_saved(self, changes: Changes, script_id: uuid.UUID) -> None:
        self._pinned_script = script_id
        self._reload_scripts()
        self._render()
        self.publish(changes)

    # -- objections ---------------------------------------------------------------------------
    def focus_search(self) -> None:
        dock = self.parentWidget()
        if dock is not None and not dock.isVisible():
            dock.show()
        if dock is not None and hasattr(dock, "raise_"):
            dock.raise_()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot()
    def run_search(self) -> None:
        self._search_timer.stop()
        workspace = self.workspace
        if workspace is None:
            self.objection_model.set_rows([])
            return
        text, category = self.search.text(), self.category.currentData() or None
        self._search_generation += 1
        generation = self._search_generation
        service = self._objection_service()

        def deliver(rows: list[ObjectionRow]) -> None:
            if generation == self._search_generation:  # only the latest search may deliver
                self._show_results(rows)

        self.ctx.runner.run(lambda: service.search(text, category), deliver,
                            self.ctx.bus.sig_error.emit, serial_db=False)

    def _rebuild_hotkeys(self) -> None:
        """A window-wide key per objection that has one: it pastes that answer straight away."""
        for action in self.hotkey_actions:
            self.removeAction(action)
            action.deleteLater()
        self.hotkey_actions = []
        if self.workspace is None:
            return
        taken = {a.shortcut().toString() for a in self.actions()}
        for row in self._objection_service().search(""):
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
        self.paste_button.setEnabled(isinstance(row, ObjectionRow))
        self.edit_objection_button.setEnabled(isinstance(row, ObjectionRow))
        self.hotkey_button.setEnabled(isinstance(row, ObjectionRow))

    def paste_answer(self) -> None:
        if self._search_timer.isActive():
            self.run_search()  # Return straight after typing: use what was typed
        row = self.selected_objection()
        if row is not None:
            self._paste_row(row)

    def _paste_row(self, row: ObjectionRow) -> None:
        if self.session.contact_id is None:
            self.ctx.bus.sig_status_message.emit(
                "Select a contact first: the answer goes into the call notes.")
            return
        self.session.paste_answer(row.id, row.answer)

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

    def add_objection(self) -> None:
        if self.workspace is None or self.workspace.read_only:
            return
        prompt = self.ctx.prompter.ask_text("New objection", "What the prospect says:", self.search.text())
        if not prompt or not prompt.strip():
            return
        answer = self.ctx.prompter.ask_text("New objection", "Your answer:")
        if not answer or not answer.strip():
            return
        category = self.category.currentData() or "other"
        self._push_objection(None, ObjectionEdit(category, prompt.strip(), answer.strip()),
                             f"Add objection “{prompt.strip()}”")

    def edit_objection(self) -> None:
        row = self.selected_objection()
        if row is None or self.workspace is None or self.workspace.read_only:
            return
        answer = self.ctx.prompter.ask_text("Edit answer", row.prompt, row.answer)
        if answer is None or not answer.strip() or answer == row.answer:
            return
        self._push_objection(row.id, ObjectionEdit(row.category, row.prompt, answer.strip(), row.hotkey),
                             f"Edit objection “{row.prompt}”")

    def set_objection_hotkey(self) -> None:
        """Give the selected objection a window-wide key (or none): it pastes the answer at once."""
        row = self.selected_objection()
        if row is None or self.workspace is None or self.workspace.read_only:
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
        self._push_objection(row.id, ObjectionEdit(row.category, row.prompt, row.answer, key),
                             f"Set the key of objection “{row.prompt}”")

    def _key_owner(self, key: str, objection_id: uuid.UUID) -> str | None:
        """What else `key` does in this window ("pastes the answer to ...", "is Find an objection")."""
        for other in self._objection_service().search(""):
            if other.id != objection_id and other.hotkey and \
                    QKeySequence(other.hotkey).toString() == QKeySequence(key).toString():
                return f"pastes the answer to “{other.prompt}”"
        mine = set(self.hotkey_actions)
        for action in self.window().findChildren(QAction):
            if action not in mine and action.shortcut().toString() == QKeySequence(key).toString():
                return f"is “{action.text().replace('&', '')}”"
        return None

    def _push_objection(self, objection_id: uuid.UUID | None, edit: ObjectionEdit, text: str) -> None:
        def changed(changes: Changes, _record_id: uuid.UUID) -> None:
            self.run_search()
            self._rebuild_hotkeys()
            self.publish(changes)

        save_with_undo(self.ctx, text, self._objection_service, objection_id, edit, changed)

    @Slot(int, int)
    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self.ctx.settings.set(S.SCRIPT_SPLITTER, bytes(self.splitter.saveState().data()))


def _native(key: str) -> str:
    """A key as the user's platform writes it (⌘ on macOS)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
