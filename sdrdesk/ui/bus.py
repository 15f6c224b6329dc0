"""The application bus: how panes hear about changes, focus and intents without knowing each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from sdrdesk.domain.focus import NO_FOCUS, Focus


class AppBus(QObject):
    sig_book_opened = Signal(object)
    """A book was opened; carries the `Workspace`. Panes (re)load from it."""

    sig_book_closing = Signal(object)
    """Another book is about to replace this `Workspace`: write anything pending to it now."""

    sig_changes_applied = Signal(object, object)
    """A service changed data: (`Changes`, initiator). Panes redraw only what they show."""

    sig_focus_changed = Signal(object)
    """What the rep is working on: one `Focus` (account, contact, task together). Every pane
    that shows a record follows it; a Focus with an account and no contact means "nobody at
    this company is selected", and person panes say so rather than keep another company's
    person. Emitters skip identical focus; receivers compare with what they show."""

    sig_mode_changed = Signal(str)
    """The workspace mode, e.g. "normal" or "coaching-readonly"."""

    sig_dial_requested = Signal(object)
    """An intent: dial this contact (UUID)."""

    # -- the call in progress (was CallSession's; the Call and Script panes share it) ------
    sig_calling_changed = Signal(object)
    """The Call pane now shows the call controls for this contact (UUID), or None."""

    sig_answer_pasted = Signal(object, str)
    """An intent from the Script pane: add this objection's (UUID) answer text to the call notes."""

    sig_call_logged = Signal(object)
    """A call was logged (`CallLogged`: disposition, sequence effect, callback time). Today
    moves on to the next task; the booking form opens on "meeting booked"."""

    sig_open_research_requested = Signal(object)
    """An intent: show the research pane for this account (UUID)."""

    sig_show_source_requested = Signal(object)
    """An intent: list the records of this source label (UUID) in the book pane."""

    sig_status_message = Signal(str)
    """A short message for the status bar."""

    sig_error = Signal(object)
    """An exception to show the user (routed to `ui/errors.py`)."""

    sig_book_state_changed = Signal(object)
    """The open Workspace became read-only after it opened (found damaged): banner, menus."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.focus: Focus = NO_FOCUS  # the last focus sent, for panes that start or show later

    def set_focus(self, focus: Focus) -> None:
        """Send `focus` to every pane, unless it is what they already follow."""
        if focus == self.focus:
            return
        self.focus = focus
        self.sig_focus_changed.emit(focus)
