"""Meetings for the CRM: the saved handoff, the contact's qualification and the whole lifecycle."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sdrdesk.domain.meetings import MeetingStatus
from sdrdesk.services.crm_export.formats import hubspot_meeting_outcome
from sdrdesk.storage import models as m
from tests.conftest import TEST_DATA
from tests.crm.fake_hubspot import TOKEN, FakeHubSpot, running
from tests.crm.helpers import WorkedDay
from tests.crm.test_crm_export import ISO_Z, SF_DATETIME, read

REFERENCE = json.loads((TEST_DATA / "crm_reference_columns.json").read_text(encoding="utf-8"))
ANSWERS = ("Budget: 50,000 USD; Authority: Decision maker; Need: Ramp time; Timeline: 2027-01-15; "
           "legacy_key: kept")


@pytest.fixture
def hub() -> Iterator[FakeHubSpot]:
    with running() as fake:
        yield fake


def export(day: WorkedDay, target: str, out: Path, since: str | None = None) -> dict[str, str]:
    result = day.ws.crm.export(target, "meetings", out, since, remember=since == "last")
    rows = read(result.files[0].path) if result.files else []
    assert len(rows) <= 1
    return rows[0] if rows else {}


def save_handoff(day: WorkedDay, text: str) -> None:
    contact = day.contacts[3]
    draft = day.ws.handoff.assemble(contact, day.meeting_id)
    day.ws.handoff.save(dataclasses.replace(draft, text=text))


def test_meeting_rows_carry_the_latest_handoff_and_the_qualification(
        worked_day: WorkedDay, tmp_path: Path) -> None:
    day = worked_day
    assert export(day, "hubspot", tmp_path / "first.csv", "last")  # the mark is set
    assert not export(day, "hubspot", tmp_path / "nothing.csv", "last")  # nothing changed since

    day.clock.advance(timedelta(minutes=5))
    save_handoff(day, "Handoff v1")
    day.clock.advance(timedelta(minutes=5))
    save_handoff(day, "Handoff v2: VP Sales wants a demo of ramp reporting.")
    # Only the handoff changed: "since last" still takes the meeting, with the new text.
    assert [p.rows for p in day.ws.crm.preview("hubspot", "meetings", "last").sheets] == [1]
    hs = export(day, "hubspot", tmp_path / "hs.csv", "last")
    assert hs["hs_meeting_body"].startswith("Handoff v2: VP Sales wants a demo")
    assert "Handoff v1" not in hs["hs_meeting_body"]
    assert "Ramp time is their pain" not in hs["hs_meeting_body"]  # the saved handoff wins
    assert "Account Executive: Alex AE <alex@ourco.com>" in hs["hs_meeting_body"]
    assert f"Qualification: bant · qualified · score 75 — {ANSWERS}" in hs["hs_meeting_body"]
    assert (hs["sdrdesk_qualification_framework"], hs["sdrdesk_qualification_status"],
            hs["sdrdesk_qualification_score"], hs["sdrdesk_qualification_answers"]) == (
        "bant", "qualified", "75", ANSWERS)

    sf = export(day, "salesforce", tmp_path / "sf.csv")
    assert sf["Description"].startswith("Handoff v2: VP Sales wants a demo")
    assert (sf["SDRDesk_Qualification_Framework__c"], sf["SDRDesk_Qualification_Status__c"],
            sf["SDRDesk_Qualification_Score__c"], sf["SDRDesk_Qualification_Answers__c"]) == (
        "bant", "qualified", "75", ANSWERS)

    plain = export(day, "plain", tmp_path / "plain.csv")
    assert plain["Handoff Summary"].startswith("Handoff v2")
    assert (plain["Qualification Framework"], plain["Qualification Status"], plain["Qualification Score"],
            plain["Qualification Answers"]) == ("bant", "qualified", "75", ANSWERS)

    # The contact's qualification changing later (disqualified) reaches the next export too.
    day.clock.advance(timedelta(minutes=5))
    with day.ws.uow_factory() as uow:
        qual = uow.session.get(m.Qualification, uow.meetings.get(day.meeting_id).qualification_id)
        qual.status, qual.disqualify_reason, qual.updated_at = "disqualified", "No budget", day.clock.now()
        uow.commit()
    again = export(day, "hubspot", tmp_path / "again.csv", "last")
    assert again["sdrdesk_qualification_status"] == "disqualified"
    assert again["sdrdesk_qualification_answers"].endswith("; Disqualified because: No budget")


def test_the_lifecycle_maps_to_hubspot_outcomes_and_salesforce_event_fields(
        worked_day: WorkedDay, tmp_path: Path) -> None:
    day, meetings = worked_day, worked_day.ws.meetings
    booked = export(day, "hubspot", tmp_path / "booked.csv")
    assert booked["hs_meeting_outcome"] == "SCHEDULED" and booked["sdrdesk_outcome"] == "Booked"
    assert ISO_Z.match(booked["sdrdesk_booked_at"]) and booked["sdrdesk_held_at"] == ""

    day.clock.advance(timedelta(hours=1))
    start = day.clock.now() + timedelta(days=3)
    meetings.reschedule(day.meeting_id, start)
    assert export(day, "hubspot", tmp_path / "r.csv")["hs_meeting_outcome"] == "RESCHEDULED"
    day.clock.advance(timedelta(days=3))
    meetings.mark_no_show(day.meeting_id)
    assert export(day, "hubspot", tmp_path / "n.csv")["hs_meeting_outcome"] == "NO_SHOW"
    day.clock.advance(timedelta(hours=2))
    meetings.mark_held(day.meeting_id)  # joined late
    day.clock.advance(timedelta(hours=2))
    meetings.reject(day.meeting_id, "Not qualified (budget)")

    hs = export(day, "hubspot", tmp_path / "hs.csv")
    assert hs["hs_meeting_outcome"] == "COMPLETED" and hs["sdrdesk_outcome"] == "Rejected"
    assert hs["hs_meeting_outcome"] in REFERENCE["hubspot"]["meetings"]["hs_meeting_outcome"]
    assert hs["sdrdesk_reschedule_count"] == "1"
    assert hs["sdrdesk_rejection_reason"] == "Not qualified (budget)"
    for key in ("booked", "rescheduled", "held", "no_show", "rejected"):
        assert ISO_Z.match(hs[f"sdrdesk_{key}_at"]), key
    steps = [line.split(" ", 1)[1] for line in hs["hs_internal_meeting_notes"].splitlines()]
    assert steps == ["Rejected", "Booked", "Rescheduled (last)", "No-show", "Held",
                     "Rejected by the AE: Not qualified (budget)"]  # "Status: Rejected", then in time order

    sf = export(day, "salesforce", tmp_path / "sf.csv")
    assert sf["SDRDesk_Outcome__c"] == "Rejected" and sf["ShowAs"] == "Busy"
    assert SF_DATETIME.match(sf["SDRDesk_Rejected_At__c"]) and SF_DATETIME.match(sf["SDRDesk_No_Show_At__c"])
    assert sf["SDRDesk_Rejection_Reason__c"] == "Not qualified (budget)"
    assert "Rejected by the AE: Not qualified (budget)" in sf["Description"]  # readable without custom fields
    assert SF_DATETIME.match(sf["StartDateTime"])
    assert sf["StartDateTime"].startswith(start.strftime("%Y-%m-%d"))

    plain = export(day, "plain", tmp_path / "p.csv")
    assert (plain["Status"], plain["Status Key"], plain["Reschedule Count"]) == ("Rejected", "rejected", "1")
    assert plain["Rejection Reason"] == "Not qualified (budget)" and ISO_Z.match(plain["Held At (UTC)"])

    meetings.accept(day.meeting_id)  # the AE changed their mind
    accepted = export(day, "plain", tmp_path / "a.csv")
    assert accepted["Status"] == "Accepted" and ISO_Z.match(accepted["Accepted At (UTC)"])


def test_a_cancelled_meeting_is_canceled_in_hubspot_and_free_in_salesforce(
        worked_day: WorkedDay, tmp_path: Path) -> None:
    worked_day.clock.advance(timedelta(minutes=30))
    worked_day.ws.meetings.cancel(worked_day.meeting_id, "Budget freeze until Q2")
    hs = export(worked_day, "hubspot", tmp_path / "hs.csv")
    assert (hs["hs_meeting_outcome"], hs["sdrdesk_cancel_reason"]) == ("CANCELED", "Budget freeze until Q2")
    assert hs["hs_internal_meeting_notes"].endswith("Cancelled: Budget freeze until Q2")
    sf = export(worked_day, "salesforce", tmp_path / "sf.csv")
    assert (sf["ShowAs"], sf["SDRDesk_Cancel_Reason__c"]) == ("Free", "Budget freeze until Q2")
    assert sf["ShowAs"] in REFERENCE["salesforce"]["event"]["ShowAs"]
    assert export(worked_day, "plain", tmp_path / "p.csv")["Cancel Reason"] == "Budget freeze until Q2"


def test_every_meeting_status_has_a_documented_hubspot_outcome() -> None:
    documented = REFERENCE["hubspot"]["meetings"]["hs_meeting_outcome"]
    expected = {"booked": "SCHEDULED", "rescheduled": "RESCHEDULED", "cancelled": "CANCELED",
                "held": "COMPLETED", "no_show": "NO_SHOW", "accepted": "COMPLETED", "rejected": "COMPLETED"}
    assert {s.value: hubspot_meeting_outcome(s.value) for s in MeetingStatus} == expected
    assert set(expected.values()) <= set(documented)


def test_the_push_sends_the_handoff_and_the_lifecycle(worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    from sdrdesk.services.crm_export.hubspot import HubSpotClient

    save_handoff(worked_day, "Handoff for the AE: champion is the VP Sales.")
    worked_day.clock.advance(timedelta(minutes=10))
    worked_day.ws.meetings.mark_held(worked_day.meeting_id)
    result = worked_day.ws.crm.push_hubspot(client=HubSpotClient(TOKEN, base_url=hub.url))
    assert result.failed == 0 and result.remaining == 0
    (meeting,) = hub.of("meetings")
    props = meeting["properties"]
    assert props["hs_meeting_body"].startswith("Handoff for the AE: champion is the VP Sales.")
    assert f"Qualification: bant · qualified · score 75 — {ANSWERS}" in props["hs_meeting_body"]
    assert props["hs_meeting_outcome"] == "COMPLETED"
    assert props["hs_internal_meeting_notes"].splitlines()[-1].endswith(" Held")
    assert not any(k.startswith("sdrdesk_") for k in props)  # custom properties only go in files

    # A new handoff alone queues the meeting again and updates it in HubSpot.
    worked_day.clock.advance(timedelta(minutes=10))
    save_handoff(worked_day, "Handoff, corrected: champion is the CFO.")
    assert worked_day.ws.crm.push_hubspot(client=HubSpotClient(TOKEN, base_url=hub.url)).sent == 1
    assert hub.of("meetings")[0]["properties"]["hs_meeting_body"].startswith("Handoff, corrected")
