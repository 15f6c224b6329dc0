"""The application bus: how panes hear about changes, focus and intents without knowing each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppBus(QObject):
    sig_book_opened = Signal(object)
    """A book was opened; carries the `Workspace`. Panes (re)load from it."""

    sig_book_closing = Signal(object)
    """Another book is about to replace this `Workspace`: write anything pending to it now."""

    sig_changes_applied = Signal(object, object)
    """A service changed data: (`Changes`, initiator). Panes redraw only what they show."""

    sig_focus_account_changed = Signal(object)
    """The account the rep is working on: a UUID or None."""

    sig_focus_contact_changed = Signal(object)
    """The contact the rep is working on: a UUID or None. Most panes follow it."""

    sig_mode_changed = Signal(str)
    """The workspace mode, e.g. "normal" or "coaching-readonly"."""

    sig_dial_requested = Signal(object)
    """An intent: dial this contact (UUID)."""

    sig_open_research_requested = Signal(object)
    """An intent: show the research pane for this account (UUID)."""

    sig_show_source_requested = Signal(object)
    """An intent: list the records of this source label (UUID) in the book pane."""

    sig_status_message = Signal(str)
    """A short message for the status bar."""

    sig_error = Signal(object)
    """An exception to show the user (routed to `ui/errors.py`)."""
