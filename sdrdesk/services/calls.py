"""Calls: who is being called (numbers, zones, do-not-call), logging a disposition, note drafts.

`CallService.log_call` is one user action = one transaction: the Activity, the objections
used, the task's outcome, and the disposition's sequence effect (`sequence_ops`): the next
step scheduled, a callback task at the prospect's time, a pause, or the end of every sequence
of the contact with its reason (plus the DNC record on do-not-call).
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import select

from sdrdesk.domain import compliance
from sdrdesk.domain.cadence import ExitReason
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.compliance import CallingWindows, DncFlag, WindowState
from sdrdesk.domain.dispositions import Disposition, SequenceEffect, disposition
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.phones import format_for_display
from sdrdesk.domain.timezones import ZoneResolution, local_time_label, resolve_zones
from sdrdesk.resources_path import resource_path
from sdrdesk.services import sequence_ops
from sdrdesk.services.draft_journal import DraftJournal
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

log = logging.getLogger(__name__)

DNC_SOURCE = "call disposition"
_EXITS: dict[str, ExitReason] = {
    "meeting_booked": ExitReason.MEETING_BOOKED,
    "not_interested": ExitReason.NOT_INTERESTED,
    "do_not_call": ExitReason.DO_NOT_CALL,
}


@functools.cache
def _country_overrides() -> dict[str, tuple[compliance.WindowRule, ...]]:
    path = resource_path("data", "calling_windows.json")
    try:
        return compliance.load_overrides(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("calling window overrides not loaded (%s); using the default window only", exc)
        return {}


def calling_windows(start: str, end: str) -> CallingWindows:
    """The rep's default window (settings) plus the shipped per-country overrides."""
    return CallingWindows.from_settings(start, end, _country_overrides())


@dataclass(frozen=True)
class PhoneChoice:
    id: uuid.UUID
    display: str
    e164: str | None
    valid: bool
    label: str

    @property
    def dialable(self) -> bool:
        return self.valid and bool(self.e164)


@dataclass(frozen=True)
class CallTarget:
    """Everything the call controls need about the focused contact."""

    contact_id: uuid.UUID
    account_id: uuid.UUID | None
    name: str
    title: str
    persona: str | None
    account_name: str
    country: str | None  # for per-country windows: contact, else phone, else account
    phones: tuple[PhoneChoice, ...]
    zones: ZoneResolution
    dnc: tuple[DncFlag, ...]
    task_id: uuid.UUID | None  # the contact's next open call task, if any
    step_kind: str | None

    @property
    def call_blocked_by(self) -> DncFlag | None:
        return next((flag for flag in self.dnc if flag.blocks("call")), None)


@dataclass(frozen=True)
class CallLog:
    contact_id: uuid.UUID
    disposition: str
    notes: str = ""
    duration_seconds: int | None = None
    objection_ids: tuple[uuid.UUID, ...] = ()
    task_id: uuid.UUID | None = None
    callback_at: datetime | None = None
    dnc_reason: str = ""
    phone_e164: str | None = None


@dataclass(frozen=True)
class CallLogged:
    activity_id: uuid.UUID
    disposition: str
    effect: SequenceEffect
    callback_at: datetime | None
    ended_enrollments: tuple[uuid.UUID, ...]
    changes: Changes = field(default_factory=Changes)
    completed_task_id: uuid.UUID | None = None  # the task this call completed
    created_task_ids: tuple[uuid.UUID, ...] = ()  # the next step or the callback


@dataclass(frozen=True)
class NoteDraft:
    body: str
    objection_ids: tuple[uuid.UUID, ...]
    call_started_at: datetime | None
    saved_at: datetime


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p) or "(no name)"


def dnc_flags(uow: SqlUnitOfWork, contact_id: uuid.UUID) -> tuple[DncFlag, ...]:
    stmt = (uow.do_not_contact.active().where(m.DoNotContact.contact_id == contact_id)
            .order_by(m.DoNotContact.recorded_at.desc()))
    return tuple(DncFlag(r.channel, r.reason or "", r.source or "", r.recorded_at)
                 for r in uow.session.scalars(stmt))


def call_target(uow: SqlUnitOfWork, contact_id: uuid.UUID, rep_region: str = "US") -> CallTarget | None:
    contact = uow.contacts.get(contact_id)
    if contact is None:
        return None
    account = uow.accounts.get(contact.account_id) if contact.account_id else None
    phones = [p for p in contact.phones if p.deleted_at is None]
    choices = tuple(
        PhoneChoice(p.id, format_for_display(p.e164, p.raw, rep_region, p.extension), p.e164,
                    bool(p.is_valid), p.label or ("primary" if p.position == 0 else "other"))
        for p in phones)
    zones = resolve_zones(contact.pinned_timezone, [p.e164 for p in phones if p.is_valid],
                          contact.country or (account.country if account else None),
                          contact.region or (account.region if account else None))
    phone_region = next((p.region for p in phones if p.is_valid and p.region), None)
    country = contact.country or phone_region or (account.country if account else None)
    task_stmt = (select(m.Task.id, m.SequenceStep.step_kind)
                 .outerjoin(m.SequenceStep, m.SequenceStep.id == m.Task.step_id)
                 .where(m.Task.contact_id == contact_id, m.Task.deleted_at.is_(None),
                        m.Task.status == "open", m.Task.channel == "call")
                 .order_by(m.Task.due_at).limit(1))
    task = uow.session.execute(task_stmt).first()
    return CallTarget(
        contact_id=contact.id, account_id=contact.account_id,
        name=_name(contact.first_name, contact.last_name), title=contact.title or "",
        persona=contact.persona, account_name=account.name if account else "",
        country=country, phones=choices, zones=zones, dnc=dnc_flags(uow, contact.id),
        task_id=task[0] if task else None, step_kind=task[1] if task else None,
    )


class CallService:
    def __init__(self, uow_factory: UowFactory, clock: Clock, rep_zone: tzinfo | None = None) -> None:
        self._uow = uow_factory
        self._clock = clock
        self.journal: DraftJournal | None = None  # set by the Workspace (reliability, #11)
        self.rep_zone: tzinfo = rep_zone or sequence_ops.local_zone()

    # -- logging a call -----------------------------------------------------------------
    def log_call(self, entry: CallLog) -> CallLogged:
        kind = disposition(entry.disposition)  # raises on an unknown key
        if kind.needs_callback_time and entry.callback_at is None:
            raise ValidationError("A callback needs a time.")
        if entry.callback_at is not None and entry.callback_at.tzinfo is None:
            raise ValidationError("The callback time has no time zone.")
        now = self._clock.now()
        touched_tasks: set[uuid.UUID] = set()
        ended: list[uuid.UUID] = []
        with self._uow() as uow:
            contact = uow.contacts.get(entry.contact_id)
            if contact is None:
                raise RecordNotFound("That contact no longer exists.")
            activity = uow.activities.add(m.Activity(
                contact_id=contact.id, account_id=contact.account_id, task_id=entry.task_id,
                kind="call", direction="outbound", disposition=kind.key, occurred_at=now,
                duration_seconds=entry.duration_seconds,
                # Which number was dialled matters later (a wrong number, a switchboard).
                subject=f"{kind.label} · {entry.phone_e164}" if entry.phone_e164 else kind.label,
                notes=entry.notes.strip() or None,
                callback_at=entry.callback_at if kind.needs_callback_time else None,
            ))
            uow.session.flush()
            for objection_id in dict.fromkeys(entry.objection_ids):
                if uow.objections.get(objection_id) is not None:
                    uow.activity_objections.add(
                        m.ActivityObjection(activity_id=activity.id, objection_id=objection_id))
            task = self._task_for(uow, contact.id, entry.task_id)
            if task is not None:
                task.status, task.outcome, task.completed_at = "done", kind.key, now
                touched_tasks.add(task.id)
                activity.task_id = task.id
            if kind.do_not_call:
                uow.do_not_contact.add(m.DoNotContact(
                    contact_id=contact.id, channel="call",
                    reason=entry.dnc_reason.strip() or "Asked not to be called",
                    source=DNC_SOURCE, recorded_at=now))
            created = self._apply_effect(uow, contact, task, kind, entry, now, ended)
            touched_tasks |= created
            draft = uow.call_note_drafts.live_for(contact.id)
            if draft is not None:
                uow.call_note_drafts.soft_delete(draft, now)
            uow.commit()
            activity_id = activity.id
            task_id_done = task.id if task is not None else None
            created = {t for t in created if t != task_id_done}
        if self.journal is not None:
            self.journal.discard(entry.contact_id)
        changes = Changes(
            contacts=frozenset({entry.contact_id}) if kind.do_not_call else frozenset(),
            tasks=frozenset(touched_tasks), activities=True, metrics=True,
            objections=bool(entry.objection_ids), sequences=True,
        )
        return CallLogged(activity_id, kind.key, kind.effect, entry.callback_at, tuple(ended), changes,
                          completed_task_id=task_id_done, created_task_ids=tuple(sorted(created, key=str)))

    @staticmethod
    def _task_for(uow: SqlUnitOfWork, contact_id: uuid.UUID, task_id: uuid.UUID | None) -> m.Task | None:
        """The task the rep selected when it is this contact's open call task; else the
        contact's next open call task (an e-mail step is never completed by a call)."""
        if task_id is not None:
            task = uow.tasks.get(task_id)
            if (task is not None and task.status == "open" and task.contact_id == contact_id
                    and task.channel == "call" and task.deleted_at is None):
                return task
        return uow.session.scalars(uow.tasks.active().where(
            m.Task.contact_id == contact_id, m.Task.status == "open", m.Task.channel == "call")
            .order_by(m.Task.due_at).limit(1)).first()

    def _apply_effect(self, uow: SqlUnitOfWork, contact: m.Contact, task: m.Task | None, kind: Disposition,
                      entry: CallLog, now: datetime, ended: list[uuid.UUID]) -> set[uuid.UUID]:
        """Every disposition's sequence effect, in the call's transaction: advance to the next
        step, a callback task at the prospect's time, a pause, or the end with its reason."""
        touched: set[uuid.UUID] = set()
        enrollment = (uow.enrollments.get(task.enrollment_id)
                      if task is not None and task.enrollment_id else None)
        if enrollment is None:
            enrollment = next((e for e in sequence_ops.open_enrollments(uow, contact.id)
                               if e.status == "active"), None)
        if kind.effect is SequenceEffect.END:
            reason = _EXITS.get(kind.key, ExitReason.NOT_INTERESTED)
            done_ids, skipped = sequence_ops.end_all(uow, contact.id, reason, now)
            ended.extend(done_ids)
            return skipped
        if kind.needs_callback_time and entry.callback_at is not None:
            callback = sequence_ops.add_callback(uow, contact, entry.callback_at, now,
                                                 enrollment.id if enrollment is not None else None,
                                                 entry.notes.strip())
            return {callback.id}
        if kind.effect is SequenceEffect.PAUSE:
            if enrollment is not None:
                touched |= sequence_ops.pause(uow, enrollment, now, None, kind.label.lower())
            return touched
        if task is not None and enrollment is not None and task.enrollment_id == enrollment.id:
            others = uow.session.scalars(uow.tasks.active().where(
                m.Task.enrollment_id == enrollment.id, m.Task.status == "open", m.Task.id != task.id)).first()
            if others is None:
                new = sequence_ops.advance(uow, enrollment, now, self.rep_zone)
                if new is not None:
                    touched.add(new.id)
        return touched

    # -- note drafts (autosave) ---------------------------------------------------------
    def save_draft(self, contact_id: uuid.UUID, body: str, objection_ids: Sequence[uuid.UUID] = (),
                   call_started_at: datetime | None = None) -> None:
        """Upsert the contact's live draft; an empty draft with no objections is removed."""
        now = self._clock.now()
        with self._uow() as uow:
            draft = uow.call_note_drafts.live_for(contact_id)
            if not body.strip() and not objection_ids and call_started_at is None:
                if draft is not None:
                    uow.call_note_drafts.soft_delete(draft, now)
                    uow.commit()
            else:
                if draft is None:
                    draft = uow.call_note_drafts.add(m.CallNoteDraft(contact_id=contact_id))
                draft.body = body
                draft.objection_ids = [str(i) for i in objection_ids]
                draft.call_started_at = call_started_at
                draft.updated_at = now
                uow.commit()
        if self.journal is not None:
            self.journal.landed(contact_id, body, objection_ids, call_started_at)

    def load_draft(self, contact_id: uuid.UUID) -> NoteDraft | None:
        kept = self.journal.pending(contact_id) if self.journal is not None else None
        if kept is not None:  # newer than the book: its save is queued or failed
            return NoteDraft(kept.body, kept.objection_ids, kept.call_started_at, kept.kept_at)
        with self._uow() as uow:
            draft = uow.call_note_drafts.live_for(contact_id)
            if draft is None:
                return None
            return NoteDraft(draft.body, tuple(uuid.UUID(i) for i in draft.objection_ids or ()),
                             draft.call_started_at, draft.updated_at)

    def target(self, contact_id: uuid.UUID, rep_region: str = "US") -> CallTarget | None:
        with self._uow() as uow:
            return call_target(uow, contact_id, rep_region)


@dataclass(frozen=True)
class ContactWindow:
    """A row's calling-window facts, for lists such as Today (one page of contacts at a time)."""

    contact_id: uuid.UUID
    zones: ZoneResolution
    status: compliance.WindowStatus
    local_time: str  # "14:05 Toronto", "3 possible zones", "unknown"
    do_not_call: bool


_TASK_CHUNK = 2000  # ids per query: well under SQLite's variable limit, whatever the queue's size


def callable_tasks(uow: SqlUnitOfWork, task_ids: Sequence[uuid.UUID], windows: CallingWindows,
                   now: datetime) -> list[uuid.UUID]:
    """The call tasks among `task_ids`, in the same order, whose prospect may be called now:
    inside the calling window in every zone they could be in, and not on the do-not-call list.
    Prospects whose time zone is unknown are left out: nobody can say it is a decent hour."""
    found: list[uuid.UUID] = []
    for start in range(0, len(task_ids), _TASK_CHUNK):
        chunk = list(task_ids[start:start + _TASK_CHUNK])
        contact_of = dict(uow.session.execute(
            select(m.Task.id, m.Task.contact_id).where(m.Task.id.in_(chunk), m.Task.channel == "call")).all())
        facts = contact_windows(uow, list(contact_of.values()), windows, now)
        for task_id in chunk:
            fact = facts.get(contact_of[task_id]) if task_id in contact_of else None
            if fact is not None and not fact.do_not_call and fact.status.state is WindowState.OPEN:
                found.append(task_id)
    return found


def contact_windows(uow: SqlUnitOfWork, contact_ids: Sequence[uuid.UUID], windows: CallingWindows,
                    now: datetime) -> dict[uuid.UUID, ContactWindow]:
    """Calling-window status for many contacts in three queries (contacts, phones, DNC flags)."""
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        return {}
    contacts, phones = sequence_ops.zone_inputs(uow, ids)
    blocked = set(uow.session.scalars(
        select(m.DoNotContact.contact_id).where(m.DoNotContact.contact_id.in_(ids),
                                                m.DoNotContact.deleted_at.is_(None),
                                                m.DoNotContact.channel.in_(("call", "all")))))
    result: dict[uuid.UUID, ContactWindow] = {}
    # Most contacts share a handful of zones: work each window out once per (zones, country).
    statuses: dict[tuple[ZoneResolution, str | None], compliance.WindowStatus] = {}
    labels: dict[ZoneResolution, str] = {}
    for contact_id, pinned, country, region, account_country, account_region in contacts:
        numbers = phones.get(contact_id, [])
        zones = resolve_zones(pinned, [e for e, _ in numbers], country or account_country,
                              region or account_region)
        phone_region = next((r for _, r in numbers if r), None)
        key = (zones, country or phone_region or account_country)
        status = statuses.get(key)
        if status is None:
            status = statuses[key] = compliance.window_status(now, zones, windows, key[1])
        label = labels.get(zones)
        if label is None:
            label = labels[zones] = local_time_label(zones, now)
        result[contact_id] = ContactWindow(contact_id, zones, status, label, contact_id in blocked)
    return result
