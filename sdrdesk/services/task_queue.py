"""The rep's task queue (Today pane): open sequence tasks, overdue first, as plain rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork

CHANNELS = ("call", "email", "linkedin", "other")


@dataclass(frozen=True)
class TaskRow:
    id: uuid.UUID
    contact_id: uuid.UUID
    account_id: uuid.UUID | None
    due_at: datetime
    channel: str
    title: str
    contact_name: str
    contact_title: str
    account_name: str

    def urgency(self, now: datetime) -> str:
        """"overdue", "today" (due within the next 24 h) or "upcoming"."""
        if self.due_at < now:
            return "overdue"
        return "today" if self.due_at < now + timedelta(hours=24) else "upcoming"


def open_task_ids(uow: SqlUnitOfWork, channel: str | None = None,
                  due_before: datetime | None = None) -> list[uuid.UUID]:
    """Ids of open tasks, ordered by due time (the view's order is SQL's order)."""
    stmt = (select(m.Task.id)
            .join(m.Contact, m.Contact.id == m.Task.contact_id)
            .where(m.Task.deleted_at.is_(None), m.Task.status == "open",
                   m.Contact.deleted_at.is_(None))
            .order_by(m.Task.due_at, m.Task.id))
    if channel:
        stmt = stmt.where(m.Task.channel == channel)
    if due_before is not None:
        stmt = stmt.where(m.Task.due_at < due_before)
    return list(uow.session.scalars(stmt))


def task_rows(uow: SqlUnitOfWork, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TaskRow]:
    stmt = (select(m.Task.id, m.Task.contact_id, m.Contact.account_id, m.Task.due_at,
                   m.Task.channel, m.Task.title, m.Contact.first_name, m.Contact.last_name,
                   m.Contact.title, m.Account.name)
            .join(m.Contact, m.Contact.id == m.Task.contact_id)
            .outerjoin(m.Account, m.Account.id == m.Contact.account_id)
            .where(m.Task.id.in_(list(ids))))
    rows: dict[uuid.UUID, TaskRow] = {}
    for (task_id, contact_id, account_id, due_at, channel, title, first, last, job,
         account) in uow.session.execute(stmt):
        rows[task_id] = TaskRow(
            id=task_id, contact_id=contact_id, account_id=account_id, due_at=due_at,
            channel=channel, title=title,
            contact_name=" ".join(p for p in (first, last) if p) or "(no name)",
            contact_title=job or "", account_name=account or "",
        )
    return rows
