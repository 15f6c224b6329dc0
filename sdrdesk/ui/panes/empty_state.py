"""A centred, word-wrapped message for a pane with nothing to show yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane


class EmptyState(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("emptyState")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMargin(16)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setForegroundRole(self.foregroundRole())
        self.setStyleSheet("QLabel#emptyState { color: palette(placeholder-text); }")


def body_or_empty_state(pane: QWidget, body: QWidget, message: str) -> tuple[EmptyState, QStackedLayout]:
    """Fill `pane` with `body` or, in its place, a message (index 0: the message, 1: the body)."""
    empty = EmptyState(message, pane)
    stack = QStackedLayout()
    stack.addWidget(empty)
    stack.addWidget(body)
    outer = QVBoxLayout(pane)
    outer.setContentsMargins(4, 4, 4, 4)
    outer.addLayout(stack)
    return empty, stack


class MessagePane(Pane):
    """A pane whose full version belongs to a later issue: it explains what will appear here."""

    MESSAGE = ""

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(EmptyState(self.MESSAGE, self))
