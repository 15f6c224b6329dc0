"""The Metrics and review pane: for now it says what will appear here (its own issue builds it)."""

from __future__ import annotations

from sdrdesk.ui.panes.empty_state import MessagePane


class MetricsPane(MessagePane):
    OBJECT_NAME = "pane.metrics"
    TITLE = "Metrics and review"
    MESSAGE = "Your calls, replies and meetings will be summarised here."
