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

from sdrdesk.domain.qualification import Catalog, display_answer, is_answered, load_catalog
from sdrdesk.resources_path import resource_path
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
    notes: str  # the handoff summary for the AE: the latest saved handoff, else the meeting's own
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
    updated_at: datetime  # the newest of the meeting, its handoff and the contact's qualification
    person: Person
    cancel_reason: str = ""
    reschedule_count: int = 0
    opportunity_at: datetime | None = None
    title: str = ""
    # The qualification of the meeting (else the contact's latest), field by field.
    qual_framework: str = ""
    qual_status: str = ""
    qual_score: float | None = None
    qual_answers: str = ""  # "Budget: 50,000 USD; Authority: Decision maker; ..."
    qual_reason: str = ""  # why disqualified


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


# Meetings go out as meetings; "sequence" lines are the cadence's own bookkeeping (a sequence
# ended, a step skipped), not touches or notes the rep wrote.
NOT_EXPORTED_KINDS = ("meeting", "sequence")


def load_activities(s: Session, since: datetime | None,
                    only: Sequence[uuid.UUID] | None = None) -> Iterator[ActivityRecord]:
    a = m.Activity
    # Plain columns, not entities: a hundred thousand touches export in seconds.
    stmt = (select(a.id, a.kind, a.direction, a.disposition, a.occurred_at, a.duration_seconds,
                   a.subject, a.notes, a.callback_at, a.updated_at, a.contact_id, a.account_id)
            .where(a.deleted_at.is_(None), a.kind.not_in(NOT_EXPORTED_KINDS)))
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


def _qualification_text(s: Session, q: m.Qualification | None, catalog: Catalog | None = None) -> str:
    """One line: "bant qualified 75 — Budget: 50,000 USD; Authority: Decision maker"."""
    if q is None:
        return ""
    head = " ".join(p for p in (q.framework, q.status,
                                f"{q.score:g}" if q.score is not None else "") if p)
    answers = answers_text(s, q, catalog)
    text = f"{head} — {answers}" if answers else head
    if q.disqualify_reason:
        text += f" (disqualified: {q.disqualify_reason})"
    return text


_BUILTIN_CATALOG: Catalog | None = None


def builtin_catalog() -> Catalog:
    """sdrdesk's own frameworks (BANT, MEDDIC, ...), for field labels when none is given."""
    global _BUILTIN_CATALOG
    if _BUILTIN_CATALOG is None:
        _BUILTIN_CATALOG = load_catalog(resource_path("data", "frameworks"))
    return _BUILTIN_CATALOG


def answers_text(s: Session, q: m.Qualification, catalog: Catalog | None = None) -> str:
    """The answers as the AE reads them: "Budget: 50,000 USD; Authority: Decision maker".

    In the framework's field order with its labels and choice labels; a framework the book no
    longer knows keeps its raw keys and values (sorted), so nothing is dropped.
    """
    answers = {k: v for k, v in (q.answers or {}).items() if is_answered(v)}
    if not answers:
        return ""
    known = catalog or builtin_catalog()
    framework = known.get(q.framework) or known.get(q.framework.lower())
    parts: list[str] = []
    if framework is not None:
        person_ids = [str(v) for f in framework.fields if f.kind == "person" and (v := answers.get(f.key))]
        people: dict[str, str] = {}
        if person_ids:
            wanted = []
            for raw in person_ids:
                try:
                    wanted.append(uuid.UUID(raw))
                except ValueError:
                    continue
            for cid, first, last in s.execute(select(m.Contact.id, m.Contact.first_name, m.Contact.last_name)
                                              .where(m.Contact.id.in_(wanted))):
                name = " ".join(p for p in (_s(first), _s(last)) if p)
                people[cid.hex] = people[str(cid)] = name
        for fdef in framework.fields:
            if fdef.key in answers:
                value = answers.pop(fdef.key)
                try:
                    shown = display_answer(fdef, value, people)
                except (KeyError, TypeError, ValueError, AttributeError):  # stored before a framework change
                    shown = _raw_answer(value)
                parts.append(f"{fdef.label}: {shown}")
    for key, value in sorted(answers.items()):  # unknown fields: as stored
        parts.append(f"{key}: {_raw_answer(value)}")
    return "; ".join(parts)


def _raw_answer(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _latest_handoffs(s: Session, meeting_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, m.Handoff]:
    found: dict[uuid.UUID, m.Handoff] = {}
    for h in s.scalars(select(m.Handoff).where(m.Handoff.meeting_id.in_(list(meeting_ids)),
                                               m.Handoff.deleted_at.is_(None))
                       .order_by(m.Handoff.updated_at.desc(), m.Handoff.id)):
        if h.meeting_id is not None:
            found.setdefault(h.meeting_id, h)
    return found


def _latest_qualifications(s: Session, contact_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, m.Qualification]:
    found: dict[uuid.UUID, m.Qualification] = {}
    for q in s.scalars(select(m.Qualification).where(m.Qualification.contact_id.in_(list(contact_ids)),
                                                     m.Qualification.deleted_at.is_(None))
                       .order_by(m.Qualification.updated_at.desc(), m.Qualification.id)):
        found.setdefault(q.contact_id, q)
    return found


def _meeting_touched_since(since: datetime) -> Any:
    """A meeting counts as changed when it, its handoff or its contact's qualification changed."""
    mt = m.Meeting
    handoff = select(m.Handoff.id).where(m.Handoff.meeting_id == mt.id, m.Handoff.updated_at > since).exists()
    qual = select(m.Qualification.id).where(m.Qualification.contact_id == mt.contact_id,
                                            m.Qualification.updated_at > since).exists()
    return or_(mt.updated_at > since, handoff, qual)


def load_meetings(s: Session, since: datetime | None,
                  only: Sequence[uuid.UUID] | None = None,
                  catalog: Catalog | None = None) -> Iterator[MeetingRecord]:
    mt = m.Meeting
    stmt = select(mt).where(mt.deleted_at.is_(None))
    if only is not None:
        stmt = stmt.where(mt.id.in_(list(only)))
    if since is not None:
        stmt = stmt.where(_meeting_touched_since(since))
    stmt = (stmt.order_by(func.coalesce(mt.scheduled_at, mt.booked_at, mt.created_at), mt.id)
            .execution_options(yield_per=_PAGE))
    for page in s.scalars(stmt).partitions(_PAGE):
        people = _people(s, [row.contact_id for row in page])
        handoffs = _latest_handoffs(s, [row.id for row in page])
        latest_quals = _latest_qualifications(s, [row.contact_id for row in page])
        for row in page:
            qual = s.get(m.Qualification, row.qualification_id) if row.qualification_id else None
            if qual is None or qual.deleted_at is not None:
                qual = latest_quals.get(row.contact_id)
            handoff = handoffs.get(row.id)
            notes = handoff.text if handoff is not None and handoff.text.strip() else _s(row.summary_text)
            updated = max(t for t in (row.updated_at, handoff.updated_at if handoff else None,
                                      qual.updated_at if qual else None) if t is not None)
            yield MeetingRecord(
                row.id, row.scheduled_at, row.duration_minutes or 30, row.status, _s(row.ae_name),
                _s(row.ae_email).lower(), notes, row.booked_at, row.held_at,
                row.no_show_at, row.cancelled_at, row.rescheduled_at, row.accepted_at,
                row.rejected_at, _s(row.rejection_reason), row.opportunity_value,
                _s(row.currency), _qualification_text(s, qual, catalog), updated,
                people.get(row.contact_id) or _account_person(s, row.account_id),
                cancel_reason=_s(row.cancel_reason), reschedule_count=row.reschedule_count or 0,
                opportunity_at=row.opportunity_at, title=_s(row.title),
                qual_framework=qual.framework if qual else "", qual_status=qual.status if qual else "",
                qual_score=qual.score if qual else None,
                qual_answers=answers_text(s, qual, catalog) if qual else "",
                qual_reason=_s(qual.disqualify_reason) if qual else "")


def meetings_changed(s: Session, since: datetime) -> list[tuple[uuid.UUID, datetime]]:
    """(id, newest change) of the meetings changed after `since` (with handoff or qualification)."""
    mt = m.Meeting
    handoff_time = (select(func.max(m.Handoff.updated_at)).where(m.Handoff.meeting_id == mt.id)
                    .scalar_subquery())
    qual_time = (select(func.max(m.Qualification.updated_at))
                 .where(m.Qualification.contact_id == mt.contact_id).scalar_subquery())
    rows = s.execute(select(mt.id, mt.updated_at, handoff_time, qual_time)
                     .where(mt.deleted_at.is_(None), _meeting_touched_since(since)))
    changed = [(i, max(t for t in (u, h, q) if t is not None and t > since)) for i, u, h, q in rows]
    return sorted(changed, key=lambda pair: (pair[1], pair[0]))


def load_contacts(s: Session, since: datetime | None,
                  only: Sequence[uuid.UUID] | None = None,
                  catalog: Catalog | None = None) -> Iterator[ContactRecord]:
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
            if q.contact_id not in quals:
                quals[q.contact_id] = _qualification_text(s, q, catalog)
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
        stmt = (select(a.kind, func.count()).where(a.deleted_at.is_(None), a.kind.not_in(NOT_EXPORTED_KINDS))
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
        elif record_type == "meetings":
            stmt = stmt.where(_meeting_touched_since(since))
        else:
            stmt = stmt.where(model.updated_at > since)
    return {None: int(s.scalar(stmt) or 0)}
