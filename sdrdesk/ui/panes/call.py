"""The Call pane: who and which number, callable now or not, Dial, timer, notes, one key per outcome.

Notes save themselves (debounced, well under a second) into a draft row, so closing or
killing the app loses at most the last keystrokes; logging a disposition turns the draft
into the call's Activity in one transaction.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain import compliance
from sdrdesk.domain.cadence import BusinessCalendar, ProspectPlace
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.compliance import CallingWindows
from sdrdesk.domain.dispositions import DISPOSITIONS
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.domain.focus import NO_FOCUS, Focus
from sdrdesk.domain.timezones import city_of, local_time_label
from sdrdesk.services.calls import CallLog, CallLogged, CallTarget, NoteDraft, calling_windows
from sdrdesk.services.meetings import BookingRequest, book_after_call
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.dialer import DesktopDialer, Dialer
from sdrdesk.ui.dialogs.booking import Booker, DialogBooker
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import body_or_empty_state
from sdrdesk.ui.widgets.disposition_keys import (
    CallbackPlace,
    DispositionKeys,
    ask_disposition_extra,
    rep_tz,
    window_action,
)

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

_NOBODY_FOCUSED = "Select a contact in Today or Accounts to call them."
_NO_PERSON_AT_ACCOUNT = ("No contact selected at this account: pick a person in Account research "
                         "or in the Contacts list to call them.")
AUTOSAVE_MS = 600  # debounce for the notes draft; the issue allows losing at most a second
DIAL_SHORTCUT = "Ctrl+D"
NOTES_SHORTCUT = "Ctrl+Shift+N"

_STATE_STYLE = {
    compliance.WindowState.OPEN: "color: palette(text); background: rgba(46, 160, 67, 0.22);",
    compliance.WindowState.CLOSED: "color: palette(text); background: rgba(219, 109, 40, 0.28);",
    compliance.WindowState.UNKNOWN: "color: palette(text); background: rgba(128, 128, 128, 0.22);",
}


class CallPane(Pane):
    OBJECT_NAME = "pane.call"
    TITLE = "Call"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialer: Dialer = getattr(ctx, "dialer", None) or DesktopDialer()
        self.booker: Booker = getattr(ctx, "booker", None) or DialogBooker()  # "meeting booked" form
        self._focus = NO_FOCUS
        self._load_generation = 0
        self.target: CallTarget | None = None
        self.decision: compliance.CallDecision | None = None
        self.call_started_at: datetime | None = None
        self.objections_used: list[uuid.UUID] = []
        self._loading = False
        self._logging = False  # a disposition is being written: a second key press waits
        self._draft_contact: uuid.UUID | None = None

        self.who = QLabel(self)
        self.who.setObjectName("call.who")
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.who.setWordWrap(True)
        self.number = QComboBox(self)
        self.number.setObjectName("call.number")
        self.number.setMinimumContentsLength(14)
        self.window_label = QLabel(self)
        self.window_label.setObjectName("call.window")
        self.window_label.setMargin(3)
        self.dial_button = QPushButton("Dial", self)
        self.dial_button.setObjectName("call.dial")
        self.timer_label = QLabel("00:00", self)
        self.timer_label.setObjectName("call.timer")
        self.timer_label.setMinimumWidth(44)
        self.dnc_banner = QLabel(self)
        self.dnc_banner.setObjectName("call.dnc")
        self.dnc_banner.setWordWrap(True)
        self.dnc_banner.setStyleSheet("background: rgba(200, 40, 40, 0.85); color: white; padding: 4px;"
                                      " font-weight: bold;")
        self.dnc_banner.hide()
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("call.notes")
        self.notes.setPlaceholderText("Call notes — saved as you type")
        self.notes.setTabChangesFocus(True)
        self.used_label = QLabel(self)
        self.used_label.setObjectName("call.objections_used")
        self.used_label.setWordWrap(True)
        self.saved_label = QLabel(self)
        self.saved_label.setObjectName("call.saved")

        # -- actions: window-wide keys so they work while typing notes ----------------
        self.dial_action = self._make_action("Dial", DIAL_SHORTCUT, self.dial, "action.call.dial")
        self.notes_action = self._make_action("Focus call notes", NOTES_SHORTCUT,
                                              self.notes.setFocus, "action.call.notes")
        self.disposition_keys = DispositionKeys(self, self.log_disposition)
        self.disposition_actions = self.disposition_keys.actions_by_key
        self.dial_button.clicked.connect(self.dial_action.trigger)
        self.dial_button.setToolTip(f"Dial ({DIAL_SHORTCUT})")

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft_now)
        self.notes.textChanged.connect(self._on_notes_text_changed)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_timer_label)
        self._window_refresh = QTimer(self)  # "not until 14:00" turns into "callable" by itself
        self._window_refresh.setInterval(30_000)
        self._window_refresh.timeout.connect(self._update_window)
        self._window_refresh.start()
        self.last_logged: CallLogged | None = None
        ctx.bus.sig_answer_pasted.connect(self._on_bus_answer_pasted)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        ctx.bus.sig_dial_requested.connect(self._on_bus_dial_requested)
        ctx.bus.sig_book_closing.connect(lambda _ws: self.save_draft_now())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.save_draft_now)

        row = QHBoxLayout()
        row.addWidget(self.number, 1)
        row.addWidget(self.window_label)
        row.addWidget(self.dial_button)
        row.addWidget(self.timer_label)
        body = QWidget(self)
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.who)
        content.addLayout(row)
        content.addWidget(self.dnc_banner)
        content.addWidget(self.notes, 1)
        status = QHBoxLayout()
        status.addWidget(self.used_label, 1)
        status.addWidget(self.saved_label)
        content.addLayout(status)
        content.addWidget(self.disposition_keys)
        self.empty, self._stack = body_or_empty_state(self, body, _NOBODY_FOCUSED)
        self.setFocusProxy(self.notes)
        self._show_target(None)

    def _make_action(self, text: str, shortcut: str, slot, name: str) -> QAction:  # type: ignore[no-untyped-def]
        return window_action(self, text, shortcut, slot, name)

    def wants(self, changes: Changes) -> bool:
        contact = self.target.contact_id if self.target else None
        return contact is not None and contact in changes.contacts

    def refresh(self) -> None:
        contact = self.target.contact_id if self.target else self._draft_contact
        self._load_target(contact, keep_notes=True)

    # -- focus ---------------------------------------------------------------------------
    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        self._focus = focus
        current = self.target.contact_id if self.target else None
        if focus.contact_id == current:
            return
        self.save_draft_now()  # the previous contact's notes are safe before we switch
        self._load_target(focus.contact_id, keep_notes=False)

    @Slot(object)
    def _on_bus_dial_requested(self, contact_id: object) -> None:
        if isinstance(contact_id, uuid.UUID):
            if self.target is None or self.target.contact_id != contact_id:
                self.save_draft_now()
                self._load_target(contact_id, keep_notes=False, then_dial=True)
            else:
                self.dial()

    def _load_target(self, contact_id: uuid.UUID | None, *, keep_notes: bool,
                     then_dial: bool = False) -> None:
        self._load_generation += 1
        generation = self._load_generation
        if contact_id is None or self.workspace is None:
            self._on_target_loaded(generation, None, None, keep_notes, then_dial)
            return
        region = self.ctx.settings.get(S.DEFAULT_REGION)

        def load(ws: Workspace) -> tuple[CallTarget | None, NoteDraft | None]:
            target = ws.calls.target(contact_id, region)
            return target, ws.calls.load_draft(contact_id) if target else None

        self.read(load, lambda pair: self._on_target_loaded(generation, *pair, keep_notes, then_dial))

    def _on_target_loaded(self, generation: int, target: CallTarget | None, draft: NoteDraft | None,
                          keep_notes: bool, then_dial: bool) -> None:
        if generation != self._load_generation:
            return  # the rep moved on to another contact meanwhile
        self._show_target(target)
        if then_dial:
            self.dial()
        if keep_notes and target is not None and target.contact_id == self._draft_contact:
            return
        self._tick.stop()
        self._loading = True
        try:
            self.notes.setPlainText(draft.body if draft else "")
            self.objections_used = list(draft.objection_ids) if draft else []
            self.call_started_at = draft.call_started_at if draft else None
        finally:
            self._loading = False
        self._draft_contact = target.contact_id if target else None
        if self.call_started_at is not None:
            self._tick.start()
        self._update_timer_label()
        self._update_used_label()
        self.saved_label.setText("Draft restored" if self.notes.toPlainText() else "")

    def _show_target(self, target: CallTarget | None) -> None:
        self.target = target
        self.ctx.bus.sig_calling_changed.emit(target.contact_id if target else None)
        enabled = target is not None and not (self.workspace and self.workspace.read_only)
        for action in (self.dial_action, *self.disposition_actions.values()):
            action.setEnabled(enabled)
        self._stack.setCurrentIndex(1 if target else 0)
        if target is None:
            self.decision = None
            self.empty.setText(_NO_PERSON_AT_ACCOUNT if self._focus.account_id else _NOBODY_FOCUSED)
            return
        parts = [f"<b>{_html(target.name)}</b>"]
        if target.title or target.account_name:
            parts.append(_html(" · ".join(p for p in (target.title, target.account_name) if p)))
        now = self.ctx.clock.now()
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        parts.append(f"<span style='color: {muted}'>Local time: "
                     f"{_html(local_time_label(target.zones, now))}</span>")
        self.who.setText(" — ".join(parts))
        chosen = self.number.currentText()  # a refresh keeps the number the rep picked
        self.number.clear()
        for phone in target.phones:
            suffix = "" if phone.dialable else " (invalid)"
            # An invalid number is shown (never dropped) but carries nothing to dial.
            self.number.addItem(f"{phone.display} · {phone.label}{suffix}",
                                phone.e164 if phone.dialable else None)
        if not target.phones:
            self.number.addItem("No phone number", None)
        kept = self.number.findText(chosen) if chosen else -1
        first_dialable = next((i for i, p in enumerate(target.phones) if p.dialable), 0)
        self.number.setCurrentIndex(kept if kept >= 0 else first_dialable)
        self._update_window()

    def _calling_windows(self) -> CallingWindows:
        settings = self.ctx.settings
        return calling_windows(settings.get(S.CALLING_WINDOW_START), settings.get(S.CALLING_WINDOW_END))

    def _update_window(self) -> None:
        target = self.target
        if target is None:
            return
        settings = self.ctx.settings
        windows = calling_windows(settings.get(S.CALLING_WINDOW_START), settings.get(S.CALLING_WINDOW_END))
        now = self.ctx.clock.now()
        self.decision = compliance.check_call(
            now, target.zones, windows, country=target.country, dnc=target.dnc,
            outside_policy=settings.get(S.OUTSIDE_WINDOW_POLICY))
        status = compliance.window_status(now, target.zones, windows, target.country)
        self.window_label.setText(status.label(None, now)
                                  + (" (your time)" if status.state is compliance.WindowState.CLOSED
                                     or status.closes_at else ""))
        self.window_label.setStyleSheet(_STATE_STYLE[status.state])
        self.window_label.setToolTip(", ".join(target.zones.zones) or "No time zone evidence")
        flag = target.call_blocked_by
        self.dnc_banner.setVisible(flag is not None)
        self.dnc_banner.setText(flag.describe() if flag else "")

    # -- dialing -------------------------------------------------------------------------
    def dial(self) -> bool:
        """Dial the chosen number if compliance allows; True when the dialer was started."""
        target = self.target
        if target is None:
            return False
        self._update_window()  # the window may have closed since the contact was focused
        decision = self.decision
        if isinstance(decision, compliance.CallBlocked):
            self.ctx.prompter.inform("Cannot dial", decision.reason)
            self.ctx.bus.sig_status_message.emit(decision.reason)
            return False
        if isinstance(decision, compliance.NeedsConfirmation) and not self.ctx.prompter.confirm(
                "Outside the calling window", f"{decision.reason}\n\nDial anyway?"):
            return False
        e164 = self.number.currentData()
        if not e164:
            self.ctx.prompter.inform("Cannot dial", "This number is not a valid phone number: "
                                     "fix it in the contact, or pick another one.")
            return False
        if not self.dialer.dial(e164):
            self.ctx.prompter.inform("Cannot dial", "No application on this computer handles phone "
                                     "(tel:) links. Dial the number by hand; the timer has started.")
        self.call_started_at = self.ctx.clock.now()
        self._tick.start()
        self._update_timer_label()
        self.save_draft_now()
        self.notes.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def elapsed_seconds(self) -> int | None:
        if self.call_started_at is None:
            return None
        return max(0, int((self.ctx.clock.now() - self.call_started_at).total_seconds()))

    @Slot()
    def _update_timer_label(self) -> None:
        seconds = self.elapsed_seconds()
        self.timer_label.setStyleSheet("" if seconds is None else "font-weight: bold; color: #d32f2f;")
        self.timer_label.setToolTip("" if seconds is None else "On a call: log an outcome to stop the timer")
        if seconds is None:
            self.timer_label.setText("00:00")
            return
        minutes, secs = divmod(seconds, 60)
        self.timer_label.setText(f"{minutes:02d}:{secs:02d}")

    # -- notes and objections ------------------------------------------------------------
    @Slot()
    def _on_notes_text_changed(self) -> None:
        if self._loading or self.target is None:
            return
        self.saved_label.setText("Saving…")
        self._autosave.start()

    @Slot(object, str)
    def _on_bus_answer_pasted(self, objection_id: uuid.UUID, answer: str) -> None:
        if self.target is None:
            return
        if objection_id not in self.objections_used:
            self.objections_used.append(objection_id)
        cursor = self.notes.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        prefix = "" if not self.notes.toPlainText() or self.notes.toPlainText().endswith("\n") else "\n"
        cursor.insertText(f"{prefix}{answer}\n")
        self.notes.setTextCursor(cursor)
        self.notes.setFocus(Qt.FocusReason.OtherFocusReason)  # keep typing notes after the answer
        self._update_used_label()
        self.save_draft_now()

    def _update_used_label(self) -> None:
        count = len(self.objections_used)
        self.used_label.setText(f"{count} objection{'s' if count != 1 else ''} handled" if count else "")

    @Slot()
    def save_draft_now(self) -> None:
        """Write the draft at once (debounce fired, contact switch, dial, quit)."""
        self._autosave.stop()
        contact = self._draft_contact
        if self.workspace is None or contact is None or self.workspace.read_only:
            return
        body, used, started = self.notes.toPlainText(), tuple(self.objections_used), self.call_started_at
        self.workspace.drafts.keep(contact, body, used, started)  # on disk until it lands (#11)
        # Through the serial writer, so it queues behind (never races) a call being logged.
        self.write(lambda ws: ws.calls.save_draft(contact, body, used, started),
                   lambda _none: self.saved_label.setText("Saved" if body else ""), self._on_draft_failed)

    def _on_draft_failed(self, exc: BaseException) -> None:
        # A full disk must not lose the text on screen silently.
        log.error("could not save the call notes draft", exc_info=exc)
        self.saved_label.setText("Not saved!")
        self.ctx.bus.sig_error.emit(exc)

    # -- dispositions --------------------------------------------------------------------
    def log_disposition(self, key: str) -> None:
        target = self.target
        if target is None or self._logging:
            return
        kind = next(d for d in DISPOSITIONS if d.key == key)
        extra = ask_disposition_extra(self.ctx.prompter, kind, self.ctx.clock.now(), rep_tz(),
                                      callback_place(target, self._calling_windows()))
        if extra is None:
            return
        callback_at, dnc_reason = extra
        entry = CallLog(
            contact_id=target.contact_id, disposition=kind.key, notes=self.notes.toPlainText(),
            duration_seconds=self.elapsed_seconds(), objection_ids=tuple(self.objections_used),
            # The task the rep selected in Today, else the contact's next call task.
            task_id=self._focus.task_id if self._focus.contact_id == target.contact_id
            and self._focus.task_id else target.task_id,
            callback_at=callback_at, dnc_reason=dnc_reason,
            phone_e164=self.number.currentData(),
        )
        if self.workspace is None:
            return
        if kind.key == "meeting_booked":  # the booking form first; the call is logged with the meeting
            self.read(lambda ws: ws.meetings.booking_info(target.contact_id),
                      lambda info: info and self.booker.ask(self, info, self.ctx.clock.now(),
                                                            lambda booking: self._write_log(entry, booking)))
            return
        self._write_log(entry, None)

    def _write_log(self, entry: CallLog, booking: BookingRequest | None) -> None:
        self._autosave.stop()
        self._logging = True
        self.write(lambda ws: book_after_call(ws, entry, booking) if booking else ws.calls.log_call(entry),
                   self._on_call_logged, self._on_log_failed)

    def _on_call_logged(self, logged: CallLogged) -> None:
        self._logging = False
        self.last_logged = logged
        self._tick.stop()
        self._loading = True
        try:
            self.notes.clear()
        finally:
            self._loading = False
        self.objections_used = []
        self.call_started_at = None
        self._update_timer_label()
        self._update_used_label()
        label = next(d.label for d in DISPOSITIONS if d.key == logged.disposition)
        self.saved_label.setText(f"Logged: {label}")
        self.ctx.bus.sig_status_message.emit(f"Call logged: {label} (sequence: {logged.effect.value})")
        self.ctx.bus.sig_call_logged.emit(logged)
        if logged.changes.contacts:
            self.refresh()  # a do-not-call flag now shows

    def _on_log_failed(self, exc: BaseException) -> None:
        self._logging = False
        if isinstance(exc, SdrdeskError):
            self.ctx.prompter.inform(exc.title, exc.user_message)
        else:
            self.ctx.bus.sig_error.emit(exc)
        self.save_draft_now()


def callback_place(target: CallTarget, windows: CallingWindows) -> CallbackPlace | None:
    """The prospect's zone and calendar for a callback, when their local time is certain."""
    zone = target.zones.single
    if zone is None:
        return None
    place = ProspectPlace(BusinessCalendar.for_place(target.country, None), ZoneInfo(zone))

    def inside(when: datetime) -> bool:
        state = compliance.window_status(when, target.zones, windows, target.country).state
        return state is compliance.WindowState.OPEN

    return CallbackPlace(place, city_of(zone), inside)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
