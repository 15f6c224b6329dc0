"""The rep's metrics for a period, the source/segment review and the onboarding ramp (no Qt).

Everything is counted in SQL on the session's own sqlite3 connection, read-only: activity
counts from migration 14's rollups (per UTC quarter-hour, and per contact for the review),
meetings from their lifecycle timestamps (migration 7) over index-only range scans. What each
number means lives in `domain/metrics.py` as data; the rollup triggers use the same
disposition sets (tests/metrics checks they agree).

Times are stored as naive UTC text ("YYYY-MM-DD HH:MM:SS.ffffff"), so period bounds are
compared as text in that exact format.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sdrdesk.domain import metrics as d
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.metrics import Dimension, MetricDef, Pace, Period, PeriodKind, Unit
from sdrdesk.services.book_queries import raw_connection

if TYPE_CHECKING:  # panes import the DTOs below without loading the storage stack
    from sdrdesk.storage.unit_of_work import UowFactory


def stamp(moment: datetime) -> str:
    """An aware instant as the book stores it (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


# Period metrics read `activity_rollup` (migration 14): one row per UTC quarter-hour with
# the counters below, kept exact by triggers from the same disposition sets as the domain's.
ACTIVITY_SQL = """
SELECT coalesce(sum(total), 0), coalesce(sum(calls), 0), coalesce(sum(connects), 0),
       coalesce(sum(conversations), 0), coalesce(sum(emails), 0), coalesce(sum(bounces), 0),
       coalesce(sum(replies), 0), coalesce(sum(positive), 0)
FROM activity_rollup WHERE bucket >= :s AND bucket < :e
"""


def _bucket(moment: datetime) -> str:
    """The rollup bucket an instant on a quarter-hour starts (period bounds always are)."""
    return stamp(moment)[:16]


def _within(column: str) -> str:
    return f"({column} >= :s AND {column} < :e)"


_LIVE = "deleted_at IS NULL"
_ACCEPTED = _within("accepted_at")
_REJECTED = _within("rejected_at")
_PIPELINE = (f"CASE WHEN {_ACCEPTED} AND (rejected_at IS NULL OR rejected_at < accepted_at) "
             "THEN coalesce(opportunity_value, 0) ELSE 0 END")

# One range scan per lifecycle step, each on its own index (migration 14).
MEETING_SQL = f"""
SELECT
  (SELECT count(*) FROM meetings INDEXED BY ix_meetings_live_booked_at
     WHERE {_LIVE} AND {_within('booked_at')})
  + (SELECT count(*) FROM meetings INDEXED BY ix_meetings_unbooked_created_at
     WHERE booked_at IS NULL AND {_LIVE} AND {_within('created_at')}),
  (SELECT count(*) FROM meetings INDEXED BY ix_meetings_live_held_at WHERE {_LIVE} AND {_within('held_at')})
  + (SELECT count(*) FROM meetings INDEXED BY ix_meetings_live_scheduled
     WHERE {_LIVE} AND {_within('scheduled_at')} AND scheduled_at <= :now
     AND held_at IS NULL AND cancelled_at IS NULL AND no_show_at IS NULL),
  (SELECT count(*) FROM meetings INDEXED BY ix_meetings_live_no_show_at WHERE {_LIVE}
     AND {_within('no_show_at')} AND (held_at IS NULL OR held_at < no_show_at)),
  (SELECT count(*) FROM meetings INDEXED BY ix_meetings_live_accepted_at WHERE {_LIVE} AND {_ACCEPTED}),
  (SELECT count(*) FROM meetings INDEXED BY ix_meetings_live_rejected_at WHERE {_LIVE} AND {_REJECTED}),
  (SELECT coalesce(sum({_PIPELINE}), 0) FROM meetings INDEXED BY ix_meetings_live_accepted_at
     WHERE {_LIVE} AND {_ACCEPTED})
"""

# The currency of the latest accepted opportunity labels money (one index step, not a scan).
_CURRENCY_SQL = ("SELECT currency FROM meetings INDEXED BY ix_meetings_live_accepted_at "
                 "WHERE deleted_at IS NULL AND accepted_at IS NOT NULL AND currency IS NOT NULL "
                 "ORDER BY accepted_at DESC LIMIT 1")


# -- DTOs -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricValue:
    key: str
    label: str
    unit: Unit
    value: float | None  # None: a rate with nothing to divide by
    text: str
    definition: str


@dataclass(frozen=True)
class DayActivity:
    day: date
    calls: int
    connects: int
    emails: int
    linkedin: int

    @property
    def total(self) -> int:
        return self.calls + self.emails + self.linkedin


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    definition: str


@dataclass(frozen=True)
class MetricsReport:
    period: Period
    values: tuple[MetricValue, ...]
    daily: tuple[DayActivity, ...]
    funnel: tuple[FunnelStep, ...]
    pace: Pace | None
    currency: str = ""

    def get(self, key: str) -> MetricValue:
        for value in self.values:
            if value.key == key:
                return value
        raise KeyError(key)

    def number(self, key: str) -> float | None:
        return self.get(key).value


@dataclass(frozen=True)
class ReviewRow:
    """One group of the review: the contacts created in the period, followed up to now."""

    group: str
    created: int
    worked: int
    emailed: int
    bounced: int  # contacts with a bounced e-mail
    replied: int  # contacts who replied
    booked: int
    accepted: int
    rejected: int
    pipeline: float
    rank: int = 0
    flagged: bool = False
    flag_reason: str = ""

    @property
    def bounce_rate(self) -> float | None:
        return d.ratio(self.bounced, self.emailed)

    @property
    def reply_rate(self) -> float | None:
        return d.ratio(self.replied, self.worked)

    @property
    def opportunity_rate(self) -> float | None:
        return d.ratio(self.accepted, self.created)

    def cells(self, currency: str = "") -> tuple[str, ...]:
        """The row as the review table shows it, in `REVIEW_COLUMNS` order."""
        return tuple(d.format_value(getattr(self, col.key), col.unit, currency)
                     for col in d.REVIEW_COLUMNS)


@dataclass(frozen=True)
class Review:
    period: Period
    dimension: Dimension
    rows: tuple[ReviewRow, ...]
    total: ReviewRow
    currency: str = ""

    @property
    def flagged(self) -> tuple[ReviewRow, ...]:
        return tuple(r for r in self.rows if r.flagged)


@dataclass(frozen=True)
class OnboardingWeek:
    number: int
    first: date
    last: date
    calls: int
    connects: int
    conversations: int
    emails: int
    replies: int
    booked: int
    held: int
    accepted: int
    goal_calls: int | None
    goal_meetings: int | None
    partial: bool = False  # the week is still running

    @property
    def met(self) -> bool | None:
        if self.goal_meetings is None:
            return None
        calls_ok = self.goal_calls is None or self.calls >= self.goal_calls
        return self.booked >= self.goal_meetings and calls_ok


@dataclass(frozen=True)
class Onboarding:
    start: date
    weeks: tuple[OnboardingWeek, ...] = field(default_factory=tuple)

    @property
    def day(self) -> int:
        """Days since the start date (day 1 is the start)."""
        if not self.weeks:
            return 0
        return (self.weeks[-1].last - self.start).days + 1


# -- queries ----------------------------------------------------------------------------
def _bounds(start: datetime, end: datetime, now: datetime) -> dict[str, str]:
    return {"s": stamp(start), "e": stamp(end), "now": stamp(now)}


def activity_counts(conn: sqlite3.Connection, start: datetime, end: datetime) -> tuple[int, ...]:
    row = conn.execute(ACTIVITY_SQL, {"s": _bucket(start), "e": _bucket(end)}).fetchone()
    return tuple(int(x) for x in row)


def meeting_counts(conn: sqlite3.Connection, start: datetime, end: datetime,
                   now: datetime) -> tuple[float, ...]:
    row = conn.execute(MEETING_SQL, _bounds(start, end, now)).fetchone()
    return tuple(row)


def _daily(conn: sqlite3.Connection, period: Period) -> tuple[DayActivity, ...]:
    zone = ZoneInfo(period.zone)
    days = period.days[-400:]  # a chart of more than ~13 months is not readable anyway
    if not days:
        return ()
    values: list[str] = []
    params: list[str] = []
    for i, day in enumerate(days):
        a, b = d.day_bounds(day, zone)
        values.append("(?, ?, ?)")
        params += [str(i), _bucket(a), _bucket(b)]
    sql = (f"WITH days(i, s, e) AS (VALUES {', '.join(values)}) "
           "SELECT days.i, sum(calls), sum(connects), sum(emails), sum(linkedin) "
           "FROM days JOIN activity_rollup ON bucket >= days.s AND bucket < days.e "
           "GROUP BY days.i")
    found = {int(r[0]): r[1:] for r in conn.execute(sql, params)}
    out = []
    for i, day in enumerate(days):
        calls, connects, emails, linkedin = found.get(i, (0, 0, 0, 0))
        out.append(DayActivity(day, int(calls), int(connects), int(emails), int(linkedin)))
    return tuple(out)


def _currency(conn: sqlite3.Connection) -> str:
    row = conn.execute(_CURRENCY_SQL).fetchone()
    return f"{row[0]} " if row and row[0] else ""


def build_report(conn: sqlite3.Connection, period: Period, now: datetime,
                 monthly_goal: int = 0, *, with_daily: bool = True) -> MetricsReport:
    _n, calls, connects, conversations, emails, bounces, replies, positive = activity_counts(
        conn, period.start, period.end)
    booked, held, no_shows, accepted, rejected, pipeline = meeting_counts(
        conn, period.start, period.end, now)
    currency = _currency(conn)
    raw: dict[str, float | None] = {
        "calls": calls, "connects": connects, "connect_rate": d.ratio(connects, calls),
        "conversations": conversations, "emails": emails, "bounces": bounces,
        "replies": replies, "reply_rate": d.ratio(replies, emails),
        "positive_replies": positive, "meetings_booked": booked, "meetings_held": held,
        "no_shows": no_shows, "no_show_rate": d.ratio(no_shows, held + no_shows),
        "meetings_accepted": accepted, "meetings_rejected": rejected,
        "opportunity_value": float(pipeline),
    }
    values = tuple(_value(m, raw[m.key], currency) for m in d.METRICS)
    funnel = tuple(FunnelStep(d.METRIC_BY_KEY[k].label, int(raw[k] or 0), d.METRIC_BY_KEY[k].definition)
                   for k in ("calls", "connects", "conversations", "meetings_booked",
                             "meetings_held", "meetings_accepted"))
    zone = ZoneInfo(period.zone)
    today = now.astimezone(zone).date()
    pace = None
    if period.first <= today <= period.last:  # pace is about the month under way
        month = d.period_for(PeriodKind.THIS_MONTH, now, period.zone)
        month_booked = booked if (period.first, period.last) == (month.first, month.last) else \
            int(meeting_counts(conn, month.start, month.end, now)[0])
        pace = d.pace_for(int(month_booked), monthly_goal, today)
    daily = _daily(conn, period) if with_daily else ()
    return MetricsReport(period, values, daily, funnel, pace, currency)


def _value(m: MetricDef, value: float | None, currency: str) -> MetricValue:
    return MetricValue(m.key, m.label, m.unit, value, d.format_value(value, m.unit, currency),
                       m.definition)


# -- the review -------------------------------------------------------------------------
_GROUP_SQL: dict[Dimension, str] = {
    Dimension.SOURCE: "coalesce(sl.name, '(none)')",
    Dimension.INDUSTRY: "coalesce(nullif(trim(acc.industry), ''), '(none)')",
    Dimension.COUNTRY: "coalesce(nullif(acc.country, ''), nullif(c.country, ''), '(none)')",
    Dimension.ICP_TIER: "coalesce(nullif(acc.icp_tier, ''), '(none)')",
    Dimension.PERSONA: "coalesce(nullif(trim(c.persona), ''), '(none)')",
}
_FINAL_ACCEPTED = "(accepted_at IS NOT NULL AND (rejected_at IS NULL OR rejected_at < accepted_at))"
_FINAL_REJECTED = f"(rejected_at IS NOT NULL AND NOT {_FINAL_ACCEPTED})"


def _review_sql(dimension: Dimension) -> str:
    """The cohort of contacts created in the period, grouped, followed up to now.

    Two grouped halves over one materialised cohort: what the contacts did (one key lookup
    each in `contact_activity_rollup`, migration 14) and the meetings booked with them;
    `build_review` adds the halves up.
    """
    key = _GROUP_SQL[dimension]
    return f"""
WITH cohort AS (  -- used twice: SQLite >= 3.35 materialises it once
    SELECT c.id AS id, {key} AS g
    FROM contacts c INDEXED BY ix_contacts_created_at
    LEFT JOIN accounts acc ON acc.id = c.account_id
    LEFT JOIN source_labels sl ON sl.id = coalesce(c.source_label_id, acc.source_label_id)
    WHERE c.deleted_at IS NULL AND c.created_at >= :s AND c.created_at < :e
)
SELECT g, count(*), coalesce(sum(r.worked > 0), 0), coalesce(sum(r.emailed > 0), 0),
       coalesce(sum(r.bounced > 0), 0), coalesce(sum(r.replied > 0), 0), 0, 0, 0, 0
FROM cohort LEFT JOIN contact_activity_rollup r ON r.contact_id = cohort.id
GROUP BY g
UNION ALL
SELECT cohort.g, 0, 0, 0, 0, 0, count(*), sum({_FINAL_ACCEPTED}), sum({_FINAL_REJECTED}),
       sum(CASE WHEN {_FINAL_ACCEPTED} THEN coalesce(m.opportunity_value, 0) ELSE 0 END)
FROM cohort JOIN meetings m ON m.contact_id = cohort.id
WHERE m.deleted_at IS NULL AND coalesce(m.booked_at, m.created_at) <= :now
GROUP BY cohort.g
"""


def rank_rows(rows: Sequence[ReviewRow]) -> tuple[ReviewRow, ...]:
    """Best first: opportunity rate, then pipeline, then meetings booked; flag volume without
    meetings (at least `VOLUME_WITHOUT_MEETINGS_MIN` records created and none booked).
    A group with meetings but no contacts created in the period cannot occur: meetings are
    only counted for the cohort."""
    def key(r: ReviewRow) -> tuple[float, float, int, int, str]:
        rate = r.opportunity_rate
        return (-(rate if rate is not None else -1.0), -r.pipeline, -r.booked, -r.created, r.group)

    out = []
    for i, r in enumerate(sorted(rows, key=key), start=1):
        flagged = r.created >= d.VOLUME_WITHOUT_MEETINGS_MIN and r.booked == 0
        reason = (f"{r.created:,} created, {r.worked:,} worked, {r.emailed:,} e-mailed, "
                  f"{r.replied:,} replied, 0 meetings booked") if flagged else ""
        out.append(replace(r, rank=i, flagged=flagged, flag_reason=reason))
    return tuple(out)


def build_review(conn: sqlite3.Connection, period: Period, dimension: Dimension,
                 now: datetime) -> Review:
    sums: dict[str, list[float]] = {}
    for g, *values in conn.execute(_review_sql(dimension), _bounds(period.start, period.end, now)):
        row = sums.setdefault(str(g), [0.0] * 9)
        for i, v in enumerate(values):
            row[i] += float(v or 0)
    rows = [ReviewRow(g, *(int(v) for v in vals[:8]), float(vals[8])) for g, vals in sums.items()]
    ranked = rank_rows(rows)
    total = ReviewRow("Total", *(sum(getattr(r, f) for r in rows) for f in (  # type: ignore[arg-type]
        "created", "worked", "emailed", "bounced", "replied", "booked", "accepted", "rejected",
        "pipeline")))
    return Review(period, dimension, ranked, total, _currency(conn))


# -- onboarding -------------------------------------------------------------------------
def build_onboarding(conn: sqlite3.Connection, start: date, zone_name: str, now: datetime,
                     calls_goals: Sequence[int], meetings_goals: Sequence[int],
                     max_weeks: int = 13) -> Onboarding:
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    weeks: list[OnboardingWeek] = []
    n = 0
    first = start
    while first <= today and n < max_weeks:
        last = first + timedelta(days=6)
        a, b = d.local_midnight(first, zone), d.local_midnight(last + timedelta(days=1), zone)
        _t, calls, connects, convs, emails, _bn, replies, _pos = activity_counts(conn, a, b)
        booked, held, _ns, accepted, _rj, _pl = meeting_counts(conn, a, b, now)
        weeks.append(OnboardingWeek(
            n + 1, first, last, calls, connects, convs, emails, replies, int(booked), int(held),
            int(accepted),
            calls_goals[n] if n < len(calls_goals) else (calls_goals[-1] if calls_goals else None),
            meetings_goals[n] if n < len(meetings_goals) else (
                meetings_goals[-1] if meetings_goals else None),
            partial=last >= today))
        n += 1
        first = last + timedelta(days=1)
    return Onboarding(start, tuple(weeks))


def parse_goals(text: str) -> tuple[int, ...]:
    """"100, 150, 200" -> (100, 150, 200); blanks and junk are skipped."""
    out = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if part.isdigit():
            out.append(int(part))
    return tuple(out)


# -- the facade's service ---------------------------------------------------------------
class MetricsService:
    """`workspace.metrics`: read-only; every method opens its own unit of work."""

    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def period(self, kind: PeriodKind, zone: str, first: date | None = None,
               last: date | None = None) -> Period:
        return d.period_for(kind, self._clock.now(), zone, first=first, last=last)

    def report(self, period: Period, monthly_goal: int = 0) -> MetricsReport:
        with self._uow() as uow:
            return build_report(raw_connection(uow), period, self._clock.now(), monthly_goal)

    def review(self, period: Period, dimension: Dimension = Dimension.SOURCE) -> Review:
        with self._uow() as uow:
            return build_review(raw_connection(uow), period, dimension, self._clock.now())

    def reviews(self, period: Period) -> dict[Dimension, Review]:
        """Every dimension in one unit of work (the export and the PDF)."""
        with self._uow() as uow:
            conn, now = raw_connection(uow), self._clock.now()
            return {dim: build_review(conn, period, dim, now) for dim in Dimension}

    def onboarding(self, start: date, zone: str, calls_goals: Sequence[int],
                   meetings_goals: Sequence[int]) -> Onboarding:
        with self._uow() as uow:
            return build_onboarding(raw_connection(uow), start, zone, self._clock.now(),
                                    calls_goals, meetings_goals)


def rep_zone_name(preferred: str = "") -> str:
    """The rep's IANA zone: the preference when valid, else the system's, else UTC."""
    if preferred:
        try:
            ZoneInfo(preferred)
            return preferred
        except (KeyError, ValueError):
            pass
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        if name:
            ZoneInfo(name)
            return str(name)
    except Exception:
        pass
    return "UTC"
