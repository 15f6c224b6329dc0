"""The cadence engine with a fake clock: business days, holidays, pause, out-of-office, caps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sdrdesk.domain.cadence import (
    REPLY_OUTCOMES,
    BusinessCalendar,
    DailyCap,
    ExitReason,
    OutOfOffice,
    ProspectPlace,
    ReplyKind,
    StepPlan,
    callback_warnings,
    exit_reason,
    first_due,
    next_step,
    pause_until,
    resume_due,
)
from sdrdesk.domain.clock import FakeClock

TORONTO = ZoneInfo("America/Toronto")
BOSTON = ZoneInfo("America/New_York")
ONTARIO = ProspectPlace(BusinessCalendar.for_place("CA", "ON"), TORONTO)
QUEBEC = ProspectPlace(BusinessCalendar.for_place("CA", "QC"), TORONTO)
MASS = ProspectPlace(BusinessCalendar.for_place("US", "US-MA"), BOSTON)
STEPS = (StepPlan(0, 0, "call"), StepPlan(1, 2, "email"), StepPlan(2, 3, "linkedin"))


def test_family_day_is_skipped_in_ontario_but_not_in_quebec() -> None:
    # Friday 13 Feb 2026, 15:00 in Toronto: step 2 is two business days later.
    clock = FakeClock(datetime(2026, 2, 13, 20, 0, tzinfo=UTC))
    on = next_step(ONTARIO, STEPS, 0, clock.now())
    qc = next_step(QUEBEC, STEPS, 0, clock.now())
    assert on.step == STEPS[1]
    # Weekend, then Monday 16 Feb is Family Day in Ontario: Tue 17, Wed 18.
    assert on.due == datetime(2026, 2, 18, 9, 0, tzinfo=TORONTO)
    assert qc.due == datetime(2026, 2, 17, 9, 0, tzinfo=TORONTO)
    assert ONTARIO.calendar.why_not(date(2026, 2, 16)) == "Family Day"
    assert QUEBEC.calendar.why_not(date(2026, 2, 16)) is None


def test_patriots_day_in_massachusetts_and_the_region_written_with_its_country() -> None:
    clock = FakeClock(datetime(2026, 4, 17, 14, 0, tzinfo=UTC))  # Friday 17 April
    result = next_step(MASS, STEPS, 1, clock.now())
    # Offset 3: Mon 20 is Patriots' Day -> Tue 21, Wed 22, Thu 23.
    assert result.step == STEPS[2]
    assert result.due == datetime(2026, 4, 23, 9, 0, tzinfo=BOSTON)
    new_york = ProspectPlace(BusinessCalendar.for_place("US", "NY"), BOSTON)
    assert next_step(new_york, STEPS, 1, clock.now()).due == datetime(2026, 4, 22, 9, 0, tzinfo=BOSTON)


def test_first_step_is_due_today_or_the_next_working_day_and_the_last_one_finishes() -> None:
    saturday = datetime(2026, 2, 14, 15, 0, tzinfo=UTC)
    assert first_due(ONTARIO, STEPS[0], saturday) == datetime(2026, 2, 17, 9, 0, tzinfo=TORONTO)
    wednesday = datetime(2026, 2, 18, 15, 0, tzinfo=UTC)
    assert first_due(ONTARIO, STEPS[0], wednesday) == datetime(2026, 2, 18, 9, 0, tzinfo=TORONTO)
    assert next_step(ONTARIO, STEPS, 2, wednesday).finished


def test_an_offset_of_zero_still_waits_one_working_day_after_a_completed_step() -> None:
    steps = (StepPlan(0, 0, "call"), StepPlan(1, 0, "email"))
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    assert next_step(ONTARIO, steps, 0, friday).due == datetime(2026, 3, 9, 9, 0, tzinfo=TORONTO)


def test_unknown_places_use_weekends_only() -> None:
    cal = BusinessCalendar.for_place(None, None)
    assert cal.add(date(2026, 12, 24), 1) == date(2026, 12, 25)  # no holidays without a country
    # Ontario: Christmas, the weekend, and Boxing Day observed on Monday 28.
    assert BusinessCalendar.for_place("CA", "ON").add(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # An unknown subdivision falls back to the country's holidays.
    assert BusinessCalendar.for_place("CA", "ZZ").is_holiday(date(2026, 7, 1))


def test_pause_auto_resumes_and_shifts_the_pending_step_by_the_days_paused() -> None:
    clock = FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # Monday
    until = pause_until(ONTARIO, clock.now(), 3)
    assert until == datetime(2026, 3, 5, 9, 0, tzinfo=TORONTO)
    from sdrdesk.domain.cadence import PauseState
    state = PauseState(True, until)
    assert not state.should_resume(clock.now())
    clock.set(until + timedelta(minutes=1))
    assert state.should_resume(clock.now())
    assert not PauseState(True, None).should_resume(clock.now())  # manual pauses stay paused
    pending = datetime(2026, 3, 3, 9, 0, tzinfo=TORONTO)  # was due Tuesday
    resumed = resume_due(ONTARIO, pending, datetime(2026, 3, 2, 15, 0, tzinfo=UTC), clock.now())
    # Paused Monday, resumed Thursday: three working days lost -> Tuesday + 3 = Friday.
    assert resumed == datetime(2026, 3, 6, 9, 0, tzinfo=TORONTO)


def test_a_resumed_step_is_never_overdue() -> None:
    now = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
    long_ago = datetime(2026, 1, 5, 9, 0, tzinfo=TORONTO)
    assert resume_due(ONTARIO, long_ago, long_ago, now) >= datetime(2026, 3, 20, 0, 0, tzinfo=TORONTO)


def test_out_of_office_moves_each_day_away_to_a_day_back_in_order() -> None:
    away = OutOfOffice(date(2026, 3, 9), date(2026, 3, 13), BusinessCalendar.for_place("CA", "ON"))
    assert away.days_away == 5
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=TORONTO)
    thursday = datetime(2026, 3, 12, 14, 30, tzinfo=TORONTO)
    assert away.shift(monday, TORONTO) == datetime(2026, 3, 16, 10, 0, tzinfo=TORONTO)
    assert away.shift(thursday, TORONTO) == datetime(2026, 3, 19, 14, 30, tzinfo=TORONTO)
    assert away.shift(datetime(2026, 3, 16, 9, 0, tzinfo=TORONTO), TORONTO) is None
    assert away.shift(datetime(2026, 3, 6, 9, 0, tzinfo=TORONTO), TORONTO) is None
    with pytest.raises(ValueError):
        OutOfOffice(date(2026, 3, 13), date(2026, 3, 9))


def test_every_exit_has_a_reason_label_and_replies_end_or_pause() -> None:
    for reason in ExitReason:
        assert reason.label and exit_reason(reason.value) is reason
    with pytest.raises(ValueError):
        exit_reason("bored")
    assert REPLY_OUTCOMES[ReplyKind.POSITIVE].end is ExitReason.REPLIED
    assert REPLY_OUTCOMES[ReplyKind.NEGATIVE].end is ExitReason.NOT_INTERESTED
    assert REPLY_OUTCOMES[ReplyKind.BOUNCE].end is ExitReason.BOUNCED
    assert REPLY_OUTCOMES[ReplyKind.BOUNCE].opt_out_channel == "email"
    ooo = REPLY_OUTCOMES[ReplyKind.OUT_OF_OFFICE]
    assert ooo.end is None and ooo.pause_days > 0


def test_daily_cap_spreads_a_big_enrolment_over_working_days() -> None:
    cap = DailyCap({"call": 2, "email": 1})
    cal = BusinessCalendar.for_place("CA", "ON")
    friday = date(2026, 2, 13)
    calls = [cap.place(friday, "call", cal) for _ in range(5)]
    assert calls == [friday, friday, date(2026, 2, 17), date(2026, 2, 17), date(2026, 2, 18)]
    assert cap.place(friday, "email", cal) == friday  # each channel has its own cap
    cap.load[(date(2026, 2, 18), "email")] = 1  # existing tasks count
    assert cap.place(date(2026, 2, 18), "email", cal) == date(2026, 2, 19)


def test_callback_warnings_name_the_weekend_holiday_and_window() -> None:
    holiday = datetime(2026, 2, 16, 10, 0, tzinfo=TORONTO)
    warnings = callback_warnings(holiday, ONTARIO, inside_window=True)
    assert warnings == ["Mon 16 Feb is Family Day where the prospect is."]
    late = datetime(2026, 2, 17, 22, 0, tzinfo=TORONTO)
    assert callback_warnings(late, ONTARIO, inside_window=False) == [
        "22:00 is outside the calling window where the prospect is."]
    assert "Saturday" in callback_warnings(datetime(2026, 2, 14, 10, tzinfo=TORONTO), ONTARIO, True)[0]


def test_the_westernmost_candidate_zone_sets_the_morning() -> None:
    place = ProspectPlace.of("US", None, ["America/New_York", "America/Los_Angeles"], TORONTO)
    assert place.zone == ZoneInfo("America/Los_Angeles")
    assert ProspectPlace.of(None, None, [], TORONTO).zone == TORONTO
    assert first_due(place, STEPS[0], datetime(2026, 3, 4, 12, tzinfo=UTC), time(9)).hour == 9
