"""What each metric means, as data, and the periods they are counted over (pure Python).

The definitions below are the single source for the SQL in `services/metrics.py`, the
tooltips and the help page: change a disposition set here and all three follow.
Periods are calendar days in the rep's zone (a DST change makes a 23- or 25-hour day, and a
week starts on Monday at local midnight), turned into UTC bounds [start, end).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sdrdesk.domain.dispositions import DISPOSITIONS

# -- what counts as what ----------------------------------------------------------------
CALL_KINDS = ("call",)
CONNECT_DISPOSITIONS: tuple[str, ...] = tuple(d.key for d in DISPOSITIONS if d.talked)
CONVERSATION_DISPOSITIONS: tuple[str, ...] = (
    "conversation", "meeting_booked", "callback_requested", "not_interested")
CONVERSATION_MIN_SECONDS = 120
REPLY_DISPOSITIONS: tuple[str, ...] = (
    "replied", "reply", "positive_reply", "negative_reply", "referral", "interested")
POSITIVE_REPLY_DISPOSITIONS: tuple[str, ...] = ("positive_reply", "interested", "meeting_booked")
BOUNCE_DISPOSITIONS: tuple[str, ...] = ("bounced",)
REPLY_CHANNELS: tuple[str, ...] = ("email", "linkedin")
# A group with at least this many records created in the period and no meeting booked is
# "volume without meetings".
VOLUME_WITHOUT_MEETINGS_MIN = 50


class Unit(StrEnum):
    COUNT = "count"
    RATE = "rate"
    MONEY = "money"


@dataclass(frozen=True)
class MetricDef:
    key: str
    label: str
    unit: Unit
    definition: str


def _names(keys: tuple[str, ...]) -> str:
    return ", ".join(k.replace("_", " ") for k in keys)


METRICS: tuple[MetricDef, ...] = (
    MetricDef("calls", "Calls", Unit.COUNT,
              "Every call logged in the period, whatever its outcome (dials)."),
    MetricDef("connects", "Connects", Unit.COUNT,
              f"A call where a person answered: dispositions {_names(CONNECT_DISPOSITIONS)}."),
    MetricDef("connect_rate", "Connect rate", Unit.RATE, "Connects ÷ calls."),
    MetricDef("conversations", "Conversations", Unit.COUNT,
              "A connect that went past the opener: dispositions "
              f"{_names(CONVERSATION_DISPOSITIONS)}, or any connect of "
              f"{CONVERSATION_MIN_SECONDS // 60} minutes or more."),
    MetricDef("emails", "E-mails", Unit.COUNT,
              "E-mails sent (outbound e-mail activities, bounced ones included)."),
    MetricDef("bounces", "Bounces", Unit.COUNT, "Sent e-mails marked bounced."),
    MetricDef("replies", "Replies", Unit.COUNT,
              "An inbound e-mail or LinkedIn message, or an outbound one marked "
              f"{_names(REPLY_DISPOSITIONS)}."),
    MetricDef("reply_rate", "Reply rate", Unit.RATE, "Replies ÷ e-mails sent."),
    MetricDef("positive_replies", "Positive replies", Unit.COUNT,
              f"Replies marked {_names(POSITIVE_REPLY_DISPOSITIONS)}."),
    MetricDef("meetings_booked", "Meetings booked", Unit.COUNT,
              "Meetings whose booking falls in the period. A rescheduled meeting counts once, "
              "when it was first booked."),
    MetricDef("meetings_held", "Meetings held", Unit.COUNT,
              "A meeting is held unless cancelled or marked no-show: counted when it was held, "
              "or at its (last) scheduled time once that has passed. A no-show later held "
              "counts as held."),
    MetricDef("no_shows", "No-shows", Unit.COUNT,
              "Meetings marked no-show in the period and not held afterwards."),
    MetricDef("no_show_rate", "No-show rate", Unit.RATE, "No-shows ÷ (held + no-shows)."),
    MetricDef("meetings_accepted", "Accepted by AEs", Unit.COUNT,
              "Meetings an AE accepted as a qualified opportunity (SQL) in the period."),
    MetricDef("meetings_rejected", "Rejected by AEs", Unit.COUNT,
              "Meetings an AE rejected in the period."),
    MetricDef("opportunity_value", "Opportunity value", Unit.MONEY,
              "Sum of the opportunity values of the meetings accepted in the period "
              "(and not rejected afterwards)."),
)
METRIC_BY_KEY: dict[str, MetricDef] = {m.key: m for m in METRICS}

# The review follows a cohort: the contacts created (imported or added) in the period, from
# then up to today, so a source is judged by what its records became.
REVIEW_COLUMNS: tuple[MetricDef, ...] = (
    MetricDef("created", "Created", Unit.COUNT,
              "Contacts created (imported or added) in the period: the cohort the row follows."),
    MetricDef("worked", "Worked", Unit.COUNT,
              "Of those, contacts with at least one call, e-mail or LinkedIn touch so far."),
    MetricDef("emailed", "E-mailed", Unit.COUNT, "Of those, contacts sent at least one e-mail."),
    MetricDef("bounce_rate", "Bounce rate", Unit.RATE,
              "Contacts with a bounced e-mail ÷ contacts e-mailed."),
    MetricDef("reply_rate", "Reply rate", Unit.RATE,
              "Contacts who replied (e-mail or LinkedIn) ÷ contacts worked."),
    MetricDef("booked", "Booked", Unit.COUNT, "Meetings booked with these contacts so far."),
    MetricDef("accepted", "Accepted", Unit.COUNT,
              "Of those meetings, accepted by an AE as an opportunity (and not rejected later)."),
    MetricDef("rejected", "Rejected", Unit.COUNT, "Of those meetings, rejected by an AE."),
    MetricDef("opportunity_rate", "Opp. rate", Unit.RATE,
              "Accepted meetings ÷ contacts created: how many records became an opportunity."),
    MetricDef("pipeline", "Pipeline", Unit.MONEY, "Opportunity value of the accepted meetings."),
)


class Dimension(StrEnum):
    SOURCE = "source"
    INDUSTRY = "industry"
    COUNTRY = "country"
    ICP_TIER = "icp_tier"
    PERSONA = "persona"


DIMENSION_LABELS: dict[Dimension, str] = {
    Dimension.SOURCE: "Source label", Dimension.INDUSTRY: "Industry",
    Dimension.COUNTRY: "Country", Dimension.ICP_TIER: "ICP tier", Dimension.PERSONA: "Persona",
}
DIMENSION_HELP = ("A contact's source is its own source label, else its account's; industry, "
                  "country and ICP tier are the account's (country falls back to the "
                  "contact's); persona is the contact's. Missing values group as '(none)'.")


# -- periods ----------------------------------------------------------------------------
class PeriodKind(StrEnum):
    TODAY = "today"
    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    LAST_30 = "last_30"
    LAST_90 = "last_90"
    LAST_WEEK = "last_week"
    LAST_MONTH = "last_month"
    CUSTOM = "custom"


PERIOD_LABELS: dict[PeriodKind, str] = {
    PeriodKind.TODAY: "Today", PeriodKind.THIS_WEEK: "This week",
    PeriodKind.THIS_MONTH: "This month", PeriodKind.LAST_30: "Last 30 days",
    PeriodKind.LAST_90: "Last 90 days", PeriodKind.LAST_WEEK: "Last week",
    PeriodKind.LAST_MONTH: "Last month", PeriodKind.CUSTOM: "Custom",
}


@dataclass(frozen=True)
class Period:
    """Local calendar days [first, last] in `zone`, and the UTC instants [start, end)."""

    kind: PeriodKind
    first: date
    last: date
    zone: str
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{PERIOD_LABELS[self.kind]} ({self.first:%a %d %b %Y})"
        return f"{PERIOD_LABELS[self.kind]} ({self.first:%d %b} – {self.last:%d %b %Y})"

    @property
    def days(self) -> tuple[date, ...]:
        n = (self.last - self.first).days + 1
        return tuple(self.first + timedelta(days=i) for i in range(n))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone` (DST-safe: midnight exists or the next
    valid wall time is used)."""
    local = datetime.combine(day, time(0, 0), tzinfo=zone)
    # A zone that skips midnight (rare) gives a non-existent time; normalise through UTC.
    return local.astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)


def period_for(kind: PeriodKind, now: datetime, zone_name: str, *, first: date | None = None,
               last: date | None = None) -> Period:
    """The period `kind` as of `now`, in the rep's zone. CUSTOM needs `first` and `last`."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    if kind is PeriodKind.TODAY:
        a, b = today, today
    elif kind is PeriodKind.THIS_WEEK:
        a = today - timedelta(days=today.weekday())
        b = a + timedelta(days=6)
    elif kind is PeriodKind.LAST_WEEK:
        a = today - timedelta(days=today.weekday() + 7)
        b = a + timedelta(days=6)
    elif kind is PeriodKind.THIS_MONTH:
        a = today.replace(day=1)
        b = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    elif kind is PeriodKind.LAST_MONTH:
        b = today.replace(day=1) - timedelta(days=1)
        a = b.replace(day=1)
    elif kind is PeriodKind.LAST_30:
        a, b = today - timedelta(days=29), today
    elif kind is PeriodKind.LAST_90:
        a, b = today - timedelta(days=89), today
    else:
        if first is None or last is None:
            raise ValueError("a custom period needs a first and a last day")
        a, b = (first, last) if first <= last else (last, first)
    return Period(kind, a, b, zone_name, local_midnight(a, zone),
                  local_midnight(b + timedelta(days=1), zone))


def weekdays_between(first: date, last: date) -> int:
    """Monday-to-Friday days in [first, last]."""
    if last < first:
        return 0
    n = (last - first).days + 1
    full, rest = divmod(n, 7)
    count = full * 5
    for i in range(rest):
        if (first + timedelta(days=full * 7 + i)).weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True)
class Pace:
    done: int
    goal: int
    projected: int
    elapsed_workdays: int
    workdays: int

    @property
    def text(self) -> str:
        if self.goal <= 0:
            return f"{self.done} meetings booked this month (no monthly goal set)"
        if self.projected > self.goal:  # "60 of 18" reads as a typo
            return (f"On pace for {self.projected} meetings, above the goal of {self.goal} "
                    f"({self.done} booked so far)")
        return f"On pace for {self.projected} of {self.goal} meetings ({self.done} booked so far)"

    @property
    def on_track(self) -> bool:
        return self.goal <= 0 or self.projected >= self.goal


def pace_for(done: int, goal: int, today: date) -> Pace:
    """Project this month's meetings from the weekdays gone so far (today counts as gone)."""
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    total = weekdays_between(first, last)
    elapsed = max(1, weekdays_between(first, today))
    projected = round(done * total / elapsed) if total else done
    return Pace(done, goal, max(projected, done), elapsed, total)


# -- formatting -------------------------------------------------------------------------
def ratio(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator, or None when there is nothing to divide by."""
    return None if not denominator else numerator / denominator


def format_value(value: float | None, unit: Unit, currency: str = "") -> str:
    """"-" for a rate with a zero denominator; counts with separators; money rounded."""
    if value is None:
        return "-"
    if unit is Unit.RATE:
        return f"{value * 100:.1f} %"
    if unit is Unit.MONEY:
        return f"{currency}{value:,.0f}".strip()
    return f"{int(value):,}"
