"""A tiny book for call tests: one account with a trigger, two contacts, a sequence and a task."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 in New York: inside the window


@dataclass(frozen=True)
class SmallBook:
    account_id: uuid.UUID
    contact_id: uuid.UUID  # Ana Lima, VP of Sales, New York number
    colleague_id: uuid.UUID
    enrollment_id: uuid.UUID
    task_id: uuid.UUID
    later_task_id: uuid.UUID


def _phone(contact_id: uuid.UUID, raw: str, position: int = 0) -> m.ContactPhone:
    info = parse_phone(raw, "US")
    return m.ContactPhone(contact_id=contact_id, position=position, raw=raw, e164=info.e164,
                          is_valid=info.valid, region=info.region, number_type=info.number_type,
                          search_digits=search_tokens(info.e164, raw))


def make_small_book(uow_factory: UowFactory) -> SmallBook:
    with uow_factory() as uow:
        account = uow.accounts.add(m.Account(
            name="Nova Labs Inc", domain="novalabs.com", industry="Software", country="US",
            region="NY", likely_pain="New hires take four months to ramp.\nSecond line.",
            first_line_ideas="Congrats on the Series B"))
        uow.session.flush()
        uow.account_triggers.add(m.AccountTrigger(account_id=account.id, description="Old news",
                                                  occurred_on=date(2025, 6, 1)))
        uow.account_triggers.add(m.AccountTrigger(account_id=account.id,
                                                  description="Raised a Series B round",
                                                  occurred_on=date(2026, 2, 20)))
        ana = uow.contacts.add(m.Contact(account_id=account.id, first_name="Ana", last_name="Lima",
                                         title="VP of Sales", persona="economic buyer",
                                         email="ana@novalabs.com"))
        bo = uow.contacts.add(m.Contact(account_id=account.id, first_name="Bo", last_name="Berg",
                                        title="Office Manager", persona="gatekeeper"))
        uow.session.flush()
        uow.contact_phones.add(_phone(ana.id, "(212) 555-0123"))
        uow.contact_phones.add(_phone(ana.id, "not a number", position=1))
        uow.contact_phones.add(_phone(bo.id, "+1 212 555 0188"))
        sequence = uow.sequences.add(m.Sequence(name="Outbound"))
        uow.session.flush()
        step = uow.sequence_steps.add(m.SequenceStep(sequence_id=sequence.id, position=0,
                                                     channel="call", step_kind="follow_up_call"))
        enrollment = uow.enrollments.add(m.Enrollment(contact_id=ana.id, sequence_id=sequence.id,
                                                      status="active", started_at=NOW - timedelta(days=3)))
        uow.session.flush()
        task = uow.tasks.add(m.Task(contact_id=ana.id, enrollment_id=enrollment.id, step_id=step.id,
                                    channel="call", title="Call - step 1", due_at=NOW - timedelta(hours=1)))
        later = uow.tasks.add(m.Task(contact_id=ana.id, enrollment_id=enrollment.id, channel="email",
                                     title="Email - step 2", due_at=NOW + timedelta(days=2)))
        uow.commit()
        return SmallBook(account.id, ana.id, bo.id, enrollment.id, task.id, later.id)
