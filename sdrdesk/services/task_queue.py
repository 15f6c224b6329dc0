"""The rep's task queue (Today pane): open sequence tasks, overdue first, as plain rows."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from sdrdesk.domain.clock import Clock
from sdrdesk.domain.compliance import CallingWindows
from sdrdesk.services.calls import ContactWindow, callable_tasks, contact_windows
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

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


@dataclass(frozen=True)
class QueueSnapshot:
    ids: list[uuid.UUID]  # open tasks in due order
    overdue: int


def queue_snapshot(uow: SqlUnitOfWork, now: datetime, channel: str | None = None) -> QueueSnapshot:
    """The queue's ids and how many are overdue, from one query (ids come back in due order)."""
    stmt = (select(m.Task.id, m.Task.due_at)
            .join(m.Contact, m.Contact.id == m.Task.contact_id)
            .where(m.Task.deleted_at.is_(None), m.Task.status == "open",
                   m.Contact.deleted_at.is_(None))
            .order_by(m.Task.due_at, m.Task.id))
    if channel:
        stmt = stmt.where(m.Task.channel == channel)
    rows = uow.session.execute(stmt).all()
    dues = [due for _id, due in rows]
    return QueueSnapshot(ids=[task_id for task_id, _due in rows], overdue=bisect_left(dues, now))


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


@dataclass(frozen=True)
class TodayRow:
    """A task plus its prospect's calling-window facts at the time the page was fetched."""

    task: TaskRow
    window: ContactWindow | None

    def window_text(self, now: datetime) -> str:
        if self.window is None:
            return ""
        if self.window.do_not_call:
            return "Do not call"
        return self.window.status.label(now=now)


@dataclass(frozen=True)
class QueueView:
    """What the Today pane shows first: the ordered ids, a summary line and the first page."""

    ids: list[uuid.UUID]
    summary: str
    first_page: dict[uuid.UUID, TodayRow]


class TaskQueueService:
    """`Workspace.tasks`: the Today queue as ids and pages of rows (reads only)."""

    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def queue(self, windows: CallingWindows, *, channel: str | None = None, callable_only: bool = False,
              first_page: int = 0) -> QueueView:
        now = self._clock.now()
        with self._uow() as uow:
            snapshot = queue_snapshot(uow, now, None if callable_only else channel)
            ids, summary = snapshot.ids, f"{len(snapshot.ids)} open · {snapshot.overdue} overdue"
            if callable_only:
                # Seconds for tens of thousands of calls (each prospect's zones): callers run
                # this off the GUI thread, and only while the filter is on.
                ids = callable_tasks(uow, snapshot.ids, windows, now)
                summary = f"{len(ids)} callable now · {len(snapshot.ids)} open"
        return QueueView(ids, summary, self.rows(ids[:first_page], windows) if first_page else {})

    def rows(self, ids: Sequence[uuid.UUID], windows: CallingWindows) -> dict[uuid.UUID, TodayRow]:
        with self._uow() as uow:
            tasks = task_rows(uow, list(ids))
            facts = contact_windows(uow, [t.contact_id for t in tasks.values()], windows, self._clock.now())
        return {task_id: TodayRow(task, facts.get(task.contact_id)) for task_id, task in tasks.items()}
