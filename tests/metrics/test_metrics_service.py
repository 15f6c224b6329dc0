"""Every metric from a hand-built book with known answers (see helpers.py for the arithmetic)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sdrdesk.domain import metrics as d
from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.metrics import Dimension, PeriodKind
from sdrdesk.services.metrics import MetricsService, ReviewRow, parse_goals, rank_rows
from sdrdesk.storage import models as m
from tests.metrics.helpers import NOW, ZONE, make_known_book, ny


@pytest.fixture
def service(uow_factory) -> MetricsService:  # type: ignore[no-untyped-def]
    make_known_book(uow_factory)
    return MetricsService(uow_factory, FakeClock(NOW))


def test_this_week_in_the_reps_zone(service: MetricsService) -> None:
    period = service.period(PeriodKind.THIS_WEEK, ZONE)
    assert (period.first, period.last) == (date(2026, 3, 9), date(2026, 3, 15))
    assert period.start == ny(3, 9, 0)  # 04:00 UTC: daylight time started on Sunday
    assert period.start.hour == 4
    r = service.report(period, monthly_goal=18)
    got = {v.key: v.value for v in r.values}
    assert got == {
        "calls": 4, "connects": 2, "connect_rate": 0.5, "conversations": 2, "emails": 3,
        "bounces": 1, "replies": 2, "reply_rate": pytest.approx(2 / 3), "positive_replies": 1,
        "meetings_booked": 3, "meetings_held": 3, "no_shows": 1, "no_show_rate": 0.25,
        "meetings_accepted": 1, "meetings_rejected": 1, "opportunity_value": 24000.0,
    }
    assert r.get("connect_rate").text == "50.0 %"
    assert r.get("reply_rate").text == "66.7 %"
    assert r.get("opportunity_value").text == "USD 24,000"
    assert [s.count for s in r.funnel] == [4, 2, 2, 3, 3, 1]


def test_last_week_keeps_sunday_night_and_not_the_noshow_later_held(service: MetricsService) -> None:
    period = service.period(PeriodKind.LAST_WEEK, ZONE)
    assert (period.first, period.last) == (date(2026, 3, 2), date(2026, 3, 8))
    r = service.report(period)
    assert r.number("calls") == 1  # Sunday 23:30 New York is Monday 03:30 UTC
    assert r.number("meetings_booked") == 3  # M1 (later rescheduled), M2, M6: once each
    assert r.number("no_shows") == 0  # M2 no-showed on 4 March but was held on 9 March
    assert r.number("meetings_held") == 0
    assert r.get("no_show_rate").text == "-"


def test_daily_activity_across_the_dst_change(service: MetricsService) -> None:
    period = service.period(PeriodKind.CUSTOM, ZONE, date(2026, 3, 7), date(2026, 3, 10))
    r = service.report(period)
    by_day = {a.day: a for a in r.daily}
    assert list(by_day) == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10)]
    assert by_day[date(2026, 3, 8)].calls == 1  # the 23-hour Sunday still ends at local midnight
    assert by_day[date(2026, 3, 9)].calls == 2  # 00:10 and 11:00 on Monday
    assert by_day[date(2026, 3, 10)].calls == 2
    assert by_day[date(2026, 3, 9)].connects == 1
    assert by_day[date(2026, 3, 10)].emails == 2
    assert sum(a.calls for a in r.daily) == r.number("calls")


def test_no_calls_shows_dashes_not_a_division_by_zero(service: MetricsService) -> None:
    period = service.period(PeriodKind.CUSTOM, ZONE, date(2026, 1, 1), date(2026, 1, 31))
    r = service.report(period)
    for key in ("connect_rate", "reply_rate", "no_show_rate"):
        assert r.number(key) is None
        assert r.get(key).text == "-"
    assert r.get("calls").text == "0"
    assert all(a.total == 0 for a in r.daily) and len(r.daily) == 31


def test_today_and_month_pace(service: MetricsService) -> None:
    r = service.report(service.period(PeriodKind.TODAY, ZONE), monthly_goal=18)
    assert r.number("replies") == 1 and r.number("positive_replies") == 1
    assert r.number("meetings_accepted") == 1 and r.number("calls") == 0
    # March 2026 has 22 weekdays; 8 have gone by on Wednesday 11 March; 6 booked this month.
    assert r.pace is not None
    assert (r.pace.done, r.pace.workdays, r.pace.elapsed_workdays) == (6, 22, 8)
    assert r.pace.projected == round(6 * 22 / 8)
    assert r.pace.text == "On pace for 16 of 18 meetings (6 booked so far)"
    assert not r.pace.on_track


def test_review_by_source_and_persona(service: MetricsService) -> None:
    period = service.period(PeriodKind.THIS_WEEK, ZONE)
    review = service.review(period, Dimension.SOURCE)
    (row,) = review.rows
    assert (row.group, row.created, row.touched, row.emails, row.bounced, row.replies) == (
        "Webinar", 1, 2, 3, 1, 2)
    assert (row.booked, row.accepted, row.rejected, row.pipeline) == (3, 1, 1, 24000.0)
    assert row.opportunity_rate == 0.5 and row.bounce_rate == pytest.approx(1 / 3)
    by_persona = {r.group: r for r in service.review(period, Dimension.PERSONA).rows}
    ana, bo = by_persona["economic buyer"], by_persona["champion"]
    assert (ana.created, ana.emails, ana.bounced, ana.replies, ana.booked, ana.accepted) == (1, 2, 0, 2, 3, 1)
    assert (bo.created, bo.emails, bo.bounced, bo.replies, bo.booked, bo.rejected) == (0, 1, 1, 0, 0, 1)
    assert bo.reply_rate == 0.0 and bo.opportunity_rate == 0.0
    tiers = service.review(period, Dimension.ICP_TIER)
    assert [r.group for r in tiers.rows] == ["A"] and tiers.total.booked == 3


def test_review_ranks_sources_and_flags_volume_without_meetings(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        s = uow.session
        labels = {name: m.SourceLabel(name=name) for name in ("Good list", "Okay list", "Bulk list")}
        s.add_all(labels.values())
        s.flush()
        for name, people, meetings, accepted in (("Good list", 10, 4, 3), ("Okay list", 20, 3, 1),
                                                 ("Bulk list", 80, 0, 0)):
            for i in range(people):
                c = m.Contact(first_name="P", last_name=str(i), source_label_id=labels[name].id,
                              created_at=ny(3, 9, 9))
                s.add(c)
                s.flush()
                s.add(m.Activity(contact_id=c.id, kind="email", direction="outbound",
                                 disposition="sent", occurred_at=ny(3, 9, 10)))
                if i < meetings:
                    s.add(m.Meeting(contact_id=c.id, booked_at=ny(3, 9, 12), scheduled_at=ny(3, 12, 9),
                                    accepted_at=ny(3, 10, 9) if i < accepted else None,
                                    opportunity_value=10000.0 if i < accepted else None))
        uow.commit()
    svc = MetricsService(uow_factory, FakeClock(NOW))
    review = svc.review(svc.period(PeriodKind.THIS_WEEK, ZONE))
    assert [r.group for r in review.rows] == ["Good list", "Okay list", "Bulk list"]
    assert [r.rank for r in review.rows] == [1, 2, 3]
    assert [r.group for r in review.flagged] == ["Bulk list"]
    assert review.flagged[0].flag_reason == "80 created and 80 touched, 80 e-mails sent, 0 meetings booked"
    assert review.total.created == 110 and review.total.pipeline == 40000.0


def test_rank_puts_groups_without_touches_last() -> None:
    rows = [ReviewRow("none", 5, 0, 0, 0, 0, 0, 0, 0, 0.0), ReviewRow("some", 5, 4, 4, 0, 0, 1, 0, 0, 0.0)]
    assert [r.group for r in rank_rows(rows)] == ["some", "none"]


def test_onboarding_weeks_against_ramp_goals(service: MetricsService) -> None:
    onboarding = service.onboarding(date(2026, 3, 2), ZONE, (10, 20), (2, 3, 4))
    assert [w.number for w in onboarding.weeks] == [1, 2]
    w1, w2 = onboarding.weeks
    assert (w1.calls, w1.booked, w1.goal_calls, w1.goal_meetings, w1.partial) == (1, 3, 10, 2, False)
    assert w1.met is False  # 1 call of 10
    assert (w2.calls, w2.booked, w2.held, w2.accepted, w2.goal_calls, w2.goal_meetings) == (4, 3, 3, 1, 20, 3)
    assert w2.partial and w2.last == date(2026, 3, 8) + timedelta(days=7)
    assert onboarding.day == 14


def test_goal_lists_and_definitions_are_data() -> None:
    assert parse_goals("100, 150;x, 200,") == (100, 150, 200)
    assert "meeting_booked" in d.CONNECT_DISPOSITIONS and "voicemail" not in d.CONNECT_DISPOSITIONS
    assert all(m.definition for m in (*d.METRICS, *d.REVIEW_COLUMNS))
    assert d.weekdays_between(date(2026, 3, 1), date(2026, 3, 31)) == 22
