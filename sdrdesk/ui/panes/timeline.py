"""The Timeline pane: every touch on the focused contact and its account, newest first.

A lazy list (ordered ids from SQL, rows loaded a page at a time) so an account with years of
activity opens at once. Touches on colleagues at the same account are shown with their name.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QStackedLayout, QVBoxLayout, QWidget

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.focus import Focus
from sdrdesk.services.timeline import TimelineRow, TimelineView
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.models.timeline_list import TimelineListModel
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState


class TimelinePane(Pane):
    OBJECT_NAME = "pane.timeline"
    TITLE = "Timeline"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.contact_id: uuid.UUID | None = None
        self.account_id: uuid.UUID | None = None
        self._generation = 0
        self.model = TimelineListModel(self._fetch_rows, self)
        self.header = QLabel(self)
        self.header.setObjectName("timeline.header")
        self.header.setWordWrap(True)
        self.view = QListView(self)
        self.view.setObjectName("timeline.list")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setSpacing(1)
        self.empty = EmptyState("Select a contact to see every touch, newest first.", self)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addLayout(self._stack)
        self.setFocusProxy(self.view)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        self.header.hide()

    def wants(self, changes: Changes) -> bool:
        return changes.activities or changes.meetings

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        if (focus.contact_id, focus.account_id) == (self.contact_id, self.account_id):
            return
        self.contact_id, self.account_id = focus.contact_id, focus.account_id
        self._refresh_or_mark_stale()

    def refresh(self) -> None:
        workspace = self.workspace
        if workspace is None or (self.contact_id is None and self.account_id is None):
            self.model.set_ids([])
            self.header.hide()
            self._stack.setCurrentWidget(self.empty)
            return
        self._generation += 1
        generation, contact_id, account_id = self._generation, self.contact_id, self.account_id
        self.read(lambda ws: ws.timeline.view(contact_id, account_id),
                  lambda view: self._on_view(generation, view))

    def _on_view(self, generation: int, view: TimelineView) -> None:
        if generation != self._generation:
            return  # the rep moved on; a newer view is on its way
        ids = view.ids
        self.model.set_ids(ids)
        title = " · ".join(p for p in (view.who, view.where) if p)
        touches = f"{len(ids)} touch{'es' if len(ids) != 1 else ''}"
        self.header.setText(f"<b>{_html(title)}</b> — {touches}" if title else touches)
        self.header.show()
        self._stack.setCurrentWidget(self.view)

    def _fetch_rows(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TimelineRow]:
        workspace = self.workspace
        if workspace is None:
            return {}
        return workspace.timeline.rows(ids, self.contact_id)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
