"""Call dispositions: what happened on a call, and what it implies for the contact's sequence.

The call service logs the disposition; the sequences code acts on the returned effect
(advance to the next step, pause, or end). Keys are stored in `activities.disposition`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum


class SequenceEffect(StrEnum):
    ADVANCE = "advance"  # schedule the next step
    PAUSE = "pause"  # keep the enrolment, stop scheduling until the rep resumes it
    END = "end"  # the sequence is over for this contact


@dataclass(frozen=True)
class Disposition:
    key: str
    label: str
    effect: SequenceEffect
    shortcut: str  # a window-wide key, so it works while the rep types notes
    talked: bool = False  # a conversation happened (feeds "connect rate")
    needs_callback_time: bool = False
    do_not_call: bool = False


DISPOSITIONS: tuple[Disposition, ...] = (
    Disposition("connected", "Connected", SequenceEffect.ADVANCE, "Ctrl+1", talked=True),
    Disposition("conversation", "Conversation", SequenceEffect.ADVANCE, "Ctrl+2", talked=True),
    Disposition("voicemail", "Voicemail", SequenceEffect.ADVANCE, "Ctrl+3"),
    Disposition("no_answer", "No answer", SequenceEffect.ADVANCE, "Ctrl+4"),
    Disposition("busy", "Busy", SequenceEffect.ADVANCE, "Ctrl+5"),
    # A wrong number cannot be followed up by phone until the rep finds the right one.
    Disposition("wrong_number", "Wrong number", SequenceEffect.PAUSE, "Ctrl+6"),
    Disposition("not_interested", "Not interested", SequenceEffect.END, "Ctrl+7", talked=True),
    Disposition("meeting_booked", "Meeting booked", SequenceEffect.END, "Ctrl+8", talked=True),
    # The callback replaces the next step: pause until the agreed time.
    Disposition("callback_requested", "Callback requested", SequenceEffect.PAUSE, "Ctrl+9",
                talked=True, needs_callback_time=True),
    Disposition("do_not_call", "Do not call", SequenceEffect.END, "Ctrl+0", talked=True,
                do_not_call=True),
)

_BY_KEY: dict[str, Disposition] = {d.key: d for d in DISPOSITIONS}


def disposition(key: str) -> Disposition:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown disposition: {key!r}") from None


def label_of(key: str | None) -> str:
    """A readable label for any stored disposition, including ones from other channels."""
    if not key:
        return ""
    found = _BY_KEY.get(key)
    return found.label if found else key.replace("_", " ").capitalize()


_RELATIVE = re.compile(r"^\+\s*(\d+)\s*([mhd])$")
_CLOCK = re.compile(r"^(\d{1,2})[:.h](\d{2})$")


def parse_callback_time(text: str, now: datetime, tz: tzinfo) -> datetime | None:
    """When the prospect asked to be called back, from what the rep typed; None if unreadable.

    Accepts "+30m", "+2h", "+1d", "14:30" (today, or tomorrow if already past),
    "tomorrow 10:00" and "2026-03-12 14:30". Times are in `tz` (the rep's zone).
    """
    raw = " ".join(text.strip().lower().split())
    if not raw:
        return None
    local_now = now.astimezone(tz)
    match = _RELATIVE.match(raw)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount),
                 "d": timedelta(days=amount)}[unit]
        return now + delta
    day = local_now.date()
    explicit_day = False
    if raw.startswith("tomorrow"):
        day, raw, explicit_day = day + timedelta(days=1), raw.removeprefix("tomorrow").strip(), True
    elif re.match(r"^\d{4}-\d{2}-\d{2}", raw):
        try:
            day = datetime.strptime(raw[:10], "%Y-%m-%d").date()
        except ValueError:
            return None
        raw, explicit_day = raw[10:].strip(), True
    match = _CLOCK.match(raw or "09:00")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    if not explicit_day and when <= local_now:
        when += timedelta(days=1)
    return when if when > now else None
