"""Calling windows and do-not-call decisions, all with fixed instants (no wall clock)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.compliance import (
    CallAllowed,
    CallBlocked,
    CallingWindows,
    DncFlag,
    NeedsConfirmation,
    WindowRule,
    WindowState,
    check_call,
    window_status,
)
from sdrdesk.domain.timezones import ZoneResolution, resolve_zones
from sdrdesk.services.calls import calling_windows

DEFAULT = CallingWindows.from_settings("08:00", "21:00")
NEW_YORK = ZoneResolution(("America/New_York",), "phone")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_spring_forward_day_opens_at_local_eight_not_at_the_old_offset() -> None:
    # 2026-03-08: New York jumps from UTC-5 to UTC-4 at 02:00 local.
    clock = FakeClock(utc(2026, 3, 8, 6, 0))  # 01:00 EST
    status = window_status(clock.now(), NEW_YORK, DEFAULT)
    assert status.state is WindowState.CLOSED
    assert status.opens_at == utc(2026, 3, 8, 12, 0)  # 08:00 EDT; a fixed -5 offset says 13:00
    clock.set(utc(2026, 3, 8, 12, 30))
    status = window_status(clock.now(), NEW_YORK, DEFAULT)
    assert status.state is WindowState.OPEN
    assert status.closes_at == utc(2026, 3, 9, 1, 0)  # 21:00 EDT


def test_the_day_before_the_change_still_uses_standard_time() -> None:
    status = window_status(utc(2026, 3, 7, 12, 30), NEW_YORK, DEFAULT)  # 07:30 EST
    assert status.state is WindowState.CLOSED
    assert status.opens_at == utc(2026, 3, 7, 13, 0)


def test_fall_back_day_in_london() -> None:
    london = ZoneResolution(("Europe/London",), "region")
    # 2026-10-25 01:00 UTC London leaves BST: 07:30 UTC is 07:30 local (closed) ...
    after = window_status(utc(2026, 10, 25, 7, 30), london, DEFAULT)
    assert after.state is WindowState.CLOSED and after.opens_at == utc(2026, 10, 25, 8, 0)
    # ... while the day before 07:30 UTC was 08:30 BST (open).
    assert window_status(utc(2026, 10, 24, 7, 30), london, DEFAULT).state is WindowState.OPEN


def test_a_mobile_with_several_zones_is_callable_only_when_every_zone_is_inside() -> None:
    zones = resolve_zones(None, ["+61412345678"])  # an Australian mobile: Perth to Lord Howe
    assert zones.ambiguous and "Australia/Perth" in zones.zones
    # 22:30 UTC: Sydney 09:30 (inside) but Perth 06:30 (outside).
    status = window_status(utc(2026, 3, 10, 22, 30), zones, DEFAULT)
    assert status.state is WindowState.CLOSED
    # The last zone to reach 08:00 is Cocos (UTC+6:30): 01:30 UTC.
    assert status.opens_at == utc(2026, 3, 11, 1, 30)
    opened = window_status(utc(2026, 3, 11, 1, 30), zones, DEFAULT)
    assert opened.state is WindowState.OPEN
    # The first to reach 21:00 is Lord Howe (UTC+11 in southern summer): 10:00 UTC.
    assert opened.closes_at == utc(2026, 3, 11, 10, 0)


def test_a_pinned_zone_wins_over_the_phone_number() -> None:
    zones = resolve_zones("Asia/Tokyo", ["+12125550123"], "US", "NY")
    assert zones.source == "pinned" and zones.zones == ("Asia/Tokyo",)
    # 14:00 UTC is 10:00 in New York but 23:00 in Tokyo.
    decision = check_call(utc(2026, 3, 10, 14, 0), zones, DEFAULT)
    assert isinstance(decision, NeedsConfirmation)
    assert "Tokyo" in decision.reason


def test_unknown_zone_asks_or_blocks_by_policy() -> None:
    zones = resolve_zones(None, [], None, None)
    assert window_status(utc(2026, 3, 10, 14, 0), zones, DEFAULT).state is WindowState.UNKNOWN
    assert isinstance(check_call(utc(2026, 3, 10, 14, 0), zones, DEFAULT), NeedsConfirmation)
    blocked = check_call(utc(2026, 3, 10, 14, 0), zones, DEFAULT, outside_policy="block")
    assert isinstance(blocked, CallBlocked) and "unknown" in blocked.reason


def test_a_window_crossing_midnight() -> None:
    night = CallingWindows((WindowRule(time(22), time(2)),))
    london = ZoneResolution(("Europe/London",), "pinned")  # UTC in winter
    assert window_status(utc(2026, 1, 14, 23, 30), london, night).state is WindowState.OPEN
    late = window_status(utc(2026, 1, 15, 1, 30), london, night)
    assert late.state is WindowState.OPEN and late.closes_at == utc(2026, 1, 15, 2, 0)
    before = window_status(utc(2026, 1, 15, 21, 59), london, night)
    assert before.state is WindowState.CLOSED and before.opens_at == utc(2026, 1, 15, 22, 0)


def test_the_tail_after_midnight_belongs_to_the_day_the_window_opened() -> None:
    fridays = CallingWindows((WindowRule(time(22), time(2), frozenset({5})),))
    london = ZoneResolution(("Europe/London",), "pinned")
    assert window_status(utc(2026, 1, 17, 1, 0), london, fridays).state is WindowState.OPEN  # Sat 01:00
    friday_early = window_status(utc(2026, 1, 16, 1, 0), london, fridays)  # Thursday's tail
    assert friday_early.state is WindowState.CLOSED
    assert friday_early.opens_at == utc(2026, 1, 16, 22, 0)


def test_per_country_override_from_the_data_file() -> None:
    windows = calling_windows("08:00", "21:00")
    paris = ZoneResolution(("Europe/Paris",), "phone")
    monday_0930 = utc(2026, 3, 9, 8, 30)  # 09:30 CET: inside the default, outside France's rule
    assert window_status(monday_0930, paris, windows).state is WindowState.OPEN
    status = window_status(monday_0930, paris, windows, country="FR")
    assert status.state is WindowState.CLOSED and status.opens_at == utc(2026, 3, 9, 9, 0)
    lunch = window_status(utc(2026, 3, 9, 12, 30), paris, windows, country="fr")
    assert lunch.state is WindowState.CLOSED and lunch.opens_at == utc(2026, 3, 9, 13, 0)
    saturday = window_status(utc(2026, 3, 14, 10, 0), paris, windows, country="FR")
    assert saturday.opens_at == utc(2026, 3, 16, 9, 0)  # Monday 10:00


def test_the_reps_default_window_is_configurable() -> None:
    narrow = calling_windows("09:30", "17:00")
    status = window_status(utc(2026, 3, 10, 13, 0), NEW_YORK, narrow)  # 09:00 EDT
    assert status.state is WindowState.CLOSED and status.opens_at == utc(2026, 3, 10, 13, 30)


@pytest.mark.parametrize("policy, expected", [("confirm", NeedsConfirmation), ("block", CallBlocked)])
def test_outside_the_window_follows_the_policy(policy: str, expected: type) -> None:
    decision = check_call(utc(2026, 3, 10, 11, 0), NEW_YORK, DEFAULT, outside_policy=policy)
    assert isinstance(decision, expected)
    assert "New York" in decision.reason and "Not until" in decision.reason


def test_inside_the_window_is_allowed() -> None:
    decision = check_call(utc(2026, 3, 10, 15, 0), NEW_YORK, DEFAULT, outside_policy="block")
    assert isinstance(decision, CallAllowed)


def test_do_not_call_blocks_even_inside_the_window_and_shows_the_reason() -> None:
    flag = DncFlag("call", "Asked not to be called", "call disposition", utc(2026, 3, 1, 10, 0))
    decision = check_call(utc(2026, 3, 10, 15, 0), NEW_YORK, DEFAULT, dnc=[flag])
    assert isinstance(decision, CallBlocked)
    assert "Asked not to be called" in decision.reason and "2026-03-01" in decision.reason


def test_an_email_opt_out_does_not_block_calls_but_all_channels_does() -> None:
    now = utc(2026, 3, 10, 15, 0)
    email = DncFlag("email", "unsubscribed", "e-mail", now)
    assert isinstance(check_call(now, NEW_YORK, DEFAULT, dnc=[email]), CallAllowed)
    everything = DncFlag("all", "GDPR erasure request", "e-mail", now)
    assert isinstance(check_call(now, NEW_YORK, DEFAULT, dnc=[everything]), CallBlocked)


ZONE_POOL = ("America/New_York", "America/Los_Angeles", "America/St_Johns", "Europe/London",
             "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Auckland", "Asia/Tokyo")


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.integers(0, 366 * 24 * 60),
    zones=st.lists(st.sampled_from(ZONE_POOL), min_size=1, max_size=3, unique=True),
    start=st.integers(0, 23), length=st.integers(1, 23),
)
def test_the_next_change_is_exactly_when_the_safe_window_changes(
        minutes: int, zones: list[str], start: int, length: int) -> None:
    now = utc(2026, 1, 1) + timedelta(minutes=minutes)
    windows = CallingWindows((WindowRule(time(start), time((start + length) % 24)),))
    resolution = ZoneResolution(tuple(zones), "phone")
    status = window_status(now, resolution, windows)
    change = status.opens_at if status.state is WindowState.CLOSED else status.closes_at
    if change is None:  # zones too far apart: never all inside together
        assert status.state is WindowState.CLOSED
        return
    inside_now = status.state is WindowState.OPEN
    assert change > now
    assert window_status(change, resolution, windows).state is not status.state
    # Nothing changes before: sample every 15 minutes up to the change.
    probe = now
    while probe < change:
        assert (window_status(probe, resolution, windows).state is WindowState.OPEN) is inside_now
        probe += timedelta(minutes=15)
