"""SequenceService and the call dispositions on a real book file, with a fake clock."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.services.calls import CallLog, CallService
from sdrdesk.services.sequences import SequenceDraft, SequenceService, StepDraft
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

TORONTO = ZoneInfo("America/Toronto")
# Friday 13 Feb 2026, 10:00 in Toronto; Monday 16 is Family Day in Ontario.
FRIDAY = datetime(2026, 2, 13, 15, 0, tzinfo=UTC)
DRAFT = SequenceDraft(
    "Test cadence",
    "three steps",
    (
        StepDraft(0, "call", "cold_call", instructions="Open"),
        StepDraft(
            2, "email", "intro_email", subject="Hi {first_name}", template="Hello {first_name} at {company}"
        ),
        StepDraft(1, "linkedin", "connect", template="Connect?"),
    ),
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY)


@pytest.fixture
def service(uow_factory: UowFactory, clock: FakeClock) -> SequenceService:
    return SequenceService(uow_factory, clock, rep_zone=TORONTO)


def add_contact(
    uow_factory: UowFactory,
    first: str,
    *,
    country: str = "CA",
    region: str = "ON",
    phone: str | None = "+1 416 555 0101",
    dnc: str | None = None,
) -> uuid.UUID:
    with uow_factory() as uow:
        account = uow.accounts.add(m.Account(name=f"{first} Co", country=country, region=region))
        uow.session.flush()
        contact = uow.contacts.add(
            m.Contact(
                account_id=account.id,
                first_name=first,
                last_name="Test",
                email=f"{first.lower()}@example.com",
                country=country,
                region=region,
            )
        )
        uow.session.flush()
        if phone:
            info = parse_phone(phone, country)
            uow.contact_phones.add(
                m.ContactPhone(
                    contact_id=contact.id,
                    raw=phone,
                    e164=info.e164,
                    is_valid=info.valid,
                    region=info.region,
                    search_digits=search_tokens(info.e164, phone),
                )
            )
        if dnc:
            uow.do_not_contact.add(
                m.DoNotContact(
                    contact_id=contact.id, channel=dnc, reason="asked by e-mail", recorded_at=FRIDAY
                )
            )
        uow.commit()
        return contact.id


def open_tasks(uow_factory: UowFactory, contact_id: uuid.UUID) -> list[m.Task]:
    with uow_factory() as uow:
        rows = list(
            uow.session.scalars(
                select(m.Task)
                .where(m.Task.contact_id == contact_id, m.Task.status == "open")
                .order_by(m.Task.due_at)
            )
        )
        uow.session.expunge_all()
        return rows


def timeline_subjects(uow_factory: UowFactory, contact_id: uuid.UUID) -> list[str]:
    with uow_factory() as uow:
        return [
            a.subject or ""
            for a in uow.session.scalars(
                select(m.Activity).where(m.Activity.contact_id == contact_id).order_by(m.Activity.occurred_at)
            )
        ]


def test_defaults_load_once_and_a_sequence_round_trips_through_a_file(
    service: SequenceService, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    assert service.ensure_defaults().value >= 3
    assert service.ensure_defaults().value == 0
    names = [s.name for s in service.list()]
    assert "Inbound - webinar follow-up" in names
    seq_id = service.create(DRAFT).value
    path = tmp_path / "shared.sdrseq"
    service.export_file(seq_id, path)
    assert json.loads(path.read_text())["format"] == "sdrdesk-sequence"
    imported = service.import_file(path).value
    info = service.get(imported[0])
    assert info.name == "Test cadence (imported)"
    assert info.draft.steps == DRAFT.steps
    with pytest.raises(ValidationError):
        service.import_text('{"format": "something else"}')
    with pytest.raises(ValidationError):
        service.create(SequenceDraft("No steps"))
    with pytest.raises(ValidationError):
        service.create(SequenceDraft("Bad", steps=(StepDraft(0, "fax"),)))


def test_update_keeps_step_ids_and_tombstones_extra_steps(service: SequenceService) -> None:
    seq_id = service.create(DRAFT).value
    before = service.get(seq_id)
    shorter = SequenceDraft("Renamed", "", (StepDraft(1, "call", "cold_call"), StepDraft(3, "email")))
    service.update(seq_id, shorter)
    after = service.get(seq_id)
    assert after.name == "Renamed" and [s.day_offset for s in after.steps] == [1, 3]
    assert [s.id for s in after.steps] == [s.id for s in before.steps[:2]]


def test_enrol_warns_refuses_dnc_and_spreads_by_the_daily_cap(
    uow_factory: UowFactory, service: SequenceService
) -> None:
    seq_id = service.create(DRAFT).value
    people = [add_contact(uow_factory, f"P{i}") for i in range(5)]
    blocked = add_contact(uow_factory, "Blocked", dnc="call")
    check = service.check_enrol([*people, blocked], seq_id)
    assert len(check.ready) == 5 and check.refused[0][0] == blocked
    assert "do not contact (call): asked by e-mail" in check.refused[0][2]
    report = service.enrol([*people, blocked], seq_id, caps={"call": 2}).value
    assert report.enrolled == 5 and report.refused == (("Blocked Test", check.refused[0][2]),)
    # Two on Friday, two on Tuesday (Monday is Family Day in Ontario), one on Wednesday.
    assert report.first_due == {"2026-02-13": 2, "2026-02-17": 2, "2026-02-18": 1}
    first = open_tasks(uow_factory, people[0])[0]
    assert first.due_at == datetime(2026, 2, 13, 9, 0, tzinfo=TORONTO)
    assert first.channel == "call" and "step 1/3" in first.title
    again = service.enrol(people[:2], seq_id).value
    assert again.enrolled == 0 and again.already_active == 2
    assert len(open_tasks(uow_factory, people[0])) == 1
    assert "Enrolled in Test cadence" in timeline_subjects(uow_factory, people[0])


def test_completing_and_skipping_schedule_the_next_step_on_business_days(
    uow_factory: UowFactory, service: SequenceService, clock: FakeClock
) -> None:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    call_task = open_tasks(uow_factory, ana)[0]
    with pytest.raises(ValidationError):
        service.skip_task(call_task.id, "  ")
    next_id = service.skip_task(call_task.id, "no number worked").value
    email = open_tasks(uow_factory, ana)[0]
    assert email.id == next_id and email.channel == "email"
    # Friday + 2 business days in Ontario: Tue 17 (Family Day skipped), Wed 18.
    assert email.due_at == datetime(2026, 2, 18, 9, 0, tzinfo=TORONTO)
    clock.set(datetime(2026, 2, 18, 16, 0, tzinfo=UTC))
    service.complete_task(email.id, note="sent from Gmail")
    linkedin = open_tasks(uow_factory, ana)[0]
    assert linkedin.channel == "linkedin" and linkedin.due_at == datetime(2026, 2, 19, 9, 0, tzinfo=TORONTO)
    service.complete_task(linkedin.id)
    assert open_tasks(uow_factory, ana) == []
    with uow_factory() as uow:
        enrollment = uow.session.scalars(select(m.Enrollment).where(m.Enrollment.contact_id == ana)).one()
        assert (enrollment.status, enrollment.end_reason) == ("finished", "finished")
        kinds = [
            a.kind
            for a in uow.session.scalars(
                select(m.Activity).where(m.Activity.contact_id == ana, m.Activity.direction == "outbound")
            )
        ]
        assert sorted(kinds) == ["email", "linkedin"]
    subjects = timeline_subjects(uow_factory, ana)
    assert any(s.startswith("Skipped:") for s in subjects)
    assert "Sequence finished: Test cadence (all steps done)" in subjects
    with pytest.raises(RecordNotFound):
        service.complete_task(linkedin.id)


def test_snooze_reschedule_and_bulk(uow_factory: UowFactory, service: SequenceService) -> None:
    seq_id = service.create(DRAFT).value
    people = [add_contact(uow_factory, n) for n in ("A", "B", "C")]
    service.enrol(people, seq_id)
    tasks = [open_tasks(uow_factory, p)[0] for p in people]
    later = FRIDAY + timedelta(hours=3)
    service.snooze_task(tasks[0].id, later, "in a meeting")
    assert open_tasks(uow_factory, people[0])[0].due_at == later
    with pytest.raises(ValidationError):
        service.reschedule_task(tasks[0].id, later, "")
    result = service.bulk([t.id for t in tasks[1:]], "skip", reason="bad list")
    assert result.value == 2 and all(open_tasks(uow_factory, p)[0].channel == "email" for p in people[1:])


def test_pause_resume_and_auto_resume(
    uow_factory: UowFactory, service: SequenceService, clock: FakeClock
) -> None:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    until = datetime(2026, 2, 20, 14, 0, tzinfo=UTC)
    assert service.pause(ana, until, "asked to wait a week").value == 1
    assert open_tasks(uow_factory, ana) == []  # parked: Today no longer shows it
    assert service.resume_due().value == 0
    clock.set(until + timedelta(minutes=5))
    assert service.resume_due().value == 1
    task = open_tasks(uow_factory, ana)[0]
    assert task.channel == "call" and task.due_at >= datetime(2026, 2, 20, 0, 0, tzinfo=TORONTO)
    subjects = timeline_subjects(uow_factory, ana)
    assert any(s.startswith("Sequence paused until 2026-02-20") for s in subjects)
    assert "Sequence resumed: Test cadence" in subjects


@pytest.mark.parametrize(
    "reason", ["replied", "meeting_booked", "opt_out", "bounced", "do_not_call", "disqualified"]
)
def test_every_exit_ends_the_sequence_with_its_reason_on_the_timeline(
    uow_factory: UowFactory, service: SequenceService, reason: str
) -> None:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    assert service.end_for_contact(ana, reason).value == 1
    assert open_tasks(uow_factory, ana) == []
    with uow_factory() as uow:
        enrollment = uow.session.scalars(select(m.Enrollment).where(m.Enrollment.contact_id == ana)).one()
        assert (enrollment.status, enrollment.end_reason) == ("ended", reason)
    assert any(s.startswith("Sequence ended: Test cadence") for s in timeline_subjects(uow_factory, ana))


@pytest.mark.parametrize(
    ("kind", "status", "dnc"),
    [
        ("positive", "ended", False),
        ("negative", "ended", False),
        ("out_of_office", "paused", False),
        ("bounce", "ended", True),
    ],
)
def test_replies_end_or_pause(
    uow_factory: UowFactory, service: SequenceService, kind: str, status: str, dnc: bool
) -> None:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    service.log_reply(ana, kind, "auto reply")
    with uow_factory() as uow:
        enrollment = uow.session.scalars(select(m.Enrollment).where(m.Enrollment.contact_id == ana)).one()
        assert enrollment.status == status
        if status == "paused":
            assert enrollment.paused_until is not None
        flags = [f.channel for f in uow.do_not_contact.list()]
        assert flags == (["email"] if dnc else [])


def test_out_of_office_shifts_due_tasks(uow_factory: UowFactory, service: SequenceService) -> None:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    from datetime import date

    assert service.out_of_office(date(2026, 2, 13), date(2026, 2, 13)).value == 1
    assert open_tasks(uow_factory, ana)[0].due_at == datetime(2026, 2, 16, 9, 0, tzinfo=TORONTO)


# -- call dispositions ------------------------------------------------------------------------


@pytest.fixture
def enrolled(uow_factory: UowFactory, service: SequenceService) -> tuple[uuid.UUID, m.Task]:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    return ana, open_tasks(uow_factory, ana)[0]


def test_an_advancing_disposition_schedules_the_next_step(
    uow_factory: UowFactory, clock: FakeClock, enrolled: tuple[uuid.UUID, m.Task]
) -> None:
    ana, task = enrolled
    logged = CallService(uow_factory, clock, rep_zone=TORONTO).log_call(
        CallLog(ana, "voicemail", task_id=task.id)
    )
    assert logged.completed_task_id == task.id
    [new] = open_tasks(uow_factory, ana)
    assert logged.created_task_ids == (new.id,) and new.channel == "email"
    assert new.due_at == datetime(2026, 2, 18, 9, 0, tzinfo=TORONTO)


def test_callback_creates_a_call_task_at_the_prospects_time_across_a_dst_change(
    uow_factory: UowFactory, clock: FakeClock, enrolled: tuple[uuid.UUID, m.Task]
) -> None:
    ana, task = enrolled
    clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # Friday before DST starts (8 March)
    vancouver = ZoneInfo("America/Vancouver")
    asked = datetime(2026, 3, 9, 10, 0, tzinfo=vancouver)  # Monday 10:00 their time, after DST
    logged = CallService(uow_factory, clock, rep_zone=TORONTO).log_call(
        CallLog(ana, "callback_requested", task_id=task.id, callback_at=asked, notes="call Monday")
    )
    [callback] = open_tasks(uow_factory, ana)
    assert logged.created_task_ids == (callback.id,)
    assert callback.channel == "call" and callback.title == "Callback (requested)"
    assert callback.due_at == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # PDT is UTC-7
    # Completing the callback continues the sequence from the step the call left off.
    CallService(uow_factory, clock, rep_zone=TORONTO).log_call(CallLog(ana, "no_answer", task_id=callback.id))
    [after] = open_tasks(uow_factory, ana)
    assert after.channel == "email"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("meeting_booked", "meeting_booked"),
        ("not_interested", "not_interested"),
        ("do_not_call", "do_not_call"),
    ],
)
def test_ending_dispositions_end_the_sequence(
    uow_factory: UowFactory, clock: FakeClock, enrolled: tuple[uuid.UUID, m.Task], key: str, reason: str
) -> None:
    ana, task = enrolled
    CallService(uow_factory, clock).log_call(CallLog(ana, key, task_id=task.id))
    assert open_tasks(uow_factory, ana) == []
    with uow_factory() as uow:
        enrollment = uow.session.scalars(select(m.Enrollment).where(m.Enrollment.contact_id == ana)).one()
        assert enrollment.end_reason == reason


def test_wrong_number_pauses_and_an_email_task_is_never_completed_by_a_call(
    uow_factory: UowFactory, clock: FakeClock, service: SequenceService, enrolled: tuple[uuid.UUID, m.Task]
) -> None:
    ana, task = enrolled
    service.skip_task(task.id, "try e-mail first")
    [email] = open_tasks(uow_factory, ana)
    logged = CallService(uow_factory, clock).log_call(CallLog(ana, "wrong_number", task_id=email.id))
    assert logged.completed_task_id is None  # no open call task: the e-mail step stays
    with uow_factory() as uow:
        assert uow.tasks.get(email.id).status == "paused"  # type: ignore[union-attr]
        enrollment = uow.session.scalars(select(m.Enrollment).where(m.Enrollment.contact_id == ana)).one()
        assert enrollment.status == "paused"


def test_zone_keys_are_stored_and_dropped_when_the_phone_changes(
    uow_factory: UowFactory, service: SequenceService
) -> None:
    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana", phone="+1 604 555 0101")
    service.enrol([ana], seq_id)
    assert service.refresh_zones().value == 1
    with uow_factory() as uow:
        task = uow.session.scalars(select(m.Task).where(m.Task.contact_id == ana)).one()
        assert task.zone_key == "America/Vancouver|CA"
        phone = uow.session.scalars(select(m.ContactPhone).where(m.ContactPhone.contact_id == ana)).one()
        phone.e164 = "+14165550101"
        uow.commit()
    with uow_factory() as uow:
        assert uow.session.get(m.ContactZone, ana) is None
        assert uow.session.scalars(select(m.Task).where(m.Task.contact_id == ana)).one().zone_key is None
    service.refresh_zones()
    with uow_factory() as uow:
        assert (
            uow.session.scalars(select(m.Task).where(m.Task.contact_id == ana)).one().zone_key
            == "America/Toronto|CA"
        )


def test_the_demo_book_looks_like_a_morning_and_counts_enrollments(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from sdrdesk.services.book_generator import BookSize, write_book

    now = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # Tuesday morning in North America
    path = tmp_path / "demo.db"
    write_book(path, BookSize(accounts=60, contacts=300, activities=100, enrollments=120), seed=3, now=now)
    conn = sqlite3.connect(path)
    try:
        enrolled = conn.execute("SELECT count(*) FROM enrollments").fetchone()[0]
        dues = [
            datetime.fromisoformat(d).replace(tzinfo=UTC)
            for (d,) in conn.execute("SELECT due_at FROM tasks WHERE status = 'open'")
        ]
        steps = conn.execute(
            "SELECT count(*) FROM tasks t JOIN sequence_steps s ON s.id = t.step_id"
        ).fetchone()[0]
        names = {n for (n,) in conn.execute("SELECT name FROM sequences")}
    finally:
        conn.close()
    assert enrolled == 120 and steps == len(dues) > 60
    overdue_by_a_day = [d for d in dues if d < now - timedelta(hours=20)]
    assert len(overdue_by_a_day) < len(dues) * 0.2  # not 130 of 300 overdue by three days
    assert all(d > now - timedelta(days=4) for d in dues)
    assert any(d.date() > now.date() for d in dues)  # tomorrow's steps are already there
    assert "Outbound - 3 weeks, 8 touches" in names


def test_out_of_office_counts_days_on_the_reps_own_holidays(uow_factory: UowFactory,
                                                             service: SequenceService) -> None:
    from datetime import date

    seq_id = service.create(DRAFT).value
    ana = add_contact(uow_factory, "Ana")
    service.enrol([ana], seq_id)
    # Away Friday 13 Feb 2026; Monday 16 is Family Day for a rep in Ontario: back on Tuesday.
    assert service.out_of_office(date(2026, 2, 13), date(2026, 2, 13), country="CA", region="ON").value == 1
    assert open_tasks(uow_factory, ana)[0].due_at == datetime(2026, 2, 17, 9, 0, tzinfo=TORONTO)
