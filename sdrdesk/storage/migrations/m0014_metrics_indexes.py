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
- `contact_activity_rollup`: per contact, how many live touches (worked), e-mails sent,
  bounces and replies, kept by the same triggers (a contact merge that moves activities is an
  update of `contact_id`), so the review answers "has this contact bounced / replied / been
  worked" with one key lookup.
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
PERSON_COUNTERS = ("worked", "emailed", "bounced", "replied")


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


def _person_flags(t: str) -> tuple[str, ...]:
    """What one activity adds to its contact's counters (worked, e-mailed, bounced, replied)."""
    out = f"coalesce({t}.direction, '') <> 'inbound'"
    flags = _flags(t)
    worked = f"(({t}.kind = 'call' OR {t}.kind = 'email' OR {t}.kind = 'linkedin') AND {out})"
    return (worked, flags[4], flags[5], flags[6])


def _upsert(table: str, key: str, key_expr: str, columns: tuple[str, ...], flags: tuple[str, ...],
            when: str) -> str:
    values = ", ".join((key_expr, *(f"coalesce({f}, 0)" for f in flags)))
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
    return (f"INSERT INTO {table} ({key}, {', '.join(columns)}) SELECT {values} "
            f"WHERE {when} ON CONFLICT ({key}) DO UPDATE SET {updates};")


def _subtract(table: str, key: str, key_expr: str, columns: tuple[str, ...], flags: tuple[str, ...],
              when: str) -> str:
    sets = ", ".join(f"{c} = {c} - coalesce({f}, 0)" for c, f in zip(columns, flags, strict=True))
    return f"UPDATE {table} SET {sets} WHERE {key} = {key_expr} AND {when};"


def _add(t: str) -> str:
    return (_upsert("activity_rollup", "bucket", _bucket(t), COUNTERS, _flags(t), f"{t}.deleted_at IS NULL")
            + "\n    " + _upsert("contact_activity_rollup", "contact_id", f"{t}.contact_id",
                                  PERSON_COUNTERS, _person_flags(t),
                                  f"{t}.deleted_at IS NULL AND {t}.contact_id IS NOT NULL"))


def _remove(t: str) -> str:
    return (_subtract("activity_rollup", "bucket", _bucket(t), COUNTERS, _flags(t), f"{t}.deleted_at IS NULL")
            + "\n    " + _subtract("contact_activity_rollup", "contact_id", f"{t}.contact_id",
                                    PERSON_COUNTERS, _person_flags(t), f"{t}.deleted_at IS NULL"))


_TABLE = ",\n    ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in COUNTERS)
_PERSON_TABLE = ",\n    ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in PERSON_COUNTERS)
_RECOUNT_FLAGS = ", ".join(f"coalesce(sum({f}), 0)" for f in _flags("a"))
_RECOUNT_PERSON = ", ".join(f"coalesce(sum({f}), 0)" for f in _person_flags("a"))

SQL = f"""
CREATE TABLE activity_rollup (
    bucket TEXT NOT NULL PRIMARY KEY,
    {_TABLE}
) WITHOUT ROWID;
INSERT INTO activity_rollup (bucket, {', '.join(COUNTERS)})
    SELECT {_bucket("a")}, {_RECOUNT_FLAGS}
    FROM activities a WHERE a.deleted_at IS NULL GROUP BY 1;
CREATE TABLE contact_activity_rollup (
    contact_id CHAR(32) NOT NULL PRIMARY KEY,
    {_PERSON_TABLE}
) WITHOUT ROWID;
INSERT INTO contact_activity_rollup (contact_id, {', '.join(PERSON_COUNTERS)})
    SELECT a.contact_id, {_RECOUNT_PERSON}
    FROM activities a WHERE a.deleted_at IS NULL AND a.contact_id IS NOT NULL GROUP BY 1;
CREATE TRIGGER activity_rollup_ai AFTER INSERT ON activities BEGIN
    {_add("NEW")}
END;
CREATE TRIGGER activity_rollup_ad AFTER DELETE ON activities BEGIN
    {_remove("OLD")}
END;
CREATE TRIGGER activity_rollup_au AFTER UPDATE OF occurred_at, kind, disposition, direction,
        duration_seconds, deleted_at, contact_id ON activities BEGIN
    {_remove("OLD")}
    {_add("NEW")}
END;
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
