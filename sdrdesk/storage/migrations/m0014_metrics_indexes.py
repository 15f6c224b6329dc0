"""Version 14: what metrics and the source review need to stay fast on a 1M-activity book.

- `activity_rollup`: live activities counted per UTC quarter-hour and (kind, disposition,
  direction, long call). Any local day or week starts on a quarter-hour in UTC, so a period's
  metrics sum a few thousand rollup rows instead of reading every activity (a bare index
  count over a month of a 1M-activity book already takes ~35 ms; evaluating the metric
  expressions per row ~400 ms). Kept exact by three small triggers on activities (insert,
  update of a counted column, delete); a soft delete (`deleted_at`) takes the row out.
  `long_call` is `duration_seconds >= 120`, the domain's CONVERSATION_MIN_SECONDS
  (tests/metrics check they agree).
- `ix_activities_live_contact`: (contact, kind, disposition, direction) over live rows, so the
  review answers "has this contact bounced / replied / been worked" with index seeks.
- `ix_contacts_created_at`: the contacts created in a period (the review's cohort).
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 14
DESCRIPTION = "metrics rollup and review indexes"

_BUCKET = ("substr({t}.occurred_at, 1, 14) || printf('%02d', "
           "(CAST(substr({t}.occurred_at, 15, 2) AS INTEGER) / 15) * 15)")
_KEY = ("{b}, {t}.kind, coalesce({t}.disposition, ''), coalesce({t}.direction, ''), "
        "coalesce({t}.duration_seconds, 0) >= 120")
_NEW = _KEY.format(b=_BUCKET.format(t="NEW"), t="NEW")
_OLD = _KEY.format(b=_BUCKET.format(t="OLD"), t="OLD")
_WHERE_OLD = ("bucket = {b} AND kind = OLD.kind AND disposition = coalesce(OLD.disposition, '') "
              "AND direction = coalesce(OLD.direction, '') "
              "AND long_call = (coalesce(OLD.duration_seconds, 0) >= 120)").format(
                  b=_BUCKET.format(t="OLD"))

SQL = f"""
CREATE TABLE activity_rollup (
    bucket TEXT NOT NULL,
    kind TEXT NOT NULL,
    disposition TEXT NOT NULL,
    direction TEXT NOT NULL,
    long_call INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, kind, disposition, direction, long_call)
) WITHOUT ROWID;
INSERT INTO activity_rollup (bucket, kind, disposition, direction, long_call, n)
    SELECT {_KEY.format(b=_BUCKET.format(t="a"), t="a")}, count(*)
    FROM activities a WHERE a.deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5;
CREATE TRIGGER activity_rollup_ai AFTER INSERT ON activities WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO activity_rollup (bucket, kind, disposition, direction, long_call, n)
        VALUES ({_NEW}, 1)
        ON CONFLICT (bucket, kind, disposition, direction, long_call) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER activity_rollup_ad AFTER DELETE ON activities WHEN OLD.deleted_at IS NULL BEGIN
    UPDATE activity_rollup SET n = n - 1 WHERE {_WHERE_OLD};
END;
CREATE TRIGGER activity_rollup_au AFTER UPDATE OF occurred_at, kind, disposition, direction,
        duration_seconds, deleted_at ON activities BEGIN
    UPDATE activity_rollup SET n = n - 1 WHERE OLD.deleted_at IS NULL AND {_WHERE_OLD};
    INSERT INTO activity_rollup (bucket, kind, disposition, direction, long_call, n)
        SELECT {_NEW}, 1 WHERE NEW.deleted_at IS NULL
        ON CONFLICT (bucket, kind, disposition, direction, long_call) DO UPDATE SET n = n + 1;
END;
CREATE INDEX ix_activities_live_contact ON activities (contact_id, kind, disposition, direction)
    WHERE deleted_at IS NULL;
CREATE INDEX ix_contacts_created_at ON contacts (created_at);
"""
