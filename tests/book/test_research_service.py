"""Research DTO, the ICP rubric, stale triggers, prospects' time zones and in-place edits (no Qt)."""

from __future__ import annotations

from datetime import date

import pytest

from sdrdesk.domain import icp
from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.timezones import local_time_label
from sdrdesk.domain.triggers import age_label, is_stale
from sdrdesk.services import research as rs
from sdrdesk.services.research import FieldEdit
from sdrdesk.services.workspace import Workspace, open_workspace

from .conftest import NOW, Seeded

TODAY = NOW.date()


def _research(ws: Workspace, account_id, region: str = "US") -> rs.AccountResearch:  # type: ignore[no-untyped-def]
    with ws.uow_factory() as uow:
        found = rs.load_research(uow, account_id, TODAY, region)
    assert found is not None
    return found


def test_research_has_facts_triggers_and_live_contacts(workspace: Workspace, seeded: Seeded) -> None:
    r = _research(workspace, seeded.northwind)
    assert (r.name, r.domain, r.industry, r.employee_count) == (
        "Northwind Analytics Inc.", "northwind.io", "Software", 420)
    assert (r.city, r.region, r.country, r.source_label, r.icp_tier) == (
        "Toronto", "ON", "CA", "Inbound webinar", "A")
    assert [c.name for c in r.contacts] == ["Jane Doe"]  # the tombstoned Gary Ghost is not shown
    assert [(t.description, t.stale) for t in r.triggers] == [
        ("Raised a Series B round", False), ("Opened a new office", True)]  # newest first
    assert r.triggers[0].age == "18 days ago"


def test_phone_shown_in_the_reps_display_format(workspace: Workspace, seeded: Seeded) -> None:
    assert _research(workspace, seeded.northwind, "CA").contacts[0].primary_phone == "(416) 555-0199"
    assert _research(workspace, seeded.northwind, "US").contacts[0].primary_phone == "+1 416-555-0199"
    assert _research(workspace, seeded.mueller_ag, "US").contacts[0].primary_phone == "+49 30 1234567"


def test_toronto_number_shows_toronto_time(workspace: Workspace, seeded: Seeded, clock: FakeClock) -> None:
    jane = _research(workspace, seeded.northwind).contacts[0]
    assert jane.zones.source == "phone"
    assert local_time_label(jane.zones, clock.now()) == "11:00 Toronto"  # 15:00 UTC, EDT since 8 March


def test_australian_mobile_says_possible_zones_not_a_guess(workspace: Workspace, seeded: Seeded,
                                                          clock: FakeClock) -> None:
    bruce = _research(workspace, seeded.outback).contacts[0]
    assert bruce.zones.ambiguous and {"Australia/Sydney", "Australia/Perth"} <= set(bruce.zones.zones)
    assert local_time_label(bruce.zones, clock.now()) == f"{len(bruce.zones.zones)} possible zones"


def test_invalid_number_without_a_place_is_unknown(workspace: Workspace, seeded: Seeded,
                                                   clock: FakeClock) -> None:
    nora = _research(workspace, seeded.mystery).contacts[0]
    assert not nora.phones[0].valid
    assert local_time_label(nora.zones, clock.now()) == "unknown"


def test_pinned_zone_wins_over_the_phone(workspace: Workspace, seeded: Seeded, clock: FakeClock) -> None:
    rs.apply_edit(workspace.uow_factory, rs.pin_zone(seeded.bruce, "Australia/Perth"), clock)
    bruce = _research(workspace, seeded.outback).contacts[0]
    assert bruce.zones.source == "pinned"
    assert local_time_label(bruce.zones, clock.now()) == "23:00 Perth"
    with pytest.raises(ValidationError):
        rs.apply_edit(workspace.uow_factory, rs.pin_zone(seeded.bruce, "Mars/Olympus"), clock)


def test_edit_is_saved_survives_reopening_and_inverse_restores(seeded: Seeded, clock: FakeClock) -> None:
    ws = open_workspace(seeded.path, clock)
    edit = FieldEdit("account", seeded.northwind, "likely_pain", "  Pipeline under 2x  ")
    inverse, changes = rs.apply_edit(ws.uow_factory, edit, clock)
    assert inverse == FieldEdit("account", seeded.northwind, "likely_pain", "Ramp time")
    assert changes.accounts == {seeded.northwind}
    ws.close()

    reopened = open_workspace(seeded.path, clock)  # a new engine: what is on disk
    try:
        assert _research(reopened, seeded.northwind).likely_pain == "Pipeline under 2x"
        again, _ = rs.apply_edit(reopened.uow_factory, inverse, clock)
        assert again.value == "Pipeline under 2x"
        assert _research(reopened, seeded.northwind).likely_pain == "Ramp time"
    finally:
        reopened.close()


def test_contact_edit_reports_contact_and_account(workspace: Workspace, seeded: Seeded,
                                                  clock: FakeClock) -> None:
    edit = FieldEdit("contact", seeded.jane, "title", "CRO")
    _, changes = rs.apply_edit(workspace.uow_factory, edit, clock)
    assert changes.contacts == {seeded.jane} and changes.accounts == {seeded.northwind}
    same, nothing = rs.apply_edit(workspace.uow_factory, edit, clock)
    assert nothing.empty and same.value == "CRO"


@pytest.mark.parametrize(("field", "value", "stored"), [
    ("employee_count", "1,500", 1500), ("icp_tier", "b", "B"), ("country", "de", "DE"),
    ("domain", "NorthWind.IO", "northwind.io"), ("research_notes", "   ", None),
])
def test_values_are_cleaned(workspace: Workspace, seeded: Seeded, clock: FakeClock, field: str,
                            value: object, stored: object) -> None:
    rs.apply_edit(workspace.uow_factory, FieldEdit("account", seeded.northwind, field, value), clock)  # type: ignore[arg-type]
    assert _research(workspace, seeded.northwind).value_of(field) == (stored if stored is not None else "")


@pytest.mark.parametrize(("table", "field", "value"), [
    ("account", "employee_count", "lots"), ("account", "employee_count", "-3"), ("account", "icp_tier", "Z"),
    ("account", "country", "Germany"), ("account", "name", "  "), ("account", "id", "x"),
    ("contact", "last_name", "x"), ("meeting", "notes", "x"),
])
def test_bad_edits_are_refused_with_a_message(workspace: Workspace, seeded: Seeded, clock: FakeClock,
                                              table: str, field: str, value: str) -> None:
    record = seeded.jane if table == "contact" else seeded.northwind
    with pytest.raises(ValidationError) as refused:
        rs.apply_edit(workspace.uow_factory, FieldEdit(table, record, field, value), clock)
    assert refused.value.user_message
    assert _research(workspace, seeded.northwind).employee_count == 420


def test_editing_a_deleted_record_says_so(workspace: Workspace, seeded: Seeded, clock: FakeClock) -> None:
    with pytest.raises(RecordNotFound):
        rs.apply_edit(workspace.uow_factory, FieldEdit("account", seeded.tombstoned_account, "notes", "x"),
                      clock)


def test_icp_rubric_shows_each_criterion_and_why() -> None:
    fit = icp.evaluate(icp.IcpFacts(industry="Software", employee_count=8000, country="de",
                                    contact_personas=("gatekeeper", "champion"),
                                    trigger_dates=(date(2026, 1, 1), None)), TODAY)
    assert [(c.name, c.met) for c in fit.criteria] == [
        ("Industry", True), ("Company size", False), ("Market", True), ("Buyer in the book", True),
        ("Recent trigger", True)]
    assert fit.criteria[1].reason == "8,000 employees (outside 50-5,000)"
    assert fit.score_label == "4/5 criteria met" and fit.suggested_tier == "A"
    empty = icp.evaluate(icp.IcpFacts(None, None, None), TODAY)
    assert empty.met == 0 and empty.suggested_tier == "C"
    assert {c.reason for c in empty.criteria} >= {"industry unknown", "employee count unknown"}


def test_trigger_staleness_rule() -> None:
    assert not is_stale(date(2026, 1, 1), date(2026, 3, 31))  # 89 days
    assert is_stale(date(2025, 12, 1), date(2026, 3, 31))
    assert not is_stale(None, date(2026, 3, 31))  # undated: we cannot know
    assert is_stale(date(2026, 3, 1), date(2026, 3, 31), max_age_days=7)
    assert age_label(None, TODAY) == "undated" and age_label(TODAY, TODAY) == "today"
    assert age_label(date(2025, 6, 1), TODAY) == "9 months ago"
