"""Buying triggers age: when one is too old to open a call with."""

from __future__ import annotations

from datetime import date

STALE_AFTER_DAYS = 90


def is_stale(occurred_on: date | None, today: date, max_age_days: int = STALE_AFTER_DAYS) -> bool:
    """Older than `max_age_days` is stale: "congrats on the Series B" a year later is a worse
    opener than none. An undated trigger is not called stale: we cannot know."""
    if occurred_on is None:
        return False
    return (today - occurred_on).days > max_age_days


def age_label(occurred_on: date | None, today: date) -> str:
    if occurred_on is None:
        return "undated"
    days = (today - occurred_on).days
    if days < 0:
        return "upcoming"
    if days == 0:
        return "today"
    if days < 60:
        return f"{days} days ago"
    return f"{days // 30} months ago"
