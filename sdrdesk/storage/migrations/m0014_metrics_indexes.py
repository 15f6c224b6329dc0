"""Version 14: what metrics and the source review need to stay fast on a 1M-activity book.

- `activity_rollup`: one row per UTC quarter-hour with the period metrics' counters (calls,
  connects, conversations, e-mails, bounces, replies, positive replies, LinkedIn, all).
  Any local day or week starts on a quarter-hour in UTC, so a month's metrics sum ~3,000
  rows instead of reading ~330,000 activities (a bare index count over them already takes
  ~35 ms; evaluating the metric expressions per activity ~400 ms). Kept exact by three small
  triggers on activities (insert, update of a counted column, delete); a soft delete
  (`deleted_at`) takes the activity out.
  The disposition sets below are the domain's (`domain/metrics.py`) frozen at this version;
  tests/metrics checks they still agree. Changing a definition needs a new step that
  rebuilds the table (drop the triggers, recreate them, recount).
- `ix_activities_live_contact`: (contact, kind, disposition, direction) over live rows, so the
  review answers "has this contact bounced / replied / been worked" with index seeks.
- `ix_contacts_created_at`: the contacts created in a period (the review's cohort).
- Partial covering indexes on the meeting lifecycle timestamps (live meetings only), so each
  period count is an index-only range scan.
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 14
DESCRIPTION = "metrics rollup and review indexes"

CONNECT = ("connected", "conversation", "not_interested", "meeting_booked", "callback_requested",
           "do_not_call")
CONVERSATION = ("conversation", "meeting_booked", "callback_requested", "not_interested")
LONG_CALL_SECONDS = 120
REPLY = ("replied", "reply", "positive_reply", "negative_reply", "referral", "interested",
         "meeting_booked")
POSITIVE = ("positive_reply", "interested", "meeting_booked")
BOUNCE = ("bounced",)
COUNTERS = ("total", "calls", "connects", "conversations", "emails", "bounces", "replies",
            "positive", "linkedin")


def _is_one_of(column: str, values: tuple[str, ...]) -> str:
    """`column IN (...)` spelled as equalities: inside a trigger SQLite would build an ephemeral
    table for each IN list on every row (~40 µs each), the equalities cost nothing."""
    return "(" + " OR ".join(f"{column} = '{v}'" for v in values) + ")"


def _flags(t: str) -> tuple[str, ...]:
    """The counters one activity adds, as SQL over the row `t` (NEW or OLD)."""
    out = f"coalesce({t}.direction, '') <> 'inbound'"
    call = f"{t}.kind = 'call'"
    connect = f"({call} AND {_is_one_of(f'{t}.disposition', CONNECT)})"
    reply_channel = f"({t}.kind = 'email' OR {t}.kind = 'linkedin')"
    return (
        "1",
        f"({call})",
        connect,
        f"({call} AND ({_is_one_of(f'{t}.disposition', CONVERSATION)} OR ({connect} AND "
        f"coalesce({t}.duration_seconds, 0) >= {LONG_CALL_SECONDS})))",
        f"({t}.kind = 'email' AND {out})",
        f"({t}.kind = 'email' AND {out} AND {_is_one_of(f'{t}.disposition', BOUNCE)})",
        f"({reply_channel} AND ({t}.direction = 'inbound' OR {_is_one_of(f'{t}.disposition', REPLY)}))",
        f"({reply_channel} AND {_is_one_of(f'{t}.disposition', POSITIVE)})",
        f"({t}.kind = 'linkedin' AND {out})",
    )


def _bucket(t: str) -> str:
    return (f"substr({t}.occurred_at, 1, 14) || printf('%02d', "
            f"(CAST(substr({t}.occurred_at, 15, 2) AS INTEGER) / 15) * 15)")


def _add(t: str) -> str:
    values = ", ".join((_bucket(t), *(f"coalesce({f}, 0)" for f in _flags(t))))
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTERS)
    return (f"INSERT INTO activity_rollup (bucket, {', '.join(COUNTERS)}) SELECT {values} "
            f"WHERE {t}.deleted_at IS NULL ON CONFLICT (bucket) DO UPDATE SET {updates};")


def _remove(t: str) -> str:
    sets = ", ".join(f"{c} = {c} - coalesce({f}, 0)" for c, f in zip(COUNTERS, _flags(t), strict=True))
    return f"UPDATE activity_rollup SET {sets} WHERE bucket = {_bucket(t)} AND {t}.deleted_at IS NULL;"


_TABLE = ",\n    ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in COUNTERS)
_RECOUNT_FLAGS = ", ".join(f"coalesce(sum({f}), 0)" for f in _flags("a"))

SQL = f"""
CREATE TABLE activity_rollup (
    bucket TEXT NOT NULL PRIMARY KEY,
    {_TABLE}
) WITHOUT ROWID;
INSERT INTO activity_rollup (bucket, {', '.join(COUNTERS)})
    SELECT {_bucket("a")}, {_RECOUNT_FLAGS}
    FROM activities a WHERE a.deleted_at IS NULL GROUP BY 1;
CREATE TRIGGER activity_rollup_ai AFTER INSERT ON activities BEGIN
    {_add("NEW")}
END;
CREATE TRIGGER activity_rollup_ad AFTER DELETE ON activities BEGIN
    {_remove("OLD")}
END;
CREATE TRIGGER activity_rollup_au AFTER UPDATE OF occurred_at, kind, disposition, direction,
        duration_seconds, deleted_at ON activities BEGIN
    {_remove("OLD")}
    {_add("NEW")}
END;
CREATE INDEX ix_activities_live_contact ON activities (contact_id, kind, disposition, direction)
    WHERE deleted_at IS NULL;
CREATE INDEX ix_contacts_created_at ON contacts (created_at);
CREATE INDEX ix_meetings_live_booked_at ON meetings (booked_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_meetings_live_scheduled ON meetings (scheduled_at, held_at, cancelled_at, no_show_at)
    WHERE deleted_at IS NULL;
CREATE INDEX ix_meetings_live_held_at ON meetings (held_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_meetings_live_no_show_at ON meetings (no_show_at, held_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_meetings_live_accepted_at ON meetings (accepted_at, rejected_at, opportunity_value)
    WHERE deleted_at IS NULL;
CREATE INDEX ix_meetings_live_rejected_at ON meetings (rejected_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_meetings_unbooked_created_at ON meetings (created_at)
    WHERE booked_at IS NULL AND deleted_at IS NULL;
"""
