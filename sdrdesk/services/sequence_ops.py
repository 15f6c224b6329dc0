"""Sequence moves inside a caller's unit of work (no Qt, no commit): shared by the sequence
service and the call service, so a logged call advances, pauses or ends in one transaction.

Every exit and pause writes a timeline note with its reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sdrdesk.domain import cadence
from sdrdesk.domain.cadence import ExitReason, ProspectPlace, StepPlan
from sdrdesk.domain.timezones import resolve_zones
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork

OPEN_STATES = ("active", "paused")


def local_zone() -> tzinfo:
    """The rep's zone: the machine's (a fixed offset when the OS gives no name)."""
    zone = datetime.now().astimezone().tzinfo
    name = getattr(zone, "key", None)
    return ZoneInfo(name) if name else (zone or ZoneInfo("UTC"))


def zone_key_for(uow: SqlUnitOfWork, contact: m.Contact) -> str:
    """"zone zone|CC" for a contact: the candidate zones and the country of its window rules."""
    account = uow.accounts.get(contact.account_id) if contact.account_id else None
    phones = [p for p in contact.phones if p.deleted_at is None and p.is_valid]
    country = contact.country or (account.country if account else None)
    region = contact.region or (account.region if account else None)
    zones = resolve_zones(contact.pinned_timezone, [p.e164 for p in phones], country, region)
    phone_region = next((p.region for p in phones if p.region), None)
    return f"{' '.join(zones.zones)}|{(contact.country or phone_region or country or '').upper()}"


def place_of(uow: SqlUnitOfWork, contact: m.Contact, rep_zone: tzinfo) -> ProspectPlace:
    account = uow.accounts.get(contact.account_id) if contact.account_id else None
    country = contact.country or (account.country if account else None)
    region = contact.region or (account.region if account else None)
    if not country:
        country = next((p.region for p in contact.phones if p.deleted_at is None and p.region), None)
    zones_part = zone_key_for(uow, contact).split("|", 1)[0]
    place = ProspectPlace.of(country, region, zones_part.split(), rep_zone)  # type: ignore[arg-type]
    return place


def note(uow: SqlUnitOfWork, contact: m.Contact, subject: str, now: datetime,
         task_id: uuid.UUID | None = None, notes: str | None = None) -> None:
    """A line on the contact's timeline (kind "sequence"), e.g. why a sequence ended. Its own kind,
    not "note": it is the cadence's bookkeeping, not a touch or a note the rep wrote, so the
    CRM hand-back and the metrics leave it out."""
    uow.activities.add(m.Activity(contact_id=contact.id, account_id=contact.account_id, task_id=task_id,
                                  kind="sequence", occurred_at=now, subject=subject[:500], notes=notes))


def steps_of(uow: SqlUnitOfWork, sequence_id: uuid.UUID) -> list[m.SequenceStep]:
    return list(uow.session.scalars(
        uow.sequence_steps.active().where(m.SequenceStep.sequence_id == sequence_id)
        .order_by(m.SequenceStep.position)))


def task_title(sequence_name: str, step: m.SequenceStep, total: int) -> str:
    channel = {"call": "Call", "email": "E-mail", "linkedin": "LinkedIn"}.get(step.channel, "Task")
    return f"{channel} · step {step.position + 1}/{total} · {sequence_name}"[:300]


def add_step_task(uow: SqlUnitOfWork, enrollment: m.Enrollment, step: m.SequenceStep, total: int,
                  due: datetime, sequence_name: str) -> m.Task:
    enrollment.current_position = step.position
    task = uow.tasks.add(m.Task(contact_id=enrollment.contact_id, enrollment_id=enrollment.id,
                                step_id=step.id, channel=step.channel,
                                title=task_title(sequence_name, step, total), due_at=due))
    uow.session.flush()
    return task


def advance(uow: SqlUnitOfWork, enrollment: m.Enrollment, now: datetime,
            rep_zone: tzinfo) -> m.Task | None:
    """The step after the enrollment's current one, due by the cadence; or the end of the
    sequence ("all steps done") when there is none. Not while paused or ended."""
    if enrollment.status != "active":
        return None
    contact = uow.contacts.get(enrollment.contact_id)
    sequence = uow.sequences.get(enrollment.sequence_id)
    if contact is None or sequence is None:
        return None
    steps = steps_of(uow, sequence.id)
    plans = [StepPlan(s.position, s.day_offset, s.channel) for s in steps]
    result = cadence.next_step(place_of(uow, contact, rep_zone), plans, enrollment.current_position, now)
    if result.finished or result.step is None or result.due is None:
        finish(uow, enrollment, contact, ExitReason.FINISHED, now, sequence.name)
        return None
    step = next(s for s in steps if s.position == result.step.position)
    return add_step_task(uow, enrollment, step, len(steps), result.due, sequence.name)


def finish(uow: SqlUnitOfWork, enrollment: m.Enrollment, contact: m.Contact, reason: ExitReason,
           now: datetime, sequence_name: str, detail: str = "") -> list[uuid.UUID]:
    """End one enrollment with its reason, skip its open tasks, write the timeline line."""
    enrollment.status = "finished" if reason is ExitReason.FINISHED else "ended"
    enrollment.ended_at, enrollment.end_reason = now, reason.value
    enrollment.paused_at = enrollment.paused_until = None
    skipped = []
    for task in uow.session.scalars(uow.tasks.active().where(
            m.Task.enrollment_id == enrollment.id, m.Task.status.in_(("open", "paused")))):
        task.status, task.outcome, task.completed_at, task.reason = "skipped", reason.value, now, reason.label
        skipped.append(task.id)
    what = "finished" if reason is ExitReason.FINISHED else "ended"
    suffix = f": {detail}" if detail else ""
    note(uow, contact, f"Sequence {what}: {sequence_name} ({reason.label}){suffix}", now)
    return skipped


def end_all(uow: SqlUnitOfWork, contact_id: uuid.UUID, reason: ExitReason, now: datetime,
            detail: str = "") -> tuple[list[uuid.UUID], set[uuid.UUID]]:
    """Every open sequence of the contact ends (meeting booked, opt-out, do-not-call,
    disqualified...), with its open tasks; loose tasks (callbacks) are skipped too."""
    contact = uow.contacts.get(contact_id)
    if contact is None:
        return [], set()
    enrollments = list(uow.session.scalars(uow.enrollments.active().where(
        m.Enrollment.contact_id == contact_id, m.Enrollment.status.in_(OPEN_STATES))))
    skipped: set[uuid.UUID] = set()
    for enrollment in enrollments:
        sequence = uow.sequences.get(enrollment.sequence_id)
        name = sequence.name if sequence else "?"
        skipped |= set(finish(uow, enrollment, contact, reason, now, name, detail))
    for task in uow.session.scalars(uow.tasks.active().where(
            m.Task.contact_id == contact_id, m.Task.status.in_(("open", "paused")))):
        task.status, task.outcome, task.completed_at, task.reason = "skipped", reason.value, now, reason.label
        skipped.add(task.id)
    return [e.id for e in enrollments], skipped


def pause(uow: SqlUnitOfWork, enrollment: m.Enrollment, now: datetime, until: datetime | None,
          why: str) -> set[uuid.UUID]:
    """Stop scheduling; the open task is parked (status "paused") so Today stops showing it."""
    if enrollment.status != "active":
        return set()
    enrollment.status, enrollment.paused_at, enrollment.paused_until = "paused", now, until
    parked = set()
    for task in uow.session.scalars(uow.tasks.active().where(
            m.Task.enrollment_id == enrollment.id, m.Task.status == "open")):
        task.status, task.reason = "paused", why
        parked.add(task.id)
    contact = uow.contacts.get(enrollment.contact_id)
    sequence = uow.sequences.get(enrollment.sequence_id)
    if contact is not None:
        when = f" until {until:%Y-%m-%d}" if until else ""
        note(uow, contact, f"Sequence paused{when}: {sequence.name if sequence else '?'} ({why})", now)
    return parked


def resume(uow: SqlUnitOfWork, enrollment: m.Enrollment, now: datetime, rep_zone: tzinfo) -> set[uuid.UUID]:
    """Back to active; the parked task is due again, shifted by the working days lost."""
    if enrollment.status != "paused":
        return set()
    contact = uow.contacts.get(enrollment.contact_id)
    touched: set[uuid.UUID] = set()
    paused_at = enrollment.paused_at
    enrollment.status, enrollment.paused_at, enrollment.paused_until = "active", None, None
    if contact is None:
        return touched
    place = place_of(uow, contact, rep_zone)
    parked = list(uow.session.scalars(uow.tasks.active().where(
        m.Task.enrollment_id == enrollment.id, m.Task.status == "paused")))
    for task in parked:
        task.due_at = cadence.resume_due(place, task.due_at, paused_at, now)
        task.status = "open"
        touched.add(task.id)
    if not parked:
        new = advance(uow, enrollment, now, rep_zone)
        if new is not None:
            touched.add(new.id)
    sequence = uow.sequences.get(enrollment.sequence_id)
    note(uow, contact, f"Sequence resumed: {sequence.name if sequence else '?'}", now)
    return touched


def add_callback(uow: SqlUnitOfWork, contact: m.Contact, when: datetime, now: datetime,
                 enrollment_id: uuid.UUID | None, notes: str = "") -> m.Task:
    """A call task at the time the prospect asked for; in a sequence it replaces the next step
    (completing it advances the sequence from where the call left it)."""
    task = uow.tasks.add(m.Task(contact_id=contact.id, enrollment_id=enrollment_id, channel="call",
                                title="Callback (requested)", due_at=when,
                                reason=notes[:500] or None))
    uow.session.flush()
    return task


def due_resumes(uow: SqlUnitOfWork, now: datetime) -> list[m.Enrollment]:
    return list(uow.session.scalars(uow.enrollments.active().where(
        m.Enrollment.status == "paused", m.Enrollment.paused_until.is_not(None),
        m.Enrollment.paused_until <= now)))


def open_enrollments(uow: SqlUnitOfWork, contact_id: uuid.UUID) -> list[m.Enrollment]:
    return list(uow.session.scalars(uow.enrollments.active().where(
        m.Enrollment.contact_id == contact_id, m.Enrollment.status.in_(OPEN_STATES))))


def zone_inputs(uow: SqlUnitOfWork, contact_ids: list[uuid.UUID]) -> tuple[
        list[Any], dict[uuid.UUID, list[tuple[str | None, str | None]]]]:
    """What a calling zone is worked out from, for many contacts in two queries: rows of
    (contact id, pinned zone, country, region, account country, account region), and each
    contact's valid phones as (E.164, region) in their order."""
    rows = list(uow.session.execute(
        select(m.Contact.id, m.Contact.pinned_timezone, m.Contact.country, m.Contact.region,
               m.Account.country, m.Account.region)
        .outerjoin(m.Account, m.Account.id == m.Contact.account_id)
        .where(m.Contact.id.in_(contact_ids))).all())
    phones: dict[uuid.UUID, list[tuple[str | None, str | None]]] = {}
    for contact_id, e164, region in uow.session.execute(
            select(m.ContactPhone.contact_id, m.ContactPhone.e164, m.ContactPhone.region)
            .where(m.ContactPhone.contact_id.in_(contact_ids), m.ContactPhone.deleted_at.is_(None),
                   m.ContactPhone.is_valid.is_(True))
            .order_by(m.ContactPhone.position)):
        phones.setdefault(contact_id, []).append((e164, region))
    return rows, phones


def zone_keys_for(uow: SqlUnitOfWork, contact_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """`zone_key_for` for many contacts in two queries (contacts with accounts, phones)."""
    rows, phones = zone_inputs(uow, contact_ids)
    keys = {}
    for contact_id, pinned, country, region, account_country, account_region in rows:
        numbers = phones.get(contact_id, [])
        zones = resolve_zones(pinned, [e for e, _ in numbers], country or account_country,
                              region or account_region)
        phone_region = next((r for _, r in numbers if r), None)
        place = country or phone_region or account_country or ""
        keys[contact_id] = f"{' '.join(zones.zones)}|{place.upper()}"
    return keys


def fill_zone_keys(uow: SqlUnitOfWork, now: datetime, limit: int = 20000) -> int:
    """Store the calling zones of contacts with open tasks and none stored yet (triggers copy
    them onto the tasks)."""
    missing = list(uow.session.scalars(
        select(m.Task.contact_id).where(m.Task.status == "open", m.Task.zone_key.is_(None),
                                        m.Task.deleted_at.is_(None)).distinct().limit(limit)))
    for start in range(0, len(missing), 2000):
        chunk = missing[start:start + 2000]
        keys = zone_keys_for(uow, chunk)
        uow.session.execute(m.ContactZone.__table__.delete().where(m.ContactZone.id.in_(list(keys))))
        if keys:
            uow.session.execute(m.ContactZone.__table__.insert(), [
                {"id": cid, "zone_key": key, "computed_at": now} for cid, key in keys.items()])
    return len(missing)


def in_days(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
