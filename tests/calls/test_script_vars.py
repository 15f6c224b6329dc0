"""Script variables fill from values; missing ones are reported and never printed raw."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sdrdesk.domain.dispositions import DISPOSITIONS, SequenceEffect, disposition, parse_callback_time
from sdrdesk.domain.script_vars import fill, marker, variables_in

TEMPLATE = "Hi {first_name}, {my_name} from {my_company}. Saw {company}: *{trigger}*. {pain} {{literal}}"


def test_every_variable_filled() -> None:
    values = {"first_name": "Ana", "my_name": "Sam", "my_company": "Acme", "company": "Nova Labs",
              "trigger": "Raised a Series B", "pain": "Slow ramp."}
    filled = fill(TEMPLATE, values)
    assert filled.complete and filled.missing == () and filled.markers == ()
    assert filled.text == ("Hi Ana, Sam from Acme. Saw Nova Labs: *Raised a Series B*. Slow ramp. "
                           "{literal}")


def test_missing_variables_are_reported_and_marked_not_printed() -> None:
    filled = fill(TEMPLATE, {"first_name": "Ana", "company": "Nova Labs", "pain": "   "})
    assert filled.missing == ("my_name", "my_company", "trigger", "pain")
    assert "{pain}" not in filled.text and "{trigger}" not in filled.text
    assert marker("pain") in filled.text and marker("pain") in filled.markers
    assert not filled.complete


def test_unknown_variables_are_reported_separately() -> None:
    filled = fill("Hi {frist_name}", {"first_name": "Ana"})
    assert filled.unknown == ("frist_name",) and filled.missing == ()
    assert "{frist_name}" not in filled.text


def test_values_cannot_break_the_markdown() -> None:
    filled = fill("**{company}** rocks", {"company": "A*B_[C]"})
    assert filled.text == r"**A\*B\_\[C\]** rocks"
    assert fill("{company}", {"company": "A*B"}, markdown=False).text == "A*B"


def test_variables_in_lists_names_once_in_order() -> None:
    assert variables_in(TEMPLATE + " {first_name}") == (
        "first_name", "my_name", "my_company", "company", "trigger", "pain")


def test_every_disposition_has_a_distinct_key_and_shortcut() -> None:
    assert len({d.key for d in DISPOSITIONS}) == len({d.shortcut for d in DISPOSITIONS}) == 10
    assert disposition("do_not_call").do_not_call
    assert disposition("callback_requested").needs_callback_time
    with pytest.raises(ValueError):
        disposition("teleported")


@pytest.mark.parametrize("key, effect", [
    ("connected", SequenceEffect.ADVANCE), ("conversation", SequenceEffect.ADVANCE),
    ("voicemail", SequenceEffect.ADVANCE), ("no_answer", SequenceEffect.ADVANCE),
    ("busy", SequenceEffect.ADVANCE), ("wrong_number", SequenceEffect.PAUSE),
    ("not_interested", SequenceEffect.END), ("meeting_booked", SequenceEffect.END),
    ("callback_requested", SequenceEffect.PAUSE), ("do_not_call", SequenceEffect.END),
])
def test_disposition_effects(key: str, effect: SequenceEffect) -> None:
    assert disposition(key).effect is effect


def test_callback_times() -> None:
    tz = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    assert parse_callback_time("+2h", now, tz) == now + timedelta(hours=2)
    assert parse_callback_time("17:30", now, tz) == datetime(2026, 3, 10, 17, 30, tzinfo=tz)
    assert parse_callback_time("09:00", now, tz) == datetime(2026, 3, 11, 9, 0, tzinfo=tz)
    assert parse_callback_time("tomorrow 10:15", now, tz) == datetime(2026, 3, 11, 10, 15, tzinfo=tz)
    assert parse_callback_time("2026-03-12 14:30", now, tz) == datetime(2026, 3, 12, 14, 30, tzinfo=tz)
    for bad in ("", "later", "25:00", "2026-03-01 10:00"):
        assert parse_callback_time(bad, now, tz) is None


def test_a_value_ending_in_a_full_stop_does_not_double_it() -> None:
    assert fill("Calling {company}.", {"company": "Granite Ltd."}).text == "Calling Granite Ltd."
    assert fill("{company} rocks", {"company": "Granite Ltd."}).text == "Granite Ltd. rocks"
