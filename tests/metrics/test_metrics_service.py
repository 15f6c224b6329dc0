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


def test_review_follows_the_contacts_created_in_the_period(service: MetricsService) -> None:
    week = service.review(service.period(PeriodKind.THIS_WEEK, ZONE), Dimension.SOURCE)
    (row,) = week.rows  # only Ana was created this week; her meetings count whenever booked
    assert (row.group, row.created, row.worked, row.emailed, row.bounced, row.replied) == (
        "Webinar", 1, 1, 1, 0, 1)
    assert (row.booked, row.accepted, row.rejected, row.pipeline) == (5, 1, 0, 24000.0)
    assert row.opportunity_rate == 1.0 and row.bounce_rate == 0.0
    period = service.period(PeriodKind.CUSTOM, ZONE, date(2026, 2, 1), date(2026, 3, 31))
    (both,) = service.review(period, Dimension.SOURCE).rows
    assert (both.created, both.worked, both.emailed, both.bounced, both.replied) == (2, 2, 2, 1, 1)
    assert (both.booked, both.accepted, both.rejected, both.pipeline) == (6, 1, 1, 24000.0)
    assert (both.bounce_rate, both.reply_rate, both.opportunity_rate) == (0.5, 0.5, 0.5)
    assert both.cells("USD ") == ("2", "2", "2", "50.0 %", "50.0 %", "6", "1", "1", "50.0 %",
                                  "USD 24,000")
    by_persona = {r.group: r for r in service.review(period, Dimension.PERSONA).rows}
    ana, bo = by_persona["economic buyer"], by_persona["champion"]
    assert (ana.bounced, ana.replied, ana.booked, ana.accepted, ana.rejected) == (0, 1, 5, 1, 0)
    assert (bo.bounced, bo.replied, bo.booked, bo.accepted, bo.rejected) == (1, 0, 1, 0, 1)
    assert bo.reply_rate == 0.0 and bo.opportunity_rate == 0.0
    tiers = service.review(period, Dimension.ICP_TIER)
    assert [r.group for r in tiers.rows] == ["A"] and tiers.total.booked == 6
    assert [r.group for r in service.review(period, Dimension.COUNTRY).rows] == ["US"]
    assert [r.group for r in service.review(period, Dimension.INDUSTRY).rows] == ["Software"]
    empty = service.review(service.period(PeriodKind.CUSTOM, ZONE, date(2025, 1, 1), date(2025, 1, 2)))
    assert empty.rows == () and empty.total.opportunity_rate is None


def test_review_ranks_sources_and_flags_volume_without_meetings(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        s = uow.session
        labels = {name: m.SourceLabel(name=name) for name in ("Good list", "Okay list", "Bulk list")}
        s.add_all(labels.values())
        s.flush()
        for name, people, meetings, accepted in (("Okay list", 20, 3, 1), ("Bulk list", 80, 0, 0),
                                                 ("Good list", 10, 4, 3)):
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
    assert review.flagged[0].flag_reason == (
        "80 created, 80 worked, 80 e-mailed, 0 replied, 0 meetings booked")
    assert review.total.created == 110 and review.total.pipeline == 40000.0


def test_rank_puts_groups_without_records_last() -> None:
    rows = [ReviewRow("none", 0, 0, 0, 0, 0, 2, 0, 0, 0.0), ReviewRow("some", 5, 4, 4, 0, 0, 1, 0, 0, 0.0)]
    assert [r.group for r in rank_rows(rows)] == ["some", "none"]


def test_rollup_stays_exact_through_edits_soft_deletes_and_deletes(uow_factory) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.storage.migrations import m0014_metrics_indexes as step

    book = make_known_book(uow_factory)
    svc = MetricsService(uow_factory, FakeClock(NOW))
    week = svc.period(PeriodKind.THIS_WEEK, ZONE)
    assert svc.report(week).number("calls") == 4
    with uow_factory() as uow:
        calls = uow.session.query(m.Activity).filter_by(kind="call", deleted_at=None).all()
        voicemail = next(a for a in calls if a.disposition == "voicemail")
        voicemail.disposition, voicemail.duration_seconds = "conversation", 300
        no_answer = next(a for a in calls
                         if a.disposition == "no_answer" and a.occurred_at == ny(3, 9, 0, 10))
        no_answer.deleted_at = NOW
        monday = next(a for a in calls if a.disposition == "connected")
        monday.occurred_at = ny(3, 2, 11)  # moved into last week
        uow.commit()
    r = svc.report(week)
    assert (r.number("calls"), r.number("connects"), r.number("conversations")) == (2, 2, 2)
    assert svc.report(svc.period(PeriodKind.LAST_WEEK, ZONE)).number("connects") == 1
    with uow_factory() as uow:
        uow.session.query(m.Activity).filter(m.Activity.kind == "email").delete()
        booking = uow.session.query(m.Activity).filter_by(disposition="meeting_booked").one()
        booking.contact_id = book.contact_id  # a merge moves Bo's touches to Ana
        uow.commit()
    assert svc.report(week).number("emails") == 0
    with uow_factory() as uow:  # the rollup equals a recount from scratch
        conn = uow.session.connection().connection.driver_connection
        live = conn.execute("SELECT count(*) FROM activities WHERE deleted_at IS NULL").fetchone()[0]
        assert conn.execute("SELECT sum(total) FROM activity_rollup").fetchone()[0] == live
        negative = " OR ".join(f"{c} < 0" for c in step.COUNTERS)
        assert conn.execute(f"SELECT count(*) FROM activity_rollup WHERE {negative}").fetchone()[0] == 0
        people = dict(conn.execute("SELECT contact_id, worked FROM contact_activity_rollup"))
        recount = dict(conn.execute(
            "SELECT contact_id, sum(kind IN ('call', 'email', 'linkedin') AND direction IS NOT 'inbound') "
            "FROM activities WHERE deleted_at IS NULL GROUP BY contact_id"))
        assert {k: v for k, v in people.items() if v} == {k: v for k, v in recount.items() if v}
        assert people[book.other_id.hex] == 0  # Bo has nothing left


def test_rollup_definitions_match_the_domains() -> None:
    from sdrdesk.storage.migrations import m0014_metrics_indexes as step

    assert d.CONVERSATION_MIN_SECONDS == step.LONG_CALL_SECONDS
    assert set(step.CONNECT) == set(d.CONNECT_DISPOSITIONS)
    assert set(step.CONVERSATION) == set(d.CONVERSATION_DISPOSITIONS)
    assert set(step.REPLY) == set(d.REPLY_DISPOSITIONS + d.POSITIVE_REPLY_DISPOSITIONS)
    assert set(step.POSITIVE) == set(d.POSITIVE_REPLY_DISPOSITIONS)
    assert set(step.BOUNCE) == set(d.BOUNCE_DISPOSITIONS)


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


def test_a_rep_file_opened_read_only_has_the_same_metrics(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Coaching mode opens the rep's file read-only: metrics and the review only read."""
    from sdrdesk.services.workspace import open_workspace
    from sdrdesk.storage.engine import open_book
    from sdrdesk.storage.unit_of_work import uow_factory_for

    path = tmp_path / "rep.db"
    book = open_book(path)
    make_known_book(uow_factory_for(book.session_factory))
    book.close()
    ws = open_workspace(path, FakeClock(NOW), read_only=True)
    try:
        assert ws.read_only
        week = ws.metrics.period(PeriodKind.THIS_WEEK, ZONE)
        assert ws.metrics.report(week).number("calls") == 4
        assert ws.metrics.reviews(week)[Dimension.SOURCE].total.created == 1
    finally:
        ws.close()


def test_generated_meetings_have_a_consistent_lifecycle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo's meetings: every step after the one before it, and one source never books."""
    import sqlite3
    from datetime import UTC, datetime

    from sdrdesk.services.book_generator import BookSize, write_book

    path = tmp_path / "demo.db"
    write_book(path, BookSize(60, 300, 1500, meetings=120), seed=5, now=datetime(2026, 3, 10, tzinfo=UTC))
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT booked_at, scheduled_at, held_at, no_show_at, cancelled_at,"
                            " accepted_at, rejected_at, opportunity_value FROM meetings").fetchall()
        assert len(rows) == 120
        for booked, scheduled, held, no_show, cancelled, accepted, rejected, value in rows:
            assert booked < scheduled
            assert not (accepted and rejected)
            assert (accepted is None) == (value is None)
            if accepted or rejected:
                assert held and (accepted or rejected) > held
            if held and no_show:
                assert held > no_show  # a no-show held later
            assert not (cancelled and held)
        silent = conn.execute(
            "SELECT count(*) FROM meetings m JOIN contacts c ON c.id = m.contact_id"
            " JOIN source_labels s ON s.id = c.source_label_id WHERE s.name = 'ZoomInfo export'"
        ).fetchone()[0]
        assert silent == 0
        positive = conn.execute("SELECT count(*) FROM activities WHERE disposition = 'positive_reply'")
        assert positive.fetchone()[0] > 0
    finally:
        conn.close()


@pytest.mark.parametrize(("projected", "text"), [
    (16, "On pace for 16 of 18 meetings (6 booked so far)"),
    (18, "On pace for 18 of 18 meetings (6 booked so far)"),
    (60, "On pace for 60 meetings, above the goal of 18 (6 booked so far)"),
])
def test_pace_reads_naturally_below_at_and_above_the_goal(projected: int, text: str) -> None:
    assert d.Pace(done=6, goal=18, projected=projected, elapsed_workdays=5, workdays=21).text == text
