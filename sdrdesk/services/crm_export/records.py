"""What the CRM hand-back reads from the book: one frozen record per row, loaded in pages.

Every record carries who it belongs to (`Person`: the contact's e-mail and the company's
domain), because a CRM links an activity to its person by e-mail and to its company by
domain. Loaders filter on `updated_at` ("since last export") and order by time then id, so
the same book and the same window always give the same rows in the same order. No Qt.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sdrdesk.storage import models as m

RECORD_TYPES = ("activities", "meetings", "contacts", "accounts")
_PAGE = 500


def domain_of(domain: str | None, website: str | None) -> str:
    """The company's bare domain ("acme.com") from its domain or, failing that, its website."""
    value = (domain or "").strip().lower()
    if not value and website:
        raw = website.strip().lower()
        host = urlsplit(raw if "//" in raw else f"//{raw}").hostname or ""
        value = host
    return value.removeprefix("www.")


@dataclass(frozen=True)
class Person:
    contact_id: uuid.UUID | None
    email: str
    first_name: str
    last_name: str
    account_id: uuid.UUID | None
    company: str
    domain: str
    website: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class ActivityRecord:
    id: uuid.UUID
    kind: str  # call, email, linkedin, note, meeting
    direction: str  # outbound / inbound / ""
    disposition: str
    occurred_at: datetime
    duration_seconds: int | None
    subject: str
    notes: str
    callback_at: datetime | None
    updated_at: datetime
    person: Person


@dataclass(frozen=True)
class MeetingRecord:
    id: uuid.UUID
    scheduled_at: datetime | None
    duration_minutes: int
    status: str
    ae_name: str
    ae_email: str
    notes: str  # the handoff summary written for the AE
    booked_at: datetime | None
    held_at: datetime | None
    no_show_at: datetime | None
    cancelled_at: datetime | None
    rescheduled_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    rejection_reason: str
    opportunity_value: float | None
    currency: str
    qualification: str  # "BANT qualified 80: budget=yes; ..." or ""
    updated_at: datetime
    person: Person


@dataclass(frozen=True)
class DncFlagRecord:
    channel: str  # call, email, linkedin, all
    reason: str
    source: str
    recorded_at: datetime


@dataclass(frozen=True)
class ContactRecord:
    id: uuid.UUID
    title: str
    linkedin_url: str
    country: str
    region: str
    city: str
    notes: str
    website: str
    phones: tuple[str, ...]  # as entered, primary first
    dnc: tuple[DncFlagRecord, ...]  # newest first
    updated_at: datetime
    person: Person
    qualification: str = ""  # the latest, as "BANT qualified 75: budget=yes; ..."

    def blocked(self, channel: str) -> DncFlagRecord | None:
        return next((f for f in self.dnc if f.channel in (channel, "all")), None)


@dataclass(frozen=True)
class AccountRecord:
    id: uuid.UUID
    name: str
    domain: str
    website: str
    industry: str
    employee_count: int | None
    annual_revenue: float | None
    phone: str
    country: str
    region: str
    city: str
    notes: str
    updated_at: datetime


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _people(s: Session, contact_ids: Sequence[uuid.UUID | None]) -> dict[uuid.UUID, Person]:
    ids = [i for i in set(contact_ids) if i is not None]
    found: dict[uuid.UUID, Person] = {}
    for start in range(0, len(ids), _PAGE):
        chunk = ids[start:start + _PAGE]
        stmt = (select(m.Contact.id, m.Contact.email, m.Contact.first_name, m.Contact.last_name,
                       m.Account.id, m.Account.name, m.Account.domain, m.Account.website)
                .outerjoin(m.Account, m.Account.id == m.Contact.account_id)
                .where(m.Contact.id.in_(chunk)))
        for cid, email, first, last, aid, company, domain, website in s.execute(stmt):
            found[cid] = Person(cid, _s(email).lower(), _s(first), _s(last), aid, _s(company),
                                domain_of(domain, website), _s(website))
    return found


def _account_person(s: Session, account_id: uuid.UUID | None) -> Person:
    if account_id is None:
        return Person(None, "", "", "", None, "", "")
    row = s.execute(select(m.Account.name, m.Account.domain, m.Account.website)
                    .where(m.Account.id == account_id)).first()
    if row is None:
        return Person(None, "", "", "", None, "", "")
    return Person(None, "", "", "", account_id, _s(row[0]), domain_of(row[1], row[2]))


def load_activities(s: Session, since: datetime | None,
                    only: Sequence[uuid.UUID] | None = None) -> Iterator[ActivityRecord]:
    a = m.Activity
    # Plain columns, not entities: a hundred thousand touches export in seconds.
    stmt = (select(a.id, a.kind, a.direction, a.disposition, a.occurred_at, a.duration_seconds,
                   a.subject, a.notes, a.callback_at, a.updated_at, a.contact_id, a.account_id)
            .where(a.deleted_at.is_(None), a.kind != "meeting"))
    if only is not None:
        stmt = stmt.where(a.id.in_(list(only)))
    if since is not None:
        stmt = stmt.where(a.updated_at > since)
    stmt = stmt.order_by(a.occurred_at, a.id).execution_options(yield_per=_PAGE)
    companies: dict[uuid.UUID | None, Person] = {}
    for page in s.execute(stmt).partitions(_PAGE):
        people = _people(s, [row.contact_id for row in page])
        for (aid, kind, direction, disposition, occurred, duration, subject, notes, callback,
             updated, contact_id, account_id) in page:
            person = people.get(contact_id) if contact_id else None
            if person is None:
                if account_id not in companies:
                    companies[account_id] = _account_person(s, account_id)
                person = companies[account_id]
            yield ActivityRecord(aid, kind, _s(direction), _s(disposition), occurred, duration,
                                 _s(subject), _s(notes), callback, updated, person)


def _qualification_text(q: m.Qualification | None) -> str:
    if q is None:
        return ""
    head = " ".join(p for p in (q.framework, q.status,
                                f"{q.score:g}" if q.score is not None else "") if p)
    answers = "; ".join(f"{k}={v}" for k, v in sorted((q.answers or {}).items()) if v not in (None, ""))
    text = f"{head}: {answers}" if answers else head
    if q.disqualify_reason:
        text += f" (disqualified: {q.disqualify_reason})"
    return text


def load_meetings(s: Session, since: datetime | None,
                  only: Sequence[uuid.UUID] | None = None) -> Iterator[MeetingRecord]:
    mt = m.Meeting
    stmt = select(mt).where(mt.deleted_at.is_(None))
    if only is not None:
        stmt = stmt.where(mt.id.in_(list(only)))
    if since is not None:
        stmt = stmt.where(mt.updated_at > since)
    stmt = (stmt.order_by(func.coalesce(mt.scheduled_at, mt.booked_at, mt.created_at), mt.id)
            .execution_options(yield_per=_PAGE))
    for page in s.scalars(stmt).partitions(_PAGE):
        people = _people(s, [row.contact_id for row in page])
        for row in page:
            qual = s.get(m.Qualification, row.qualification_id) if row.qualification_id else None
            yield MeetingRecord(
                row.id, row.scheduled_at, row.duration_minutes or 30, row.status, _s(row.ae_name),
                _s(row.ae_email).lower(), _s(row.summary_text), row.booked_at, row.held_at,
                row.no_show_at, row.cancelled_at, row.rescheduled_at, row.accepted_at,
                row.rejected_at, _s(row.rejection_reason), row.opportunity_value,
                _s(row.currency), _qualification_text(qual), row.updated_at,
                people.get(row.contact_id) or _account_person(s, row.account_id))


def load_contacts(s: Session, since: datetime | None,
                  only: Sequence[uuid.UUID] | None = None) -> Iterator[ContactRecord]:
    c = m.Contact
    flag_time = (select(func.max(m.DoNotContact.updated_at))
                 .where(m.DoNotContact.contact_id == c.id).scalar_subquery())
    stmt = select(c, flag_time).where(c.deleted_at.is_(None))
    if only is not None:
        stmt = stmt.where(c.id.in_(list(only)))
    if since is not None:
        stmt = stmt.where(or_(c.updated_at > since, flag_time > since))
    stmt = stmt.order_by(c.created_at, c.id).execution_options(yield_per=_PAGE)
    for page in s.execute(stmt).partitions(_PAGE):
        ids = [row[0].id for row in page]
        people = _people(s, ids)
        phones: dict[uuid.UUID, list[str]] = {}
        for cid, raw, ext in s.execute(
                select(m.ContactPhone.contact_id, m.ContactPhone.raw, m.ContactPhone.extension)
                .where(m.ContactPhone.contact_id.in_(ids), m.ContactPhone.deleted_at.is_(None))
                .order_by(m.ContactPhone.contact_id, m.ContactPhone.position, m.ContactPhone.id)):
            phones.setdefault(cid, []).append(f"{raw} ext. {ext}" if ext and ext not in raw else raw)
        flags: dict[uuid.UUID, list[DncFlagRecord]] = {}
        for f in s.scalars(select(m.DoNotContact).where(
                m.DoNotContact.contact_id.in_(ids), m.DoNotContact.deleted_at.is_(None))
                .order_by(m.DoNotContact.recorded_at.desc(), m.DoNotContact.id)):
            flags.setdefault(f.contact_id, []).append(
                DncFlagRecord(f.channel, _s(f.reason), _s(f.source), f.recorded_at))
        quals: dict[uuid.UUID, str] = {}
        for q in s.scalars(select(m.Qualification).where(
                m.Qualification.contact_id.in_(ids), m.Qualification.deleted_at.is_(None))
                .order_by(m.Qualification.updated_at.desc(), m.Qualification.id)):
            quals.setdefault(q.contact_id, _qualification_text(q))
        for row, flag_updated in page:
            updated = max(row.updated_at, flag_updated) if flag_updated else row.updated_at
            person = people[row.id]
            website = person.website
            yield ContactRecord(row.id, _s(row.title), _s(row.linkedin_url), _s(row.country),
                                _s(row.region), _s(row.city), _s(row.notes), website,
                                tuple(phones.get(row.id, ())), tuple(flags.get(row.id, ())),
                                updated, person, quals.get(row.id, ""))


def load_accounts(s: Session, since: datetime | None,
                  only: Sequence[uuid.UUID] | None = None) -> Iterator[AccountRecord]:
    a = m.Account
    stmt = select(a).where(a.deleted_at.is_(None))
    if only is not None:
        stmt = stmt.where(a.id.in_(list(only)))
    if since is not None:
        stmt = stmt.where(a.updated_at > since)
    stmt = stmt.order_by(a.created_at, a.id).execution_options(yield_per=_PAGE)
    for page in s.scalars(stmt).partitions(_PAGE):
        for row in page:
            yield AccountRecord(row.id, row.name, domain_of(row.domain, row.website),
                                _s(row.website), _s(row.industry), row.employee_count,
                                row.annual_revenue, _s(row.phone_raw), _s(row.country),
                                _s(row.region), _s(row.city), _s(row.notes), row.updated_at)


LOADERS = {
    "activities": load_activities,
    "meetings": load_meetings,
    "contacts": load_contacts,
    "accounts": load_accounts,
}


def count_changed(s: Session, record_type: str, since: datetime | None) -> dict[str | None, int]:
    """How many records an export would take, per activity kind (None for other types); SQL only."""
    if record_type == "activities":
        a = m.Activity
        stmt = (select(a.kind, func.count()).where(a.deleted_at.is_(None), a.kind != "meeting")
                .group_by(a.kind))
        if since is not None:
            stmt = stmt.where(a.updated_at > since)
        return {kind: int(n) for kind, n in s.execute(stmt)}
    model: Any = {"meetings": m.Meeting, "contacts": m.Contact, "accounts": m.Account}[record_type]
    stmt = select(func.count()).select_from(model).where(model.deleted_at.is_(None))
    if since is not None:
        if record_type == "contacts":
            flagged = (select(m.DoNotContact.id).where(m.DoNotContact.contact_id == m.Contact.id,
                                                       m.DoNotContact.updated_at > since).exists())
            stmt = stmt.where(or_(m.Contact.updated_at > since, flagged))
        else:
            stmt = stmt.where(model.updated_at > since)
    return {None: int(s.scalar(stmt) or 0)}
