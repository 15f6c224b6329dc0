"""The call script half of the Script pane: the best script for the focused contact, filled in,
and editing scripts (create, edit, delete; each undoable, each written on the serial runner).

The script is Markdown rendered by Qt; a variable with no value shows as a highlighted marker
(never as `{pain}`) and is listed above the script so the rep sees it before dialling.

When the focused task is an e-mail, LinkedIn or other non-call step, the panel shows that step
instead (its instructions and its template filled exactly as the Outreach pane fills it, read
through `ws.sequences.task`) with a line sending the rep to the Outreach pane: a cold-call script
beside an e-mail step is wrong. A call task (or no task) shows the call script again.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.script_vars import KNOWN_VARIABLES, FilledScript, fill
from sdrdesk.services.record_change import RecordChange
from sdrdesk.services.scripts import STEP_KINDS, ScriptEdit, ScriptRow, best_script
from sdrdesk.services.sequences import TaskDetail
from sdrdesk.ui import settings as S
from sdrdesk.ui.widgets.record_undo import push_record_change

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace
    from sdrdesk.ui.panes.base import Pane

PERSONAS = ("economic buyer", "champion", "influencer", "technical buyer", "user", "gatekeeper")
NEW_SCRIPT_TEMPLATE = "## Opener\nHi {first_name}, this is {my_name} from {my_company}.\n\n## Why I called\n"

ScriptValues = dict[str, str]
# Steps worked in the Outreach pane (Alt+0), not on the phone.
OUTREACH_STEP_LABELS = {"email": "E-mail step", "linkedin": "LinkedIn step", "other": "Task step"}


_Loaded = tuple[list[ScriptRow], str | None, str | None, ScriptValues, TaskDetail | None]


def _step_label(kind: str) -> str:
    return STEP_KINDS.get(kind, kind.replace("_", " ").capitalize())


def script_details(row: ScriptRow) -> str:
    return f"{_step_label(row.step_kind)} · {row.persona or 'any persona'}"


class ScriptPanel(QWidget):
    def __init__(self, pane: Pane) -> None:
        super().__init__(pane)
        self._pane = pane
        self.ctx = pane.ctx
        self.contact_id: uuid.UUID | None = None
        self.task_id: uuid.UUID | None = None
        self.step: TaskDetail | None = None  # the focused task when it is not a call
        self.persona: str | None = None
        self.step_kind: str | None = None
        self.scripts: list[ScriptRow] = []
        self.values: ScriptValues = {}
        self.current_script: ScriptRow | None = None
        self.filled: FilledScript | None = None
        self._pinned_script: uuid.UUID | None = None  # the rep picked one by hand
        self._editing_id: uuid.UUID | None = None
        self._generation = 0

        self.script_choice = QComboBox(self)
        self.script_choice.setObjectName("script.choice")
        self.script_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.script_choice.setMinimumContentsLength(18)
        self.script_choice.activated.connect(self._on_script_choice_activated)
        self.edit_button = self._button("Edit", "script.edit", self.start_editing)
        self.new_button = self._button("New…", "script.new", self.new_script)
        self.save_button = self._button("Save", "script.save", self.save_editing)
        self.cancel_button = self._button("Cancel", "script.cancel", self.cancel_editing)
        self.delete_button = self._button("Delete", "script.delete", self.delete_script)
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
        self.step_label = QLabel(self)
        self.step_label.setObjectName("script.step_notice")
        self.step_label.setWordWrap(True)
        self.step_label.setTextFormat(Qt.TextFormat.PlainText)
        self.step_label.setStyleSheet("background: rgba(13, 110, 253, 0.15); color: palette(text);"
                                      " padding: 4px; border-radius: 3px;")
        self.step_label.hide()
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.script_bar = QWidget(self)
        bar = QHBoxLayout(self.script_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.script_choice, 1)
        for button in (self.edit_button, self.new_button, self.save_button, self.cancel_button,
                       self.delete_button):
            bar.addWidget(button)
        layout.addWidget(self.script_bar)
        layout.addWidget(self.step_label)
        layout.addWidget(self.details)
        layout.addWidget(self.missing_label)
        layout.addWidget(self._script_stack, 1)
        self._set_editing(False)
        self._render()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())  # type: ignore[operator]
        return button

    # -- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the library and the focused contact's persona, step and script values."""
        workspace = self._pane.workspace
        if workspace is None:
            self.scripts, self.values, self.persona, self.step_kind, self.step = [], {}, None, None, None
            self._render()
            return
        self._generation += 1
        generation, contact_id, task_id = self._generation, self.contact_id, self.task_id
        settings = self.ctx.settings
        rep_name, rep_company = settings.get(S.REP_NAME), settings.get(S.REP_COMPANY)

        def load(ws: Workspace) -> _Loaded:
            task = ws.sequences.task(task_id) if task_id else None
            step = task if task is not None and task.channel in OUTREACH_STEP_LABELS else None
            target = ws.calls.target(contact_id) if contact_id and step is None else None
            return (ws.scripts.list(), target.persona if target else None,
                    target.step_kind if target else None,
                    ws.scripts.values_for(contact_id, rep_name, rep_company), step)

        def done(result: _Loaded) -> None:
            if generation == self._generation:
                self.scripts, self.persona, self.step_kind, self.values, self.step = result
                self._render()

        self._pane.read(load, done)

    def show_contact(self, contact_id: uuid.UUID | None, task_id: uuid.UUID | None = None) -> None:
        """Follow the focus: the contact's call script, or the focused task's step if it is not
        a call."""
        if contact_id == self.contact_id and task_id == self.task_id:
            return
        self.contact_id, self.task_id = contact_id, task_id
        self._pinned_script = None  # an edit in progress stays open: the rep's typing is not lost
        self.reload()

    # -- showing ------------------------------------------------------------------------
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
        self.script_bar.setVisible(self.step is None or self.editing)
        if self.step is not None and not self.editing:
            self._render_step(self.step)
            return
        self.step_label.hide()
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
        workspace = self._pane.workspace
        has_book = workspace is not None and not workspace.read_only
        self.edit_button.setEnabled(script is not None and has_book)
        self.new_button.setEnabled(has_book)
        if script is None:
            self.filled = None
            self.viewer.setMarkdown("*No scripts yet.* Use **New…** to write one." if workspace
                                    else "*Open a book to see call scripts.*")
            self.missing_label.hide()
            return
        self.filled = fill(script.body, self.values)
        self.viewer.document().setMarkdown(self.filled.text)
        self._highlight_markers(self.filled.markers)
        self._show_missing(self.filled)

    def _render_step(self, step: TaskDetail) -> None:
        """An e-mail/LinkedIn step: where to work it, its instructions and its filled message
        (plain text, as it will be sent; gaps highlighted like a script's)."""
        self.current_script = None
        kind = OUTREACH_STEP_LABELS.get(step.channel, "Task step")
        lines = [f"{kind}: work it in the Outreach pane (Alt+0)."]
        if step.instructions:
            lines.append(f"Instructions: {step.instructions}")
        self.step_label.setText("\n".join(lines))
        self.step_label.show()
        body = fill(step.template, self.values, markdown=False)
        subject = fill(step.subject, self.values, markdown=False)
        text = body.text or "(This step has no template.)"
        if step.channel == "email" and step.subject:
            text = f"Subject: {subject.text}\n\n{text}"
        self.filled = FilledScript(text, tuple(dict.fromkeys(subject.missing + body.missing)),
                                   tuple(dict.fromkeys(subject.unknown + body.unknown)),
                                   tuple(dict.fromkeys(subject.markers + body.markers)))
        self.viewer.setPlainText(text)
        self._highlight_markers(self.filled.markers)
        missing = self.filled.missing + self.filled.unknown
        names = ", ".join(KNOWN_VARIABLES.get(n, "{" + n + "}") for n in missing)
        self.missing_label.setText(f"Fill in before sending: {names}." if missing else "")
        self.missing_label.setVisible(bool(missing))

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
        self.reload()

    # -- editing ------------------------------------------------------------------------
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
        self._editing_id = script.id
        self._fill_details(script.name, script.persona, script.step_kind)
        self.editor.setPlainText(script.body)
        self._set_editing(True, existing=True)
        self.editor.setFocus()

    def new_script(self) -> None:
        """A new script for this contact's persona and step, starting from the one on screen."""
        if self._pane.workspace is None:
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
        """Save on the serial writer; the editor closes once the save landed (a refused one stays
        open with its message, nothing typed is lost)."""
        edit = self._edited()
        verb = "Add" if self._editing_id is None else "Edit"
        self._push(f"{verb} script “{edit.name}”", RecordChange(self._editing_id, edit),
                   close_editor=True)

    def delete_script(self) -> None:
        script_id = self._editing_id
        row = next((s for s in self.scripts if s.id == script_id), None)
        if row is None or not self.ctx.prompter.confirm("Delete script", f"Delete the script “{row.name}”?"):
            return
        self._push(f"Delete script “{row.name}”", RecordChange(row.id, None), close_editor=True)

    def _push(self, text: str, change: RecordChange[ScriptEdit], *, close_editor: bool) -> None:
        def landed(record_id: uuid.UUID | None, deleted: bool) -> None:
            if close_editor:
                self._set_editing(False)
            self._pinned_script = None if deleted else record_id
            self.reload()

        push_record_change(self._pane, text, change, lambda ws, c: ws.scripts.apply(c), landed)
