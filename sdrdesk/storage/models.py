"""Typed ORM models for every record in DESIGN.md section 4.

Every table carries `RecordMixin` (UUID, created/updated UTC, `deleted_at` tombstone). The
schema itself is created by the ordered steps in `storage/migrations/`, never by
`create_all`; `tests/storage/test_schema_matches_models.py` checks the two agree.

Enumerated values (channels, statuses, dispositions) are plain strings whose allowed values
live in the domain modules, so adding a value needs no migration.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    event,
    insert,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from sdrdesk.storage.base import Base, RecordMixin, UtcDateTime


class SourceLabel(RecordMixin, Base):
    """Where records came from ("Apollo Q3 list", "Inbound webinar"): every import has one."""

    __tablename__ = "source_labels"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    color: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)


class Account(RecordMixin, Base):
    __tablename__ = "accounts"
    name: Mapped[str] = mapped_column(String(300), index=True)
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    website: Mapped[str | None] = mapped_column(String(500))
    industry: Mapped[str | None] = mapped_column(String(200))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    annual_revenue: Mapped[float | None] = mapped_column(Float)
    phone_raw: Mapped[str | None] = mapped_column(String(100))
    phone_e164: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166 alpha-2
    region: Mapped[str | None] = mapped_column(String(100))  # state / province
    city: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))  # when known for the account
    source_label_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("source_labels.id"), index=True
    )
    icp_tier: Mapped[str | None] = mapped_column(String(8), index=True)  # "A", "B", "C"
    likely_pain: Mapped[str | None] = mapped_column(Text)
    buyer_roles: Mapped[str | None] = mapped_column(Text)
    research_notes: Mapped[str | None] = mapped_column(Text)
    first_line_ideas: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    import_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("import_runs.id"))

    contacts: Mapped[list[Contact]] = relationship(back_populates="account")
    triggers: Mapped[list[AccountTrigger]] = relationship(back_populates="account")


class AccountTrigger(RecordMixin, Base):
    """A buying signal (funding, hiring, new executive) with when and where it was seen."""

    __tablename__ = "account_triggers"
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(500))

    account: Mapped[Account] = relationship(back_populates="triggers")


class Contact(RecordMixin, Base):
    __tablename__ = "contacts"
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    persona: Mapped[str | None] = mapped_column(String(100))  # "economic buyer", "champion", ...
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    linkedin_url: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(200))
    pinned_timezone: Mapped[str | None] = mapped_column(String(64))  # the rep's choice wins
    consent_basis: Mapped[str | None] = mapped_column(String(100))  # CASL / GDPR basis
    consent_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    source_label_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("source_labels.id"), index=True
    )
    import_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("import_runs.id"))

    account: Mapped[Account | None] = relationship(back_populates="contacts")
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", order_by="ContactPhone.position"
    )


class ContactPhone(RecordMixin, Base):
    """A number exactly as entered plus what phonenumbers made of it; invalid ones are kept."""

    __tablename__ = "contact_phones"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # 0 is the primary number
    label: Mapped[str | None] = mapped_column(String(50))  # "work", "mobile", "direct", ...
    raw: Mapped[str] = mapped_column(String(100))
    e164: Mapped[str | None] = mapped_column(String(32), index=True)
    extension: Mapped[str | None] = mapped_column(String(20))
    is_valid: Mapped[bool] = mapped_column(Boolean, default=False)
    number_type: Mapped[str | None] = mapped_column(String(30))
    region: Mapped[str | None] = mapped_column(String(2))
    # Digit strings the number is found under (raw, E.164, national); feeds the search index.
    search_digits: Mapped[str | None] = mapped_column(String(200))

    contact: Mapped[Contact] = relationship(back_populates="phones")


class DoNotContact(RecordMixin, Base):
    """A do-not-contact flag per channel, with its source, reason and date (compliance)."""

    __tablename__ = "do_not_contact"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # call, email, linkedin, all
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Sequence(RecordMixin, Base):
    __tablename__ = "sequences"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    steps: Mapped[list[SequenceStep]] = relationship(
        back_populates="sequence", order_by="SequenceStep.position"
    )


class SequenceStep(RecordMixin, Base):
    __tablename__ = "sequence_steps"
    sequence_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sequences.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    day_offset: Mapped[int] = mapped_column(Integer, default=0)  # business days after enrolment
    channel: Mapped[str] = mapped_column(String(20))  # call, email, linkedin, other
    step_kind: Mapped[str | None] = mapped_column(String(50))  # cold_call, follow_up_call, ...
    instructions: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(500))  # e-mail steps (migration 9)

    sequence: Mapped[Sequence] = relationship(back_populates="steps")


class Enrollment(RecordMixin, Base):
    __tablename__ = "enrollments"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    sequence_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sequences.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active/paused/finished/ended
    current_position: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # migration 9
    paused_until: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)  # auto-resume


class Task(RecordMixin, Base):
    """One step instance in the rep's queue."""

    __tablename__ = "tasks"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    enrollment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enrollments.id"), index=True)
    step_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sequence_steps.id"))
    channel: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open/done/skipped
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str | None] = mapped_column(Text)  # skip/snooze/reschedule reason (migration 9)
    # Copied from contact_zones by triggers (migration 9); NULL: not worked out yet.
    zone_key: Mapped[str | None] = mapped_column(String(300))


class Activity(RecordMixin, Base):
    """A touch: call, e-mail, LinkedIn message, note or meeting."""

    __tablename__ = "activities"
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    task_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tasks.id"))
    kind: Mapped[str] = mapped_column(String(20))  # call, email, linkedin, note, meeting
    direction: Mapped[str | None] = mapped_column(String(10))  # outbound / inbound
    disposition: Mapped[str | None] = mapped_column(String(40), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    callback_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Script(RecordMixin, Base):
    """A call script in Markdown with {variables}, per persona and step kind."""

    __tablename__ = "scripts"
    name: Mapped[str] = mapped_column(String(200))
    persona: Mapped[str | None] = mapped_column(String(100))  # None: any persona
    step_kind: Mapped[str] = mapped_column(String(50))  # cold_call_opener, gatekeeper, voicemail...
    sequence_step_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sequence_steps.id"))
    body: Mapped[str] = mapped_column(Text)
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class Objection(RecordMixin, Base):
    __tablename__ = "objections"
    category: Mapped[str] = mapped_column(String(50), index=True)
    prompt: Mapped[str] = mapped_column(Text)  # what the prospect says
    answer: Mapped[str] = mapped_column(Text)  # what the rep can say back
    hotkey: Mapped[str | None] = mapped_column(String(20))
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class ActivityObjection(RecordMixin, Base):
    """Which objections came up on which call: gives use and meeting-rate counts per objection."""

    __tablename__ = "activity_objections"
    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activities.id"), index=True)
    objection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("objections.id"), index=True)


class Qualification(RecordMixin, Base):
    __tablename__ = "qualifications"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    framework: Mapped[str] = mapped_column(String(50))  # BANT, MEDDIC, CHAMP, custom id
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="open")  # qualified/nurture/disqualified
    disqualify_reason: Mapped[str | None] = mapped_column(Text)
    # qualification & handoff (migration 10)
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    qualified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disqualified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Meeting(RecordMixin, Base):
    """A booked meeting and its handoff summary for the AE."""

    __tablename__ = "meetings"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    qualification_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("qualifications.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    ae_name: Mapped[str | None] = mapped_column(String(200))
    ae_email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default="booked")  # held/no_show/accepted/...
    opportunity_value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    summary_text: Mapped[str | None] = mapped_column(Text)
    summary_markdown: Mapped[str | None] = mapped_column(Text)
    summary_html: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # One timestamp per lifecycle step (migration 7); metrics count from these, not `status`.
    booked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    rescheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    held_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    no_show_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activities.id"))
    # qualification & handoff (migration 10): zones at booking, who attends, which AE.
    ae_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("account_executives.id"))
    ae_timezone: Mapped[str | None] = mapped_column(String(64))
    prospect_timezone: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(300))
    attendees: Mapped[list[str] | None] = mapped_column(JSON)  # contact ids (hex)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    opportunity_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CoachingNote(RecordMixin, Base):
    """A manager's note on a record (subject) or on the rep as a whole (no subject)."""

    __tablename__ = "coaching_notes"
    subject_type: Mapped[str | None] = mapped_column(String(30))  # activity, contact, meeting...
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


class ImportRun(RecordMixin, Base):
    """One CSV import: its file, detection, counts and status ("done", "undone", ...)."""

    __tablename__ = "import_runs"
    file_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))  # accounts, contacts, both
    source_label_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("source_labels.id"))
    encoding: Mapped[str | None] = mapped_column(String(30))
    delimiter: Mapped[str | None] = mapped_column(String(4))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    rejects_file: Mapped[str | None] = mapped_column(String(1000))
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ImportRunItem(RecordMixin, Base):
    """What one import did to one record, so "undo last import" can reverse exactly that."""

    __tablename__ = "import_run_items"
    import_run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_runs.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(30))  # account, contact, contact_phone
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(10))  # created, updated
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # prior values when updated


class ImportMapping(RecordMixin, Base):
    """A column mapping the user made, remembered per set of headers."""

    __tablename__ = "import_mappings"
    header_key: Mapped[str] = mapped_column(String(64), unique=True)  # hash of normalised headers
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)


ALL_MODELS: tuple[type[Base], ...] = (
    SourceLabel, Account, AccountTrigger, Contact, ContactPhone, DoNotContact, Sequence,
    SequenceStep, Enrollment, Task, Activity, Script, Objection, ActivityObjection,
    Qualification, Meeting, CoachingNote, ImportRun, ImportRunItem, ImportMapping,
)


class CallNoteDraft(RecordMixin, Base):
    """Notes typed during a call, saved as the rep types so a crash loses at most a second.

    One live draft per contact; logging a disposition moves the text into the Activity and
    tombstones the draft.
    """

    __tablename__ = "call_note_drafts"
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    objection_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # used so far this call
    call_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


ALL_MODELS = (*ALL_MODELS, CallNoteDraft)


# -- qualification & handoff (migration 10) ---------------------------------------------------

class AccountExecutive(RecordMixin, Base):
    """An AE the rep books meetings for: the booking form's list, the invite's organizer."""

    __tablename__ = "account_executives"
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Handoff(RecordMixin, Base):
    """A saved handoff summary (the meeting's record for the AE), in three formats at once."""

    __tablename__ = "handoffs"
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    missing: Mapped[list[str] | None] = mapped_column(JSON)  # sections that had no data


ALL_MODELS = (*ALL_MODELS, AccountExecutive, Handoff)


# --- crm (issue 18: CRM hand-back), migration 13 -------------------------------------------
class ExportMark(RecordMixin, Base):
    """How far the last export of one record type for one target reached ("since last")."""

    __tablename__ = "export_marks"
    __table_args__ = (Index("ix_export_marks_target_type", "target", "record_type", unique=True),)
    target: Mapped[str] = mapped_column(String(40))  # hubspot, salesforce, plain, hubspot-push
    record_type: Mapped[str] = mapped_column(String(20))  # activities, meetings, contacts, accounts
    exported_through: Mapped[datetime | None] = mapped_column(UtcDateTime)  # newest updated_at sent
    last_export_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_rows: Mapped[int] = mapped_column(Integer, default=0)


class CrmOutboxItem(RecordMixin, Base):
    """One record waiting to be pushed to a CRM (queued, sent, failed); filled offline."""

    __tablename__ = "crm_outbox"
    __table_args__ = (Index("ix_crm_outbox_record", "target", "record_type", "record_id", unique=True),)
    target: Mapped[str] = mapped_column(String(20))  # hubspot
    record_type: Mapped[str] = mapped_column(String(20))  # activity, meeting, contact
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued/sent/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CrmLink(RecordMixin, Base):
    """The remote record (HubSpot contact, company, call...) a local record became."""

    __tablename__ = "crm_links"
    __table_args__ = (Index("ix_crm_links_local", "target", "local_type", "local_id", unique=True),)
    target: Mapped[str] = mapped_column(String(20))
    local_type: Mapped[str] = mapped_column(String(20))
    local_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    remote_id: Mapped[str] = mapped_column(String(64))


ALL_MODELS = (*ALL_MODELS, ExportMark, CrmOutboxItem, CrmLink)


# ---- issue 12 (importfix): what an import keeps (migration 8) -------------------------------
# Added to the classes above after their definition so this block stays at the end of the file.
Account.external_id = mapped_column(String(100))  # the id in the system the record came from
Account.extra_fields = mapped_column(Text)  # JSON {column: value} of the file's unmapped columns
Contact.external_id = mapped_column(String(100))
Contact.extra_fields = mapped_column(Text)
Contact.other_emails = mapped_column(Text)  # addresses after the first, one per line


# -- sequences (issue 13) -------------------------------------------------------------------

class ContactZone(Base):
    """A contact's candidate time zones and country for calling windows, stored when worked
    out ("America/New_York America/Chicago|US"; "|US" when unknown). Triggers of migration 9
    delete the row when its inputs change and copy `zone_key` onto the contact's open tasks.
    A derived cache: not a record (no tombstone), never exported or synced."""

    __tablename__ = "contact_zones"
    id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), primary_key=True)  # the contact's
    zone_key: Mapped[str] = mapped_column(String(300))
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- issue 15: rep file (sync state, tombstones, conflicts) and coaching -------------------


class Tombstone(Base):
    """A record removed outright (not just flagged `deleted_at`): sync must delete it too."""

    __tablename__ = "tombstones"
    table_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SyncDevice(Base):
    """This book's own identity in rep files: one row (id 1), made on the first export/import."""

    __tablename__ = "sync_device"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    rep_name: Mapped[str | None] = mapped_column(String(200))


class SyncPeer(Base):
    """What this book knows of another device's edits: everything it made up to `seen_until`
    (that device's clock), learnt directly or through a third book."""

    __tablename__ = "sync_peers"
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seen_until: Mapped[datetime] = mapped_column(UtcDateTime)
    rep_name: Mapped[str | None] = mapped_column(String(200))
    last_import_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SyncOrigin(Base):
    """Which device made a record's current version, when a merge brought it in. A row whose
    `updated_at` no longer matches was edited here since, so this device is its origin."""

    __tablename__ = "sync_origins"
    table_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RepFileImport(RecordMixin, Base):
    """One merge of a rep file: counts, and the backup that "Undo import" restores."""

    __tablename__ = "repfile_imports"
    file_name: Mapped[str] = mapped_column(String(500))
    peer_device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    rep_name: Mapped[str | None] = mapped_column(String(200))
    exported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    backup_path: Mapped[str] = mapped_column(String(1000))
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)


class RepFileConflict(RecordMixin, Base):
    """A record changed on both sides since the last sync: both versions, the kept one first."""

    __tablename__ = "repfile_conflicts"
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repfile_imports.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kept_side: Mapped[str] = mapped_column(String(10))  # "mine" or "file"
    kept: Mapped[dict[str, Any]] = mapped_column(JSON)
    other: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open / kept / took_other
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Scorecard(RecordMixin, Base):
    """A manager's rubric answers on one call, qualification or handoff of a rep."""

    __tablename__ = "scorecards"
    rep_device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    rep_name: Mapped[str | None] = mapped_column(String(200))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    subject_label: Mapped[str | None] = mapped_column(String(300))
    rubric_id: Mapped[str] = mapped_column(String(80))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author: Mapped[str] = mapped_column(String(200))


# Coaching notes name the rep they are about and a label for their record (migration 11).
CoachingNote.rep_device_id = mapped_column(Uuid, index=True, nullable=True)  # type: ignore[attr-defined]
CoachingNote.rep_name = mapped_column(String(200), nullable=True)  # type: ignore[attr-defined]
CoachingNote.subject_label = mapped_column(String(300), nullable=True)  # type: ignore[attr-defined]

ALL_MODELS = (*ALL_MODELS, RepFileImport, RepFileConflict, Scorecard)


@event.listens_for(Session, "after_flush")
def _record_tombstones(session: Session, _context: object) -> None:
    """A record removed outright leaves a tombstone, so rep-file sync deletes it elsewhere too
    (the app normally flags `deleted_at` instead; this catches `session.delete`)."""
    gone = [obj for obj in session.deleted if isinstance(obj, RecordMixin)]
    if gone:
        now = datetime.now(UTC)
        session.connection().execute(
            insert(Tombstone).prefix_with("OR REPLACE"),
            [{"table_name": obj.__tablename__, "record_id": obj.id, "deleted_at": now} for obj in gone],
        )


# -- issue 17: metrics and review ------------------------------------------------------------
class ActivityRollup(Base):
    """Derived, not synced: live activities counted per UTC quarter-hour (migration 14 keeps it
    exact with triggers). Period metrics sum these rows instead of reading every activity."""

    __tablename__ = "activity_rollup"
    bucket: Mapped[str] = mapped_column(Text, primary_key=True)  # "YYYY-MM-DD HH:MM" (UTC)
    total: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    connects: Mapped[int] = mapped_column(Integer, default=0)
    conversations: Mapped[int] = mapped_column(Integer, default=0)
    emails: Mapped[int] = mapped_column(Integer, default=0)
    bounces: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    positive: Mapped[int] = mapped_column(Integer, default=0)
    linkedin: Mapped[int] = mapped_column(Integer, default=0)


class ContactActivityRollup(Base):
    """Derived, not synced: per contact, live touches, e-mails sent, bounces and replies
    (migration 14's triggers). The source review reads it instead of each contact's activities."""

    __tablename__ = "contact_activity_rollup"
    contact_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    worked: Mapped[int] = mapped_column(Integer, default=0)
    emailed: Mapped[int] = mapped_column(Integer, default=0)
    bounced: Mapped[int] = mapped_column(Integer, default=0)
    replied: Mapped[int] = mapped_column(Integer, default=0)
