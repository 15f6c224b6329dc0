"""Export for CRM: documented columns and values, the day's touches, incremental, idempotent."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from sdrdesk.cli import main
from sdrdesk.services.calls import CallLog
from sdrdesk.services.crm_export.formats import FORMATS
from tests.conftest import TEST_DATA
from tests.crm.helpers import WorkedDay

REFERENCE = json.loads((TEST_DATA / "crm_reference_columns.json").read_text(encoding="utf-8"))
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SF_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
SF_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for spreadsheets"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _allowed_hubspot(sheet_key: str) -> set[str]:
    hs = REFERENCE["hubspot"]
    obj = {"calls": "calls", "emails": "emails", "linkedin": "communications", "notes": "notes",
           "meetings": "meetings", "contacts": "contacts", "companies": "companies"}[sheet_key]
    return set(hs[obj]["properties"]) | set(hs["import_association_columns"]["columns"]) | set(hs["custom"])


def _allowed_salesforce(sheet_key: str) -> set[str]:
    sf = REFERENCE["salesforce"]
    obj = {"tasks": "task", "events": "event", "contacts": "contact", "accounts": "account"}[sheet_key]
    return set(sf[obj]["fields"]) | set(sf["relationship_columns"]["columns"]) | set(sf["custom"])


@pytest.mark.parametrize("target", ["hubspot", "salesforce"])
def test_every_column_is_a_documented_name_or_a_declared_custom_field(target: str) -> None:
    allowed = _allowed_hubspot if target == "hubspot" else _allowed_salesforce
    for sheets in FORMATS[target].values():
        for sheet in sheets:
            unknown = set(sheet.header) - allowed(sheet.key)
            assert not unknown, f"{target} {sheet.key}: {unknown}"
            assert len(sheet.header) == len(set(sheet.header))


def _export_all(day: WorkedDay, target: str, out: Path, since: object = None) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for kind in ("activities", "meetings", "contacts", "accounts"):
        result = day.ws.crm.export(target, kind, out / f"{target}-{kind}.csv", since)
        files.update({f.sheet: f.path for f in result.files})
    return files


def test_hubspot_files_hold_the_day_with_documented_values(worked_day: WorkedDay, tmp_path: Path) -> None:
    ref = REFERENCE["hubspot"]
    files = _export_all(worked_day, "hubspot", tmp_path)
    calls = read(files["calls"])
    today = [r for r in calls if r["sdrdesk_id"] in {str(i) for i in worked_day.calls}]
    assert len(today) == 6
    for row in calls:
        assert ISO_Z.match(row["hs_timestamp"])
        assert row["hs_call_direction"] in ref["calls"]["hs_call_direction"]
        assert row["hs_call_status"] in ref["calls"]["hs_call_status"]
        assert row["hs_call_disposition"] in ref["calls"]["hs_call_disposition"].values()
        assert "@" in row["Email"] and row["Company Domain Name"]
    first = next(r for r in today if r["sdrdesk_id"] == str(worked_day.calls[0]))
    assert first["hs_call_disposition"] == ref["calls"]["hs_call_disposition"]["Connected"]
    assert first["hs_call_duration"] == "30000"  # milliseconds
    assert first["hs_call_body"].startswith("'=cmd")  # formula-safe
    assert first["hs_call_to_number"] == "'+14155550123"  # the number dialled, formula-safe too
    voicemail = next(r for r in today if r["sdrdesk_id"] == str(worked_day.calls[1]))
    assert voicemail["hs_call_disposition"] == ref["calls"]["hs_call_disposition"]["Left voicemail"]
    assert "«ünïcode»" in voicemail["hs_call_body"]
    assert next(r for r in today if r["sdrdesk_outcome"] == "No answer")["hs_call_status"] == "NO_ANSWER"

    emails = read(files["emails"])
    mail = next(r for r in emails if r["sdrdesk_id"] == str(worked_day.touches[0]))
    assert (mail["hs_email_direction"], mail["hs_email_status"]) == ("EMAIL", "SENT")
    assert {r["hs_email_direction"] for r in emails} <= set(ref["emails"]["hs_email_direction"])
    assert {r["hs_email_status"] for r in emails} <= set(ref["emails"]["hs_email_status"])
    linkedin = read(files["linkedin"])
    touch = next(r for r in linkedin if r["sdrdesk_id"] == str(worked_day.touches[1]))
    assert touch["hs_communication_channel_type"] == "LINKEDIN_MESSAGE"
    assert touch["hs_communication_logged_from"] == "CRM"

    meeting = read(files["meetings"])[0]
    assert meeting["sdrdesk_id"] == str(worked_day.meeting_id)
    assert meeting["hs_meeting_outcome"] in ref["meetings"]["hs_meeting_outcome"]
    assert ISO_Z.match(meeting["hs_meeting_start_time"]) and ISO_Z.match(meeting["hs_meeting_end_time"])
    assert "Ramp time is their pain" in meeting["hs_meeting_body"]
    assert (meeting["sdrdesk_qualification_framework"], meeting["sdrdesk_qualification_status"],
            meeting["sdrdesk_qualification_score"]) == ("bant", "qualified", "75")
    assert meeting["sdrdesk_qualification_answers"] == (
        "Budget: 50,000 USD; Authority: Decision maker; Need: Ramp time; Timeline: 2027-01-15; "
        "legacy_key: kept")

    contacts = read(files["contacts"])
    flagged = [r for r in contacts if r["sdrdesk_do_not_call"] == "true"]
    assert len(flagged) == 1 and flagged[0]["sdrdesk_id"] == str(worked_day.dnc_contact)
    assert flagged[0]["sdrdesk_do_not_contact_reason"] == "call: Asked on the phone"
    assert ISO_Z.match(flagged[0]["sdrdesk_do_not_contact_date"])
    assert all(r["email"] == r["email"].lower() for r in contacts)
    booked = next(r for r in contacts if r["sdrdesk_id"] == str(worked_day.contacts[3]))
    assert booked["sdrdesk_qualification"] == ("bant qualified 75 — Budget: 50,000 USD; "
                                               "Authority: Decision maker; "
                                               "Need: Ramp time; Timeline: 2027-01-15; legacy_key: kept")
    assert sum(bool(r["sdrdesk_qualification"]) for r in contacts) == 1
    companies = read(files["companies"])
    assert len(companies) == 12 and all(r["domain"] and "." in r["domain"] for r in companies)


def test_salesforce_files_hold_the_day_with_documented_values(worked_day: WorkedDay, tmp_path: Path) -> None:
    ref = REFERENCE["salesforce"]
    files = _export_all(worked_day, "salesforce", tmp_path)
    tasks = read(files["tasks"])
    ours = {r["SDRDesk_Id__c"]: r for r in tasks}
    for call_id in worked_day.calls:
        row = ours[str(call_id)]
        assert (row["TaskSubtype"], row["CallType"], row["Status"]) == ("Call", "Outbound", "Completed")
        assert SF_DATE.match(row["ActivityDate"]) and row["CallDisposition"]
        assert row["Contact:Who.Email"] and row["Account:What.SDRDesk_Id__c"]
    assert ours[str(worked_day.calls[0])]["CallDurationInSeconds"] == "30"
    assert ours[str(worked_day.touches[0])]["TaskSubtype"] == "Email"
    assert ours[str(worked_day.touches[1])]["TaskSubtype"] == "LinkedIn"
    assert {r["TaskSubtype"] for r in tasks} <= set(ref["task"]["TaskSubtype"])
    assert {r["CallType"] for r in tasks} <= {*ref["task"]["CallType"], ""}
    event = read(files["events"])[0]
    assert SF_DATETIME.match(event["StartDateTime"]) and SF_DATETIME.match(event["EndDateTime"])
    assert event["DurationInMinutes"] == "30"
    contacts = {r["SDRDesk_Id__c"]: r for r in read(files["contacts"])}
    assert contacts[str(worked_day.dnc_contact)]["DoNotCall"] == "true"
    assert sum(r["DoNotCall"] == "true" for r in contacts.values()) == 1
    accounts = {r["SDRDesk_Id__c"] for r in read(files["accounts"])}
    assert {r["Account.SDRDesk_Id__c"] for r in contacts.values()} <= accounts


def test_since_last_exports_only_new_work_and_the_same_export_is_identical(
        worked_day: WorkedDay, tmp_path: Path) -> None:
    crm = worked_day.ws.crm
    preview = crm.preview("salesforce", "activities", "last")
    first = crm.export("salesforce", "activities", tmp_path / "1.csv", "last")
    assert first.rows == preview.rows == 120 + 6 + 2
    assert crm.preview("salesforce", "activities", "last").rows == 0
    assert crm.export("salesforce", "activities", tmp_path / "2.csv", "last").rows == 0
    # Another target keeps its own mark.
    assert crm.preview("hubspot", "activities", "last").rows == 128
    worked_day.clock.advance(timedelta(minutes=5))
    new = worked_day.ws.calls.log_call(CallLog(contact_id=worked_day.contacts[0], disposition="busy"))
    third = crm.export("salesforce", "activities", tmp_path / "3.csv", "last")
    assert [r["SDRDesk_Id__c"] for r in read(third.files[0].path)] == [str(new.activity_id)]
    # A flag recorded today puts that contact (and only it) into the next contacts export.
    crm.export("plain", "contacts", tmp_path / "c1.csv", "last")
    worked_day.ws.calls.log_call(CallLog(contact_id=worked_day.contacts[5], disposition="do_not_call"))
    assert crm.preview("plain", "contacts", "last").rows == 1
    # Files written without remembering (the dialog remembers through the writer afterwards).
    unremembered = crm.export("plain", "contacts", tmp_path / "c1b.csv", "last", remember=False)
    assert unremembered.rows == 1 and crm.preview("plain", "contacts", "last").rows == 1
    again = read(crm.export("plain", "contacts", tmp_path / "c2.csv", "last").files[0].path)
    assert [r["External ID"] for r in again] == [str(worked_day.contacts[5])]
    assert crm.preview("plain", "contacts", "last").rows == 0
    assert crm.mark("plain", "contacts").last_rows == 1
    # The same export twice gives the same bytes.
    since = date(2026, 1, 1)
    a = crm.export("hubspot", "activities", tmp_path / "a" / "x.csv", since)
    b = crm.export("hubspot", "activities", tmp_path / "b" / "x.csv", since)
    assert [f.path.read_bytes() for f in a.files] == [f.path.read_bytes() for f in b.files]
    assert len(a.files) == 4


def test_cli_export_preview_and_errors(worked_day: WorkedDay, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    book = str(worked_day.ws.path)
    out = tmp_path / "calls.csv"
    assert main(["export", "activities", str(out), "--format", "hubspot", "--preview", "--data", book]) == 0
    assert "128 activities for hubspot, everything: calls" in capsys.readouterr().out
    assert not out.exists()
    assert main(["export", "activities", str(out), "--format", "hubspot", "--since", "last",
                 "--data", book]) == 0
    printed = capsys.readouterr().out
    assert "to " + str(out) in printed and out.with_name("calls-emails.csv").exists()
    assert main(["export", "meetings", str(tmp_path / "m.csv"), "--data", book]) == 0
    assert len(read(tmp_path / "m.csv")) == 1
    assert main(["export", "activities", str(out), "--since", "yesterday", "--data", book]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--since takes" in err[0]


def test_a_cancelled_export_leaves_no_file_and_keeps_the_mark(worked_day: WorkedDay, tmp_path: Path) -> None:
    from sdrdesk.domain.cancel import CancelToken, OperationCancelled

    token = CancelToken()
    token.cancel()
    with pytest.raises(OperationCancelled):
        worked_day.ws.crm.export("hubspot", "activities", tmp_path / "out" / "a.csv", "last", cancel=token)
    assert list((tmp_path / "out").iterdir()) == []
    assert worked_day.ws.crm.mark("hubspot", "activities") is None
    assert worked_day.ws.crm.preview("hubspot", "activities", "last").rows == 128
