"""Version 14: indexes that let metrics and the source review run as index-only range scans.

- activities: one partial covering index over the live rows, ordered by time, carrying every
  column the period metrics and the review read (kind, disposition, direction, duration,
  contact), so a month of a 1M-activity book is read from the index alone.
- contacts: `created_at` for "records created" per source in a period.
No triggers: an import pays only for one more index entry per row (docs/performance.md).
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 14
DESCRIPTION = "metrics and review indexes"

SQL = """
CREATE INDEX ix_activities_live_metrics
    ON activities (occurred_at, kind, disposition, direction, duration_seconds, contact_id)
    WHERE deleted_at IS NULL;
CREATE INDEX ix_contacts_created_at ON contacts (created_at);
"""
