"""The Handoff pane: for now it says what will appear here (its own issue builds it)."""

from __future__ import annotations

from sdrdesk.ui.panes.empty_state import MessagePane


class HandoffPane(MessagePane):
    OBJECT_NAME = "pane.handoff"
    TITLE = "Handoff"
    MESSAGE = "When a prospect qualifies, their handoff summary for the AE appears here."
