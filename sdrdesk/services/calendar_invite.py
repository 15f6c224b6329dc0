"""A meeting as an iCalendar invite (RFC 5545) that Outlook, Google Calendar and Thunderbird open.

Built with `icalendar`: one VEVENT in the prospect's zone (else the AE's, else UTC) with the
matching VTIMEZONE, ORGANIZER (the AE, else the rep), one ATTENDEE per person, and the
handoff as DESCRIPTION. METHOD:REQUEST makes mail clients offer to add it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from sdrdesk import __version__
from sdrdesk.domain.timezones import is_valid_zone
from sdrdesk.services.meetings import MeetingView

PRODID = f"-//sdrdesk//sdrdesk {__version__}//EN"
UID_DOMAIN = "sdrdesk.invalid"


def meeting_zone(view: MeetingView) -> ZoneInfo | None:
    for zone in (view.prospect_timezone, view.ae_timezone):
        if zone and is_valid_zone(zone):
            return ZoneInfo(zone)
    return None


def meeting_summary(view: MeetingView) -> str:
    if view.title:
        return view.title
    who = f"{view.contact_name} ({view.account_name})" if view.account_name else view.contact_name
    return f"Intro call: {who}" + (f" with {view.ae_name}" if view.ae_name else "")


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def meeting_calendar(view: MeetingView, description: str, organizer_email: str,
                     now: datetime) -> Calendar:
    if view.scheduled_at is None or view.ends_at is None:
        raise ValueError("the meeting has no time")
    zone = meeting_zone(view)
    start, end = view.scheduled_at, view.ends_at
    if zone is not None:
        start, end = start.astimezone(zone), end.astimezone(zone)
    else:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{view.id.hex}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("created", (view.booked_at or now).astimezone(UTC))
    event.add("last-modified", view.updated_at.astimezone(UTC))
    event.add("sequence", view.reschedule_count)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", meeting_summary(view))
    if description.strip():
        event.add("description", description.strip())
    event.add("status", "CANCELLED" if view.status == "cancelled" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = view.ae_email or organizer_email
    if organizer:
        event.add("organizer", _address(organizer, view.ae_name if view.ae_email else ""))
    for person in view.attendees:
        if person.email:
            event.add("attendee", _address(person.email, person.name, ROLE="REQ-PARTICIPANT",
                                           PARTSTAT="NEEDS-ACTION", RSVP="TRUE"))
    if view.ae_email:
        event.add("attendee", _address(view.ae_email, view.ae_name, ROLE="CHAIR",
                                       PARTSTAT="ACCEPTED", RSVP="FALSE"))
    cal.add_component(event)
    if zone is not None:
        cal.add_missing_timezones()
    return cal
