"""The Handoff pane: the focused contact's meetings, their lifecycle, and the one-click summary.

"Copy handoff" assembles the summary from the record (research, qualification answers, last
call notes, people, the meeting in both zones), saves it as the meeting's handoff record and
puts it on the clipboard as text, Markdown and HTML at once. What is missing is listed above
the preview before anything is copied. The meeting exports as an `.ics` invite, and a short
e-mail to the AE opens through `mailto:`. After "meeting booked" on a call, this pane comes
forward with the new meeting.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.dispositions import parse_callback_time
from sdrdesk.domain.errors import SdrdeskError, ValidationError
from sdrdesk.domain.focus import Focus
from sdrdesk.domain.meetings import LABELS, REJECT_REASONS, MeetingAction
from sdrdesk.domain.timezones import is_valid_zone
from sdrdesk.services.calls import CallLogged
from sdrdesk.services.handoff import HandoffDraft, format_when, mailto_url
from sdrdesk.services.meetings import AeView, MeetingView
from sdrdesk.ui import settings as S
from sdrdesk.ui.clipboard import Clipboard, DesktopUrlOpener, SystemClipboard, UrlOpener
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.dialogs.account_executives import AeListDialog
from sdrdesk.ui.dialogs.booking import rep_zone_name
from sdrdesk.ui.dialogs.handoff_template import TemplateEditor
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import body_or_empty_state

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

COPY_SHORTCUT = "Ctrl+Shift+H"
_NOBODY = "Select a contact to see their meetings and the handoff summary for the AE."
_NO_PERSON = "No contact selected at this account: pick a person to see their handoff."


class HandoffPane(Pane):
    OBJECT_NAME = "pane.handoff"
    TITLE = "Handoff"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.clipboard: Clipboard = getattr(ctx, "clipboard", None) or SystemClipboard()
        self.url_opener: UrlOpener = getattr(ctx, "url_opener", None) or DesktopUrlOpener()
        self.contact_id: uuid.UUID | None = ctx.bus.focus.contact_id
        self.meetings: tuple[MeetingView, ...] = ()
        self.meeting_id: uuid.UUID | None = None
        self.draft: HandoffDraft | None = None
        self._generation = 0
        self._account_only = False
        self.template_editor: TemplateEditor | None = None

        self.who = QLabel(self)
        self.who.setObjectName("handoff.who")
        self.who.setWordWrap(True)
        self.meeting_list = QListWidget(self)
        self.meeting_list.setObjectName("handoff.meetings")
        self.meeting_list.setMaximumHeight(74)
        self.meeting_list.currentItemChanged.connect(self._on_meeting_selected)
        self.meeting_facts = QLabel(self)
        self.meeting_facts.setObjectName("handoff.meeting")
        self.meeting_facts.setWordWrap(True)
        self.meeting_facts.setTextFormat(Qt.TextFormat.RichText)
        self.action_buttons: dict[MeetingAction, QPushButton] = {}
        actions = QGridLayout()
        actions.setSpacing(4)
        for i, action in enumerate(MeetingAction):
            button = QPushButton(LABELS[action], self)
            button.setObjectName(f"handoff.action.{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.act(a))
            actions.addWidget(button, i // 4, i % 4)
            self.action_buttons[action] = button
        self.missing_label = QLabel(self)
        self.missing_label.setObjectName("handoff.missing")
        self.missing_label.setWordWrap(True)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("handoff.message")
        self.message_label.setWordWrap(True)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("handoff.preview")
        self.preview.setOpenExternalLinks(False)
        self.copy_button = QPushButton("Copy handoff", self)
        self.copy_button.setObjectName("handoff.copy")
        self.copy_button.setToolTip(f"Assemble, save with the meeting and copy as text, Markdown and HTML "
                                    f"({COPY_SHORTCUT})")
        self.copy_button.setDefault(True)
        self.ics_button = QPushButton("Export .ics", self)
        self.ics_button.setObjectName("handoff.ics")
        self.mail_button = QPushButton("E-mail AE", self)
        self.mail_button.setObjectName("handoff.mail")
        self.template_button = QPushButton("Template…", self)
        self.template_button.setObjectName("handoff.template")
        self.aes_button = QPushButton("AEs…", self)
        self.aes_button.setObjectName("handoff.aes")
        self.aes_button.setToolTip("The Account Executives you book meetings for")
        self.aes_dialog: AeListDialog | None = None
        self.copy_action = QAction("Copy handoff", self)
        self.copy_action.setObjectName("action.handoff.copy")
        self.copy_action.setShortcut(QKeySequence(COPY_SHORTCUT))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.copy_action.triggered.connect(lambda _=False: self.copy_handoff())
        self.addAction(self.copy_action)
        self.copy_button.clicked.connect(self.copy_action.trigger)
        self.ics_button.clicked.connect(self.export_ics)
        self.mail_button.clicked.connect(self.email_ae)
        self.template_button.clicked.connect(self.edit_template)
        self.aes_button.clicked.connect(self.edit_aes)

        buttons = QHBoxLayout()
        for button in (self.copy_button, self.ics_button, self.mail_button, self.template_button,
                       self.aes_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        body = QWidget(self)
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.who)
        content.addWidget(self.meeting_list)
        content.addWidget(self.meeting_facts)
        content.addLayout(actions)
        content.addLayout(buttons)
        content.addWidget(self.message_label)
        content.addWidget(self.missing_label)
        content.addWidget(self.preview, 1)
        self.empty, self._stack = body_or_empty_state(self, body, _NOBODY)
        self.setFocusProxy(self.copy_button)  # Alt+6, then Return copies the handoff
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        ctx.bus.sig_call_logged.connect(self._on_bus_call_logged)
        self._show_meeting(None)

    # -- Pane -------------------------------------------------------------------------------
    def wants(self, changes: Changes) -> bool:
        return self.contact_id is not None and (
            changes.meetings or changes.activities or changes.qualification
            or self.contact_id in changes.contacts or bool(changes.accounts))

    def refresh(self) -> None:
        self._load(self.contact_id, self.meeting_id)

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        if focus.contact_id == self.contact_id and self.draft is not None:
            return
        self.contact_id = focus.contact_id
        self._account_only = focus.contact_id is None and focus.account_id is not None
        self.meeting_id = None
        self._load(focus.contact_id, None)

    @Slot(object)
    def _on_bus_call_logged(self, logged: object) -> None:
        if not isinstance(logged, CallLogged) or logged.disposition != "meeting_booked":
            return

        def show(meeting: MeetingView | None) -> None:
            if meeting is None:
                return
            self.contact_id, self.meeting_id = meeting.contact_id, meeting.id
            self._load(meeting.contact_id, meeting.id)
            self.bring_forward()

        self.read(lambda ws: ws.meetings.for_activity(logged.activity_id), show)

    def bring_forward(self) -> None:
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):
            dock.show()
            dock.raise_()
        self.copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- loading ----------------------------------------------------------------------------
    def _rep_name(self) -> str:
        return self.ctx.settings.get(S.REP_NAME)

    def _load(self, contact_id: uuid.UUID | None, meeting_id: uuid.UUID | None) -> None:
        self._generation += 1
        generation = self._generation
        if contact_id is None or self.workspace is None:
            self._show(None, (), None)
            return
        rep = self._rep_name()

        def load(ws: Workspace) -> tuple[str, tuple[MeetingView, ...], HandoffDraft | None]:
            meetings = ws.meetings.for_contact(contact_id)
            chosen = meeting_id if any(m.id == meeting_id for m in meetings) else (
                meetings[0].id if meetings else None)
            draft = ws.handoff.assemble(contact_id, chosen, rep_name=rep)
            return ws.calls.target(contact_id).name if draft else "", meetings, draft

        def done(result: tuple[str, tuple[MeetingView, ...], HandoffDraft | None]) -> None:
            if generation == self._generation:
                self._show(*result)

        self.read(load, done, self._on_error)

    def _show(self, name: str | None, meetings: tuple[MeetingView, ...], draft: HandoffDraft | None) -> None:
        self.draft = draft
        self.meetings = meetings
        if draft is None:
            self._stack.setCurrentIndex(0)
            self.empty.setText(_NO_PERSON if self._account_only else _NOBODY)
            return
        self._stack.setCurrentIndex(1)
        self.meeting_id = draft.meeting_id
        self.who.setText(f"<b>{_html(name or '')}</b> — "
                         + (f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''}" if meetings
                            else "no meeting booked yet (press the “Meeting booked” key on a call)"))
        self.meeting_list.blockSignals(True)
        self.meeting_list.clear()
        for meeting in meetings:
            when = (format_when(meeting.scheduled_at, meeting.prospect_timezone)
                    if meeting.scheduled_at else "no time")
            item = QListWidgetItem(f"{meeting.status_label} · {when} · {meeting.ae_name or 'no AE'}")
            item.setData(Qt.ItemDataRole.UserRole, meeting.id)
            self.meeting_list.addItem(item)
            if meeting.id == draft.meeting_id:
                self.meeting_list.setCurrentItem(item)
        self.meeting_list.blockSignals(False)
        self.meeting_list.setVisible(bool(meetings))
        self._show_meeting(next((m for m in meetings if m.id == draft.meeting_id), None))
        self._show_draft(draft)

    def _show_draft(self, draft: HandoffDraft) -> None:
        if draft.missing:
            self.missing_label.setText("<b>Missing before you hand off:</b> " + ", ".join(
                _html(m) for m in draft.missing))
            self.missing_label.setStyleSheet("background: rgba(219, 160, 40, 0.25); padding: 3px;")
        else:
            self.missing_label.setText("Complete: every section has something for the AE.")
            self.missing_label.setStyleSheet("background: rgba(46, 160, 67, 0.22); padding: 3px;")
        if draft.template_error:
            self.message_label.setText(f"{draft.template_error} The default template was used.")
            self.message_label.setStyleSheet("color: #c62828;")
        elif self.message_label.text().endswith("The default template was used."):
            self.message_label.setText("")
            self.message_label.setStyleSheet("")
        self.preview.setHtml(draft.html)

    def _show_meeting(self, meeting: MeetingView | None) -> None:
        allowed = meeting.allowed_actions if meeting else frozenset()
        for action, button in self.action_buttons.items():
            button.setEnabled(action in allowed)
        self.ics_button.setEnabled(meeting is not None and meeting.scheduled_at is not None)
        self.mail_button.setEnabled(meeting is not None and bool(meeting.ae_email))
        if meeting is None:
            self.meeting_facts.setText("")
            self.meeting_facts.hide()
            return
        self.meeting_facts.show()
        parts = [f"<b>{_html(meeting.status_label)}</b>"]
        if meeting.scheduled_at:
            parts.append(_html(format_when(meeting.scheduled_at, meeting.prospect_timezone,
                                           meeting.duration_minutes)) + " (prospect)")
            if meeting.ae_timezone and meeting.ae_timezone != meeting.prospect_timezone:
                parts.append(_html(format_when(meeting.scheduled_at, meeting.ae_timezone)) + " (AE)")
        if meeting.ae_name:
            parts.append(f"AE: {_html(meeting.ae_name)}")
        if meeting.opportunity_value is not None:
            parts.append(f"Opportunity: {meeting.opportunity_value:,.0f} {meeting.currency or ''}")
        if meeting.rejection_reason and meeting.status == "rejected":
            parts.append(f"Rejected: {_html(meeting.rejection_reason)}")
        if meeting.cancel_reason and meeting.status == "cancelled":
            parts.append(f"Cancelled: {_html(meeting.cancel_reason)}")
        self.meeting_facts.setText(" · ".join(parts))

    @Slot(object, object)
    def _on_meeting_selected(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        meeting_id = current.data(Qt.ItemDataRole.UserRole)
        if meeting_id != self.meeting_id:
            self.meeting_id = meeting_id
            self._load(self.contact_id, meeting_id)

    def current_meeting(self) -> MeetingView | None:
        return next((m for m in self.meetings if m.id == self.meeting_id), None)

    # -- the handoff --------------------------------------------------------------------------
    def copy_handoff(self) -> None:
        """Assemble now, save as the meeting's record, copy text + Markdown + HTML at once."""
        contact_id, meeting_id, rep = self.contact_id, self.meeting_id, self._rep_name()
        if contact_id is None or self.workspace is None:
            return

        def op(ws: Workspace) -> OpResult[HandoffDraft]:
            draft = ws.handoff.assemble(contact_id, meeting_id, rep_name=rep)
            if ws.read_only:  # still copied; nothing to save it in
                return OpResult(draft)
            return OpResult(draft, ws.handoff.save(draft).changes)

        def done(result: OpResult[HandoffDraft]) -> None:
            draft = result.value
            self.draft = draft
            self.clipboard.put(draft.text, draft.markdown, draft.html)
            self._show_draft(draft)
            note = f" ({len(draft.missing)} part{'s' if len(draft.missing) != 1 else ''} missing)" \
                if draft.missing else ""
            message = f"Handoff copied as text, Markdown and HTML{note}."
            if not draft.template_error:
                self.message_label.setStyleSheet("")
                self.message_label.setText(message)
            self.ctx.bus.sig_status_message.emit(message)

        self.write(op, done, self._on_error)

    def export_ics(self) -> None:
        meeting = self.current_meeting()
        if meeting is None or meeting.scheduled_at is None or self.workspace is None:
            return
        suggested = f"meeting-{meeting.contact_name.replace(' ', '-').lower()}.ics"
        path = self.ctx.prompter.save_file("Save the calendar invite", suggested, "Calendar (*.ics)")
        if path is None:
            return
        organizer = ""

        def written(data: bytes) -> None:
            try:
                path.write_bytes(data)
            except OSError as exc:
                self._on_error(SdrdeskError(f"Could not save {path.name}: {exc.strerror or exc}"))
                return
            self.message_label.setStyleSheet("")
            self.message_label.setText(f"Invite saved: {path.name} (open it, or attach it to the e-mail).")

        self.read(lambda ws: ws.meetings.ics(meeting.id, organizer_email=organizer), written, self._on_error)

    def email_ae(self) -> None:
        meeting, draft = self.current_meeting(), self.draft
        if meeting is None or draft is None or not meeting.ae_email:
            return
        if not self.url_opener.open_url(mailto_url(draft, meeting.ae_email)):
            self.ctx.prompter.inform("E-mail AE", "No e-mail program handles mailto: links here. "
                                     "Copy the handoff and paste it into a message.")

    def edit_template(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        editor = TemplateEditor(workspace.handoff.template_text(), self)
        editor.saved.connect(self._save_template)
        self.template_editor = editor
        editor.show()

    def _save_template(self, text: object) -> None:
        editor = self.template_editor

        def done(_result: object) -> None:
            if editor is not None:
                editor.close()
            self.refresh()

        def failed(exc: BaseException) -> None:
            if editor is not None and isinstance(exc, SdrdeskError):
                editor.show_error(exc.user_message)
            else:
                self._on_error(exc)

        self.write(lambda ws: ws.handoff.save_template(text if isinstance(text, str) else None), done, failed)

    # -- the AE list ---------------------------------------------------------------------------
    def edit_aes(self) -> None:
        if self.workspace is None:
            return

        def show(aes: tuple[AeView, ...]) -> None:
            dialog = AeListDialog(aes, rep_zone_name(), self)
            dialog.add_requested.connect(self._add_ae)
            dialog.remove_requested.connect(self._remove_ae)
            self.aes_dialog = dialog
            dialog.show()

        self.read(lambda ws: ws.meetings.aes(), show)

    def _add_ae(self, name: str, email: str, zone: str) -> None:
        dialog = self.aes_dialog

        def done(_result: object) -> None:
            if dialog is not None:
                dialog.added()
            self._reload_aes()

        def failed(exc: BaseException) -> None:
            if dialog is not None and isinstance(exc, SdrdeskError):
                dialog.show_error(exc.user_message)
            else:
                self._on_error(exc)

        self.write(lambda ws: ws.meetings.save_ae(name, email, zone), done, failed)

    def _remove_ae(self, ae_id: object) -> None:
        if isinstance(ae_id, uuid.UUID):
            self.write(lambda ws: ws.meetings.remove_ae(ae_id), lambda _r: self._reload_aes())

    def _reload_aes(self) -> None:
        dialog = self.aes_dialog
        if dialog is not None:
            self.read(lambda ws: ws.meetings.aes(), dialog.set_aes)

    # -- the lifecycle ------------------------------------------------------------------------
    def act(self, action: MeetingAction) -> None:
        meeting = self.current_meeting()
        if meeting is None:
            return
        prompter = self.ctx.prompter
        kwargs: dict[str, object] = {}
        if action is MeetingAction.RESCHEDULE:
            zone = meeting.prospect_timezone if is_valid_zone(meeting.prospect_timezone) else rep_zone_name()
            text = prompter.ask_text("Reschedule", f"New time, in {zone} (2026-03-12 14:30, tomorrow 10:00)",
                                     "")
            if text is None:
                return
            when = parse_callback_time(text, self.ctx.clock.now(), ZoneInfo(zone))
            if when is None:
                prompter.inform("Reschedule", f"“{text}” is not a time in the future.")
                return
            kwargs["starts_at"] = when
        elif action in (MeetingAction.CANCEL, MeetingAction.REJECT):
            hint = "Why?" if action is MeetingAction.CANCEL else "Why did the AE reject it? (" + \
                ", ".join(REJECT_REASONS[:4]) + ", ...)"
            reason = prompter.ask_text(LABELS[action], hint, "")
            if reason is None:
                return
            kwargs["reason"] = reason
        elif action is MeetingAction.OPPORTUNITY:
            text = prompter.ask_text("Opportunity value", "Value and currency (e.g. 48000 USD)",
                                     f"{meeting.opportunity_value or ''} {meeting.currency or 'USD'}".strip())
            if text is None:
                return
            parts = text.replace(",", "").split()
            try:
                kwargs["value"] = float(next(p for p in parts if not p.isalpha()))
            except (StopIteration, ValueError):
                prompter.inform("Opportunity value", f"“{text}” is not an amount.")
                return
            kwargs["currency"] = next((p for p in parts if p.isalpha()), "USD")
        meeting_id = meeting.id
        self.write(lambda ws: ws.meetings.act(meeting_id, action, **kwargs),  # type: ignore[arg-type]
                   lambda _r: self._load(self.contact_id, meeting_id), self._on_error)

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError | SdrdeskError):
            self.message_label.setStyleSheet("color: #c62828;")
            self.message_label.setText(exc.user_message)
            self.ctx.bus.sig_status_message.emit(exc.user_message)
        else:
            log.error("handoff action failed (%s)", exc.__class__.__name__)
            self.ctx.bus.sig_error.emit(exc)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
