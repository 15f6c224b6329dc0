"""Every touch on a contact and its account, newest first, as ordered ids plus rows on demand.

The ids come from one indexed query; rows are fetched a page at a time by the list model,
with the objections used on each call joined in.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from sdrdesk.domain.dispositions import label_of
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory


@dataclass(frozen=True)
class TimelineRow:
    id: uuid.UUID
    kind: str  # call, email, linkedin, note, meeting
    direction: str | None
    disposition: str | None
    disposition_label: str
    occurred_at: datetime
    duration_seconds: int | None
    subject: str
    notes: str
    contact_id: uuid.UUID | None
    contact_name: str
    other_contact: bool  # a touch on a colleague at the same account
    objections: tuple[str, ...]
    callback_at: datetime | None

    @property
    def duration_text(self) -> str:
        if not self.duration_seconds:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


def timeline_ids(uow: SqlUnitOfWork, contact_id: uuid.UUID | None,
                 account_id: uuid.UUID | None, *, limit: int | None = None) -> list[uuid.UUID]:
    if contact_id is None and account_id is None:
        return []
    conditions = []
    if contact_id is not None:
        conditions.append(m.Activity.contact_id == contact_id)
    if account_id is not None:
        conditions.append(m.Activity.account_id == account_id)
        colleagues = select(m.Contact.id).where(m.Contact.account_id == account_id)
        conditions.append(m.Activity.contact_id.in_(colleagues))
    stmt = (select(m.Activity.id).where(m.Activity.deleted_at.is_(None), or_(*conditions))
            .order_by(m.Activity.occurred_at.desc(), m.Activity.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(uow.session.scalars(stmt))


def timeline_rows(uow: SqlUnitOfWork, ids: Sequence[uuid.UUID],
                  focus_contact: uuid.UUID | None = None) -> dict[uuid.UUID, TimelineRow]:
    wanted = list(ids)
    if not wanted:
        return {}
    stmt = (select(m.Activity, m.Contact.first_name, m.Contact.last_name)
            .outerjoin(m.Contact, m.Contact.id == m.Activity.contact_id)
            .where(m.Activity.id.in_(wanted)))
    used: dict[uuid.UUID, list[str]] = defaultdict(list)
    objection_stmt = (select(m.ActivityObjection.activity_id, m.Objection.prompt)
                      .join(m.Objection, m.Objection.id == m.ActivityObjection.objection_id)
                      .where(m.ActivityObjection.activity_id.in_(wanted),
                             m.ActivityObjection.deleted_at.is_(None)))
    for activity_id, prompt in uow.session.execute(objection_stmt):
        used[activity_id].append(prompt)
    rows: dict[uuid.UUID, TimelineRow] = {}
    for activity, first, last in uow.session.execute(stmt):
        rows[activity.id] = TimelineRow(
            id=activity.id, kind=activity.kind, direction=activity.direction,
            disposition=activity.disposition, disposition_label=label_of(activity.disposition),
            occurred_at=activity.occurred_at, duration_seconds=activity.duration_seconds,
            subject=activity.subject or "", notes=activity.notes or "",
            contact_id=activity.contact_id,
            contact_name=" ".join(p for p in (first, last) if p),
            other_contact=focus_contact is not None and activity.contact_id != focus_contact,
            objections=tuple(used.get(activity.id, ())), callback_at=activity.callback_at,
        )
    return rows


@dataclass(frozen=True)
class TimelineView:
    ids: list[uuid.UUID]
    who: str  # the focused contact's name, or ""
    where: str  # their account's name (or the focused account's), or ""


class TimelineService:
    """`Workspace.timeline`: touches of a contact and its account (reads only)."""

    def __init__(self, uow_factory: UowFactory) -> None:
        self._uow = uow_factory

    def view(self, contact_id: uuid.UUID | None, account_id: uuid.UUID | None) -> TimelineView:
        with self._uow() as uow:
            contact = uow.contacts.get(contact_id) if contact_id else None
            if contact is not None:
                account_id = contact.account_id  # the contact's own account, whatever was focused
            ids = timeline_ids(uow, contact_id, account_id)
            who = " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact else ""
            account = uow.accounts.get(account_id) if account_id else None
            return TimelineView(ids, who, account.name if account else "")

    def rows(self, ids: Sequence[uuid.UUID], focus_contact: uuid.UUID | None) -> dict[uuid.UUID, TimelineRow]:
        with self._uow() as uow:
            return timeline_rows(uow, ids, focus_contact=focus_contact)
