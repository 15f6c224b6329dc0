"""The Accounts & contacts pane (its full version is built by its own issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState


class AccountsPane(Pane):
    OBJECT_NAME = "pane.accounts"
    TITLE = "Accounts and contacts"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(EmptyState("Your accounts and contacts will be listed here.", self))
