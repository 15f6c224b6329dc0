"""The Metrics & review pane (its full version is built by its own issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState


class MetricsPane(Pane):
    OBJECT_NAME = "pane.metrics"
    TITLE = "Metrics and review"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(EmptyState("Your calls, replies and meetings will be summarised here.", self))
