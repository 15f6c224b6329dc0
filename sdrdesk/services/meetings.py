"""Meetings: booking (from a call), the lifecycle steps, the AE list, and the calendar invite.

`Workspace.meetings`. Every step is one action in one transaction that stamps its own
timestamp (`domain/meetings.py` says which step may follow which); metrics count from those
timestamps. Times are stored in UTC with the prospect's and the AE's zones kept beside them,
so the handoff and the `.ics` show the meeting in both.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from sdrdesk.domain import meetings as lifecycle
from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.meetings import MeetingAction, MeetingStatus, TransitionError
from sdrdesk.domain.timezones import is_valid_zone
from sdrdesk.storage import models as m

if TYPE_CHECKING:
    from sdrdesk.services.calls import CallLog, CallLogged
    from sdrdesk.services.workspace import Workspace
    from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

MIN_DURATION, MAX_DURATION = 5, 8 * 60


@dataclass(frozen=True)
class AeView:
    id: uuid.UUID
    name: str
    email: str
    timezone: str

    @property
    def display(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class Attendee:
    contact_id: uuid.UUID
    name: str
    email: str
    title: str


@dataclass(frozen=True)
class BookingRequest:
    contact_id: uuid.UUID
    starts_at: datetime  # aware; entered in the prospect's or the rep's zone
    duration_minutes: int = 30
    ae_id: uuid.UUID | None = None
    attendee_ids: tuple[uuid.UUID, ...] = ()  # other contacts of the account who join
    prospect_timezone: str | None = None
    title: str = ""
    activity_id: uuid.UUID | None = None  # the call that booked it
    # An AE typed in the booking form rather than picked: found by e-mail or name, else added.
    ae_name: str = ""
    ae_email: str = ""
    ae_timezone: str = ""


@dataclass(frozen=True)
class BookingInfo:
    """What the booking form offers for one contact."""

    contact_id: uuid.UUID
    contact_name: str
    account_name: str
    prospect_zones: tuple[str, ...]  # from the pinned zone, the phones or the place; may be empty
    people: tuple[Attendee, ...]  # the other contacts of the account
    aes: tuple[AeView, ...]


@dataclass(frozen=True)
class MeetingView:
    id: uuid.UUID
    contact_id: uuid.UUID
    contact_name: str
    contact_email: str
    account_id: uuid.UUID | None
    account_name: str
    title: str
    scheduled_at: datetime | None
    duration_minutes: int
    status: str
    ae_id: uuid.UUID | None
    ae_name: str
    ae_email: str
    ae_timezone: str | None
    prospect_timezone: str | None
    attendees: tuple[Attendee, ...]  # the prospect first, then the others
    opportunity_value: float | None
    currency: str | None
    rejection_reason: str | None
    cancel_reason: str | None
    booked_at: datetime | None
    rescheduled_at: datetime | None
    reschedule_count: int
    cancelled_at: datetime | None
    held_at: datetime | None
    no_show_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    opportunity_at: datetime | None
    has_handoff: bool
    updated_at: datetime

    @property
    def ends_at(self) -> datetime | None:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes) if self.scheduled_at else None

    @property
    def status_label(self) -> str:
        try:
            return lifecycle.STATUS_LABELS[MeetingStatus(self.status)]
        except ValueError:
            return self.status

    @property
    def allowed_actions(self) -> frozenset[MeetingAction]:
        return lifecycle.allowed(self.status)


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p) or "(no name)"


def meeting_view(uow: SqlUnitOfWork, row: m.Meeting) -> MeetingView:
    contact = uow.contacts.get(row.contact_id, include_deleted=True)
    account = uow.accounts.get(row.account_id, include_deleted=True) if row.account_id else None
    ids = [row.contact_id] + [uuid.UUID(h) for h in row.attendees or () if uuid.UUID(h) != row.contact_id]
    people: list[Attendee] = []
    for cid in ids:
        c = uow.contacts.get(cid, include_deleted=True)
        if c is not None:
            people.append(Attendee(c.id, _name(c.first_name, c.last_name), c.email or "", c.title or ""))
    has_handoff = uow.session.query(m.Handoff.id).filter(
        m.Handoff.meeting_id == row.id, m.Handoff.deleted_at.is_(None)).first() is not None
    return MeetingView(
        id=row.id, contact_id=row.contact_id,
        contact_name=_name(contact.first_name, contact.last_name) if contact else "(deleted)",
        contact_email=(contact.email or "") if contact else "", account_id=row.account_id,
        account_name=account.name if account else "", title=row.title or "",
        scheduled_at=row.scheduled_at, duration_minutes=row.duration_minutes, status=row.status,
        ae_id=row.ae_id, ae_name=row.ae_name or "", ae_email=row.ae_email or "",
        ae_timezone=row.ae_timezone, prospect_timezone=row.prospect_timezone,
        attendees=tuple(people), opportunity_value=row.opportunity_value, currency=row.currency,
        rejection_reason=row.rejection_reason, cancel_reason=row.cancel_reason,
        booked_at=row.booked_at, rescheduled_at=row.rescheduled_at,
        reschedule_count=row.reschedule_count or 0, cancelled_at=row.cancelled_at,
        held_at=row.held_at, no_show_at=row.no_show_at, accepted_at=row.accepted_at,
        rejected_at=row.rejected_at, opportunity_at=row.opportunity_at, has_handoff=has_handoff,
        updated_at=row.updated_at,
    )


def _check_start(starts_at: datetime, duration: int) -> None:
    if starts_at.tzinfo is None:
        raise ValidationError("The meeting time has no time zone.")
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise ValidationError(f"A meeting lasts between {MIN_DURATION} minutes "
                              f"and {MAX_DURATION // 60} hours.")


class MeetingService:
    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    # -- AEs ----------------------------------------------------------------------------
    def aes(self) -> tuple[AeView, ...]:
        with self._uow() as uow:
            rows = uow.session.scalars(
                select(m.AccountExecutive)
                .where(m.AccountExecutive.deleted_at.is_(None), m.AccountExecutive.is_active.is_(True))
                .order_by(m.AccountExecutive.name)).all()
            return tuple(AeView(r.id, r.name, r.email or "", r.timezone or "") for r in rows)

    def save_ae(self, name: str, email: str = "", timezone: str = "",
                ae_id: uuid.UUID | None = None) -> OpResult[uuid.UUID]:
        name, email, timezone = name.strip(), email.strip().lower(), timezone.strip()
        if not name:
            raise ValidationError("An AE needs a name.")
        if email and ("@" not in email or " " in email):
            raise ValidationError(f"{email} is not an e-mail address.")
        if timezone and not is_valid_zone(timezone):
            raise ValidationError(f"{timezone} is not a known time zone (e.g. America/New_York).")
        with self._uow() as uow:
            row = uow.session.get(m.AccountExecutive, ae_id) if ae_id else None
            if row is None:
                row = m.AccountExecutive(name=name, is_active=True)
                uow.session.add(row)
            row.name, row.email, row.timezone = name, email or None, timezone or None
            row.updated_at = self._clock.now()
            uow.commit()
            return OpResult(row.id, Changes(meetings=True))

    def remove_ae(self, ae_id: uuid.UUID) -> OpResult[None]:
        with self._uow() as uow:
            row = uow.session.get(m.AccountExecutive, ae_id)
            if row is None or row.deleted_at is not None:
                return OpResult(None)
            now = self._clock.now()
            row.deleted_at = row.updated_at = now
            uow.commit()
        return OpResult(None, Changes(meetings=True))

    # -- booking ------------------------------------------------------------------------
    def booking_info(self, contact_id: uuid.UUID) -> BookingInfo | None:
        from sdrdesk.services.calls import call_target

        aes = self.aes()
        with self._uow() as uow:
            target = call_target(uow, contact_id)
            if target is None:
                return None
            others = uow.contacts.of_account(target.account_id) if target.account_id else []
            people = tuple(Attendee(c.id, _name(c.first_name, c.last_name), c.email or "", c.title or "")
                           for c in others if c.id != contact_id)
            return BookingInfo(contact_id, target.name, target.account_name, target.zones.zones, people, aes)

    def book(self, request: BookingRequest) -> OpResult[MeetingView]:
        _check_start(request.starts_at, request.duration_minutes)
        if request.prospect_timezone and not is_valid_zone(request.prospect_timezone):
            raise ValidationError(f"{request.prospect_timezone} is not a known time zone.")
        if request.ae_id is None and request.ae_name.strip():
            request = replace(request, ae_id=self._find_or_add_ae(request))
        now = self._clock.now()
        with self._uow() as uow:
            contact = uow.contacts.get(request.contact_id)
            if contact is None:
                raise RecordNotFound("That contact no longer exists.")
            ae = uow.session.get(m.AccountExecutive, request.ae_id) if request.ae_id else None
            if request.ae_id and (ae is None or ae.deleted_at is not None):
                raise ValidationError("That AE is no longer in the list.")
            attendees = self._attendees(uow, contact, request.attendee_ids)
            qualification = uow.session.scalars(
                uow.qualifications.active().where(m.Qualification.contact_id == contact.id)
                .order_by(m.Qualification.updated_at.desc()).limit(1)).first()
            row = uow.meetings.add(m.Meeting(
                contact_id=contact.id, account_id=contact.account_id,
                qualification_id=qualification.id if qualification else None,
                scheduled_at=request.starts_at, duration_minutes=request.duration_minutes,
                ae_id=ae.id if ae else None, ae_name=ae.name if ae else None,
                ae_email=ae.email if ae else None, ae_timezone=ae.timezone if ae else None,
                prospect_timezone=request.prospect_timezone, title=request.title.strip() or None,
                attendees=[a.hex for a in attendees], status=MeetingStatus.BOOKED.value,
                booked_at=now, reschedule_count=0, activity_id=request.activity_id))
            uow.session.flush()
            view = meeting_view(uow, row)
            uow.commit()
        return OpResult(view, Changes(contacts=frozenset({request.contact_id}), meetings=True,
                                      metrics=True, activities=True))

    def _find_or_add_ae(self, request: BookingRequest) -> uuid.UUID:
        email, name = request.ae_email.strip().lower(), request.ae_name.strip().lower()
        for ae in self.aes():
            if (email and ae.email == email) or (not email and ae.name.lower() == name):
                return ae.id
        return self.save_ae(request.ae_name, email, request.ae_timezone).value

    @staticmethod
    def _attendees(uow: SqlUnitOfWork, contact: m.Contact, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        chosen: list[uuid.UUID] = [contact.id]
        for cid in dict.fromkeys(ids):
            if cid == contact.id:
                continue
            other = uow.contacts.get(cid)
            if other is None or other.account_id != contact.account_id or contact.account_id is None:
                raise ValidationError("Attendees must be contacts of the same account.")
            chosen.append(cid)
        return chosen

    # -- lifecycle ----------------------------------------------------------------------
    def _step(self, meeting_id: uuid.UUID, action: MeetingAction, **values: object) -> OpResult[MeetingView]:
        now = self._clock.now()
        with self._uow() as uow:
            row = uow.meetings.get(meeting_id)
            if row is None:
                raise RecordNotFound("That meeting no longer exists.")
            try:
                status = lifecycle.check(row.status, action)
            except TransitionError as exc:
                raise ValidationError(str(exc)) from None
            for key, value in values.items():
                setattr(row, key, value)
            setattr(row, lifecycle.TIMESTAMP[action], now)
            row.status = status.value
            row.updated_at = now
            uow.session.flush()
            view = meeting_view(uow, row)
            uow.commit()
        return OpResult(view, Changes(contacts=frozenset({view.contact_id}), meetings=True, metrics=True))

    def reschedule(self, meeting_id: uuid.UUID, starts_at: datetime,
                   duration_minutes: int | None = None) -> OpResult[MeetingView]:
        with self._uow() as uow:
            row = uow.meetings.get(meeting_id)
            if row is None:
                raise RecordNotFound("That meeting no longer exists.")
            duration = duration_minutes or row.duration_minutes
            count = (row.reschedule_count or 0) + 1
        _check_start(starts_at, duration)
        return self._step(meeting_id, MeetingAction.RESCHEDULE, scheduled_at=starts_at,
                          duration_minutes=duration, reschedule_count=count)

    def cancel(self, meeting_id: uuid.UUID, reason: str = "") -> OpResult[MeetingView]:
        return self._step(meeting_id, MeetingAction.CANCEL, cancel_reason=reason.strip() or None)

    def mark_held(self, meeting_id: uuid.UUID) -> OpResult[MeetingView]:
        return self._step(meeting_id, MeetingAction.HELD)

    def mark_no_show(self, meeting_id: uuid.UUID) -> OpResult[MeetingView]:
        return self._step(meeting_id, MeetingAction.NO_SHOW)

    def accept(self, meeting_id: uuid.UUID) -> OpResult[MeetingView]:
        return self._step(meeting_id, MeetingAction.ACCEPT, rejection_reason=None)

    def reject(self, meeting_id: uuid.UUID, reason: str) -> OpResult[MeetingView]:
        if not reason.strip():
            raise ValidationError("Say why the AE rejected the meeting.")
        return self._step(meeting_id, MeetingAction.REJECT, rejection_reason=reason.strip())

    def set_opportunity(self, meeting_id: uuid.UUID, value: float, currency: str) -> OpResult[MeetingView]:
        currency = currency.strip().upper()
        if value < 0:
            raise ValidationError("An opportunity value cannot be negative.")
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationError("The currency is a three-letter code such as USD or EUR.")
        return self._step(meeting_id, MeetingAction.OPPORTUNITY, opportunity_value=float(value),
                          currency=currency)

    def act(self, meeting_id: uuid.UUID, action: MeetingAction, *, reason: str = "",
            starts_at: datetime | None = None, value: float | None = None,
            currency: str = "") -> OpResult[MeetingView]:
        """One lifecycle step by name (the Handoff pane's buttons)."""
        if action is MeetingAction.RESCHEDULE:
            if starts_at is None:
                raise ValidationError("Rescheduling needs the new time.")
            return self.reschedule(meeting_id, starts_at)
        if action is MeetingAction.CANCEL:
            return self.cancel(meeting_id, reason)
        if action is MeetingAction.HELD:
            return self.mark_held(meeting_id)
        if action is MeetingAction.NO_SHOW:
            return self.mark_no_show(meeting_id)
        if action is MeetingAction.ACCEPT:
            return self.accept(meeting_id)
        if action is MeetingAction.REJECT:
            return self.reject(meeting_id, reason)
        if value is None:
            raise ValidationError("Enter the opportunity value.")
        return self.set_opportunity(meeting_id, value, currency)

    # -- reading ------------------------------------------------------------------------
    def get(self, meeting_id: uuid.UUID) -> MeetingView | None:
        with self._uow() as uow:
            row = uow.meetings.get(meeting_id)
            return meeting_view(uow, row) if row is not None else None

    def for_contact(self, contact_id: uuid.UUID) -> tuple[MeetingView, ...]:
        """The contact's meetings, latest booked first."""
        with self._uow() as uow:
            rows = uow.session.scalars(uow.meetings.active().where(m.Meeting.contact_id == contact_id)
                                       .order_by(m.Meeting.created_at.desc())).all()
            return tuple(meeting_view(uow, r) for r in rows)

    def for_activity(self, activity_id: uuid.UUID) -> MeetingView | None:
        """The meeting a call booked (the Handoff pane opens it after "meeting booked")."""
        with self._uow() as uow:
            row = uow.session.scalars(uow.meetings.active().where(m.Meeting.activity_id == activity_id)
                                      .limit(1)).first()
            return meeting_view(uow, row) if row is not None else None

    def recent(self, limit: int = 50) -> tuple[MeetingView, ...]:
        with self._uow() as uow:
            rows = uow.session.scalars(uow.meetings.active().order_by(m.Meeting.created_at.desc())
                                       .limit(limit)).all()
            return tuple(meeting_view(uow, r) for r in rows)

    # -- the invite -----------------------------------------------------------------------
    def ics(self, meeting_id: uuid.UUID, organizer_email: str = "", description: str | None = None) -> bytes:
        """The meeting as an iCalendar file (bytes), the latest handoff text as its description."""
        from sdrdesk.services.calendar_invite import meeting_calendar  # icalendar loads on demand

        with self._uow() as uow:
            row = uow.meetings.get(meeting_id)
            if row is None:
                raise RecordNotFound("That meeting no longer exists.")
            view = meeting_view(uow, row)
            if description is None:
                handoff = uow.session.query(m.Handoff).filter(
                    m.Handoff.meeting_id == meeting_id, m.Handoff.deleted_at.is_(None)
                ).order_by(m.Handoff.updated_at.desc()).first()
                description = handoff.text if handoff is not None else ""
        return meeting_calendar(view, description, organizer_email, self._clock.now()).to_ical()


def book_after_call(workspace: Workspace, entry: CallLog, request: BookingRequest) -> CallLogged:
    """"Meeting booked" on a call: the call is logged (task done, sequence effect) and the
    meeting booked with a link to it. The request is checked first, so a refused time logs
    nothing; the returned `CallLogged` carries both actions' changes."""
    _check_start(request.starts_at, request.duration_minutes)
    logged = workspace.calls.log_call(entry)
    booked = workspace.meetings.book(replace(request, activity_id=logged.activity_id))
    return replace(logged, changes=logged.changes | booked.changes)
