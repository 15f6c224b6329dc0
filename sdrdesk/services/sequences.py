"""Sequences (`Workspace.sequences`): templates, enrolment, working tasks, replies, exits.

One user action = one unit of work; the cadence (business days, holidays, caps, pauses)
comes from `domain/cadence.py`, the moves inside a transaction from `sequence_ops.py`.
Reads return frozen DTOs; writes return `OpResult(value, changes)`.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from sqlalchemy import func, select

from sdrdesk.domain import cadence
from sdrdesk.domain.cadence import (
    CHANNELS,
    REPLY_OUTCOMES,
    BusinessCalendar,
    DailyCap,
    ExitReason,
    OutOfOffice,
    ReplyKind,
    StepPlan,
)
from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.resources_path import resource_path
from sdrdesk.services import sequence_ops as ops
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

log = logging.getLogger(__name__)

FILE_FORMAT = "sdrdesk-sequence"
FILE_VERSION = 1


@dataclass(frozen=True)
class StepDraft:
    day_offset: int
    channel: str
    step_kind: str = ""
    subject: str = ""
    template: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class SequenceDraft:
    name: str
    description: str = ""
    steps: tuple[StepDraft, ...] = ()


@dataclass(frozen=True)
class StepInfo:
    id: uuid.UUID
    position: int
    day_offset: int
    channel: str
    step_kind: str
    subject: str
    template: str
    instructions: str


@dataclass(frozen=True)
class SequenceInfo:
    id: uuid.UUID
    name: str
    description: str
    is_active: bool
    steps: tuple[StepInfo, ...]
    active_enrollments: int

    @property
    def draft(self) -> SequenceDraft:
        return SequenceDraft(self.name, self.description, tuple(
            StepDraft(s.day_offset, s.channel, s.step_kind, s.subject, s.template, s.instructions)
            for s in self.steps))


@dataclass(frozen=True)
class EnrolCheck:
    """What enrolling these contacts would do, before doing it (the dialog shows it)."""

    ready: tuple[uuid.UUID, ...]
    already_active: tuple[tuple[uuid.UUID, str, str], ...]  # contact, name, sequence
    refused: tuple[tuple[uuid.UUID, str, str], ...]  # contact, name, reason
    names: Mapping[uuid.UUID, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnrolReport:
    enrolled: int
    already_active: int
    refused: tuple[tuple[str, str], ...]  # name, reason
    first_due: Mapping[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" -> new tasks

    def summary(self) -> str:
        parts = [f"{self.enrolled} enrolled"]
        if self.already_active:
            parts.append(f"{self.already_active} already in a sequence (left as they were)")
        if self.refused:
            parts.append(f"{len(self.refused)} refused (do not contact)")
        if len(self.first_due) > 1:
            parts.append(f"first tasks spread over {len(self.first_due)} days by the daily cap")
        return ", ".join(parts) + "."


@dataclass(frozen=True)
class TaskDetail:
    """One task with its step and contact, for the Outreach pane and the Today actions."""

    id: uuid.UUID
    contact_id: uuid.UUID
    account_id: uuid.UUID | None
    channel: str
    title: str
    status: str
    due_at: datetime
    contact_name: str
    email: str
    linkedin_url: str
    sequence_name: str
    step_kind: str
    subject: str
    template: str
    instructions: str
    enrollment_id: uuid.UUID | None


@dataclass(frozen=True)
class DueReminder:
    task_id: uuid.UUID
    due_at: datetime
    channel: str
    title: str
    contact_name: str


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p) or "(no name)"


def _validate(draft: SequenceDraft) -> None:
    if not draft.name.strip():
        raise ValidationError("A sequence needs a name.")
    if not draft.steps:
        raise ValidationError("A sequence needs at least one step.")
    for n, step in enumerate(draft.steps, 1):
        if step.channel not in CHANNELS:
            raise ValidationError(f"Step {n}: unknown channel {step.channel!r}.")
        if not 0 <= step.day_offset <= 365:
            raise ValidationError(f"Step {n}: the offset must be 0 to 365 business days.")


def _info(uow: SqlUnitOfWork, seq: m.Sequence) -> SequenceInfo:
    steps = ops.steps_of(uow, seq.id)
    active = uow.session.scalar(select(func.count()).select_from(m.Enrollment).where(
        m.Enrollment.sequence_id == seq.id, m.Enrollment.deleted_at.is_(None),
        m.Enrollment.status.in_(ops.OPEN_STATES))) or 0
    return SequenceInfo(seq.id, seq.name, seq.description or "", bool(seq.is_active), tuple(
        StepInfo(s.id, s.position, s.day_offset, s.channel, s.step_kind or "", s.subject or "",
                 s.template or "", s.instructions or "") for s in steps), int(active))


def draft_from_json(data: Mapping[str, object]) -> SequenceDraft:
    try:
        steps = tuple(StepDraft(int(s.get("day_offset", 0)), str(s["channel"]), str(s.get("step_kind") or ""),
                                str(s.get("subject") or ""), str(s.get("template") or ""),
                                str(s.get("instructions") or ""))
                      for s in data["steps"])  # type: ignore[union-attr, attr-defined]
        draft = SequenceDraft(str(data["name"]).strip(), str(data.get("description") or ""), steps)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError("That is not a sequence file (a step or the name is missing).") from exc
    _validate(draft)
    return draft


def draft_to_json(draft: SequenceDraft) -> dict[str, object]:
    return {"name": draft.name, "description": draft.description,
            "steps": [{"day_offset": s.day_offset, "channel": s.channel, "step_kind": s.step_kind,
                       "subject": s.subject, "template": s.template, "instructions": s.instructions}
                      for s in draft.steps]}


class SequenceService:
    def __init__(self, uow_factory: UowFactory, clock: Clock, rep_zone: tzinfo | None = None) -> None:
        self._uow = uow_factory
        self._clock = clock
        self.rep_zone: tzinfo = rep_zone or ops.local_zone()

    # -- templates ------------------------------------------------------------------------
    def list(self, *, include_inactive: bool = False) -> list[SequenceInfo]:
        with self._uow() as uow:
            stmt = uow.sequences.active().order_by(m.Sequence.name)
            if not include_inactive:
                stmt = stmt.where(m.Sequence.is_active.is_(True))
            return [_info(uow, s) for s in uow.session.scalars(stmt)]

    def get(self, sequence_id: uuid.UUID) -> SequenceInfo:
        with self._uow() as uow:
            seq = uow.sequences.get(sequence_id)
            if seq is None or seq.deleted_at is not None:
                raise RecordNotFound("That sequence no longer exists.")
            return _info(uow, seq)

    def find(self, name: str) -> SequenceInfo | None:
        wanted = name.strip().casefold()
        return next((s for s in self.list() if s.name.casefold() == wanted), None) or next(
            (s for s in self.list() if s.name.casefold().startswith(wanted)), None)

    def create(self, draft: SequenceDraft) -> OpResult[uuid.UUID]:
        _validate(draft)
        with self._uow() as uow:
            seq = uow.sequences.add(m.Sequence(name=draft.name.strip(), description=draft.description or None,
                                               is_active=True))
            uow.session.flush()
            self._write_steps(uow, seq, draft.steps)
            uow.commit()
            return OpResult(seq.id, Changes(sequences=True))

    def update(self, sequence_id: uuid.UUID, draft: SequenceDraft) -> OpResult[None]:
        """Steps are updated in place by position (open tasks keep their step); extra ones are
        tombstoned. Contacts already enrolled continue with the new steps."""
        _validate(draft)
        with self._uow() as uow:
            seq = uow.sequences.get(sequence_id)
            if seq is None or seq.deleted_at is not None:
                raise RecordNotFound("That sequence no longer exists.")
            seq.name, seq.description = draft.name.strip(), draft.description or None
            self._write_steps(uow, seq, draft.steps)
            uow.commit()
        return OpResult(None, Changes(sequences=True))

    def _write_steps(self, uow: SqlUnitOfWork, seq: m.Sequence, steps: Sequence[StepDraft]) -> None:
        now = self._clock.now()
        existing = {s.position: s for s in ops.steps_of(uow, seq.id)}
        for position, draft in enumerate(steps):
            row = existing.pop(position, None) or uow.sequence_steps.add(
                m.SequenceStep(sequence_id=seq.id, position=position))
            row.day_offset, row.channel = draft.day_offset, draft.channel
            row.step_kind = draft.step_kind or None
            row.subject, row.template = draft.subject or None, draft.template or None
            row.instructions = draft.instructions or None
        for row in existing.values():
            row.deleted_at = now

    def set_active(self, sequence_id: uuid.UUID, active: bool) -> OpResult[None]:
        with self._uow() as uow:
            seq = uow.sequences.get(sequence_id)
            if seq is None:
                raise RecordNotFound("That sequence no longer exists.")
            seq.is_active = active
            uow.commit()
        return OpResult(None, Changes(sequences=True))

    def ensure_defaults(self, folder: Path | None = None) -> OpResult[int]:
        """Load the shipped sequences into a book that never had any."""
        with self._uow() as uow:
            if uow.session.scalar(select(func.count()).select_from(m.Sequence)):
                return OpResult(0)
        path = (folder / "sequences.json") if folder else resource_path("data", "sequences.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        drafts = [draft_from_json(item) for item in data.get("sequences", [])]
        for draft in drafts:
            self.create(draft)
        log.info("default sequences loaded: %d", len(drafts))
        return OpResult(len(drafts), Changes(sequences=True) if drafts else Changes())

    def export_text(self, sequence_id: uuid.UUID) -> str:
        info = self.get(sequence_id)
        body = {"format": FILE_FORMAT, "version": FILE_VERSION, "sequences": [draft_to_json(info.draft)]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def export_file(self, sequence_id: uuid.UUID, path: Path) -> None:
        text = self.export_text(sequence_id)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    def import_text(self, text: str) -> OpResult[list[uuid.UUID]]:
        """A shared sequence file; a name already in the book gets " (imported)"."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValidationError("That is not a sequence file (not JSON).") from exc
        if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
            raise ValidationError("That is not an sdrdesk sequence file.")
        if int(data.get("version", 0)) > FILE_VERSION:
            raise ValidationError("That sequence file was made by a newer sdrdesk.")
        drafts = [draft_from_json(item) for item in data.get("sequences", [])]
        if not drafts:
            raise ValidationError("The file holds no sequence.")
        taken = {s.name.casefold() for s in self.list(include_inactive=True)}
        ids = []
        for draft in drafts:
            name = draft.name
            while name.casefold() in taken:
                name = f"{name} (imported)"
            taken.add(name.casefold())
            ids.append(self.create(SequenceDraft(name, draft.description, draft.steps)).value)
        return OpResult(ids, Changes(sequences=True))

    def import_file(self, path: Path) -> OpResult[list[uuid.UUID]]:
        return self.import_text(path.read_text(encoding="utf-8"))

    # -- enrolment ---------------------------------------------------------------------------
    def contacts_of_accounts(self, account_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        ids = list(dict.fromkeys(account_ids))
        found: list[uuid.UUID] = []
        with self._uow() as uow:
            for start in range(0, len(ids), 500):
                found += uow.session.scalars(
                    select(m.Contact.id).where(m.Contact.account_id.in_(ids[start:start + 500]),
                                               m.Contact.deleted_at.is_(None))
                    .order_by(m.Contact.last_name, m.Contact.first_name)).all()
        return found

    def contacts_for_rows(self, table: str, rowids: Sequence[int]) -> list[uuid.UUID]:
        """The contacts behind book rows (the book lists key on rowids): the contacts themselves,
        or every live contact of the accounts."""
        if table not in ("accounts", "contacts"):
            raise ValueError(table)
        found: list[uuid.UUID] = []
        with self._uow() as uow:
            conn = uow.session.connection()
            for start in range(0, len(rowids), 500):
                chunk = [int(r) for r in rowids[start:start + 500]]
                marks = ",".join("?" * len(chunk))
                sql = (f"SELECT id FROM contacts WHERE rowid IN ({marks}) AND deleted_at IS NULL"
                       if table == "contacts" else
                       "SELECT c.id FROM contacts c JOIN accounts a ON a.id = c.account_id"
                       f" WHERE a.rowid IN ({marks}) AND c.deleted_at IS NULL ORDER BY c.last_name")
                found += [uuid.UUID(i) for (i,) in conn.exec_driver_sql(sql, tuple(chunk))]
        return found

    def contacts_of_import(self, import_run_id: uuid.UUID) -> list[uuid.UUID]:
        """The contacts an import created or updated, for "Enrol the imported contacts"."""
        with self._uow() as uow:
            created = list(uow.session.scalars(
                select(m.Contact.id).where(m.Contact.import_run_id == import_run_id,
                                           m.Contact.deleted_at.is_(None))))
            updated = list(uow.session.scalars(
                select(m.ImportRunItem.record_id).where(m.ImportRunItem.import_run_id == import_run_id,
                                                        m.ImportRunItem.record_type == "contact")))
        return list(dict.fromkeys(created + updated))

    def check_enrol(self, contact_ids: Iterable[uuid.UUID], sequence_id: uuid.UUID) -> EnrolCheck:
        ids = list(dict.fromkeys(contact_ids))
        with self._uow() as uow:
            return self._check(uow, ids, sequence_id)

    def _check(self, uow: SqlUnitOfWork, ids: list[uuid.UUID], sequence_id: uuid.UUID) -> EnrolCheck:
        seq = uow.sequences.get(sequence_id)
        if seq is None or seq.deleted_at is not None:
            raise RecordNotFound("That sequence no longer exists.")
        channels = {s.channel for s in ops.steps_of(uow, sequence_id)}
        names: dict[uuid.UUID, str] = {}
        ready, active, refused = [], [], []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = uow.session.execute(select(m.Contact.id, m.Contact.first_name, m.Contact.last_name)
                                       .where(m.Contact.id.in_(chunk), m.Contact.deleted_at.is_(None))).all()
            for cid, first, last in rows:
                names[cid] = _name(first, last)
            in_seq = dict(uow.session.execute(
                select(m.Enrollment.contact_id, m.Sequence.name)
                .join(m.Sequence, m.Sequence.id == m.Enrollment.sequence_id)
                .where(m.Enrollment.contact_id.in_(chunk), m.Enrollment.deleted_at.is_(None),
                       m.Enrollment.status.in_(ops.OPEN_STATES))).all())
            dnc: dict[uuid.UUID, list[tuple[str, str]]] = {}
            for cid, channel, reason in uow.session.execute(
                    select(m.DoNotContact.contact_id, m.DoNotContact.channel, m.DoNotContact.reason)
                    .where(m.DoNotContact.contact_id.in_(chunk), m.DoNotContact.deleted_at.is_(None))):
                dnc.setdefault(cid, []).append((channel, reason or "no reason recorded"))
            for cid in chunk:
                if cid not in names:
                    continue
                flags = dnc.get(cid, [])
                # A flag on any channel the sequence uses (or on all of them) refuses it.
                blocking = [(c, r) for c, r in flags if c == "all" or c in channels]
                if blocking:
                    channel, reason = blocking[0]
                    where = "any channel" if channel == "all" else channel
                    refused.append((cid, names[cid], f"do not contact ({where}): {reason}"))
                elif cid in in_seq:
                    active.append((cid, names[cid], in_seq[cid]))
                else:
                    ready.append(cid)
        return EnrolCheck(tuple(ready), tuple(active), tuple(refused), names)

    def enrol(self, contact_ids: Iterable[uuid.UUID], sequence_id: uuid.UUID, *,
              caps: Mapping[str, int] | None = None,
              include_already_active: bool = False) -> OpResult[EnrolReport]:
        """Enrol contacts; do-not-contact ones are refused with their reason, ones already in a
        sequence are left alone unless asked; first tasks respect the daily cap per channel."""
        ids = list(dict.fromkeys(contact_ids))
        now = self._clock.now()
        touched: set[uuid.UUID] = set()
        first_days: Counter[str] = Counter()
        with self._uow() as uow:
            check = self._check(uow, ids, sequence_id)
            seq = uow.sequences.get(sequence_id)
            assert seq is not None
            steps = ops.steps_of(uow, sequence_id)
            if not steps:
                raise ValidationError("That sequence has no steps.")
            targets = list(check.ready) + ([c for c, _n, _s in check.already_active]
                                           if include_already_active else [])
            cap = DailyCap(dict(caps) if caps else dict(cadence.DEFAULT_DAILY_CAPS))
            first = steps[0]
            horizon = now - timedelta(days=1)
            # Tasks already falling due count against the cap (load per local day and channel).
            for due, in uow.session.execute(select(m.Task.due_at).where(
                    m.Task.status == "open", m.Task.deleted_at.is_(None), m.Task.channel == first.channel,
                    m.Task.due_at >= horizon, m.Task.step_id.is_not(None))):
                cap.load[(due.astimezone(self.rep_zone).date(), first.channel)] += 1
            for cid in targets:
                contact = uow.contacts.get(cid)
                if contact is None:
                    continue
                place = ops.place_of(uow, contact, self.rep_zone)
                wanted = cadence.first_due(place, StepPlan(0, first.day_offset, first.channel), now)
                day = cap.place(wanted.astimezone(place.zone).date(), first.channel, place.calendar)
                due = cadence.due_at(place, day)
                enrollment = uow.enrollments.add(m.Enrollment(contact_id=cid, sequence_id=seq.id,
                                                              status="active", started_at=now))
                uow.session.flush()
                task = ops.add_step_task(uow, enrollment, first, len(steps), due, seq.name)
                touched.add(task.id)
                first_days[day.isoformat()] += 1
                ops.note(uow, contact, f"Enrolled in {seq.name}", now)
            uow.commit()
        report = EnrolReport(len(touched), 0 if include_already_active else len(check.already_active),
                             tuple((n, r) for _c, n, r in check.refused), dict(first_days))
        log.info("enrolled %d contacts (%d already active, %d refused)", report.enrolled,
                 report.already_active, len(report.refused))
        return OpResult(report, Changes(tasks=frozenset(touched), sequences=True, activities=True))

    # -- working tasks -----------------------------------------------------------------------
    def complete_task(self, task_id: uuid.UUID, outcome: str = "done",
                      note: str = "") -> OpResult[uuid.UUID | None]:
        """Done: the activity is logged for e-mail/LinkedIn/other steps, the next step scheduled.
        Returns the id of the next task, if one was made."""
        return self._close(task_id, "done", outcome, note)

    def skip_task(self, task_id: uuid.UUID, reason: str) -> OpResult[uuid.UUID | None]:
        if not reason.strip():
            raise ValidationError("Say why the task is skipped.")
        return self._close(task_id, "skipped", "skipped", reason)

    def _close(self, task_id: uuid.UUID, status: str, outcome: str,
               note: str) -> OpResult[uuid.UUID | None]:
        now = self._clock.now()
        with self._uow() as uow:
            task = self._open_task(uow, task_id)
            task.status, task.outcome, task.completed_at = status, outcome, now
            task.reason = note.strip() or task.reason
            contact = uow.contacts.get(task.contact_id)
            if status == "done" and task.channel != "call" and contact is not None:
                uow.activities.add(m.Activity(
                    contact_id=contact.id, account_id=contact.account_id, task_id=task.id,
                    kind=task.channel if task.channel in ("email", "linkedin") else "note",
                    direction="outbound", disposition="sent" if task.channel != "other" else "done",
                    occurred_at=now, subject=task.title, notes=note.strip() or None))
            elif status == "skipped" and contact is not None:
                ops.note(uow, contact, f"Skipped: {task.title}", now, task.id, note.strip())
            new = self._advance_after(uow, task, now)
            uow.commit()
            touched = {task_id} | ({new} if new else set())
            return OpResult(new, Changes(tasks=frozenset(touched), activities=True, sequences=True,
                                         metrics=status == "done"))

    def _advance_after(self, uow: SqlUnitOfWork, task: m.Task, now: datetime) -> uuid.UUID | None:
        if task.enrollment_id is None:
            return None
        enrollment = uow.enrollments.get(task.enrollment_id)
        if enrollment is None or enrollment.status != "active":
            return None
        others = uow.session.scalar(select(func.count()).select_from(m.Task).where(
            m.Task.enrollment_id == enrollment.id, m.Task.status == "open", m.Task.id != task.id,
            m.Task.deleted_at.is_(None)))
        if others:
            return None  # another task of this enrollment is still open (a callback)
        new = ops.advance(uow, enrollment, now, self.rep_zone)
        return new.id if new else None

    def snooze_task(self, task_id: uuid.UUID, until: datetime, reason: str = "") -> OpResult[None]:
        return self._move(task_id, until, reason, "Snoozed")

    def reschedule_task(self, task_id: uuid.UUID, when: datetime, reason: str) -> OpResult[None]:
        if not reason.strip():
            raise ValidationError("Say why the task moves.")
        return self._move(task_id, when, reason, "Rescheduled")

    def _move(self, task_id: uuid.UUID, when: datetime, reason: str, verb: str) -> OpResult[None]:
        if when.tzinfo is None:
            raise ValidationError("The new time has no time zone.")
        now = self._clock.now()
        with self._uow() as uow:
            task = self._open_task(uow, task_id)
            task.due_at, task.reason = when, reason.strip() or None
            contact = uow.contacts.get(task.contact_id)
            if contact is not None and reason.strip():
                moment = when.astimezone(self.rep_zone)
                ops.note(uow, contact, f"{verb} to {moment:%a %d %b %H:%M}: {task.title}", now, task.id,
                         reason.strip())
            uow.commit()
        return OpResult(None, Changes(tasks=frozenset({task_id})))

    def bulk(self, task_ids: Sequence[uuid.UUID], action: str, *, reason: str = "",
             when: datetime | None = None) -> OpResult[int]:
        """complete / skip / snooze / reschedule many tasks; tasks no longer open are passed over."""
        changes = Changes()
        done = 0
        for task_id in dict.fromkeys(task_ids):
            try:
                if action == "complete":
                    result: OpResult[object] = self.complete_task(task_id, note=reason)
                elif action == "skip":
                    result = self.skip_task(task_id, reason)
                elif action in ("snooze", "reschedule") and when is not None:
                    result = self._move(task_id, when, reason, action.capitalize() + "d")
                else:
                    raise ValidationError(f"Unknown bulk action {action!r}.")
            except RecordNotFound:
                continue
            changes, done = changes | result.changes, done + 1
        return OpResult(done, changes)

    @staticmethod
    def _open_task(uow: SqlUnitOfWork, task_id: uuid.UUID) -> m.Task:
        task = uow.tasks.get(task_id)
        if task is None or task.deleted_at is not None or task.status != "open":
            raise RecordNotFound("That task is no longer open.")
        return task

    def task(self, task_id: uuid.UUID) -> TaskDetail | None:
        with self._uow() as uow:
            row = uow.session.execute(
                select(m.Task, m.Contact, m.SequenceStep, m.Sequence.name)
                .join(m.Contact, m.Contact.id == m.Task.contact_id)
                .outerjoin(m.SequenceStep, m.SequenceStep.id == m.Task.step_id)
                .outerjoin(m.Sequence, m.Sequence.id == m.SequenceStep.sequence_id)
                .where(m.Task.id == task_id)).first()
            if row is None:
                return None
            task, contact, step, seq_name = row
            return TaskDetail(
                task.id, contact.id, contact.account_id, task.channel, task.title, task.status,
                task.due_at, _name(contact.first_name, contact.last_name), contact.email or "",
                contact.linkedin_url or "", seq_name or "", (step.step_kind if step else "") or "",
                (step.subject if step else "") or "", (step.template if step else "") or "",
                (step.instructions if step else "") or (task.reason or ""), task.enrollment_id)

    # -- pauses, exits, replies -------------------------------------------------------------
    def pause(self, contact_id: uuid.UUID, until: datetime | None = None, reason: str = "paused by the rep"
              ) -> OpResult[int]:
        now = self._clock.now()
        with self._uow() as uow:
            parked: set[uuid.UUID] = set()
            found = [e for e in ops.open_enrollments(uow, contact_id) if e.status == "active"]
            for enrollment in found:
                parked |= ops.pause(uow, enrollment, now, until, reason)
            uow.commit()
        return OpResult(len(found), Changes(tasks=frozenset(parked), sequences=True, activities=True))

    def resume(self, contact_id: uuid.UUID) -> OpResult[int]:
        now = self._clock.now()
        with self._uow() as uow:
            touched: set[uuid.UUID] = set()
            found = [e for e in ops.open_enrollments(uow, contact_id) if e.status == "paused"]
            for enrollment in found:
                touched |= ops.resume(uow, enrollment, now, self.rep_zone)
            uow.commit()
        return OpResult(len(found), Changes(tasks=frozenset(touched), sequences=True, activities=True))

    def resume_many(self, contact_ids: Sequence[uuid.UUID]) -> OpResult[int]:
        changes, count = Changes(), 0
        for contact_id in dict.fromkeys(contact_ids):
            result = self.resume(contact_id)
            changes, count = changes | result.changes, count + result.value
        return OpResult(count, changes)

    def resume_due(self) -> OpResult[int]:
        """Auto-resume the pauses whose date has come (periodic job and book open)."""
        now = self._clock.now()
        with self._uow() as uow:
            touched: set[uuid.UUID] = set()
            found = ops.due_resumes(uow, now)
            for enrollment in found:
                touched |= ops.resume(uow, enrollment, now, self.rep_zone)
            uow.commit()
        return OpResult(len(found), Changes(tasks=frozenset(touched), sequences=True, activities=True)
                        if found else Changes())

    def end_for_contact(self, contact_id: uuid.UUID, reason: str | ExitReason,
                        detail: str = "") -> OpResult[int]:
        """Every open sequence of the contact ends with `reason` ("disqualified", "opt_out"...)."""
        why = cadence.exit_reason(str(reason))
        now = self._clock.now()
        with self._uow() as uow:
            ended, skipped = ops.end_all(uow, contact_id, why, now, detail)
            uow.commit()
        return OpResult(len(ended), Changes(tasks=frozenset(skipped), sequences=True, activities=True))

    def log_reply(self, contact_id: uuid.UUID, kind: ReplyKind | str, notes: str = "", *,
                  task_id: uuid.UUID | None = None, channel: str = "email") -> OpResult[str]:
        """A reply ends or pauses the sequence as configured (REPLY_OUTCOMES); a bounce also
        flags the address do-not-contact. Returns what happened, for the status bar."""
        reply = ReplyKind(kind)
        outcome = REPLY_OUTCOMES[reply]
        now = self._clock.now()
        with self._uow() as uow:
            contact = uow.contacts.get(contact_id)
            if contact is None:
                raise RecordNotFound("That contact no longer exists.")
            uow.activities.add(m.Activity(
                contact_id=contact.id, account_id=contact.account_id, task_id=task_id, kind=channel,
                direction="inbound", disposition=f"reply_{reply.value}", occurred_at=now,
                subject=f"Reply: {reply.value.replace('_', ' ')}", notes=notes.strip() or None))
            touched: set[uuid.UUID] = set()
            if outcome.opt_out_channel:
                uow.do_not_contact.add(m.DoNotContact(contact_id=contact.id, channel=outcome.opt_out_channel,
                                                      reason="E-mail bounced", source="reply",
                                                      recorded_at=now))
            if outcome.end is not None:
                _ended, skipped = ops.end_all(uow, contact.id, outcome.end, now)
                touched |= skipped
                result = f"Sequence ended ({outcome.end.label})."
            else:
                place = ops.place_of(uow, contact, self.rep_zone)
                until = cadence.pause_until(place, now, outcome.pause_days)
                for enrollment in ops.open_enrollments(uow, contact.id):
                    touched |= ops.pause(uow, enrollment, now, until, "out of office")
                result = f"Sequence paused until {until:%a %d %b}."
            uow.commit()
        return OpResult(result, Changes(contacts=frozenset({contact_id}), tasks=frozenset(touched),
                                        sequences=True, activities=True, metrics=True))

    def out_of_office(self, first_day: date, last_day: date, *, country: str | None = None,
                      region: str | None = None) -> OpResult[int]:
        """The rep is away: every open task due in those days moves by the working days away,
        counted on the rep's calendar (weekends, plus the public holidays of the rep's country and
        region when given: Preferences)."""
        away = OutOfOffice(first_day, last_day, BusinessCalendar.for_place(country, region))
        zone = self.rep_zone
        start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        now = self._clock.now()
        moved: set[uuid.UUID] = set()
        with self._uow() as uow:
            for task in uow.session.scalars(uow.tasks.active().where(
                    m.Task.status == "open", m.Task.due_at >= start, m.Task.due_at < end)):
                shifted = away.shift(task.due_at, zone)  # type: ignore[arg-type]
                if shifted is not None:
                    task.due_at, task.reason = shifted, f"out of office {first_day:%d %b}-{last_day:%d %b}"
                    moved.add(task.id)
            uow.commit()
        log.info("out of office: %d tasks moved", len(moved))
        del now
        return OpResult(len(moved), Changes(tasks=frozenset(moved)))

    # -- reminders ---------------------------------------------------------------------------
    def due_between(self, start: datetime, end: datetime, limit: int = 500) -> list[DueReminder]:
        with self._uow() as uow:
            rows = uow.session.execute(
                select(m.Task.id, m.Task.due_at, m.Task.channel, m.Task.title, m.Contact.first_name,
                       m.Contact.last_name)
                .join(m.Contact, m.Contact.id == m.Task.contact_id)
                .where(m.Task.status == "open", m.Task.deleted_at.is_(None),
                       m.Task.due_at >= start, m.Task.due_at < end)
                .order_by(m.Task.due_at).limit(limit)).all()
        return [DueReminder(i, d, c, t, _name(f, la)) for i, d, c, t, f, la in rows]

    def is_open(self, task_id: uuid.UUID) -> bool:
        with self._uow() as uow:
            status = uow.session.scalar(select(m.Task.status).where(m.Task.id == task_id,
                                                                    m.Task.deleted_at.is_(None)))
        return status == "open"

    # -- stored calling zones -----------------------------------------------------------------
    def refresh_zones(self, limit: int = 5000) -> OpResult[int]:
        """Store the calling zones of contacts with open tasks that have none yet."""
        with self._uow() as uow:
            count = ops.fill_zone_keys(uow, self._clock.now(), limit)
            uow.commit()
        return OpResult(count)  # a cache: nothing a pane shows changed
