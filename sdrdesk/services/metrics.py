"""The rep's metrics for a period, the source/segment review and the onboarding ramp (no Qt).

Everything is counted in SQL on the session's own sqlite3 connection, read-only, from the
activities and the meetings' lifecycle timestamps (migration 7), over the index-only range
scans of migration 14. What each number means lives in `domain/metrics.py` as data; the SQL
below is built from those same disposition sets.

Times are stored as naive UTC text ("YYYY-MM-DD HH:MM:SS.ffffff"), so period bounds are
compared as text in that exact format.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sdrdesk.domain import metrics as d
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.metrics import Dimension, MetricDef, Pace, Period, PeriodKind, Unit
from sdrdesk.services.book_queries import raw_connection
from sdrdesk.storage.unit_of_work import UowFactory


def stamp(moment: datetime) -> str:
    """An aware instant as the book stores it (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


# SQL fragments, built once from the domain's definitions (constants, never user input).
_OUT = "direction IS NOT 'inbound'"
_CALL = "kind = 'call'"
_CONNECT = f"({_CALL} AND disposition IN {_in(d.CONNECT_DISPOSITIONS)})"
_CONVERSATION = (f"({_CALL} AND (disposition IN {_in(d.CONVERSATION_DISPOSITIONS)} OR "
                 f"(disposition IN {_in(d.CONNECT_DISPOSITIONS)} AND "
                 f"duration_seconds >= {int(d.CONVERSATION_MIN_SECONDS)})))")
_EMAIL = f"(kind = 'email' AND {_OUT})"
_BOUNCE = f"({_EMAIL} AND disposition IN {_in(d.BOUNCE_DISPOSITIONS)})"
_POSITIVE = f"(kind IN {_in(d.REPLY_CHANNELS)} AND disposition IN {_in(d.POSITIVE_REPLY_DISPOSITIONS)})"
_REPLY = (f"(kind IN {_in(d.REPLY_CHANNELS)} AND (direction = 'inbound' OR disposition IN "
          f"{_in(d.REPLY_DISPOSITIONS + d.POSITIVE_REPLY_DISPOSITIONS)}))")
_TOUCH = f"(kind IN ('call', 'email', 'linkedin') AND {_OUT})"

ACTIVITY_SQL = f"""
SELECT count(*), coalesce(sum({_CALL}), 0), coalesce(sum({_CONNECT}), 0),
       coalesce(sum({_CONVERSATION}), 0), coalesce(sum({_EMAIL}), 0), coalesce(sum({_BOUNCE}), 0),
       coalesce(sum({_REPLY}), 0), coalesce(sum({_POSITIVE}), 0)
FROM activities INDEXED BY ix_activities_live_metrics
WHERE deleted_at IS NULL AND occurred_at >= :s AND occurred_at < :e
"""

_BOOKED_AT = "coalesce(booked_at, created_at)"


def _within(column: str) -> str:
    return f"({column} >= :s AND {column} < :e)"


_HELD = (f"({_within('held_at')} OR (held_at IS NULL AND cancelled_at IS NULL AND no_show_at IS NULL"
         f" AND {_within('scheduled_at')} AND scheduled_at <= :now))")
_NO_SHOW = f"({_within('no_show_at')} AND (held_at IS NULL OR held_at < no_show_at))"
_ACCEPTED = _within("accepted_at")
_REJECTED = _within("rejected_at")
_PIPELINE = (f"CASE WHEN {_ACCEPTED} AND (rejected_at IS NULL OR rejected_at < accepted_at) "
             "THEN coalesce(opportunity_value, 0) ELSE 0 END")

MEETING_SQL = f"""
SELECT coalesce(sum({_within(_BOOKED_AT)}), 0), coalesce(sum({_HELD}), 0),
       coalesce(sum({_NO_SHOW}), 0), coalesce(sum({_ACCEPTED}), 0),
       coalesce(sum({_REJECTED}), 0), coalesce(sum({_PIPELINE}), 0)
FROM meetings WHERE deleted_at IS NULL
"""

_CURRENCY_SQL = ("SELECT currency FROM meetings WHERE deleted_at IS NULL AND currency IS NOT NULL "
                 "GROUP BY currency ORDER BY count(*) DESC LIMIT 1")


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
    group: str
    created: int
    touched: int
    emails: int
    bounced: int
    replies: int
    booked: int
    accepted: int
    rejected: int
    pipeline: float
    rank: int = 0
    flagged: bool = False
    flag_reason: str = ""

    @property
    def bounce_rate(self) -> float | None:
        return d.ratio(self.bounced, self.emails)

    @property
    def reply_rate(self) -> float | None:
        return d.ratio(self.replies, self.emails)

    @property
    def opportunity_rate(self) -> float | None:
        return d.ratio(self.accepted, self.touched)

    def value(self, key: str) -> float | None:
        return float(getattr(self, key))

    def cells(self, currency: str = "") -> tuple[str, ...]:
        """The row as the review table shows it, in `REVIEW_COLUMNS` order."""
        out = []
        for col in d.REVIEW_COLUMNS:
            raw = getattr(self, col.key) if col.key != "pipeline" else self.pipeline
            out.append(d.format_value(raw, col.unit, currency))
        return tuple(out)


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
    row = conn.execute(ACTIVITY_SQL, {"s": stamp(start), "e": stamp(end)}).fetchone()
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
        params += [str(i), stamp(a), stamp(b)]
    sql = (f"WITH days(i, s, e) AS (VALUES {', '.join(values)}) "
           f"SELECT days.i, coalesce(sum({_CALL}), 0), coalesce(sum({_CONNECT}), 0), "
           f"coalesce(sum({_EMAIL}), 0), coalesce(sum(kind = 'linkedin' AND {_OUT}), 0) "
           "FROM days JOIN activities INDEXED BY ix_activities_live_metrics "
           "ON occurred_at >= days.s AND occurred_at < days.e "
           "WHERE deleted_at IS NULL GROUP BY days.i")
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
_PEOPLE_JOIN = ("JOIN contacts c ON c.id = p.contact_id "
                "LEFT JOIN accounts acc ON acc.id = c.account_id "
                "LEFT JOIN source_labels sl ON sl.id = coalesce(c.source_label_id, acc.source_label_id)")


def _review_sql(dimension: Dimension) -> str:
    key = _GROUP_SQL[dimension]
    return f"""
WITH act AS (
    SELECT contact_id, sum({_EMAIL}) AS emails, sum({_BOUNCE}) AS bounced,
           sum({_REPLY}) AS replies, max({_TOUCH}) AS touched
    FROM activities INDEXED BY ix_activities_live_metrics
    WHERE deleted_at IS NULL AND occurred_at >= :s AND occurred_at < :e AND contact_id IS NOT NULL
    GROUP BY contact_id
), mt AS (
    SELECT contact_id, sum({_within(_BOOKED_AT)}) AS booked, sum({_ACCEPTED}) AS accepted,
           sum({_REJECTED}) AS rejected, sum({_PIPELINE}) AS pipeline
    FROM meetings WHERE deleted_at IS NULL
      AND ({_within(_BOOKED_AT)} OR {_ACCEPTED} OR {_REJECTED})
    GROUP BY contact_id
), cr AS (
    SELECT id AS contact_id FROM contacts
    WHERE deleted_at IS NULL AND created_at >= :s AND created_at < :e
)
SELECT g, sum(created), sum(touched), sum(emails), sum(bounced), sum(replies), sum(booked),
       sum(accepted), sum(rejected), sum(pipeline)
FROM (
    SELECT {key} AS g, 0 AS created, p.touched, p.emails, p.bounced, p.replies,
           0 AS booked, 0 AS accepted, 0 AS rejected, 0 AS pipeline
    FROM act p {_PEOPLE_JOIN}
    UNION ALL
    SELECT {key}, 0, 0, 0, 0, 0, p.booked, p.accepted, p.rejected, p.pipeline
    FROM mt p {_PEOPLE_JOIN}
    UNION ALL
    SELECT {key}, 1, 0, 0, 0, 0, 0, 0, 0, 0
    FROM cr p {_PEOPLE_JOIN}
)
GROUP BY g
"""


def rank_rows(rows: Sequence[ReviewRow]) -> tuple[ReviewRow, ...]:
    """Best first: opportunity rate, then pipeline, then meetings booked; flag volume without
    meetings (at least `VOLUME_WITHOUT_MEETINGS_MIN` records or touches and none booked)."""
    def key(r: ReviewRow) -> tuple[float, float, int, int, str]:
        rate = r.opportunity_rate
        return (-(rate if rate is not None else -1.0), -r.pipeline, -r.booked, -r.touched, r.group)

    out = []
    for i, r in enumerate(sorted(rows, key=key), start=1):
        volume = max(r.created, r.touched)
        flagged = volume >= d.VOLUME_WITHOUT_MEETINGS_MIN and r.booked == 0
        reason = (f"{r.created:,} created and {r.touched:,} touched, {r.emails:,} e-mails sent, "
                  "0 meetings booked") if flagged else ""
        out.append(ReviewRow(r.group, r.created, r.touched, r.emails, r.bounced, r.replies,
                             r.booked, r.accepted, r.rejected, r.pipeline, i, flagged, reason))
    return tuple(out)


def build_review(conn: sqlite3.Connection, period: Period, dimension: Dimension,
                 now: datetime) -> Review:
    rows = [ReviewRow(str(g), int(cr or 0), int(t or 0), int(em or 0), int(b or 0), int(rp or 0),
                      int(bk or 0), int(ac or 0), int(rj or 0), float(pl or 0))
            for g, cr, t, em, b, rp, bk, ac, rj, pl in
            conn.execute(_review_sql(dimension), _bounds(period.start, period.end, now))]
    ranked = rank_rows(rows)
    total = ReviewRow("Total", *(sum(getattr(r, f) for r in rows) for f in (
        "created", "touched", "emails", "bounced", "replies", "booked", "accepted", "rejected",
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
