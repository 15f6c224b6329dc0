"""A small generated book with one worked day on top: calls, e-mails, LinkedIn, a meeting, a DNC."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from sdrdesk.domain.clock import FakeClock
from sdrdesk.services.book_generator import BookSize, write_book
from sdrdesk.services.calls import CallLog
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage import models as m

DAY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
SIZE = BookSize(accounts=12, contacts=40, activities=120)


@dataclass(frozen=True)
class WorkedDay:
    ws: Workspace
    clock: FakeClock
    contacts: tuple[uuid.UUID, ...]  # the people worked today, in order
    calls: tuple[uuid.UUID, ...]
    touches: tuple[uuid.UUID, ...]  # e-mail and LinkedIn activities
    meeting_id: uuid.UUID
    dnc_contact: uuid.UUID


def make_book(path: Path) -> tuple[Workspace, FakeClock]:
    write_book(path, SIZE, seed=11, now=DAY - timedelta(days=1))
    clock = FakeClock(DAY)
    return open_workspace(path, clock), clock


def work_a_day(ws: Workspace, clock: FakeClock) -> WorkedDay:
    with ws.uow_factory() as uow:
        people = uow.session.execute(
            select(m.Contact.id).where(m.Contact.email.is_not(None), m.Contact.account_id.is_not(None))
            .order_by(m.Contact.created_at, m.Contact.id).limit(6)).scalars().all()
    plan = ("connected", "voicemail", "no_answer", "meeting_booked", "do_not_call", "busy")
    calls = []
    for i, (contact_id, disposition) in enumerate(zip(people, plan, strict=True)):
        clock.advance(timedelta(minutes=7))
        logged = ws.calls.log_call(CallLog(
            contact_id=contact_id, disposition=disposition, duration_seconds=30 + 60 * i,
            notes="=cmd|' /C calc'!A0 call 0" if i == 0 else f"Call {i}: ramp time, «ünïcode»",
            dnc_reason="Asked on the phone" if disposition == "do_not_call" else "",
            phone_e164="+14155550123" if i == 0 else None))
        calls.append(logged.activity_id)
    touches = []
    with ws.uow_factory() as uow:
        for kind, contact_id in (("email", people[0]), ("linkedin", people[1])):
            clock.advance(timedelta(minutes=3))
            contact = uow.contacts.get(contact_id)
            touch = uow.activities.add(m.Activity(
                contact_id=contact_id, account_id=contact.account_id, kind=kind, direction="outbound",
                disposition="sent", occurred_at=clock.now(), subject=f"{kind} subject",
                notes=f"{kind} body"))
            uow.session.flush()
            touches.append(touch.id)
        booked = uow.contacts.get(people[3])
        qual = uow.qualifications.add(m.Qualification(
            contact_id=booked.id, account_id=booked.account_id, framework="bant",
            answers={"budget": {"amount": 50000, "currency": "USD"}, "authority": "decision_maker",
                     "need": "Ramp time", "timeline": "2027-01-15", "legacy_key": "kept"},
            score=75.0, status="qualified", created_at=clock.now(), updated_at=clock.now()))
        uow.session.flush()
        meeting = uow.meetings.add(m.Meeting(
            contact_id=booked.id, account_id=booked.account_id, qualification_id=qual.id,
            scheduled_at=DAY + timedelta(days=2), duration_minutes=30, ae_name="Alex AE",
            ae_email="alex@ourco.com", status="booked", booked_at=clock.now(),
            summary_text="Ramp time is their pain; VP wants a demo.", activity_id=calls[3],
            created_at=clock.now(), updated_at=clock.now()))
        uow.session.flush()
        meeting_id = meeting.id
        uow.commit()
    return WorkedDay(ws, clock, tuple(people), tuple(calls), tuple(touches), meeting_id, people[4])
