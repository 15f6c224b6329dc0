"""One button and one window-wide key per call disposition (they work while the rep types
notes), plus what some dispositions must ask first: when to call back, why not to call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from sdrdesk.domain.cadence import ProspectPlace, callback_warnings
from sdrdesk.domain.dispositions import DISPOSITIONS, Disposition, parse_callback_time
from sdrdesk.ui.prompter import Prompter

COLUMNS = 5


def window_action(owner: QWidget, text: str, shortcut: str, slot: Callable[[], object], name: str) -> QAction:
    """An action whose key works anywhere in the window (added to `owner`)."""
    action = QAction(text, owner)
    action.setObjectName(name)
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _=False: slot())
    owner.addAction(action)
    return action


class DispositionKeys(QWidget):
    def __init__(self, owner: QWidget, log: Callable[[str], None]) -> None:
        super().__init__(owner)
        self.actions_by_key: dict[str, QAction] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        for i, kind in enumerate(DISPOSITIONS):
            action = window_action(owner, f"Log call: {kind.label}", kind.shortcut,
                                   lambda k=kind: log(k.key), f"action.call.{kind.key}")
            self.actions_by_key[kind.key] = action
            button = QPushButton(kind.label, self)
            button.setObjectName(f"call.disposition.{kind.key}")
            native = QKeySequence(kind.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{kind.label} ({native})")
            button.clicked.connect(action.trigger)
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)


def rep_tz() -> tzinfo:
    """The rep's own zone: callback times are typed in it."""
    return datetime.now().astimezone().tzinfo or UTC


@dataclass(frozen=True)
class CallbackPlace:
    """Where the prospect is, for a callback typed in their local time."""

    place: ProspectPlace
    city: str
    inside_window: Callable[[datetime], bool]


def ask_disposition_extra(prompter: Prompter, kind: Disposition, now: datetime, tz: tzinfo,
                          prospect: CallbackPlace | None = None) -> tuple[datetime | None, str] | None:
    """The callback time or the do-not-call reason; None when the rep cancels.

    With the prospect's place known, the callback is typed in *their* local time and shown
    beside the rep's; a weekend, a public holiday there or a time outside the calling window
    asks for confirmation."""
    if kind.needs_callback_time:
        zone = prospect.place.zone if prospect is not None else tz
        where = (f"their time in {prospect.city}, now {now.astimezone(zone):%H:%M}" if prospect
                 else "your time")
        text = prompter.ask_text("Callback requested",
                                 f"When should you call back? ({where}; 14:30, tomorrow 10:00, +2h)",
                                 "tomorrow 10:00")
        if text is None:
            return None
        when = parse_callback_time(text, now, zone)
        if when is None:
            prompter.inform("Callback requested", f"“{text}” is not a time in the future.")
            return None
        if prospect is not None:
            warnings = callback_warnings(when, prospect.place, prospect.inside_window(when))
            if warnings:
                both = (f"{when.astimezone(zone):%a %d %b %H:%M} in {prospect.city} = "
                        f"{when.astimezone(tz):%a %d %b %H:%M} your time.")
                question = "\n".join([both, *warnings, "Keep this time?"])
                if not prompter.confirm("Callback requested", question):
                    return None
        return when, ""
    if kind.do_not_call:
        reason = prompter.ask_text("Do not call",
                                   "What did the prospect say? (kept with the do-not-call record)",
                                   "Asked not to be called")
        if reason is None:
            return None
        return None, reason
    return None, ""
