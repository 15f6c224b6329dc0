"""Version 7: each step of a meeting's life has its own timestamp (metrics count from them).

booked -> rescheduled / cancelled -> held or no_show -> accepted or rejected (by the AE).
`meetings.status` keeps the latest step; the timestamps keep when each happened, so a no-show
later held, or a meeting rescheduled twice, is still counted right.
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 7
DESCRIPTION = "meeting lifecycle timestamps"

SQL = """
ALTER TABLE meetings ADD COLUMN booked_at DATETIME;
ALTER TABLE meetings ADD COLUMN rescheduled_at DATETIME;
ALTER TABLE meetings ADD COLUMN reschedule_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN cancelled_at DATETIME;
ALTER TABLE meetings ADD COLUMN held_at DATETIME;
ALTER TABLE meetings ADD COLUMN no_show_at DATETIME;
ALTER TABLE meetings ADD COLUMN accepted_at DATETIME;
ALTER TABLE meetings ADD COLUMN rejected_at DATETIME;
ALTER TABLE meetings ADD COLUMN activity_id CHAR(32) REFERENCES activities (id);
UPDATE meetings SET booked_at = created_at WHERE booked_at IS NULL;
CREATE INDEX ix_meetings_booked_at ON meetings (booked_at);
"""
