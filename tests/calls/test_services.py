"""Call logging, DNC, drafts, objections, scripts, timeline and the default library on a real file."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.compliance import CallBlocked, check_call
from sdrdesk.domain.dispositions import DISPOSITIONS, SequenceEffect
from sdrdesk.domain.errors import ValidationError
from sdrdesk.services import default_library
from sdrdesk.services.calls import CallLog, CallService, calling_windows
from sdrdesk.services.objections import ObjectionEdit, ObjectionService
from sdrdesk.services.scripts import ScriptRow, ScriptService, best_script
from sdrdesk.services.timeline import timeline_ids, timeline_rows
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory
from tests.calls.helpers import NOW, SmallBook, make_small_book


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def small(uow_factory: UowFactory) -> SmallBook:
    default_library.ensure_default_library(uow_factory)
    return make_small_book(uow_factory)


@pytest.mark.parametrize("kind", [d for d in DISPOSITIONS], ids=lambda d: d.key)
def test_each_disposition_writes_the_activity_and_implies_its_effect(
        uow_factory: UowFactory, small: SmallBook, clock: FakeClock, kind) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(uow_factory, clock)
    callback = NOW + timedelta(days=1) if kind.needs_callback_time else None
    logged = calls.log_call(CallLog(small.contact_id, kind.key, notes="  Spoke to Ana  ",
                                    duration_seconds=95, task_id=small.task_id, callback_at=callback))
    assert logged.effect is kind.effect and logged.disposition == kind.key
    with uow_factory() as uow:
        activity = uow.activities.get(logged.activity_id)
        assert activity is not None
        assert (activity.kind, activity.direction, activity.disposition) == ("call", "outbound", kind.key)
        assert activity.contact_id == small.contact_id and activity.account_id == small.account_id
        assert activity.duration_seconds == 95 and activity.notes == "Spoke to Ana"
        assert activity.occurred_at == NOW and activity.callback_at == callback
        task = uow.tasks.get(small.task_id)
        assert task is not None and (task.status, task.outcome) == ("done", kind.key)
        enrollment = uow.enrollments.get(small.enrollment_id)
        dnc_rows = uow.do_not_contact.list()
        if kind.do_not_call:
            assert enrollment is not None and enrollment.status == "ended"
            assert enrollment.end_reason == "do_not_call"
            assert [(r.channel, r.source, r.recorded_at) for r in dnc_rows] == [
                ("call", "call disposition", NOW)]
            later = uow.tasks.get(small.later_task_id)
            assert later is not None and later.status == "skipped"
        else:
            # Every effect is applied (issue 13): the end with its reason, a pause, or still active.
            assert enrollment is not None and dnc_rows == []
            if kind.effect is SequenceEffect.END:
                assert (enrollment.status, enrollment.end_reason) == ("ended", kind.key)
            elif kind.effect is SequenceEffect.PAUSE and not kind.needs_callback_time:
                assert enrollment.status == "paused"
            else:
                assert enrollment.status == "active"
    assert logged.changes.activities and small.task_id in logged.changes.tasks
    assert logged.changes.sequences


def test_callback_needs_a_time(uow_factory: UowFactory, small: SmallBook, clock: FakeClock) -> None:
    with pytest.raises(ValidationError):
        CallService(uow_factory, clock).log_call(CallLog(small.contact_id, "callback_requested"))
    with uow_factory() as uow:
        assert uow.activities.count() == 0  # nothing half-written


def test_do_not_call_blocks_the_next_dial(uow_factory: UowFactory, small: SmallBook,
                                          clock: FakeClock) -> None:
    calls = CallService(uow_factory, clock)
    windows = calling_windows("08:00", "21:00")
    before = calls.target(small.contact_id)
    assert before is not None and before.call_blocked_by is None
    assert not isinstance(check_call(NOW, before.zones, windows, dnc=before.dnc), CallBlocked)
    logged = calls.log_call(CallLog(small.contact_id, "do_not_call", dnc_reason="Said never call again"))
    assert logged.effect is SequenceEffect.END and logged.ended_enrollments == (small.enrollment_id,)
    after = calls.target(small.contact_id)
    assert after is not None and after.call_blocked_by is not None
    decision = check_call(NOW, after.zones, windows, dnc=after.dnc)
    assert isinstance(decision, CallBlocked) and "Said never call again" in decision.reason


def test_call_target_numbers_zones_and_task(uow_factory: UowFactory, small: SmallBook,
                                            clock: FakeClock) -> None:
    target = CallService(uow_factory, clock).target(small.contact_id)
    assert target is not None
    assert target.name == "Ana Lima" and target.account_name == "Nova Labs Inc"
    assert [p.dialable for p in target.phones] == [True, False]  # the bad number is kept, not dialable
    assert target.phones[0].e164 == "+12125550123"
    assert target.zones.zones == ("America/New_York",) and target.zones.source == "phone"
    assert target.country == "US"
    assert (target.task_id, target.step_kind) == (small.task_id, "follow_up_call")


def test_drafts_save_load_and_clear_on_log(uow_factory: UowFactory, small: SmallBook,
                                           clock: FakeClock) -> None:
    calls = CallService(uow_factory, clock)
    assert calls.load_draft(small.contact_id) is None
    objection = ObjectionService(uow_factory, clock).search("expensive")[0]
    calls.save_draft(small.contact_id, "first", [objection.id], NOW)
    calls.save_draft(small.contact_id, "first words", [objection.id], NOW)
    draft = calls.load_draft(small.contact_id)
    assert draft is not None and draft.body == "first words"
    assert draft.objection_ids == (objection.id,) and draft.call_started_at == NOW
    calls.log_call(CallLog(small.contact_id, "no_answer", notes=draft.body))
    assert calls.load_draft(small.contact_id) is None
    with uow_factory() as uow:
        assert len(uow.session.scalars(select(m.CallNoteDraft)).all()) == 1  # tombstoned, not lost


def test_objection_search_three_letters_category_and_counts(uow_factory: UowFactory, small: SmallBook,
                                                            clock: FakeClock) -> None:
    objections = ObjectionService(uow_factory, clock)
    assert {r.category for r in objections.search("exp")} >= {"price"}
    assert objections.search("exp")[0].prompt == "It's too expensive."
    competitor = objections.search("com")
    assert any(r.category == "competitor" for r in competitor)
    assert all(r.category == "timing" for r in objections.search("", "timing"))
    assert {r.category for r in objections.search("e-mail")} >= {"send_email"}
    assert objections.search("zzzqx") == []
    price = objections.search("too expensive")[0]
    budget = objections.search("budget")[0]
    calls = CallService(uow_factory, clock)
    calls.log_call(CallLog(small.contact_id, "meeting_booked", objection_ids=(price.id, budget.id)))
    calls.log_call(CallLog(small.contact_id, "not_interested", objection_ids=(price.id, price.id)))
    calls.log_call(CallLog(small.colleague_id, "meeting_booked", objection_ids=(price.id,)))
    counted = {r.id: (r.uses, r.meetings) for r in objections.search("")}
    assert counted[price.id] == (3, 2)
    assert counted[budget.id] == (1, 1)
    assert objections.search("")[0].id == price.id  # most used first when nothing is typed


def test_objection_edit_returns_previous_values(uow_factory: UowFactory, small: SmallBook,
                                                clock: FakeClock) -> None:
    objections = ObjectionService(uow_factory, clock)
    new_id, previous, changes = objections.save(None, ObjectionEdit("trust", "Who are you?", "A friend."))
    assert previous is None and changes.objections
    _, previous, _ = objections.save(new_id, ObjectionEdit("trust", "Who are you?", "Sam, from Acme."))
    assert previous == ObjectionEdit("trust", "Who are you?", "A friend.")
    assert objections.search("Who are")[0].answer == "Sam, from Acme."


def test_script_values_and_best_script(uow_factory: UowFactory, small: SmallBook,
                                       clock: FakeClock) -> None:
    scripts = ScriptService(uow_factory, clock)
    values = scripts.values_for(small.contact_id, rep_name="Sam", rep_company="")
    assert values["first_name"] == "Ana" and values["company"] == "Nova Labs Inc"
    assert values["trigger"] == "Raised a Series B round"  # the newest trigger
    assert values["pain"] == "New hires take four months to ramp."
    assert values["my_name"] == "Sam" and "my_company" not in values
    library = scripts.list()
    assert best_script(library, "economic buyer", None).name == "Cold call: economic buyer"  # type: ignore[union-attr]
    assert best_script(library, "champion", "follow_up_call").step_kind == "follow_up_call"  # type: ignore[union-attr]
    assert best_script(library, "gatekeeper", "follow_up_call").name == "Gatekeeper"  # type: ignore[union-attr]
    assert best_script(library, "user", None).name == "Cold call opener"  # type: ignore[union-attr]
    own = ScriptRow(uuid.uuid4(), "Mine", "economic buyer", "cold_call", "x", False)
    assert best_script([*library, own], "economic buyer", None) is own


def test_default_library_loads_once(uow_factory: UowFactory, clock: FakeClock) -> None:
    first = default_library.ensure_default_library(uow_factory)
    assert first.scripts >= 6 and first.objections >= 9
    scripts = ScriptService(uow_factory, clock)
    for row in scripts.list():
        scripts.delete(row.id)
    assert default_library.ensure_default_library(uow_factory).loaded is False
    assert scripts.list() == []  # deleted defaults do not come back
    with uow_factory() as uow:
        categories = {o.category for o in uow.objections.list()}
    assert categories == {"price", "timing", "competitor", "authority", "no_need", "trust",
                          "send_email", "not_interested", "already_use"}


def test_timeline_contact_and_account_newest_first(uow_factory: UowFactory, small: SmallBook,
                                                   clock: FakeClock) -> None:
    calls = CallService(uow_factory, clock)
    price = ObjectionService(uow_factory, clock).search("expensive")[0]
    first = calls.log_call(CallLog(small.contact_id, "voicemail", duration_seconds=20))
    clock.advance(timedelta(hours=1))
    second = calls.log_call(CallLog(small.colleague_id, "conversation", duration_seconds=125,
                                    objection_ids=(price.id,)))
    clock.advance(timedelta(hours=1))
    third = calls.log_call(CallLog(small.contact_id, "no_answer"))
    with uow_factory() as uow:
        ids = timeline_ids(uow, small.contact_id, small.account_id)
        assert ids == [third.activity_id, second.activity_id, first.activity_id]
        assert timeline_ids(uow, small.contact_id, None) == [third.activity_id, first.activity_id]
        rows = timeline_rows(uow, ids, focus_contact=small.contact_id)
    colleague = rows[second.activity_id]
    assert colleague.other_contact and colleague.contact_name == "Bo Berg"
    assert colleague.objections == ("It's too expensive.",) and colleague.duration_text == "2:05"
    assert rows[third.activity_id].disposition_label == "No answer"


def test_contact_windows_for_a_page_of_contacts(uow_factory: UowFactory, small: SmallBook,
                                                clock: FakeClock) -> None:
    from sdrdesk.domain.compliance import WindowState
    from sdrdesk.services.calls import contact_windows

    windows = calling_windows("08:00", "21:00")
    CallService(uow_factory, clock).log_call(CallLog(small.colleague_id, "do_not_call"))
    with uow_factory() as uow:
        found = contact_windows(uow, [small.contact_id, small.colleague_id], windows, NOW)
        early = contact_windows(uow, [small.contact_id], windows, NOW.replace(hour=11))
    ana = found[small.contact_id]
    assert ana.status.state is WindowState.OPEN and ana.local_time == "11:00 New York"
    assert not ana.do_not_call and found[small.colleague_id].do_not_call
    assert early[small.contact_id].status.state is WindowState.CLOSED
    assert early[small.contact_id].status.opens_at == NOW.replace(hour=12)
