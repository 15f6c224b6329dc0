"""The Outreach pane: the e-mail and LinkedIn steps of a sequence (never the call script).

Follows the focused task: the step's template filled from the contact's variables (missing
ones flagged, never sent as `{first_name}`), opened in the mail client (`mailto:`) or copied,
marked sent when the rep confirms it; a reply is logged (positive, negative, out-of-office,
bounce) and ends or pauses the sequence as configured.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.cadence import ReplyKind
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.focus import Focus
from sdrdesk.domain.script_vars import KNOWN_VARIABLES, fill
from sdrdesk.services.sequences import TaskDetail
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

OUTREACH_CHANNELS = ("email", "linkedin", "other")
_EMPTY = "Select an e-mail or LinkedIn task in Today: its message is written here, ready to send."
_REPLIES = (("Positive reply", ReplyKind.POSITIVE), ("Negative reply", ReplyKind.NEGATIVE),
            ("Out of office", ReplyKind.OUT_OF_OFFICE), ("Bounced", ReplyKind.BOUNCE))


def mailto_url(to: str, subject: str, body: str) -> str:
    return f"mailto:{quote(to)}?subject={quote(subject)}&body={quote(body)}"


class OutreachPane(Pane):
    OBJECT_NAME = "pane.outreach"
    TITLE = "Outreach"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.task: TaskDetail | None = None
        self.missing: tuple[str, ...] = ()
        self._generation = 0
        # Tests swap it for a recorder; mailto:/https: open in the OS's own application.
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl

        self.header = QLabel(self)
        self.header.setObjectName("outreach.header")
        self.header.setWordWrap(True)
        self.instructions = QLabel(self)
        self.instructions.setObjectName("outreach.instructions")
        self.instructions.setWordWrap(True)
        self.to_edit = QLineEdit(self)
        self.to_edit.setObjectName("outreach.to")
        self.to_edit.setPlaceholderText("To")
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setObjectName("outreach.subject")
        self.subject_edit.setPlaceholderText("Subject")
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setObjectName("outreach.body")
        self.missing_label = QLabel(self)
        self.missing_label.setObjectName("outreach.missing")
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color: #b45309;")

        self.open_button = QPushButton("Open in mail app", self)
        self.open_button.setObjectName("outreach.open")
        self.open_button.clicked.connect(lambda _=False: self.open_in_client())
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setObjectName("outreach.copy")
        self.copy_button.clicked.connect(lambda _=False: self.copy())
        self.sent_button = QPushButton("Mark sent", self)
        self.sent_button.setObjectName("outreach.sent")
        self.sent_button.setToolTip("Confirm it was sent: the step is done and the next one is scheduled")
        self.sent_button.clicked.connect(lambda _=False: self.mark_sent())
        self.reply_kind = QComboBox(self)
        self.reply_kind.setObjectName("outreach.reply_kind")
        for label, kind in _REPLIES:
            self.reply_kind.addItem(label, kind.value)
        self.reply_button = QPushButton("Log reply", self)
        self.reply_button.setObjectName("outreach.reply")
        self.reply_button.setToolTip("A reply ends the sequence; an out-of-office pauses it; a bounce "
                                     "ends it and blocks the address")
        self.reply_button.clicked.connect(lambda _=False: self.log_reply())

        buttons = QHBoxLayout()
        for widget in (self.open_button, self.copy_button, self.sent_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.reply_kind)
        buttons.addWidget(self.reply_button)
        work = QWidget(self)
        inner = QVBoxLayout(work)
        inner.setContentsMargins(0, 0, 0, 0)
        for widget in (self.header, self.instructions, self.to_edit, self.subject_edit):
            inner.addWidget(widget)
        inner.addWidget(self.body_edit, 1)
        inner.addWidget(self.missing_label)
        inner.addLayout(buttons)
        self.work = work
        self.empty = EmptyState(_EMPTY, self)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(work)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._stack)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)

    # -- the Pane contract -----------------------------------------------------------------
    def wants(self, changes: Changes) -> bool:
        return self.task is not None and self.task.id in changes.tasks

    def refresh(self) -> None:
        self._load(self.ctx.bus.focus)

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        self._load(focus)

    def _load(self, focus: Focus) -> None:
        self._generation += 1
        generation = self._generation
        task_id = focus.task_id
        if self.workspace is None or task_id is None:
            self._show(None, {})
            return
        settings = self.ctx.settings
        rep_name, rep_company = settings.get(S.REP_NAME), settings.get(S.REP_COMPANY)

        def load(ws: Workspace) -> tuple[TaskDetail | None, dict[str, str]]:
            task = ws.sequences.task(task_id)
            if task is None or task.channel not in OUTREACH_CHANNELS:
                return None, {}
            return task, ws.scripts.values_for(task.contact_id, rep_name, rep_company)

        self.read(load, lambda result: self._loaded(generation, result))

    def _loaded(self, generation: int, result: tuple[TaskDetail | None, dict[str, str]]) -> None:
        if generation == self._generation:
            self._show(*result)

    def _show(self, task: TaskDetail | None, values: dict[str, str]) -> None:
        self.task = task
        if task is None:
            self._stack.setCurrentWidget(self.empty)
            return
        self._stack.setCurrentWidget(self.work)
        channel = {"email": "E-mail", "linkedin": "LinkedIn"}.get(task.channel, "Task")
        state = "" if task.status == "open" else f" ({task.status})"
        self.header.setText(f"<b>{channel}</b> to {task.contact_name} · {task.title}{state}")
        self.instructions.setText(task.instructions)
        self.instructions.setVisible(bool(task.instructions))
        body = fill(task.template, values, markdown=False)
        subject = fill(task.subject, values, markdown=False)
        self.missing = tuple(dict.fromkeys(body.missing + subject.missing + body.unknown + subject.unknown))
        is_email = task.channel == "email"
        self.to_edit.setText(task.email if is_email else task.linkedin_url)
        self.to_edit.setPlaceholderText("No e-mail address" if is_email else "No LinkedIn profile")
        self.subject_edit.setVisible(is_email)
        self.subject_edit.setText(subject.text)
        self.body_edit.setPlainText(body.text)
        if self.missing:
            names = ", ".join(KNOWN_VARIABLES.get(n, n) for n in self.missing)
            self.missing_label.setText(f"Fill in before sending: {names} (marked ⟨…?⟩ in the text).")
        else:
            self.missing_label.setText("")
        self.open_button.setText("Open in mail app" if is_email else "Open profile")
        self.open_button.setEnabled(bool(self.to_edit.text()))
        self.sent_button.setText("Mark sent" if task.channel != "other" else "Mark done")
        for widget in (self.sent_button, self.reply_button):
            widget.setEnabled(task.status == "open" or widget is self.reply_button)
        self._raise_dock()

    def _raise_dock(self) -> None:
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget) and dock.isVisible():
            dock.raise_()  # e-mail steps come to the front, over the Call pane it is tabbed with

    # -- actions ---------------------------------------------------------------------------------
    def message_text(self) -> str:
        subject = self.subject_edit.text() if self.subject_edit.isVisible() else ""
        body = self.body_edit.toPlainText()
        return f"{subject}\n\n{body}" if subject else body

    def open_in_client(self) -> None:
        task = self.task
        if task is None or not self.to_edit.text():
            return
        if task.channel == "email":
            url = mailto_url(self.to_edit.text(), self.subject_edit.text(), self.body_edit.toPlainText())
        else:
            QGuiApplication.clipboard().setText(self.body_edit.toPlainText())  # paste into LinkedIn
            url = self.to_edit.text()
        if not self.open_url(QUrl(url)):
            self.ctx.bus.sig_status_message.emit("No application opened it: use Copy instead.")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.message_text())
        self.ctx.bus.sig_status_message.emit("Message copied.")

    def mark_sent(self) -> None:
        task = self.task
        if task is None or task.status != "open":
            return
        if self.missing and not self.ctx.prompter.confirm(
                "Mark sent", "Some variables were not filled in. Was it sent anyway?"):
            return
        task_id, note = task.id, self.message_text()[:2000]
        self.write(lambda ws: ws.sequences.complete_task(task_id, note=note), self._after_sent)

    def _after_sent(self, _result: Any) -> None:
        self.ctx.bus.sig_status_message.emit("Sent: the next step is scheduled.")
        self.refresh()

    def log_reply(self, kind: str | None = None) -> None:
        task = self.task
        if task is None:
            return
        reply = ReplyKind(kind or self.reply_kind.currentData())
        notes = self.ctx.prompter.ask_text("Log reply", "What did they say? (optional)") or ""
        contact_id: uuid.UUID = task.contact_id
        task_id, channel = task.id, task.channel if task.channel in ("email", "linkedin") else "email"
        self.write(lambda ws: ws.sequences.log_reply(contact_id, reply, notes, task_id=task_id,
                                                     channel=channel), self._after_reply)

    def _after_reply(self, result: Any) -> None:
        self.ctx.bus.sig_status_message.emit(str(result.value))
        self.refresh()
