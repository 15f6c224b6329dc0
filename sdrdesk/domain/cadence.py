"""The cadence engine: when each sequence step falls due, and when a sequence stops (pure code).

Business days are the *prospect's*: weekends and the public holidays of their country and
region (the `holidays` package: Ontario's Family Day, Massachusetts' Patriots' Day). A step's
`day_offset` counts business days after the previous step was completed or skipped (the first
step counts from enrolment). Due times are the prospect's local morning, so "Callable now"
and "due" agree.

Nothing here reads the wall clock or the database: callers pass `now`, the prospect's place
and zone, and get dates, instants and decisions back. Tests drive it with a fake clock.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

CHANNELS: tuple[str, ...] = ("call", "email", "linkedin", "other")
DEFAULT_DUE_TIME = time(9, 0)  # the prospect's local morning
# New tasks a day may receive per channel when many contacts are enrolled at once.
DEFAULT_DAILY_CAPS: Mapping[str, int] = {"call": 60, "email": 80, "linkedin": 25, "other": 40}
_MAX_SEARCH_DAYS = 3660  # a cap of 1 over ten years is already absurd


class ExitReason(StrEnum):
    """Why a contact's sequence ended; stored in `enrollments.end_reason`."""

    FINISHED = "finished"  # the last step was done
    REPLIED = "replied"
    MEETING_BOOKED = "meeting_booked"
    NOT_INTERESTED = "not_interested"
    OPT_OUT = "opt_out"
    BOUNCED = "bounced"
    DO_NOT_CALL = "do_not_call"
    DISQUALIFIED = "disqualified"
    REMOVED = "removed"  # the rep took the contact out by hand

    @property
    def label(self) -> str:
        return _EXIT_LABELS[self]


_EXIT_LABELS: dict[ExitReason, str] = {
    ExitReason.FINISHED: "all steps done",
    ExitReason.REPLIED: "the prospect replied",
    ExitReason.MEETING_BOOKED: "a meeting was booked",
    ExitReason.NOT_INTERESTED: "not interested",
    ExitReason.OPT_OUT: "the prospect opted out",
    ExitReason.BOUNCED: "the e-mail bounced",
    ExitReason.DO_NOT_CALL: "asked not to be called",
    ExitReason.DISQUALIFIED: "disqualified",
    ExitReason.REMOVED: "removed by the rep",
}


def exit_reason(text: str) -> ExitReason:
    try:
        return ExitReason(text)
    except ValueError:
        raise ValueError(f"unknown sequence exit: {text!r}") from None


class ReplyKind(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    OUT_OF_OFFICE = "out_of_office"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class ReplyOutcome:
    """What a logged reply does to the sequence: end it with a reason, or pause it."""

    end: ExitReason | None = None
    pause_days: int = 0  # business days; the sequence resumes by itself after them
    opt_out_channel: str | None = None  # a bounce blocks the address


# As configured for every book; a positive or negative reply ends the sequence (the rep
# follows up by hand), an out-of-office pauses it, a bounce ends it and blocks the address.
REPLY_OUTCOMES: Mapping[ReplyKind, ReplyOutcome] = {
    ReplyKind.POSITIVE: ReplyOutcome(end=ExitReason.REPLIED),
    ReplyKind.NEGATIVE: ReplyOutcome(end=ExitReason.NOT_INTERESTED),
    ReplyKind.OUT_OF_OFFICE: ReplyOutcome(pause_days=5),
    ReplyKind.BOUNCE: ReplyOutcome(end=ExitReason.BOUNCED, opt_out_channel="email"),
}


# -- business days ----------------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def _holiday_table(country: str, region: str | None, year: int) -> frozenset[date]:
    try:
        table = holidays.country_holidays(country, subdiv=region or None, years=year)
    except NotImplementedError:
        if region:  # an unknown subdivision: the country's holidays still apply
            return _holiday_table(country, None, year)
        return frozenset()
    return frozenset(table)


def holiday_countries() -> dict[str, tuple[str, ...]]:
    """Countries the `holidays` package knows (ISO alpha-2) and their subdivision codes."""
    return {code: tuple(subdivs) for code, subdivs in sorted(holidays.list_supported_countries().items())
            if len(code) == 2}


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days in one place: Monday to Friday minus its public holidays."""

    country: str | None = None  # ISO alpha-2; None: weekends only
    region: str | None = None  # ISO 3166-2 subdivision without the country ("ON", "MA")

    @classmethod
    def for_place(cls, country: str | None, region: str | None) -> BusinessCalendar:
        code = (country or "").strip().upper() or None
        sub = (region or "").strip().upper() or None
        if sub and code and sub.startswith(f"{code}-"):
            sub = sub[len(code) + 1:]
        return cls(code, sub if code else None)

    def holiday_name(self, day: date) -> str | None:
        if not self.country:
            return None
        if day not in _holiday_table(self.country, self.region, day.year):
            return None
        try:
            table = holidays.country_holidays(self.country, subdiv=self.region or None, years=day.year)
        except NotImplementedError:
            table = holidays.country_holidays(self.country, years=day.year)
        return table.get(day) or "public holiday"

    def is_holiday(self, day: date) -> bool:
        return bool(self.country) and day in _holiday_table(self.country, self.region, day.year)

    def is_business_day(self, day: date) -> bool:
        return day.isoweekday() <= 5 and not self.is_holiday(day)

    def roll_forward(self, day: date) -> date:
        """`day` itself if it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add(self, day: date, business_days: int) -> date:
        """`business_days` working days after `day` (0: `day` rolled forward to a working day)."""
        current = self.roll_forward(day)
        for _ in range(max(0, business_days)):
            current = self.roll_forward(current + timedelta(days=1))
        return current

    def count_between(self, start: date, end: date) -> int:
        """Working days in [start, end], both included."""
        return sum(1 for n in range((end - start).days + 1)
                   if self.is_business_day(start + timedelta(days=n)))

    def why_not(self, day: date) -> str | None:
        """"Saturday", "Family Day" or None when `day` is a working day (for warnings)."""
        if day.isoweekday() > 5:
            return day.strftime("%A")
        return self.holiday_name(day)


# -- where a prospect is -----------------------------------------------------------------

@dataclass(frozen=True)
class ProspectPlace:
    """The prospect's calendar and the zone their due times are in (the rep's when unknown)."""

    calendar: BusinessCalendar
    zone: ZoneInfo

    @classmethod
    def of(cls, country: str | None, region: str | None, zones: Iterable[str],
           rep_zone: ZoneInfo) -> ProspectPlace:
        candidates = list(zones)
        # Several candidate zones: the westernmost morning is safe for all of them.
        zone = max((ZoneInfo(z) for z in candidates), key=_west_key, default=rep_zone)
        return cls(BusinessCalendar.for_place(country, region), zone)


def _west_key(zone: ZoneInfo) -> float:
    offset = datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset()
    return -(offset.total_seconds() if offset is not None else 0.0)


def due_at(place: ProspectPlace, day: date, at: time = DEFAULT_DUE_TIME) -> datetime:
    """The instant of `at` on `day` in the prospect's zone (aware, in that zone)."""
    return datetime.combine(day, at, tzinfo=place.zone)


def local_day(place: ProspectPlace, instant: datetime) -> date:
    return instant.astimezone(place.zone).date()


# -- scheduling steps ----------------------------------------------------------------------

@dataclass(frozen=True)
class StepPlan:
    position: int
    day_offset: int
    channel: str


@dataclass(frozen=True)
class NextStep:
    """The step to create next and when, or `finished` when there is none."""

    step: StepPlan | None
    due: datetime | None

    @property
    def finished(self) -> bool:
        return self.step is None


def first_due(place: ProspectPlace, step: StepPlan, now: datetime,
              at: time = DEFAULT_DUE_TIME) -> datetime:
    """The first step counts its offset from the enrolment day; offset 0 is due today (or the
    next working day), never before `now`'s morning."""
    day = place.calendar.add(local_day(place, now), step.day_offset)
    return due_at(place, day, at)


def next_step(place: ProspectPlace, steps: Iterable[StepPlan], done_position: int, now: datetime,
              at: time = DEFAULT_DUE_TIME) -> NextStep:
    """After the step at `done_position` was completed or skipped at `now`: the next step due
    `day_offset` business days later (at least the next working day), or finished."""
    later = sorted((s for s in steps if s.position > done_position), key=lambda s: s.position)
    if not later:
        return NextStep(None, None)
    step = later[0]
    day = place.calendar.add(local_day(place, now), max(1, step.day_offset))
    return NextStep(step, due_at(place, day, at))


# -- pause and resume ------------------------------------------------------------------------

@dataclass(frozen=True)
class PauseState:
    paused: bool
    until: datetime | None = None  # auto-resume instant; None: until the rep resumes

    def should_resume(self, now: datetime) -> bool:
        return self.paused and self.until is not None and now >= self.until


def pause_until(place: ProspectPlace, now: datetime, business_days: int) -> datetime:
    """An auto-resume instant `business_days` working days after `now`, at the due time."""
    return due_at(place, place.calendar.add(local_day(place, now), max(1, business_days)))


def resume_due(place: ProspectPlace, pending_due: datetime | None, paused_at: datetime | None,
               now: datetime) -> datetime:
    """When the pending step falls due after a pause: shifted by the working days the pause
    lasted, and never in the past (a resumed sequence does not start overdue)."""
    today = local_day(place, now)
    if pending_due is None or paused_at is None:
        return due_at(place, place.calendar.roll_forward(today))
    cal = place.calendar
    lost = max(0, cal.count_between(local_day(place, paused_at), today) - 1)
    day = cal.add(local_day(place, pending_due), lost)
    return due_at(place, max(day, cal.roll_forward(today)), pending_due.astimezone(place.zone).timetz())


# -- out of office (the rep's) ---------------------------------------------------------------

@dataclass(frozen=True)
class OutOfOffice:
    """The rep is away from `first_day` to `last_day` (both included, the rep's calendar)."""

    first_day: date
    last_day: date
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("The last day away is before the first.")

    @property
    def days_away(self) -> int:
        return max(1, self.calendar.count_between(self.first_day, self.last_day))

    def shift(self, due: datetime, zone: ZoneInfo) -> datetime | None:
        """A task due while the rep is away moves forward by the working days away: the k-th
        working day away lands on the k-th working day back, so the work keeps its order and
        spacing instead of piling up as overdue. None: the task is not in the away period."""
        local = due.astimezone(zone)
        day = local.date()
        if day < self.first_day or day > self.last_day:
            return None
        target = self.calendar.add(self.calendar.roll_forward(day), self.days_away)
        return datetime.combine(target, local.timetz())


# -- daily caps --------------------------------------------------------------------------------

@dataclass
class DailyCap:
    """Spreads new tasks so no day gets more than `caps[channel]` of them (existing load
    included): 300 contacts enrolled at once fill the next days, not one morning."""

    caps: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DAILY_CAPS))
    load: Counter[tuple[date, str]] = field(default_factory=Counter)

    def cap_for(self, channel: str) -> int:
        return max(1, int(self.caps.get(channel, DEFAULT_DAILY_CAPS.get(channel, 40))))

    def place(self, requested: date, channel: str, calendar: BusinessCalendar) -> date:
        cap = self.cap_for(channel)
        day = calendar.roll_forward(requested)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.load[(day, channel)] < cap:
                self.load[(day, channel)] += 1
                return day
            day = calendar.roll_forward(day + timedelta(days=1))
        raise ValueError("No day with room for the task under the daily cap.")


# -- callback warnings --------------------------------------------------------------------------

def callback_warnings(when: datetime, place: ProspectPlace, inside_window: bool) -> list[str]:
    """What to tell the rep about a requested callback time in the prospect's zone."""
    local = when.astimezone(place.zone)
    warnings = []
    why = place.calendar.why_not(local.date())
    if why:
        warnings.append(f"{local:%a %d %b} is {why} where the prospect is.")
    if not inside_window:
        warnings.append(f"{local:%H:%M} is outside the calling window where the prospect is.")
    return warnings
