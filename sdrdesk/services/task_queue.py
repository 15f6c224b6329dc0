"""The rep's task queue (Today pane): open sequence tasks, overdue first, as plain rows."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sdrdesk.domain import compliance
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.compliance import CallingWindows, WindowState
from sdrdesk.domain.timezones import ZoneResolution, local_time_label
from sdrdesk.services.calls import ContactWindow, callable_tasks, contact_windows
from sdrdesk.services.sequence_ops import local_zone
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
    """What the Today pane shows first: the ordered ids, a summary line and the first page.

    Order: tasks callable now first (by due time), then every other task by due time.
    `stale` counts call tasks whose prospect's zones are not stored yet (worked out in
    memory this time; `SequenceService.refresh_zones` stores them)."""

    ids: list[uuid.UUID]
    summary: str
    first_page: dict[uuid.UUID, TodayRow]
    callable_ids: frozenset[uuid.UUID] = frozenset()
    stale: int = 0
    complete: bool = True  # False: only the head of the queue (the first screen); the rest follows


def zone_key_status(key: str, windows: CallingWindows, now: datetime) -> compliance.WindowStatus:
    """The calling-window status of a stored zone key ("zone zone|CC")."""
    zones_part, _, country = key.partition("|")
    zones = tuple(zones_part.split())
    resolution = ZoneResolution(zones, "stored" if zones else "unknown")
    return compliance.window_status(now, resolution, windows, country or None)


_DNC_CALL = ("NOT EXISTS (SELECT 1 FROM do_not_contact d WHERE d.contact_id = t.contact_id"
             " AND d.deleted_at IS NULL AND d.channel IN ('call', 'all'))")


def _filters(channel: str | None, sequence_id: uuid.UUID | None) -> tuple[str, list[object]]:
    sql, params = "", []
    if channel:
        sql += " AND t.channel = ?"
        params.append(channel)
    if sequence_id is not None:
        sql += " AND t.enrollment_id IN (SELECT e.id FROM enrollments e WHERE e.sequence_id = ?)"
        params.append(sequence_id.hex)
    return sql, params


def _due_by(now: datetime) -> str:
    """The end of the rep's day (stored form): "callable now" means due today and callable."""
    local = now.astimezone(local_zone())
    end = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=local.tzinfo)
    return end.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def callable_now_ids(uow: SqlUnitOfWork, windows: CallingWindows, now: datetime,
                     sequence_id: uuid.UUID | None = None) -> tuple[list[uuid.UUID], int]:
    """Open call tasks due by the end of the rep's day whose prospect may be called now, by
    due time, from the stored zones:
    one pass over the distinct zone keys (a few hundred), then one index range. Tasks whose
    zones are not stored yet are worked out in memory; returns (ids, how many were)."""
    conn = uow.session.connection()
    open_keys = _open_keys(uow, windows, now)
    extra, params = _filters(None, sequence_id)
    extra, params = " AND t.due_at < ?" + extra, [_due_by(now), *params]
    found: list[tuple[datetime | str, str]] = []
    for start in range(0, len(open_keys), 500):
        chunk = open_keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found += conn.exec_driver_sql(
            "SELECT t.due_at, t.id FROM tasks t WHERE t.status = 'open' AND t.channel = 'call'"
            f" AND t.zone_key IN ({marks}) AND t.deleted_at IS NULL AND {_DNC_CALL}{extra}",
            tuple(chunk) + tuple(params)).all()
    stale_rows = conn.exec_driver_sql(
        "SELECT t.due_at, t.id FROM tasks t WHERE t.status = 'open' AND t.channel = 'call'"
        f" AND t.zone_key IS NULL AND t.deleted_at IS NULL{extra}", tuple(params)).all()
    if stale_rows:
        ok = set(callable_tasks(uow, [uuid.UUID(i) for _d, i in stale_rows], windows, now))
        found += [(d, i) for d, i in stale_rows if uuid.UUID(i) in ok]
    found.sort()
    return [uuid.UUID(i) for _d, i in found], len(stale_rows)


def _open_keys(uow: SqlUnitOfWork, windows: CallingWindows, now: datetime) -> list[str]:
    keys = [k for (k,) in uow.session.connection().exec_driver_sql(
        "SELECT DISTINCT zone_key FROM tasks WHERE status = 'open' AND channel = 'call'"
        " AND zone_key IS NOT NULL")]
    return [k for k in keys if zone_key_status(k, windows, now).state is WindowState.OPEN]


def queue_head(uow: SqlUnitOfWork, windows: CallingWindows, now: datetime, limit: int, *,
               channel: str | None, callable_only: bool,
               sequence_id: uuid.UUID | None) -> tuple[list[uuid.UUID], set[uuid.UUID], str]:
    """The first `limit` ids of the queue and its summary, without listing the whole queue:
    walks the (status, due_at) covering index and stops early. Tasks whose zones are not
    stored yet count as not callable here (the full listing works them out)."""
    conn = uow.session.connection()
    open_keys = _open_keys(uow, windows, now) if channel in (None, "call") else []
    extra, params = _filters(None, sequence_id)
    extra, params = " AND t.due_at < ?" + extra, [_due_by(now), *params]
    marks = ",".join("?" * len(open_keys)) or "NULL"
    callable_sql = (f"t.status = 'open' AND t.channel = 'call' AND t.zone_key IN ({marks})"
                    f" AND t.deleted_at IS NULL AND {_DNC_CALL}{extra}")
    args = (*open_keys, *params)
    head = [i for (i,) in conn.exec_driver_sql(
        f"SELECT t.id FROM tasks t INDEXED BY ix_tasks_open_due WHERE {callable_sql}"
        f" ORDER BY t.status, t.due_at LIMIT {int(limit)}", args)] if open_keys else []
    callable_count = conn.exec_driver_sql(
        f"SELECT count(*) FROM tasks t WHERE {callable_sql}", args).scalar() if open_keys else 0
    callable_head = {uuid.UUID(i) for i in head}
    if callable_only:
        total = conn.exec_driver_sql(
            "SELECT count(*) FROM tasks WHERE status = 'open' AND deleted_at IS NULL").scalar() or 0
        return [uuid.UUID(i) for i in head], callable_head, f"{callable_count} callable now · {total} open"
    extra, params = _filters(channel, sequence_id)
    now_text = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if len(head) < limit:
        seen = set(head)
        for (i,) in conn.exec_driver_sql(
                f"SELECT t.id FROM tasks t INDEXED BY ix_tasks_open_due WHERE t.status = 'open'"
                f" AND t.deleted_at IS NULL{extra} ORDER BY t.status, t.due_at LIMIT {int(limit) * 2}",
                tuple(params)):
            if i not in seen:
                head.append(i)
                if len(head) >= limit:
                    break
    shown = conn.exec_driver_sql(
        f"SELECT count(*) FROM tasks t WHERE t.status = 'open' AND t.deleted_at IS NULL{extra}",
        tuple(params)).scalar() or 0
    overdue = conn.exec_driver_sql(
        f"SELECT count(*) FROM tasks t WHERE t.status = 'open' AND t.deleted_at IS NULL"
        f" AND t.due_at < ?{extra}", (now_text, *params)).scalar() or 0
    summary = f"{shown} open · {overdue} overdue · {callable_count} callable now"
    return [uuid.UUID(i) for i in head], callable_head, summary


def open_task_ids(uow: SqlUnitOfWork, channel: str | None = None,
                  sequence_id: uuid.UUID | None = None) -> list[tuple[str, str]]:
    """(due_at, id hex) of every open task in due order, from the (status, due_at) index."""
    extra, params = _filters(channel, sequence_id)
    return [tuple(r) for r in uow.session.connection().exec_driver_sql(  # type: ignore[misc]
        f"SELECT t.due_at, t.id FROM tasks t INDEXED BY ix_tasks_open_due WHERE t.status = 'open'"
        f" AND t.deleted_at IS NULL{extra} ORDER BY t.status, t.due_at", tuple(params))]


class TaskQueueService:
    """`Workspace.tasks`: the Today queue as ids and pages of rows (reads only)."""

    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def queue(self, windows: CallingWindows, *, channel: str | None = None, callable_only: bool = False,
              first_page: int = 0, sequence_id: uuid.UUID | None = None) -> QueueView:
        now = self._clock.now()
        now_text = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        with self._uow() as uow:
            callable_ids, stale = ([], 0) if channel not in (None, "call") else callable_now_ids(
                uow, windows, now, sequence_id)
            if callable_only:
                ids = callable_ids
                total = uow.session.connection().exec_driver_sql(
                    "SELECT count(*) FROM tasks WHERE status = 'open' AND deleted_at IS NULL").scalar()
                summary = f"{len(ids)} callable now · {total} open"
            else:
                rows = open_task_ids(uow, channel, sequence_id)
                overdue = bisect_left([d for d, _i in rows], now_text)
                first = set(callable_ids)
                rest = [uuid.UUID(i) for _d, i in rows]
                ids = callable_ids + [i for i in rest if i not in first] if first else rest
                summary = f"{len(ids)} open · {overdue} overdue · {len(callable_ids)} callable now"
        page = self.rows(ids[:first_page], windows) if first_page else {}
        return QueueView(ids, summary, page, frozenset(callable_ids), stale)

    def queue_head(self, windows: CallingWindows, *, channel: str | None = None, callable_only: bool = False,
                   limit: int = 200, sequence_id: uuid.UUID | None = None) -> QueueView:
        """The first screen of the queue (its first `limit` ids with their rows, and the
        summary) in a few index probes; `queue` lists the whole of it afterwards."""
        now = self._clock.now()
        with self._uow() as uow:
            ids, callable_head, summary = queue_head(uow, windows, now, limit, channel=channel,
                                                     callable_only=callable_only, sequence_id=sequence_id)
        return QueueView(ids, summary, self.rows(ids, windows), frozenset(callable_head), complete=False)

    def next_callable(self, windows: CallingWindows, after: uuid.UUID | None = None) -> uuid.UUID | None:
        """The first task callable now (other than `after`), for the "next callable" key."""
        with self._uow() as uow:
            ids, _stale = callable_now_ids(uow, windows, self._clock.now())
        return next((i for i in ids if i != after), None)

    def rows(self, ids: Sequence[uuid.UUID], windows: CallingWindows) -> dict[uuid.UUID, TodayRow]:
        """A page of rows; calling windows come from the stored zone keys (worked out once per
        key), and only contacts without one are resolved from their phones."""
        now = self._clock.now()
        with self._uow() as uow:
            tasks = task_rows(uow, list(ids))
            keys = stored_zone_keys(uow, list(tasks))
            missing = [t.contact_id for i, t in tasks.items() if keys.get(i) is None]
            facts = contact_windows(uow, missing, windows, now) if missing else {}
            stored = [t.contact_id for i, t in tasks.items() if keys.get(i) is not None]
            blocked = dnc_blocked(uow, stored)
        statuses: dict[str, ContactWindow] = {}
        result = {}
        for task_id, task in tasks.items():
            key = keys.get(task_id)
            if key is None:
                result[task_id] = TodayRow(task, facts.get(task.contact_id))
                continue
            shared = statuses.get(key)
            if shared is None:
                zones = tuple(key.partition("|")[0].split())
                resolution = ZoneResolution(zones, "stored" if zones else "unknown")
                shared = statuses[key] = ContactWindow(task.contact_id, resolution,
                                                       zone_key_status(key, windows, now),
                                                       local_time_label(resolution, now), False)
            result[task_id] = TodayRow(task, ContactWindow(task.contact_id, shared.zones, shared.status,
                                                           shared.local_time, task.contact_id in blocked))
        return result


def stored_zone_keys(uow: SqlUnitOfWork, task_ids: list[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    if not task_ids:
        return {}
    marks = ",".join("?" * len(task_ids))
    return {uuid.UUID(i): k for i, k in uow.session.connection().exec_driver_sql(
        f"SELECT id, zone_key FROM tasks WHERE id IN ({marks})", tuple(t.hex for t in task_ids))}


def dnc_blocked(uow: SqlUnitOfWork, contact_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not contact_ids:
        return set()
    return set(uow.session.scalars(
        select(m.DoNotContact.contact_id).where(m.DoNotContact.contact_id.in_(contact_ids),
                                                m.DoNotContact.deleted_at.is_(None),
                                                m.DoNotContact.channel.in_(("call", "all")))))
