"""Calling windows and do-not-call: may the rep dial this prospect now?

A prospect may be in several zones (a mobile, a NANP non-geographic number): the *safe*
window is the time when every candidate zone is inside its local window. Windows are
local wall-clock times, so DST days need no special case: each instant is converted into
each zone. A window whose end is before its start crosses midnight (22:00-02:00), and its
weekday rule applies to the day it opened.

Decisions are data: `check_call` returns `CallAllowed | CallBlocked | NeedsConfirmation`;
only the UI turns them into dialogs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from sdrdesk.domain.timezones import ZoneResolution, city_of

ALL_DAYS: frozenset[int] = frozenset(range(1, 8))  # ISO weekdays, Monday = 1


def parse_hhmm(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class WindowRule:
    """One local window, e.g. 08:00-21:00 on every day, or 10:00-18:00 on Sat/Sun."""

    start: time
    end: time  # exclusive; end <= start crosses midnight
    days: frozenset[int] = ALL_DAYS

    def contains(self, local: datetime) -> bool:
        t = local.time().replace(tzinfo=None)
        weekday = local.isoweekday()
        if self.start < self.end:
            return weekday in self.days and self.start <= t < self.end
        if t >= self.start:
            return weekday in self.days
        if t < self.end:  # the tail after midnight belongs to the day before
            return (weekday - 2) % 7 + 1 in self.days
        return False

    def starts_on(self, day: date, zone: ZoneInfo) -> datetime | None:
        if day.isoweekday() not in self.days:
            return None
        return datetime.combine(day, self.start, tzinfo=zone)

    def ends_on(self, day: date, zone: ZoneInfo) -> datetime:
        end_day = day if self.start < self.end else day + timedelta(days=1)
        return datetime.combine(end_day, self.end, tzinfo=zone)


@dataclass(frozen=True)
class CallingWindows:
    """The default window (from the rep's settings) plus per-country overrides (a data file)."""

    default: tuple[WindowRule, ...]
    by_country: Mapping[str, tuple[WindowRule, ...]] = field(default_factory=dict)

    def rules_for(self, country: str | None) -> tuple[WindowRule, ...]:
        return self.by_country.get((country or "").upper(), self.default)

    @classmethod
    def from_settings(cls, start: str, end: str,
                      overrides: Mapping[str, tuple[WindowRule, ...]] | None = None) -> CallingWindows:
        try:
            rule = WindowRule(parse_hhmm(start), parse_hhmm(end))
        except ValueError:
            rule = WindowRule(time(8), time(21))  # a hand-edited bad value: the safe default
        return cls((rule,), dict(overrides or {}))


def load_overrides(path: Path) -> dict[str, tuple[WindowRule, ...]]:
    """Read `calling_windows.json`: {"countries": {"FR": [{"start", "end", "days"}...]}}."""
    data = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, tuple[WindowRule, ...]] = {}
    for code, rules in data.get("countries", {}).items():
        result[code.upper()] = tuple(
            WindowRule(parse_hhmm(r["start"]), parse_hhmm(r["end"]),
                       frozenset(r.get("days", sorted(ALL_DAYS))))
            for r in rules)
    return result


class WindowState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WindowStatus:
    state: WindowState
    opens_at: datetime | None = None  # when closed: the next instant every zone is inside
    closes_at: datetime | None = None  # when open: the first instant a zone leaves
    zones: tuple[str, ...] = ()

    def label(self, rep_zone: ZoneInfo | None = None, now: datetime | None = None) -> str:
        """What the pane shows: "Callable until 17:00", "Not until 14:00", "Local time unknown".

        Times are the rep's (`rep_zone`, else the system zone); another day gets its weekday.
        """
        def hhmm(moment: datetime) -> str:
            local = moment.astimezone(rep_zone) if rep_zone else moment.astimezone()
            today = (now.astimezone(local.tzinfo).date() if now else local.date())
            return f"{local:%H:%M}" if local.date() == today else f"{local:%a %H:%M}"

        if self.state is WindowState.UNKNOWN:
            return "Local time unknown"
        if self.state is WindowState.OPEN:
            return f"Callable until {hhmm(self.closes_at)}" if self.closes_at else "Callable"
        if self.opens_at is None:
            return "Not callable this week"
        return f"Not until {hhmm(self.opens_at)}"


_HORIZON_DAYS = 8  # a weekly rule always opens within a week


def _inside(instant: datetime, zones: Iterable[ZoneInfo], rules: tuple[WindowRule, ...]) -> bool:
    return all(any(rule.contains(instant.astimezone(z)) for rule in rules) for z in zones)


def _boundaries(now: datetime, zones: list[ZoneInfo], rules: tuple[WindowRule, ...],
                which: str) -> list[datetime]:
    found: set[datetime] = set()
    for zone in zones:
        first = now.astimezone(zone).date() - timedelta(days=1)
        for offset in range(_HORIZON_DAYS + 1):
            day = first + timedelta(days=offset)
            for rule in rules:
                moment = rule.starts_on(day, zone) if which == "start" else rule.ends_on(day, zone)
                if moment is not None and moment > now:
                    found.add(moment)
    return sorted(found)


def window_status(now: datetime, resolution: ZoneResolution, windows: CallingWindows,
                  country: str | None = None) -> WindowStatus:
    """Whether every candidate zone is inside the window at `now`, and when that changes."""
    if not resolution.known:
        return WindowStatus(WindowState.UNKNOWN)
    zones = [ZoneInfo(z) for z in resolution.zones]
    rules = windows.rules_for(country)
    if _inside(now, zones, rules):
        # The safe window closes at the first instant one zone leaves its window.
        closes = next((end for end in _boundaries(now, zones, rules, "end")
                       if not _inside(end, zones, rules)), None)
        return WindowStatus(WindowState.OPEN, closes_at=closes, zones=resolution.zones)
    # The intersection of windows always opens when the last zone opens: scan start instants.
    opens = next((start for start in _boundaries(now, zones, rules, "start")
                  if _inside(start, zones, rules)), None)
    return WindowStatus(WindowState.CLOSED, opens_at=opens, zones=resolution.zones)


@dataclass(frozen=True)
class DncFlag:
    channel: str  # call, email, linkedin, all
    reason: str
    source: str
    recorded_at: datetime

    def blocks(self, channel: str) -> bool:
        return self.channel in (channel, "all")

    def describe(self) -> str:
        why = self.reason or "no reason recorded"
        where = f" ({self.source})" if self.source else ""
        return f"Do not call: {why}{where}, recorded {self.recorded_at:%Y-%m-%d}."


@dataclass(frozen=True)
class CallAllowed:
    status: WindowStatus


@dataclass(frozen=True)
class CallBlocked:
    reason: str


@dataclass(frozen=True)
class NeedsConfirmation:
    reason: str


CallDecision = CallAllowed | CallBlocked | NeedsConfirmation


def check_call(now: datetime, resolution: ZoneResolution, windows: CallingWindows, *,
               country: str | None = None, dnc: Iterable[DncFlag] = (),
               outside_policy: str = "confirm") -> CallDecision:
    """Do-not-call first (never overridable), then the calling window per the rep's policy.

    `outside_policy` is "confirm" (ask) or "block". An unknown local time is treated as
    outside the window: asked under "confirm", blocked under "block" (pin a zone to call).
    """
    for flag in dnc:
        if flag.blocks("call"):
            return CallBlocked(flag.describe())
    status = window_status(now, resolution, windows, country)
    if status.state is WindowState.OPEN:
        return CallAllowed(status)
    if status.state is WindowState.UNKNOWN:
        reason = ("The prospect's local time is unknown (no pinned zone, usable phone number "
                  "or country). Pin a time zone on the contact to be sure.")
    else:
        zones = ", ".join(city_of(z) for z in status.zones)
        reason = f"It is outside the calling window in {zones}. {status.label(now=now)}."
    return CallBlocked(reason) if outside_policy == "block" else NeedsConfirmation(reason)
