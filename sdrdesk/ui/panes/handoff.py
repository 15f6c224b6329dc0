"""The Handoff pane (its full version is built by its own issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState


class HandoffPane(Pane):
    OBJECT_NAME = "pane.handoff"
    TITLE = "Handoff"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        text = "When a prospect qualifies, their handoff summary for the AE appears here."
        layout.addWidget(EmptyState(text, self))
