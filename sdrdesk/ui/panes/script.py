"""The Script & objections pane (its full version is built by its own issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState


class ScriptPane(Pane):
    OBJECT_NAME = "pane.script"
    TITLE = "Script and objections"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(EmptyState("Select a contact to see the call script for their persona.", self))
