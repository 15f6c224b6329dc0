"""The CRM file formats: per record type, which sheets (files) and which columns, as row builders.

A format maps each record type (activities, meetings, contacts, accounts) to one or more
`Sheet`s. A sheet is one CSV file: which activity kinds it takes (`kinds`, None for any) and an
ordered tuple of `Column`s,
each a header and a function from the record to the cell. To add a column (qualification,
handoff, external ids from other work) append a `Column` to the tuple: nothing else changes.

Names and values follow the vendors' import documentation; the reference list with its
source URLs is tests/data/crm_reference_columns.json and docs/crm.md explains each format.
HubSpot imports one activity object per file, so its activities come as several sheets
(calls, emails, LinkedIn messages as communications, notes); Salesforce logs every touch as
a Task and every meeting as an Event. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sdrdesk.domain.dispositions import label_of
from sdrdesk.domain.meetings import STATUS_LABELS, MeetingStatus
from sdrdesk.services.crm_export.records import (
    AccountRecord,
    ActivityRecord,
    ContactRecord,
    MeetingRecord,
)

FORMATS_AVAILABLE = ("hubspot", "salesforce", "plain")


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Sheet:
    key: str  # "calls", "tasks", ...; a sheet after the first is written to OUT-<key>.csv
    columns: tuple[Column, ...]
    kinds: frozenset[str] | None = None  # activity kinds this file takes; None: every record

    def accepts_kind(self, kind: str | None) -> bool:
        return self.kinds is None or kind in self.kinds

    def accepts(self, record: Any) -> bool:
        return self.accepts_kind(getattr(record, "kind", None))

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def row(self, record: Any) -> list[Any]:
        return [c.value(record) for c in self.columns]


# -- value formats ----------------------------------------------------------------------------
def iso_z(moment: datetime | None) -> str:
    """UTC ISO 8601 to the second: 2026-12-07T14:03:00Z (HubSpot's "UTC format", plain)."""
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sf_datetime(moment: datetime | None) -> str:
    """Salesforce's documented dateTime: yyyy-MM-ddTHH:mm:ss.SSSZ, in UTC."""
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def sf_date(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d")


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _ms(seconds: int | None) -> str:
    return "" if seconds is None else str(seconds * 1000)


def _account_id(r: Any) -> str:
    return str(r.person.account_id) if r.person.account_id else ""


def _sf_call_type(r: ActivityRecord) -> str:
    if r.kind != "call":
        return ""
    return "Inbound" if r.direction == "inbound" else "Outbound"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _meeting_end(r: MeetingRecord) -> datetime | None:
    return r.scheduled_at + timedelta(minutes=r.duration_minutes) if r.scheduled_at else None


def _meeting_title(r: MeetingRecord) -> str:
    who = r.person.name or r.person.email
    where = f" ({r.person.company})" if r.person.company else ""
    return f"Meeting with {who}{where}" if who else "Meeting"


def _call_title(r: ActivityRecord) -> str:
    who = r.person.name or r.person.email or r.person.company
    return f"Call with {who}: {label_of(r.disposition)}" if who else f"Call: {label_of(r.disposition)}"


_DIALLED = re.compile(r"·\s*(\+\d{6,16})\s*$")


def dialled_number(r: ActivityRecord) -> str:
    """The E.164 number a logged call went to (the call service writes it after the outcome)."""
    found = _DIALLED.search(r.subject) if r.kind == "call" else None
    return found.group(1) if found else ""


def _notes_with_callback(r: ActivityRecord) -> str:
    if r.callback_at is None:
        return r.notes
    return (r.notes + "\n" if r.notes else "") + f"Callback requested for {iso_z(r.callback_at)}"


def _dnc_reason(r: ContactRecord) -> str:
    return "; ".join(f"{f.channel}: {f.reason}" if f.reason else f.channel for f in r.dnc)


def _dnc_date(r: ContactRecord) -> str:
    return iso_z(r.dnc[0].recorded_at) if r.dnc else ""


def _phone(r: ContactRecord, i: int) -> str:
    return r.phones[i] if len(r.phones) > i else ""


# -- HubSpot ----------------------------------------------------------------------------------
# The six default call outcomes HubSpot documents (hs_call_disposition takes the GUID).
HUBSPOT_OUTCOME = {
    "busy": "9d9162e7-6cf3-4944-bf63-4dff82258764",
    "connected": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    "live_message": "a4c4c377-d246-4b32-a13b-75a56a4cd0ff",
    "voicemail": "b2cf5968-551e-4856-9783-52b3da59a7d0",
    "no_answer": "73a0d17f-1163-4015-bdd5-ec830791da20",
    "wrong_number": "17b47fee-58de-441e-a44c-c6300d46f273",
}


def hubspot_outcome(disposition: str) -> str:
    """Our disposition as one of HubSpot's default outcomes; talks we finer-grain are Connected.

    The exact sdrdesk outcome travels in `sdrdesk_outcome` so nothing is lost.
    """
    if disposition in HUBSPOT_OUTCOME:
        return HUBSPOT_OUTCOME[disposition]
    return HUBSPOT_OUTCOME["connected"] if disposition else ""


def hubspot_call_status(disposition: str) -> str:
    return {"busy": "BUSY", "no_answer": "NO_ANSWER"}.get(disposition, "COMPLETED")


def hubspot_direction(direction: str) -> str:
    return "INBOUND" if direction == "inbound" else "OUTBOUND"


def hubspot_email_status(disposition: str) -> str:
    return {"bounced": "BOUNCED", "failed": "FAILED"}.get(disposition, "SENT")


def hubspot_meeting_outcome(status: str) -> str:
    return {"held": "COMPLETED", "accepted": "COMPLETED", "rejected": "COMPLETED",
            "no_show": "NO_SHOW", "cancelled": "CANCELED", "canceled": "CANCELED",
            "rescheduled": "RESCHEDULED"}.get(status, "SCHEDULED")


def meeting_status_label(status: str) -> str:
    try:
        return STATUS_LABELS[MeetingStatus(status)]
    except ValueError:
        return status


def qualification_answers(r: MeetingRecord) -> str:
    """The answers as "Budget: 50,000 USD; ...", and why the contact was disqualified."""
    reason = f"Disqualified because: {r.qual_reason}" if r.qual_reason else ""
    return "; ".join(p for p in (r.qual_answers, reason) if p)


def qualification_line(r: MeetingRecord) -> str:
    """One readable line: "BANT · qualified · score 80 — Budget: 50,000 USD; Timing: Q1"."""
    if not r.qual_framework:
        return ""
    head = " · ".join(p for p in (r.qual_framework, r.qual_status,
                                  f"score {_num(r.qual_score)}" if r.qual_score is not None else "") if p)
    answers = qualification_answers(r)
    return f"{head} — {answers}" if answers else head


def meeting_lifecycle(r: MeetingRecord) -> str:
    """The meeting's steps in time order with their reasons, one per line (UTC times)."""
    fmt = iso_z
    again = f" ({r.reschedule_count} times)" if r.reschedule_count > 1 else ""
    value = (f": {_num(r.opportunity_value)} {r.currency}".rstrip()
             if r.opportunity_value is not None else "")
    steps = [(r.booked_at, "Booked"), (r.rescheduled_at, f"Rescheduled (last){again}"),
             (r.cancelled_at, "Cancelled" + (f": {r.cancel_reason}" if r.cancel_reason else "")),
             (r.held_at, "Held"), (r.no_show_at, "No-show"), (r.accepted_at, "Accepted by the AE"),
             (r.rejected_at,
              "Rejected by the AE" + (f": {r.rejection_reason}" if r.rejection_reason else "")),
             (r.opportunity_at, f"Opportunity{value}")]
    lines = [f"{fmt(at)} {what}" for at, what in sorted((p for p in steps if p[0] is not None),
                                                         key=lambda p: p[0])]
    return "\n".join([f"Status: {meeting_status_label(r.status)}", *lines]) if lines else ""


def _hubspot_meeting_body(r: MeetingRecord) -> str:
    """The handoff for the AE, who the AE is, and the qualification (HubSpot and Salesforce)."""
    parts = [r.notes]
    if r.ae_name or r.ae_email:
        email = f"<{r.ae_email}>" if r.ae_email else ""
        parts.append("Account Executive: " + " ".join(p for p in (r.ae_name, email) if p))
    if r.qual_framework:
        parts.append(f"Qualification: {qualification_line(r)}")
    return "\n".join(p for p in parts if p)


def _sf_event_description(r: MeetingRecord) -> str:
    lifecycle = meeting_lifecycle(r)
    return "\n\n".join(p for p in (_hubspot_meeting_body(r), lifecycle) if p)


def _lifecycle_columns(prefix: str, when: Callable[[datetime | None], str],
                       suffix: str = "") -> tuple[Column, ...]:
    """The lifecycle's custom fields: `sdrdesk_booked_at` / `SDRDesk_Booked_At__c` ..."""
    def name(words: str) -> str:
        return prefix + (words.replace(" ", "_").lower() if not suffix else words.replace(" ", "_")) + suffix

    return (
        Column(name("Booked At"), lambda r: when(r.booked_at)),
        Column(name("Rescheduled At"), lambda r: when(r.rescheduled_at)),
        Column(name("Reschedule Count"), lambda r: str(r.reschedule_count) if r.reschedule_count else ""),
        Column(name("Cancelled At"), lambda r: when(r.cancelled_at)),
        Column(name("Cancel Reason"), lambda r: r.cancel_reason),
        Column(name("Held At"), lambda r: when(r.held_at)),
        Column(name("No Show At"), lambda r: when(r.no_show_at)),
        Column(name("Accepted At"), lambda r: when(r.accepted_at)),
        Column(name("Rejected At"), lambda r: when(r.rejected_at)),
        Column(name("Rejection Reason"), lambda r: r.rejection_reason),
    )


def _qualification_columns(prefix: str, suffix: str = "") -> tuple[Column, ...]:
    def name(words: str) -> str:
        return prefix + (words.replace(" ", "_").lower() if not suffix else words.replace(" ", "_")) + suffix

    return (
        Column(name("Qualification Framework"), lambda r: r.qual_framework),
        Column(name("Qualification Status"), lambda r: r.qual_status),
        Column(name("Qualification Score"), lambda r: _num(r.qual_score)),
        Column(name("Qualification Answers"), qualification_answers),
    )


_HS_LINKS = (Column("Email", lambda r: r.person.email),
             Column("Company Domain Name", lambda r: r.person.domain))
_HS_ID = Column("sdrdesk_id", lambda r: str(r.id))

HUBSPOT_CALLS = Sheet("calls", (
    _HS_ID,
    Column("hs_timestamp", lambda r: iso_z(r.occurred_at)),
    Column("hs_call_title", _call_title),
    Column("hs_call_direction", lambda r: hubspot_direction(r.direction)),
    Column("hs_call_status", lambda r: hubspot_call_status(r.disposition)),
    Column("hs_call_disposition", lambda r: hubspot_outcome(r.disposition)),
    Column("hs_call_duration", lambda r: _ms(r.duration_seconds)),
    Column("hs_call_body", _notes_with_callback),
    Column("hs_call_to_number", dialled_number),
    Column("sdrdesk_outcome", lambda r: label_of(r.disposition)),
    *_HS_LINKS,
), kinds=frozenset({"call"}))

HUBSPOT_EMAILS = Sheet("emails", (
    _HS_ID,
    Column("hs_timestamp", lambda r: iso_z(r.occurred_at)),
    Column("hs_email_direction", lambda r: "INCOMING_EMAIL" if r.direction == "inbound" else "EMAIL"),
    Column("hs_email_status", lambda r: hubspot_email_status(r.disposition)),
    Column("hs_email_subject", lambda r: r.subject),
    Column("hs_email_text", lambda r: r.notes),
    Column("sdrdesk_outcome", lambda r: label_of(r.disposition)),
    *_HS_LINKS,
), kinds=frozenset({"email"}))

HUBSPOT_COMMUNICATIONS = Sheet("linkedin", (
    _HS_ID,
    Column("hs_timestamp", lambda r: iso_z(r.occurred_at)),
    Column("hs_communication_channel_type", lambda r: "LINKEDIN_MESSAGE"),
    Column("hs_communication_logged_from", lambda r: "CRM"),
    Column("hs_communication_body", lambda r: "\n".join(p for p in (r.subject, r.notes) if p)),
    *_HS_LINKS,
), kinds=frozenset({"linkedin"}))

HUBSPOT_NOTES = Sheet("notes", (
    _HS_ID,
    Column("hs_timestamp", lambda r: iso_z(r.occurred_at)),
    Column("hs_note_body", lambda r: "\n".join(p for p in (r.subject, r.notes) if p)),
    *_HS_LINKS,
))  # the rest: notes and any other kind

HUBSPOT_MEETINGS = Sheet("meetings", (
    _HS_ID,
    Column("hs_timestamp", lambda r: iso_z(r.scheduled_at or r.booked_at)),
    Column("hs_meeting_title", _meeting_title),
    Column("hs_meeting_start_time", lambda r: iso_z(r.scheduled_at)),
    Column("hs_meeting_end_time", lambda r: iso_z(_meeting_end(r))),
    Column("hs_meeting_outcome", lambda r: hubspot_meeting_outcome(r.status)),
    Column("hs_meeting_body", _hubspot_meeting_body),
    Column("hs_internal_meeting_notes", meeting_lifecycle),
    Column("sdrdesk_outcome", lambda r: meeting_status_label(r.status)),
    *_lifecycle_columns("sdrdesk_", iso_z),
    *_qualification_columns("sdrdesk_"),
    *_HS_LINKS,
))

HUBSPOT_CONTACTS = Sheet("contacts", (
    _HS_ID,
    Column("email", lambda r: r.person.email),
    Column("firstname", lambda r: r.person.first_name),
    Column("lastname", lambda r: r.person.last_name),
    Column("jobtitle", lambda r: r.title),
    Column("phone", lambda r: _phone(r, 0)),
    Column("mobilephone", lambda r: _phone(r, 1)),
    Column("company", lambda r: r.person.company),
    Column("website", lambda r: r.website),
    Column("city", lambda r: r.city),
    Column("state", lambda r: r.region),
    Column("country", lambda r: r.country),
    Column("sdrdesk_do_not_call", lambda r: _bool(r.blocked("call") is not None)),
    Column("sdrdesk_do_not_email", lambda r: _bool(r.blocked("email") is not None)),
    Column("sdrdesk_do_not_linkedin", lambda r: _bool(r.blocked("linkedin") is not None)),
    Column("sdrdesk_do_not_contact_reason", _dnc_reason),
    Column("sdrdesk_do_not_contact_date", _dnc_date),
    Column("sdrdesk_qualification", lambda r: r.qualification),
    Column("Company Domain Name", lambda r: r.person.domain),
))

HUBSPOT_COMPANIES = Sheet("companies", (
    _HS_ID,
    Column("name", lambda r: r.name),
    Column("domain", lambda r: r.domain),
    Column("website", lambda r: r.website),
    Column("phone", lambda r: r.phone),
    Column("city", lambda r: r.city),
    Column("state", lambda r: r.region),
    Column("country", lambda r: r.country),
    Column("numberofemployees", lambda r: _num(r.employee_count)),
    Column("annualrevenue", lambda r: _num(r.annual_revenue)),
    Column("description", lambda r: r.notes),
))


# -- Salesforce (Data Loader / Bulk API upsert on the external id SDRDesk_Id__c) --------------
def sf_task_subtype(kind: str) -> str:
    return {"call": "Call", "email": "Email", "linkedin": "LinkedIn"}.get(kind, "Task")


def _sf_subject(r: ActivityRecord) -> str:
    if r.kind == "call":
        return _call_title(r)
    if r.kind == "email":
        return f"Email: {r.subject}" if r.subject else "Email"
    if r.kind == "linkedin":
        return f"LinkedIn: {r.subject}" if r.subject else "LinkedIn message"
    return r.subject or "Note"


def _sf_description(r: ActivityRecord) -> str:
    # ActivityDate is a date only: the exact time goes first in the comments.
    return f"{iso_z(r.occurred_at)}\n{_notes_with_callback(r)}".rstrip()


_SF_ID = Column("SDRDesk_Id__c", lambda r: str(r.id))
_SF_WHO_WHAT = (Column("Contact:Who.Email", lambda r: r.person.email),
                Column("Account:What.SDRDesk_Id__c", lambda r: _account_id(r)),
                Column("SDRDesk_Company_Domain__c", lambda r: r.person.domain))

SALESFORCE_TASKS = Sheet("tasks", (
    _SF_ID,
    Column("Subject", _sf_subject),
    Column("ActivityDate", lambda r: sf_date(r.occurred_at)),
    Column("Status", lambda r: "Completed"),
    Column("Priority", lambda r: "Normal"),
    Column("TaskSubtype", lambda r: sf_task_subtype(r.kind)),
    Column("CallType", lambda r: _sf_call_type(r)),
    Column("CallDurationInSeconds", lambda r: _num(r.duration_seconds) if r.kind == "call" else ""),
    Column("CallDisposition", lambda r: label_of(r.disposition) if r.kind == "call" else ""),
    Column("Description", _sf_description),
    Column("SDRDesk_Outcome__c", lambda r: label_of(r.disposition)),
    *_SF_WHO_WHAT,
))

SALESFORCE_EVENTS = Sheet("events", (
    _SF_ID,
    Column("Subject", _meeting_title),
    Column("StartDateTime", lambda r: sf_datetime(r.scheduled_at)),
    Column("EndDateTime", lambda r: sf_datetime(_meeting_end(r))),
    Column("DurationInMinutes", lambda r: str(r.duration_minutes)),
    Column("Type", lambda r: "Meeting"),
    Column("ShowAs", lambda r: "Free" if r.status == "cancelled" else "Busy"),
    Column("Description", _sf_event_description),
    Column("SDRDesk_Outcome__c", lambda r: meeting_status_label(r.status)),
    *_lifecycle_columns("SDRDesk_", sf_datetime, "__c"),
    *_qualification_columns("SDRDesk_", "__c"),
    *_SF_WHO_WHAT,
))

SALESFORCE_CONTACTS = Sheet("contacts", (
    _SF_ID,
    Column("FirstName", lambda r: r.person.first_name),
    Column("LastName", lambda r: r.person.last_name or r.person.email or "(unknown)"),
    Column("Email", lambda r: r.person.email),
    Column("Title", lambda r: r.title),
    Column("Phone", lambda r: _phone(r, 0)),
    Column("MobilePhone", lambda r: _phone(r, 1)),
    Column("MailingCity", lambda r: r.city),
    Column("MailingState", lambda r: r.region),
    Column("MailingCountry", lambda r: r.country),
    Column("Description", lambda r: r.notes),
    Column("DoNotCall", lambda r: _bool(r.blocked("call") is not None)),
    Column("HasOptedOutOfEmail", lambda r: _bool(r.blocked("email") is not None)),
    Column("SDRDesk_Do_Not_LinkedIn__c", lambda r: _bool(r.blocked("linkedin") is not None)),
    Column("SDRDesk_Do_Not_Contact_Reason__c", _dnc_reason),
    Column("SDRDesk_Do_Not_Contact_Date__c", lambda r: sf_datetime(r.dnc[0].recorded_at) if r.dnc else ""),
    Column("SDRDesk_Qualification__c", lambda r: r.qualification),
    Column("Account.SDRDesk_Id__c", lambda r: _account_id(r)),
    Column("SDRDesk_Company_Domain__c", lambda r: r.person.domain),
))

SALESFORCE_ACCOUNTS = Sheet("accounts", (
    _SF_ID,
    Column("Name", lambda r: r.name),
    Column("Website", lambda r: r.website or r.domain),
    Column("Industry", lambda r: r.industry),
    Column("NumberOfEmployees", lambda r: _num(r.employee_count)),
    Column("AnnualRevenue", lambda r: _num(r.annual_revenue)),
    Column("Phone", lambda r: r.phone),
    Column("BillingCity", lambda r: r.city),
    Column("BillingState", lambda r: r.region),
    Column("BillingCountry", lambda r: r.country),
    Column("Description", lambda r: r.notes),
    Column("SDRDesk_Company_Domain__c", lambda r: r.domain),
))


# -- plain: readable headers for any other CRM; contacts/accounts re-import into sdrdesk ------
_P_ID = Column("External ID", lambda r: str(r.id))
_P_LINKS = (Column("Contact Email", lambda r: r.person.email),
            Column("Contact Name", lambda r: r.person.name),
            Column("Company", lambda r: r.person.company),
            Column("Company Domain", lambda r: r.person.domain))

PLAIN_ACTIVITIES = Sheet("activities", (
    _P_ID,
    Column("Type", lambda r: r.kind),
    Column("Occurred At (UTC)", lambda r: iso_z(r.occurred_at)),
    Column("Direction", lambda r: r.direction),
    Column("Duration (seconds)", lambda r: "" if r.duration_seconds is None else str(r.duration_seconds)),
    Column("Outcome", lambda r: label_of(r.disposition)),
    Column("Outcome Key", lambda r: r.disposition),
    Column("Subject", lambda r: r.subject),
    Column("Notes", lambda r: r.notes),
    Column("Callback At (UTC)", lambda r: iso_z(r.callback_at)),
    Column("Number Dialled", dialled_number),
    *_P_LINKS,
))

PLAIN_MEETINGS = Sheet("meetings", (
    _P_ID,
    Column("Scheduled At (UTC)", lambda r: iso_z(r.scheduled_at)),
    Column("Duration (minutes)", lambda r: str(r.duration_minutes)),
    Column("Status", lambda r: meeting_status_label(r.status)),
    Column("Status Key", lambda r: r.status),
    Column("Booked At (UTC)", lambda r: iso_z(r.booked_at)),
    Column("Rescheduled At (UTC)", lambda r: iso_z(r.rescheduled_at)),
    Column("Reschedule Count", lambda r: str(r.reschedule_count)),
    Column("Cancelled At (UTC)", lambda r: iso_z(r.cancelled_at)),
    Column("Cancel Reason", lambda r: r.cancel_reason),
    Column("Held At (UTC)", lambda r: iso_z(r.held_at)),
    Column("No-show At (UTC)", lambda r: iso_z(r.no_show_at)),
    Column("Accepted At (UTC)", lambda r: iso_z(r.accepted_at)),
    Column("Rejected At (UTC)", lambda r: iso_z(r.rejected_at)),
    Column("Rejection Reason", lambda r: r.rejection_reason),
    Column("Account Executive", lambda r: r.ae_name),
    Column("Account Executive Email", lambda r: r.ae_email),
    Column("Handoff Summary", lambda r: r.notes),
    Column("Qualification Framework", lambda r: r.qual_framework),
    Column("Qualification Status", lambda r: r.qual_status),
    Column("Qualification Score", lambda r: _num(r.qual_score)),
    Column("Qualification Answers", qualification_answers),
    Column("Opportunity At (UTC)", lambda r: iso_z(r.opportunity_at)),
    Column("Opportunity Value", lambda r: _num(r.opportunity_value)),
    Column("Currency", lambda r: r.currency),
    *_P_LINKS,
))

# Header names the sdrdesk importer knows (services/csv_import/aliases.py), so the file
# imports back with every person and company recognised.
PLAIN_CONTACTS = Sheet("contacts", (
    Column("First Name", lambda r: r.person.first_name),
    Column("Last Name", lambda r: r.person.last_name),
    Column("Email", lambda r: r.person.email),
    Column("Title", lambda r: r.title),
    Column("Company", lambda r: r.person.company),
    Column("Website", lambda r: r.website or r.person.domain),
    Column("LinkedIn URL", lambda r: r.linkedin_url),
    Column("Country", lambda r: r.country),
    Column("State", lambda r: r.region),
    Column("City", lambda r: r.city),
    Column("Notes", lambda r: r.notes),
    Column("Phone 1", lambda r: _phone(r, 0)),
    Column("Phone 2", lambda r: _phone(r, 1)),
    Column("Phone 3", lambda r: _phone(r, 2)),
    Column("Do Not Call", lambda r: _bool(r.blocked("call") is not None)),
    Column("Do Not Email", lambda r: _bool(r.blocked("email") is not None)),
    Column("Do Not LinkedIn", lambda r: _bool(r.blocked("linkedin") is not None)),
    Column("Do Not Contact Reason", _dnc_reason),
    Column("Do Not Contact Date (UTC)", _dnc_date),
    Column("Qualification", lambda r: r.qualification),
    _P_ID,
))

PLAIN_ACCOUNTS = Sheet("accounts", (
    Column("Company Name", lambda r: r.name),
    Column("Website", lambda r: r.website or r.domain),
    Column("Industry", lambda r: r.industry),
    Column("Number of Employees", lambda r: _num(r.employee_count)),
    Column("Annual Revenue", lambda r: _num(r.annual_revenue)),
    Column("Company Phone", lambda r: r.phone),
    Column("Company Country", lambda r: r.country),
    Column("Company State", lambda r: r.region),
    Column("Company City", lambda r: r.city),
    Column("Description", lambda r: r.notes),
    _P_ID,
))

FORMATS: dict[str, dict[str, tuple[Sheet, ...]]] = {
    "hubspot": {
        "activities": (HUBSPOT_CALLS, HUBSPOT_EMAILS, HUBSPOT_COMMUNICATIONS, HUBSPOT_NOTES),
        "meetings": (HUBSPOT_MEETINGS,),
        "contacts": (HUBSPOT_CONTACTS,),
        "accounts": (HUBSPOT_COMPANIES,),
    },
    "salesforce": {
        "activities": (SALESFORCE_TASKS,),
        "meetings": (SALESFORCE_EVENTS,),
        "contacts": (SALESFORCE_CONTACTS,),
        "accounts": (SALESFORCE_ACCOUNTS,),
    },
    "plain": {
        "activities": (PLAIN_ACTIVITIES,),
        "meetings": (PLAIN_MEETINGS,),
        "contacts": (PLAIN_CONTACTS,),
        "accounts": (PLAIN_ACCOUNTS,),
    },
}

# Which classes each record type's builders receive (documentation for whoever adds columns).
RECORD_CLASSES = {"activities": ActivityRecord, "meetings": MeetingRecord,
                  "contacts": ContactRecord, "accounts": AccountRecord}
