"""The Qualification pane: for now it says what will appear here (its own issue builds it)."""

from __future__ import annotations

from sdrdesk.ui.panes.empty_state import MessagePane


class QualificationPane(MessagePane):
    OBJECT_NAME = "pane.qualification"
    TITLE = "Qualification"
    MESSAGE = "Select a contact to qualify them (BANT, MEDDIC or CHAMP)."
