"""A callback is typed in the prospect's local time, shown beside the rep's, and a weekend,
holiday or time outside the calling window there asks for confirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sdrdesk.domain.cadence import BusinessCalendar, ProspectPlace
from sdrdesk.domain.dispositions import disposition
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.widgets.disposition_keys import CallbackPlace, ask_disposition_extra

TORONTO = ZoneInfo("America/Toronto")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 2, 13, 15, 0, tzinfo=UTC)  # Friday, 10:00 in Toronto
PLACE = CallbackPlace(ProspectPlace(BusinessCalendar.for_place("CA", "ON"), TORONTO), "Toronto",
                      lambda when: 8 <= when.astimezone(TORONTO).hour < 21)
CALLBACK = disposition("callback_requested")


def test_typed_in_their_time_no_question_on_a_plain_working_day() -> None:
    prompter = ScriptedPrompter("2026-02-17 10:00")
    when, _ = ask_disposition_extra(prompter, CALLBACK, NOW, LONDON, PLACE)  # type: ignore[misc]
    assert when == datetime(2026, 2, 17, 10, 0, tzinfo=TORONTO)  # 15:00 for the rep in London
    assert prompter.asked == [("text", "Callback requested")]


def test_a_holiday_there_asks_and_can_be_refused() -> None:
    prompter = ScriptedPrompter("2026-02-16 10:00", False)  # Family Day in Ontario
    assert ask_disposition_extra(prompter, CALLBACK, NOW, LONDON, PLACE) is None
    assert prompter.asked == [("text", "Callback requested"), ("confirm", "Callback requested")]
    late = ScriptedPrompter("2026-02-17 22:30", True)
    when, _ = ask_disposition_extra(late, CALLBACK, NOW, LONDON, PLACE)  # type: ignore[misc]
    assert when == datetime(2026, 2, 17, 22, 30, tzinfo=TORONTO)


def test_without_a_known_zone_the_rep_types_their_own_time() -> None:
    prompter = ScriptedPrompter("2026-02-17 10:00")
    when, _ = ask_disposition_extra(prompter, CALLBACK, NOW, LONDON, None)  # type: ignore[misc]
    assert when == datetime(2026, 2, 17, 10, 0, tzinfo=LONDON)
