"""Qualification, meetings, handoff and the invite through the workspace facade, on a real book."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.errors import ValidationError
from sdrdesk.domain.meetings import MeetingAction
from sdrdesk.services.calls import CallLog
from sdrdesk.services.handoff import drop_empty_headings, mailto_url
from sdrdesk.services.meetings import BookingRequest
from sdrdesk.services.qualification import DISQUALIFY_KEY, AnswerEdit, wire_disqualified_hook
from sdrdesk.services.workspace import Workspace
from sdrdesk.storage import models as m
from tests.calls.helpers import NOW, SmallBook, make_small_book
from tests.conftest import SHARED_DATA

NY = ZoneInfo("America/New_York")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def ws(book, uow_factory, clock: FakeClock) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace(book, uow_factory, clock)


@pytest.fixture
def small(ws: Workspace) -> SmallBook:
    return make_small_book(ws.uow_factory)


def _answer(ws: Workspace, small: SmallBook, key: str, value: object, fw: str = "default") -> AnswerEdit:
    return ws.qualification.apply(AnswerEdit(small.contact_id, fw, key, value)).value


def _qualify(ws: Workspace, small: SmallBook) -> None:
    for key, value in [("why_replied", "Saw our ramp-time benchmark\nForwarded it to her VP"),
                       ("icp_fit", 5), ("pain", "New reps take 4 months to hit quota"),
                       ("authority", "decision_maker"), ("others_involved", small.colleague_id.hex),
                       ("timeline", "this_quarter"), ("impact", 4),
                       ("budget", "40000 USD"), ("next_step", "Demo with the AE, Bo joins")]:
        _answer(ws, small, key, value)


# -- qualification --------------------------------------------------------------------------------

def test_answers_save_score_status_and_undo(ws: Workspace, small: SmallBook) -> None:
    view = ws.qualification.load(small.contact_id)
    assert view is not None and view.framework.id == "default" and view.record_id is None
    assert [p.name for p in view.people] == ["Bo Berg", "Ana Lima"]  # the account's contacts
    result = ws.qualification.apply(AnswerEdit(small.contact_id, "default", "pain", "  Slow ramp "))
    assert result.value == AnswerEdit(small.contact_id, "default", "pain", None)  # the inverse
    assert result.changes.qualification and small.contact_id in result.changes.contacts
    _qualify(ws, small)
    view = ws.qualification.load(small.contact_id)
    assert view.answers["pain"] == "New reps take 4 months to hit quota"
    assert view.answers["budget"] == {"amount": 40000.0, "currency": "USD"}
    assert view.assessment.status.value == "qualified" and view.assessment.missing == ()
    assert view.qualified_at == NOW
    assert view.display("others_involved") == "Bo Berg"
    # Undo (apply the inverse) brings the old value back and the status with it.
    inverse = _answer(ws, small, "pain", None)
    view = ws.qualification.load(small.contact_id)
    assert view.assessment.status.value == "nurture" and view.assessment.missing == ("Pain",)
    ws.qualification.apply(inverse)
    assert ws.qualification.load(small.contact_id).assessment.status.value == "qualified"
    # The same value again changes nothing (nothing to undo).
    assert ws.qualification.apply(inverse).changes.empty


def test_bad_answers_are_refused_in_words(ws: Workspace, small: SmallBook) -> None:
    with ws.uow_factory() as uow:
        stranger = uow.contacts.add(m.Contact(first_name="Zed", last_name="Other"))
        uow.commit()
        stranger_id = stranger.id
    with pytest.raises(ValidationError, match="not a contact of this account"):
        _answer(ws, small, "others_involved", stranger_id.hex)
    with pytest.raises(ValidationError, match="number from 1 to 5"):
        _answer(ws, small, "icp_fit", 9)
    with pytest.raises(ValidationError, match="no field"):
        _answer(ws, small, "colour", "red")
    with pytest.raises(ValidationError, match="not a disqualify reason"):
        _answer(ws, small, DISQUALIFY_KEY, "Because")
    with pytest.raises(ValidationError, match="no qualification framework"):
        _answer(ws, small, "pain", "x", fw="nope")


def test_the_last_used_framework_opens_next_time(ws: Workspace, small: SmallBook, clock: FakeClock) -> None:
    _answer(ws, small, "pain", "x")
    clock.advance(timedelta(minutes=1))
    _answer(ws, small, "need", "y", fw="bant")
    assert ws.qualification.load(small.contact_id).framework.id == "bant"
    assert ws.qualification.load(small.contact_id, "default").answers == {"pain": "x"}


def test_disqualifying_ends_the_contacts_sequence_once_with_the_reason(
        ws: Workspace, small: SmallBook) -> None:
    ws.sequences.ensure_defaults()
    sequence = ws.sequences.list()[0]
    ws.sequences.enrol([small.contact_id], sequence.id)

    def enrollment() -> tuple[str, str | None]:
        with ws.uow_factory() as uow:
            query = select(m.Enrollment).where(m.Enrollment.contact_id == small.contact_id)
            row = uow.session.scalars(query).one()
            return row.status, row.end_reason

    assert enrollment()[0] == "active"
    result = ws.qualification.apply(AnswerEdit(small.contact_id, "default", DISQUALIFY_KEY, "No pain"))
    assert result.changes.qualification and result.changes.sequences
    assert enrollment() == ("ended", "disqualified")
    view = ws.qualification.load(small.contact_id)
    assert view.assessment.status.value == "disqualified" and view.disqualify_reason == "No pain"
    calls: list[uuid.UUID] = []
    wire_disqualified_hook(ws.qualification, lambda contact_id, reason: calls.append(contact_id))
    _answer(ws, small, "pain", "still disqualified")  # no second call while it stays disqualified
    assert calls == []
    assert ws.qualification.disqualified_contacts(NOW - timedelta(days=1)) == (small.contact_id,)


# -- meetings -------------------------------------------------------------------------------------

def _book(ws: Workspace, small: SmallBook, starts: datetime | None = None, ae_zone: str = "Europe/Berlin",
          prospect_zone: str = "America/New_York") -> uuid.UUID:
    ae = ws.meetings.save_ae("Kim Ae", "KIM@seller.example", ae_zone).value
    logged = ws.calls.log_call(CallLog(small.contact_id, "meeting_booked", notes="Wants a demo; Bo joins",
                                       task_id=small.task_id))
    request = BookingRequest(small.contact_id, starts or datetime(2026, 3, 17, 10, 0, tzinfo=NY), 45, ae,
                             (small.colleague_id,), prospect_zone, activity_id=logged.activity_id)
    result = ws.meetings.book(request)
    assert result.changes.meetings and result.changes.metrics
    return result.value.id


def test_booking_keeps_zones_attendees_ae_and_the_call(ws: Workspace, small: SmallBook) -> None:
    meeting_id = _book(ws, small)
    view = ws.meetings.get(meeting_id)
    assert view is not None
    assert view.scheduled_at == datetime(2026, 3, 17, 14, 0, tzinfo=UTC)
    assert (view.ae_name, view.ae_email, view.ae_timezone) == ("Kim Ae", "kim@seller.example",
                                                               "Europe/Berlin")
    assert [a.name for a in view.attendees] == ["Ana Lima", "Bo Berg"]
    assert view.status == "booked" and view.booked_at == NOW
    assert ws.meetings.for_contact(small.contact_id)[0].id == meeting_id
    with ws.uow_factory() as uow:
        assert uow.meetings.get(meeting_id).activity_id is not None
    with pytest.raises(ValidationError, match="no time zone"):
        ws.meetings.book(BookingRequest(small.contact_id, datetime(2026, 3, 17, 10, 0)))
    with ws.uow_factory() as uow:
        stranger = uow.contacts.add(m.Contact(first_name="Zed"))
        uow.commit()
        stranger_id = stranger.id
    with pytest.raises(ValidationError, match="same account"):
        ws.meetings.book(BookingRequest(small.contact_id, NOW + timedelta(days=1),
                                        attendee_ids=(stranger_id,)))


def test_lifecycle_each_step_stamped_including_no_show_later_held(ws: Workspace, small: SmallBook,
                                                                    clock: FakeClock) -> None:
    meeting_id = _book(ws, small)
    stamps = []
    for action, kwargs in [(MeetingAction.RESCHEDULE, {"starts_at": datetime(2026, 3, 18, 9, 0, tzinfo=NY)}),
                           (MeetingAction.NO_SHOW, {}), (MeetingAction.HELD, {}),
                           (MeetingAction.REJECT, {"reason": "Bad timing"}), (MeetingAction.ACCEPT, {}),
                           (MeetingAction.OPPORTUNITY, {"value": 48000.0, "currency": "usd"})]:
        clock.advance(timedelta(hours=1))
        stamps.append(clock.now())
        view = ws.meetings.act(meeting_id, action, **kwargs).value
    assert view.rescheduled_at == stamps[0] and view.reschedule_count == 1
    assert view.scheduled_at == datetime(2026, 3, 18, 13, 0, tzinfo=UTC)
    assert view.no_show_at == stamps[1] and view.held_at == stamps[2]  # the no-show is kept
    assert view.rejected_at == stamps[3] and view.accepted_at == stamps[4]
    assert view.rejection_reason is None  # accepted after all
    assert (view.opportunity_value, view.currency, view.opportunity_at) == (48000.0, "USD", stamps[5])
    assert view.status == "accepted"


def test_impossible_steps_are_refused(ws: Workspace, small: SmallBook) -> None:
    meeting_id = _book(ws, small)
    with pytest.raises(ValidationError, match="booked cannot be marked"):
        ws.meetings.accept(meeting_id)
    ws.meetings.mark_held(meeting_id)
    with pytest.raises(ValidationError, match="why"):
        ws.meetings.reject(meeting_id, " ")
    with pytest.raises(ValidationError, match="held cannot be marked “cancel”"):
        ws.meetings.cancel(meeting_id)
    other = _book(ws, small)
    ws.meetings.cancel(other, "Prospect left the company")
    with pytest.raises(ValidationError):
        ws.meetings.mark_held(other)
    view = ws.meetings.reschedule(other, NOW + timedelta(days=3)).value  # rebooked
    assert view.status == "rescheduled" and view.cancel_reason == "Prospect left the company"


# -- handoff --------------------------------------------------------------------------------------

def test_handoff_has_each_section_from_the_record_in_three_formats(ws: Workspace, small: SmallBook) -> None:
    _qualify(ws, small)
    _answer(ws, small, "ae_questions", "Ask about the onboarding budget owner")
    meeting_id = _book(ws, small)
    draft = ws.handoff.assemble(small.contact_id, rep_name="Sam Rep")
    assert draft.meeting_id == meeting_id and draft.template_error is None
    assert draft.missing == ()
    md = draft.markdown
    for expected in ["# Handoff: Ana Lima at Nova Labs Inc",
                     "## Why they replied", "- Saw our ramp-time benchmark",
                     "Trigger: Raised a Series B round",
                     "## Pain", "- New reps take 4 months to hit quota",
                     "## Who else is involved", "- Bo Berg, Office Manager",
                     "## Timeline", "- This quarter", "## Next step", "- Demo with the AE, Bo joins",
                     "## What the AE should ask next", "- Ask about the onboarding budget owner",
                     "## Budget", "40,000 USD", "## Last call notes", "Wants a demo; Bo joins",
                     "- **AE:** Kim Ae (kim@seller.example)", "Booked by Sam Rep."]:
        assert expected in md, expected
    # The meeting in both zones: 10:00 in New York is 15:00 in Berlin that week (US DST began first).
    assert "Tue 17 Mar 2026, 10:00–10:45 EDT (America/New_York)" in md
    assert "Tue 17 Mar 2026, 15:00–15:45 CET (Europe/Berlin)" in md
    assert "Old news" not in md  # a stale trigger is not a reason
    assert "**" not in draft.text and "#" not in draft.text
    assert "Who else is involved\n--------------------" in draft.text
    assert "<h2>Pain</h2>" in draft.html and "<li>New reps take 4 months to hit quota</li>" in draft.html
    assert "<strong>AE:</strong>" in draft.html
    saved = ws.handoff.save(draft).value
    again = ws.handoff.save(ws.handoff.assemble(small.contact_id)).value
    assert again.id == saved.id  # one live record per meeting
    assert ws.handoff.latest(meeting_id).markdown.startswith("# Handoff")
    assert ws.meetings.get(meeting_id).has_handoff
    url = mailto_url(draft, "kim@seller.example")
    assert url.startswith("mailto:kim@seller.example?subject=Handoff%3A%20Ana%20Lima") and "&body=" in url


def test_missing_parts_are_listed_and_never_rendered_as_empty_headings(ws: Workspace,
                                                                         small: SmallBook) -> None:
    draft = ws.handoff.assemble(small.contact_id)
    assert draft.missing == ("Meeting (none booked)", "Why they replied", "Who else is involved", "Timeline",
                             "Next step", "What the AE should ask next", "Qualification (no answers yet)",
                             "Call notes")
    assert "## Pain" in draft.markdown  # research's likely pain fills in
    assert "(from research)" in draft.markdown
    for heading in ("## Why they replied", "## Timeline", "## Last call notes", "**Meeting:**"):
        assert heading not in draft.markdown
    assert drop_empty_headings("# A\n\n## B\n\n## C\n- x\n## D\n") == "# A\n\n## C\n- x\n"


def test_broken_or_unsafe_template_gets_a_message_and_the_default(ws: Workspace, small: SmallBook) -> None:
    broken = ws.handoff.assemble(small.contact_id, template_text="# Hi {{ contact.name }\n{% if %}")
    assert broken.template_error is not None and "line 1" in broken.template_error
    assert broken.markdown.startswith("# Handoff: Ana Lima")
    unsafe = ws.handoff.assemble(small.contact_id,
                                 template_text="{{ contact.__class__.__mro__[1].__subclasses__() }}")
    assert unsafe.template_error is not None and "failed while filling it in" in unsafe.template_error
    with pytest.raises(ValidationError, match="line 1"):
        ws.handoff.save_template("{% for %}")
    ws.handoff.save_template("# For {{ contact.name }}\n\n## Empty\n\n## Pain\n"
                             "{% for l in section.pain %}- {{ l }}\n{% endfor %}")
    custom = ws.handoff.assemble(small.contact_id)
    assert custom.template_error is None and ws.handoff.is_custom_template()
    assert custom.markdown.startswith("# For Ana Lima\n\n## Pain\n- New hires")
    assert "## Empty" not in custom.markdown
    html = ws.handoff.assemble(small.contact_id, template_text="<script>{{ contact.name }}</script>").html
    assert "<script>" not in html and "&lt;script&gt;" in html
    ws.handoff.save_template(None)
    assert not ws.handoff.is_custom_template()


# -- the invite -----------------------------------------------------------------------------------

def _shared_ics_dir() -> Path | None:
    extra = Path(os.environ.get("SDRDESK_SHARED_DATA", "/nonexistent"))
    for folder in (SHARED_DATA / "icalendar", extra / "icalendar"):
        if folder.is_dir():
            return folder
    return None


def _tree(component: icalendar.cal.Component) -> list[str]:
    return [component.name] + [f"{component.name}/{n}" for sub in component.subcomponents for n in _tree(sub)]


def test_ics_parses_back_with_timezone_organizer_attendees_and_handoff(ws: Workspace,
                                                                       small: SmallBook) -> None:
    _qualify(ws, small)
    meeting_id = _book(ws, small)
    ws.handoff.save(ws.handoff.assemble(small.contact_id))
    data = ws.meetings.ics(meeting_id, organizer_email="rep@seller.example")
    cal = icalendar.Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == datetime(2026, 3, 17, 10, 0, tzinfo=NY)
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(event["summary"]) == "Intro call: Ana Lima (Nova Labs Inc) with Kim Ae"
    assert "New reps take 4 months to hit quota" in str(event["description"])
    assert str(event["organizer"]) == "mailto:kim@seller.example"
    assert event["organizer"].params["CN"] == "Kim Ae"
    attendees = {str(a): a.params for a in event["attendee"]}
    assert attendees["mailto:ana@novalabs.com"]["RSVP"] == "TRUE"  # Bo has no e-mail: not invited by mail
    assert attendees["mailto:kim@seller.example"]["ROLE"] == "CHAIR"
    assert str(cal["method"]) == "REQUEST" and str(event["uid"]).endswith("@sdrdesk.invalid")


def test_ics_structure_matches_real_calendar_files(ws: Workspace, small: SmallBook) -> None:
    folder = _shared_ics_dir()
    if folder is None:
        pytest.skip("shared test data not present: icalendar")
    meeting_id = _book(ws, small)
    ours = icalendar.Calendar.from_ical(ws.meetings.ics(meeting_id))
    real = icalendar.Calendar.from_ical((folder / "timezoned.ics").read_bytes())
    # Same shape: a calendar holding a VTIMEZONE (standard + daylight rules) and a VEVENT.
    assert sorted(set(_tree(real))) == sorted(set(_tree(ours)))
    real_event, our_event = real.walk("VEVENT")[0], ours.walk("VEVENT")[0]
    for prop in ("DTSTART", "DTEND", "DTSTAMP", "UID", "SUMMARY", "DESCRIPTION", "CREATED"):
        if prop == "DESCRIPTION" and prop not in our_event:
            continue  # no handoff saved in this test
        assert prop in our_event, prop
        assert (prop in real_event) and type(real_event[prop]) is type(our_event[prop]), prop
    for cal in (real, ours):  # DTSTART's TZID names the file's own VTIMEZONE
        tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        assert cal.walk("VEVENT")[0]["DTSTART"].params["TZID"] in tzids
    for name in ("STANDARD", "DAYLIGHT"):
        real_rule, our_rule = real.walk(name)[0], ours.walk(name)[0]
        assert {"TZOFFSETFROM", "TZOFFSETTO", "DTSTART"} <= set(real_rule) & set(our_rule)
    # ORGANIZER / ATTENDEE look like the ones real clients write (CN, mailto:, RSVP).
    organizer = icalendar.Calendar.from_ical(
        (folder / "events_event_with_unicode_organizer.ics").read_bytes())
    rsvp = icalendar.Calendar.from_ical((folder / "events_event_with_rsvp.ics").read_bytes())
    assert str(organizer["ORGANIZER"]).startswith("mailto:")
    assert str(our_event["ORGANIZER"]).startswith("mailto:")
    assert set(organizer["ORGANIZER"].params) <= set(our_event["ORGANIZER"].params)
    assert set(rsvp["ATTENDEE"].params) <= set(our_event["ATTENDEE"][0].params)
    # And our file survives icalendar's own round trip.
    assert icalendar.Calendar.from_ical(ours.to_ical()).to_ical() == ours.to_ical()


def test_times_across_a_dst_change_and_for_a_prospect_in_another_zone(ws: Workspace,
                                                                       small: SmallBook) -> None:
    london = ZoneInfo("Europe/London")
    # The prospect is in London, the AE in New York. The US moved its clocks on 8 March, the UK
    # on 29 March: in between the two cities are 4 hours apart, else 5 (DST on both sides).
    before = _book(ws, small, datetime(2026, 3, 25, 9, 0, tzinfo=london), ae_zone="America/New_York",
                   prospect_zone="Europe/London")
    after = _book(ws, small, datetime(2026, 4, 1, 9, 0, tzinfo=london), ae_zone="America/New_York",
                  prospect_zone="Europe/London")
    first, second = ws.meetings.get(before), ws.meetings.get(after)
    assert first.scheduled_at == datetime(2026, 3, 25, 9, 0, tzinfo=UTC)  # GMT
    assert second.scheduled_at == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)  # BST
    assert first.scheduled_at.astimezone(NY).hour == 5 and second.scheduled_at.astimezone(NY).hour == 4
    draft = ws.handoff.assemble(small.contact_id, after)
    assert "Wed 01 Apr 2026, 09:00–09:45 BST (Europe/London)" in draft.markdown
    assert "Wed 01 Apr 2026, 04:00–04:45 EDT (America/New_York)" in draft.markdown
    for meeting_id, expected_utc in ((before, datetime(2026, 3, 25, 9, 0, tzinfo=UTC)),
                                     (after, datetime(2026, 4, 1, 8, 0, tzinfo=UTC))):
        cal = icalendar.Calendar.from_ical(ws.meetings.ics(meeting_id))
        start = cal.walk("VEVENT")[0].decoded("dtstart")
        assert start.hour == 9 and start.astimezone(UTC) == expected_utc
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
        names = {str(c["TZNAME"]) for c in cal.walk("VTIMEZONE")[0].subcomponents}
        assert names == {"GMT", "BST"}


def test_what_the_call_did_not_cover_becomes_questions_for_the_ae(ws: Workspace, small: SmallBook) -> None:
    _answer(ws, small, "pain", "Slow ramp")
    _book(ws, small)  # Bo is invited: who else is involved is known
    section = {s.key: s.lines for s in ws.handoff.assemble(small.contact_id).sections}
    assert section["ae_questions"] == ("Why they replied: not covered on the call yet",
                                       "ICP fit: not covered on the call yet",
                                       "Authority: not covered on the call yet",
                                       "Timeline: not covered on the call yet",
                                       "Business impact: not covered on the call yet")
    assert section["involved"] == ("Bo Berg, Office Manager (invited)",)
    assert section["next_step"][0].startswith("Meeting with Kim Ae: Tue 17 Mar 2026, 10:00–10:45 EDT")
