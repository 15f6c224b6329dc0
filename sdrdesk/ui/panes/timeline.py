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
from sdrdesk.services import timeline
from sdrdesk.services.timeline import TimelineRow
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
        self._contact_account: uuid.UUID | None = None  # the focused contact's account
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
        ctx.bus.sig_focus_contact_changed.connect(self._on_bus_focus_contact_changed)
        ctx.bus.sig_focus_account_changed.connect(self._on_bus_focus_account_changed)
        self.header.hide()

    def wants(self, changes: Changes) -> bool:
        return changes.activities or changes.meetings

    @Slot(object)
    def _on_bus_focus_contact_changed(self, contact_id: uuid.UUID | None) -> None:
        if contact_id == self.contact_id:
            return
        self.contact_id = contact_id
        self._refresh_or_mark_stale()

    @Slot(object)
    def _on_bus_focus_account_changed(self, account_id: uuid.UUID | None) -> None:
        if account_id == self.account_id:
            return
        self.account_id = account_id
        if self.contact_id is not None and account_id != self._contact_account:
            self.contact_id = None  # another account: its contact, if any, follows on the bus
        self._refresh_or_mark_stale()

    def refresh(self) -> None:
        workspace = self.workspace
        if workspace is None or (self.contact_id is None and self.account_id is None):
            self.model.set_ids([])
            self.header.hide()
            self._stack.setCurrentWidget(self.empty)
            return
        with workspace.uow_factory() as uow:
            account_id = self.account_id
            contact = uow.contacts.get(self.contact_id) if self.contact_id else None
            if contact is not None:
                account_id = contact.account_id  # the contact's own account, whatever was focused
            self._contact_account = contact.account_id if contact else None
            ids = timeline.timeline_ids(uow, self.contact_id, account_id)
            who = " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact else ""
            account = uow.accounts.get(account_id) if account_id else None
            where = account.name if account else ""
        self.model.set_ids(ids)
        title = " · ".join(p for p in (who, where) if p)
        touches = f"{len(ids)} touch{'es' if len(ids) != 1 else ''}"
        self.header.setText(f"<b>{_html(title)}</b> — {touches}" if title else touches)
        self.header.show()
        self._stack.setCurrentWidget(self.view)

    def _fetch_rows(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TimelineRow]:
        workspace = self.workspace
        if workspace is None:
            return {}
        with workspace.uow_factory() as uow:
            return timeline.timeline_rows(uow, ids, focus_contact=self.contact_id)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
