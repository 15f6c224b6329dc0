"""The HubSpot outbox: filled offline, emptied by a push when the rep is online. No Qt.

`queue_new` (no network) adds every call, e-mail, LinkedIn touch, note, meeting, contact
change and do-not-contact flag changed since the last time it ran to `crm_outbox`, once per
record (a record changed again after it was sent is queued again and sent as an update).
`push` sends queued rows in order. The network calls run on the caller's thread (a reader, in
the window) inside short read transactions; what HubSpot answered for each row (its status,
error and remote ids) is then written by one small job handed to `write`, the book's serial
writer (the window's `runner.write_and_wait`; `write_inline` for the CLI and tests), so the
writer is never held by a network wait and nothing commits outside it. A push that stops
(offline, timeout, token refused, HubSpot failing after its retries) resumes where it stopped. A
record HubSpot refuses keeps its error on its row (`failed`) for the rep to read and retry.
The CRM's answer only ever changes outbox rows and remote-id links: never the book's records.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any, TypeVar

from sqlalchemy import func, select

from sdrdesk.domain import write_intent
from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.dispositions import label_of
from sdrdesk.domain.qualification import Catalog
from sdrdesk.services.crm_export.formats import (
    HUBSPOT_CALLS,
    HUBSPOT_COMMUNICATIONS,
    HUBSPOT_CONTACTS,
    HUBSPOT_EMAILS,
    HUBSPOT_MEETINGS,
    HUBSPOT_NOTES,
    Sheet,
    iso_z,
)
from sdrdesk.services.crm_export.hubspot import (
    HubSpotClient,
    HubSpotError,
    HubSpotRecordError,
    HubSpotUnavailable,
)
from sdrdesk.services.crm_export.records import (
    ActivityRecord,
    ContactRecord,
    MeetingRecord,
    Person,
    load_activities,
    load_contacts,
    load_meetings,
    meetings_changed,
)
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

log = logging.getLogger(__name__)

TARGET = "hubspot"
UNCERTAIN = "[no answer; checked before sending again] "  # last_error prefix after a timeout
MARK_TARGET = "hubspot-push"
PUSHED_KINDS = ("call", "email", "linkedin", "note")
# Only HubSpot's own properties are pushed: a property the portal lacks would refuse the record.
CONTACT_PROPERTIES = ("email", "firstname", "lastname", "jobtitle", "phone", "mobilephone", "company",
                      "website", "city", "state", "country")
T = TypeVar("T")
Write = Callable[[Callable[[], T]], T]
"""Runs a small write job on the book's serial writer and returns its result."""


def write_inline(job: Callable[[], T]) -> T:
    """The writer for the CLI and scripts: this thread, with its transactions begun IMMEDIATE."""
    with write_intent.writing():
        return job()


_OBJECT_FOR_KIND = {"call": ("calls", HUBSPOT_CALLS), "email": ("emails", HUBSPOT_EMAILS),
                    "linkedin": ("communications", HUBSPOT_COMMUNICATIONS), "note": ("notes", HUBSPOT_NOTES)}


@dataclass(frozen=True)
class OutboxSummary:
    queued: int
    failed: int
    sent: int

    @property
    def pending(self) -> int:
        return self.queued + self.failed


@dataclass(frozen=True)
class OutboxItem:
    id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    status: str
    attempts: int
    last_error: str
    remote_id: str
    description: str


@dataclass(frozen=True)
class PushResult:
    sent: int
    failed: int
    remaining: int  # still queued (the push stopped, or was cancelled)
    stopped: str  # why the push stopped early, in plain words; "" when it ran to the end
    waited_seconds: float
    changes: Changes = field(default_factory=Changes)


def _hs_properties(sheet: Sheet, record: Any) -> dict[str, str]:
    props = {}
    for column in sheet.columns:
        if column.name.startswith("hs_"):
            value = column.value(record)
            if value not in (None, ""):
                props[column.name] = str(value)
    return props


def _start_of_day(clock: Clock) -> datetime:
    return datetime.combine(clock.now().astimezone(UTC).date(), time.min, UTC)


def _changed(uow: SqlUnitOfWork, record_type: str, since: datetime) -> list[tuple[uuid.UUID, datetime]]:
    s = uow.session
    if record_type == "meeting":  # with its handoff and its contact's qualification
        return meetings_changed(s, since)
    if record_type == "activity":
        model: Any = m.Activity
        extra = [m.Activity.kind.in_(PUSHED_KINDS)]
    else:
        model = {"meeting": m.Meeting, "contact": m.Contact, "dnc": m.DoNotContact}[record_type]
        extra = []
    stmt = (select(model.id, model.updated_at)
            .where(model.deleted_at.is_(None), model.updated_at > since, *extra)
            .order_by(model.updated_at, model.id))
    return [(row[0], row[1]) for row in s.execute(stmt)]


def queue_new(uow_factory: UowFactory, clock: Clock, start: datetime | None = None) -> int:
    """Queue what changed since the last call (the first time: since `start`, default today 00:00 UTC)."""
    queued = 0
    now = clock.now()
    with uow_factory() as uow:
        s = uow.session
        for record_type in ("contact", "activity", "meeting", "dnc"):
            mark = s.scalars(select(m.ExportMark).where(
                m.ExportMark.target == MARK_TARGET, m.ExportMark.record_type == record_type)).first()
            if mark is None:
                mark = m.ExportMark(target=MARK_TARGET, record_type=record_type, last_rows=0,
                                    exported_through=start or _start_of_day(clock), last_export_at=now)
                s.add(mark)
            changed = _changed(uow, record_type, mark.exported_through or _start_of_day(clock))
            if not changed:
                continue
            existing: dict[uuid.UUID, m.CrmOutboxItem] = {}
            ids = [i for i, _ in changed]
            for chunk_start in range(0, len(ids), 500):
                for row in s.scalars(select(m.CrmOutboxItem).where(
                        m.CrmOutboxItem.target == TARGET, m.CrmOutboxItem.record_type == record_type,
                        m.CrmOutboxItem.record_id.in_(ids[chunk_start:chunk_start + 500]))):
                    existing[row.record_id] = row
            for record_id, _updated in changed:
                row = existing.get(record_id)
                if row is None:
                    s.add(m.CrmOutboxItem(target=TARGET, record_type=record_type, record_id=record_id,
                                          status="queued", attempts=0, queued_at=now))
                    queued += 1
                elif row.status in ("sent", "skipped"):
                    row.status, row.queued_at, row.last_error = "queued", now, None  # send as an update
                    queued += 1
            mark.exported_through = max(u for _, u in changed)
            mark.last_export_at = now
            mark.last_rows = len(changed)
        uow.commit()
    return queued


def summary(uow_factory: UowFactory) -> OutboxSummary:
    with uow_factory() as uow:
        counts = dict(uow.session.execute(
            select(m.CrmOutboxItem.status, func.count()).where(
                m.CrmOutboxItem.target == TARGET, m.CrmOutboxItem.deleted_at.is_(None))
            .group_by(m.CrmOutboxItem.status)).all())
    return OutboxSummary(int(counts.get("queued", 0)), int(counts.get("failed", 0)),
                         int(counts.get("sent", 0)))


def _readable(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _describe(uow: SqlUnitOfWork, item: m.CrmOutboxItem) -> str:
    s = uow.session
    if item.record_type == "activity":
        found = next(load_activities(s, None, [item.record_id]), None)
        if found is not None:
            who = found.person.name or found.person.email or found.person.company
            what = label_of(found.disposition) if found.kind == "call" else found.subject
            return f"{found.kind.capitalize()} · {who} · {what} · {_readable(found.occurred_at)}"
    elif item.record_type == "meeting":
        meeting = next(load_meetings(s, None, [item.record_id]), None)
        if meeting is not None:
            who = meeting.person.name or meeting.person.email
            return f"Meeting · {who} · {_readable(meeting.scheduled_at)}"
    elif item.record_type == "contact":
        contact = next(load_contacts(s, None, [item.record_id]), None)
        if contact is not None:
            return f"Contact · {contact.person.name or contact.person.email}"
    elif item.record_type == "dnc":
        flag = s.get(m.DoNotContact, item.record_id)
        if flag is not None:
            contact = s.get(m.Contact, flag.contact_id)
            who = " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact else ""
            return f"Do not contact ({flag.channel}) · {who}"
    return f"{item.record_type} (no longer in the book)"


def items(uow_factory: UowFactory, statuses: Sequence[str] = ("failed", "queued"),
          limit: int = 200) -> list[OutboxItem]:
    with uow_factory() as uow:
        rows = uow.session.scalars(select(m.CrmOutboxItem).where(
            m.CrmOutboxItem.target == TARGET, m.CrmOutboxItem.status.in_(list(statuses)),
            m.CrmOutboxItem.deleted_at.is_(None))
            .order_by(m.CrmOutboxItem.status, m.CrmOutboxItem.queued_at, m.CrmOutboxItem.id)
            .limit(limit)).all()
        return [OutboxItem(r.id, r.record_type, r.record_id, r.status, r.attempts, r.last_error or "",
                           r.remote_id or "", _describe(uow, r)) for r in rows]


def retry_failed(uow_factory: UowFactory, clock: Clock, ids: Sequence[uuid.UUID] | None = None) -> int:
    with uow_factory() as uow:
        stmt = select(m.CrmOutboxItem).where(m.CrmOutboxItem.target == TARGET,
                                             m.CrmOutboxItem.status == "failed")
        if ids is not None:
            stmt = stmt.where(m.CrmOutboxItem.id.in_(list(ids)))
        rows = uow.session.scalars(stmt).all()
        for row in rows:
            row.status, row.queued_at = "queued", clock.now()
        uow.commit()
        return len(rows)


# -- the push ----------------------------------------------------------------------------------
class _Pusher:
    """Sends one outbox row, reading the book through a read-only unit of work.

    Remote ids learnt on the way are kept in `new_links` (never written here): the caller
    writes them with the row's outcome through the serial writer.
    """

    def __init__(self, uow: SqlUnitOfWork, client: HubSpotClient, uncertain: bool = False,
                 catalog: Catalog | None = None) -> None:
        self.uow = uow
        self.catalog = catalog
        self.client = client
        self.uncertain = uncertain  # the previous try of this record timed out
        self.new_links: dict[tuple[str, uuid.UUID], str] = {}

    def _link(self, local_type: str, local_id: uuid.UUID) -> str | None:
        known = self.new_links.get((local_type, local_id))
        if known is not None:
            return known
        return self.uow.session.scalar(select(m.CrmLink.remote_id).where(
            m.CrmLink.target == TARGET, m.CrmLink.local_type == local_type,
            m.CrmLink.local_id == local_id))

    def _remember(self, local_type: str, local_id: uuid.UUID, remote_id: str) -> None:
        self.new_links[(local_type, local_id)] = remote_id

    def company(self, person: Person) -> str | None:
        if person.account_id is None or not person.domain:
            return None
        link = self._link("account", person.account_id)
        if link is not None:
            return link
        remote = self.client.search_one("companies", "domain", person.domain)
        if remote is None:
            props = {"domain": person.domain}
            if person.company:
                props["name"] = person.company
            remote = self.client.create("companies", props)
        self._remember("account", person.account_id, remote)
        return remote

    def contact(self, person: Person, properties: dict[str, str] | None = None,
                update: bool = False) -> str | None:
        if person.contact_id is None or not person.email:
            return None
        link = self._link("contact", person.contact_id)
        if link is not None and not update:
            return link
        remote = link if link is not None else self.client.search_one("contacts", "email", person.email)
        props = properties or {k: v for k, v in (("email", person.email), ("firstname", person.first_name),
                                                 ("lastname", person.last_name),
                                                 ("company", person.company)) if v}
        if remote is None:
            company = self.company(person)
            remote = self.client.create("contacts", props, [("companies", company)] if company else [])
        elif update:
            self.client.update("contacts", remote, props)
        self._remember("contact", person.contact_id, remote)
        return remote

    def _links_for(self, object_type: str, person: Person) -> list[tuple[str, str]]:
        links = []
        contact = self.contact(person)
        if contact:
            links.append(("contacts", contact))
        company = self.company(person)
        if company:
            links.append(("companies", company))
        if not links:
            raise HubSpotRecordError(
                "No e-mail or company domain to link it to in HubSpot; add one and retry.")
        return links

    def engagement(self, object_type: str, properties: dict[str, str], person: Person,
                   remote_id: str | None) -> str:
        if remote_id:
            return self.client.update(object_type, remote_id, properties)
        links = self._links_for(object_type, person)
        contact = next((i for t, i in links if t == "contacts"), None)
        if self.uncertain and contact and properties.get("hs_timestamp"):
            # The last try timed out: HubSpot may have created it. Find it rather than log it twice.
            found = self.client.find_engagement(object_type, properties["hs_timestamp"], contact)
            if found is not None:
                return self.client.update(object_type, found, properties)
        return self.client.create(object_type, properties, links)

    def push(self, item: m.CrmOutboxItem) -> str | None:
        s = self.uow.session
        if item.record_type == "activity":
            activity: ActivityRecord | None = next(load_activities(s, None, [item.record_id]), None)
            if activity is None:
                return None
            object_type, sheet = _OBJECT_FOR_KIND.get(activity.kind, _OBJECT_FOR_KIND["note"])
            return self.engagement(object_type, _hs_properties(sheet, activity), activity.person,
                                   item.remote_id)
        if item.record_type == "meeting":
            meeting: MeetingRecord | None = next(load_meetings(s, None, [item.record_id], self.catalog), None)
            if meeting is None:
                return None
            return self.engagement("meetings", _hs_properties(HUBSPOT_MEETINGS, meeting), meeting.person,
                                   item.remote_id)
        if item.record_type == "contact":
            contact: ContactRecord | None = next(load_contacts(s, None, [item.record_id]), None)
            if contact is None:
                return None
            if not contact.person.email:
                raise HubSpotRecordError("This contact has no e-mail, which HubSpot needs to find them.")
            props = {c.name: str(v) for c in HUBSPOT_CONTACTS.columns
                     if c.name in CONTACT_PROPERTIES and (v := c.value(contact)) not in (None, "")}
            return self.contact(contact.person, props, update=True)
        if item.record_type == "dnc":
            flag = s.get(m.DoNotContact, item.record_id)
            if flag is None or flag.deleted_at is not None:
                return None
            person = next(load_contacts(s, None, [flag.contact_id])).person
            body = (f"Do not contact by {flag.channel}" + (f": {flag.reason}" if flag.reason else "")
                    + f" (recorded {iso_z(flag.recorded_at)}"
                    + (f", {flag.source}" if flag.source else "") + ")")
            return self.engagement("notes", {"hs_timestamp": iso_z(flag.recorded_at), "hs_note_body": body},
                                   person, item.remote_id)
        raise HubSpotRecordError(f"Unknown outbox record type {item.record_type!r}.")


_ORDER = {"contact": 0, "activity": 1, "meeting": 2, "dnc": 3}


def _settle(uow_factory: UowFactory, clock: Clock, item_id: uuid.UUID, remote: str | None,
            links: dict[tuple[str, uuid.UUID], str], error: HubSpotError | None) -> str:
    """The write after one send: the row's outcome and the remote ids learnt. Returns its status."""
    with uow_factory() as uow:
        s = uow.session
        item = s.get(m.CrmOutboxItem, item_id)
        if item is None or item.status != "queued":
            return item.status if item is not None else "gone"
        item.attempts += 1
        for (local_type, local_id), remote_id in links.items():
            link = s.scalars(select(m.CrmLink).where(
                m.CrmLink.target == TARGET, m.CrmLink.local_type == local_type,
                m.CrmLink.local_id == local_id)).first()
            if link is None:
                s.add(m.CrmLink(target=TARGET, local_type=local_type, local_id=local_id, remote_id=remote_id))
            else:
                link.remote_id = remote_id
        if error is not None:
            maybe_applied = isinstance(error, HubSpotUnavailable) and error.maybe_applied
            item.last_error = (UNCERTAIN if maybe_applied else "") + error.message
            if not error.stop:
                item.status = "failed"
        elif remote is None:
            item.status, item.last_error = "skipped", "No longer in the book; nothing sent."
        else:
            item.status, item.remote_id, item.sent_at, item.last_error = "sent", remote, clock.now(), None
        status = item.status
        uow.commit()
        return status


def push(uow_factory: UowFactory, clock: Clock, client: HubSpotClient, *,
         write: Write[Any] = write_inline,
         catalog: Catalog | None = None,
         cancel: CancelToken | None = None,
         progress: Callable[[int, int], None] | None = None) -> PushResult:
    """Send every queued row: the network here, each row's outcome through `write`.

    Call it off the writer (a reader thread): `write` must hand the job to the serial writer
    and wait for it. A stopped push resumes where it stopped, since each row is settled alone.
    """
    with uow_factory() as uow:
        queue = [(r.id, r.record_type) for r in uow.session.scalars(select(m.CrmOutboxItem).where(
            m.CrmOutboxItem.target == TARGET, m.CrmOutboxItem.status == "queued",
            m.CrmOutboxItem.deleted_at.is_(None)).order_by(m.CrmOutboxItem.queued_at, m.CrmOutboxItem.id))]
    queue.sort(key=lambda pair: _ORDER.get(pair[1], 9))  # stable: people first, then in queue order
    sent = failed = 0
    stopped = ""
    for done, (item_id, _type) in enumerate(queue):
        if cancel is not None and cancel.cancelled:
            stopped = "Cancelled; the rest stays in the outbox."
            break
        remote: str | None = None
        error: HubSpotError | None = None
        with uow_factory() as uow:  # a read: nothing is written on this thread
            item = uow.session.get(m.CrmOutboxItem, item_id)
            if item is None or item.status != "queued":
                continue
            pusher = _Pusher(uow, client, (item.last_error or "").startswith(UNCERTAIN), catalog)
            try:
                remote = pusher.push(item)
            except HubSpotError as exc:
                error = exc
            uow.rollback()
        # Links learnt before a failure are dropped: they are found again (by e-mail, domain) next time.
        links = pusher.new_links if error is None else {}
        status = write(lambda i=item_id, r=remote, lk=links, e=error:
                       _settle(uow_factory, clock, i, r, lk, e))
        if error is not None and error.stop:
            stopped = error.message
            log.info("hubspot push stopped: %s (status %s)", type(error).__name__, error.status)
            break
        sent += status == "sent" and error is None
        failed += status == "failed"
        if progress is not None:
            progress(done + 1, len(queue))
    remaining = summary(uow_factory).queued
    log.info("hubspot push: %d sent, %d failed, %d remaining", sent, failed, remaining)
    return PushResult(sent, failed, remaining, stopped, sum(client.waited))
