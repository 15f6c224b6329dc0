"""A small hand-made book whose every record a test can name, plus a wired pane context."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory
from sdrdesk.ui import pyside_fixes

pyside_fixes.install()  # before the many Qt calls of these tests (see sdrdesk/ui/pyside_fixes.py)

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 in Toronto (EDT), 02:00 next day in Sydney


@dataclass
class Seeded:
    path: Path
    northwind: uuid.UUID  # CA account, Toronto
    mueller_ag: uuid.UUID  # DE account
    outback: uuid.UUID  # AU account
    tombstoned_account: uuid.UUID
    jurgen: uuid.UUID  # Jürgen Müller, DE
    jane: uuid.UUID  # Jane Doe, Toronto landline
    bruce: uuid.UUID  # Bruce Wilson, AU mobile
    nobody: uuid.UUID  # invalid number, no place (account Mystery Co)
    mystery: uuid.UUID
    ghost: uuid.UUID  # tombstoned contact
    label_trade_show: uuid.UUID


def _phone(contact: m.Contact, raw: str, region: str, position: int = 0) -> m.ContactPhone:
    info = parse_phone(raw, region)
    return m.ContactPhone(contact=contact, position=position, raw=raw, e164=info.e164,
                          extension=info.extension, is_valid=info.valid, number_type=info.number_type,
                          region=info.region, search_digits=search_tokens(info.e164, raw))


def seed_book(uow_factory: UowFactory, path: Path) -> Seeded:
    with uow_factory() as uow:
        s = uow.session
        webinar = m.SourceLabel(name="Inbound webinar")
        show = m.SourceLabel(name="Trade show Berlin")
        northwind = m.Account(name="Northwind Analytics Inc.", domain="northwind.io", industry="Software",
                              employee_count=420, country="CA", region="ON", city="Toronto",
                              icp_tier="A", likely_pain="Ramp time",
                              research_notes="Uses a legacy CRM")
        mueller = m.Account(name="Müller Logistik AG", domain="mueller-logistik.de", industry="Logistics",
                            employee_count=1200, country="DE", region="BE", city="Berlin", icp_tier="B")
        outback = m.Account(name="Outback Freight Pty Ltd", domain="outbackfreight.com.au",
                            industry="Retail", employee_count=30, country="AU", region="NSW",
                            city="Sydney", icp_tier="C")
        gone = m.Account(name="Zombie Corp", domain="zombie.example", country="US",
                         deleted_at=NOW)
        mystery = m.Account(name="Mystery Co")  # no place: nothing to fall back on
        s.add_all([webinar, show, northwind, mueller, outback, gone, mystery])
        s.flush()
        northwind.source_label_id = webinar.id
        mueller.source_label_id = show.id
        s.add_all([
            m.AccountTrigger(account_id=northwind.id, description="Raised a Series B round",
                             occurred_on=date(2026, 2, 20), source="press release"),
            m.AccountTrigger(account_id=northwind.id, description="Opened a new office",
                             occurred_on=date(2025, 6, 1), source="company blog"),
        ])
        jurgen = m.Contact(account_id=mueller.id, first_name="Jürgen", last_name="Müller",
                           title="Head of Revenue Operations", persona="champion",
                           email="j.mueller@mueller-logistik.de", country="DE")
        jane = m.Contact(account_id=northwind.id, first_name="Jane", last_name="Doe",
                         title="VP of Sales", persona="economic buyer", email="jane.doe@northwind.io",
                         country="CA", region="ON", notes="Prefers calls after lunch")
        bruce = m.Contact(account_id=outback.id, first_name="Bruce", last_name="Wilson",
                          title="Sales Operations Manager", persona="champion",
                          email="bruce@outbackfreight.com.au", country="AU")
        nobody = m.Contact(account_id=mystery.id, first_name="Nora", last_name="Body",
                           title="Office Manager", persona="gatekeeper", email="nora@northwind.io")
        ghost = m.Contact(account_id=northwind.id, first_name="Gary", last_name="Ghost",
                          title="CTO", email="gary@northwind.io", deleted_at=NOW)
        # Phones first, then flush: the phone triggers index the digits into contact_fts.
        s.add_all([jurgen, jane, bruce, nobody, ghost])
        s.flush()
        s.add_all([
            _phone(jurgen, "030 1234567", "DE"),
            _phone(jane, "(416) 555-0199", "CA"),
            _phone(bruce, "0412 345 678", "AU"),
            _phone(nobody, "12345", "US"),
            _phone(ghost, "(416) 555-0123", "CA"),
        ])
        enrol_due = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
        s.add(m.Task(contact_id=jane.id, channel="call", title="Call - step 1", due_at=enrol_due,
                     status="open"))
        s.add(m.Task(contact_id=bruce.id, channel="email", title="Email - step 1", due_at=enrol_due,
                     status="done"))
        uow.commit()
        return Seeded(path, northwind.id, mueller.id, outback.id, gone.id, jurgen.id, jane.id,
                      bruce.id, nobody.id, mystery.id, ghost.id, show.id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def seeded(book, uow_factory, book_path: Path) -> Seeded:  # type: ignore[no-untyped-def]
    return seed_book(uow_factory, book_path)


@pytest.fixture
def workspace(seeded: Seeded, clock: FakeClock) -> Iterator[Workspace]:
    ws = open_workspace(seeded.path, clock)
    yield ws
    ws.close()
