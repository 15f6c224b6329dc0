"""Version 9: sequences that run by themselves, and calling windows as a query.

- `sequence_steps.subject`: the e-mail subject of an e-mail step.
- `enrollments.paused_at` / `paused_until`: a pause and its optional auto-resume instant.
- `tasks.reason`: why a task was skipped, snoozed or rescheduled (the rep's words).
- `contact_zones`: each contact's candidate time zones and country for the calling window
  ("America/New_York America/Chicago|US"), written by the app when it resolves them. Triggers
  drop the row whenever the phones, the pinned zone or the place change, so a missing row
  means "work it out again". `tasks.zone_key` copies it onto open tasks (triggers), so
  "Callable now" is an index range instead of tens of thousands of zone look-ups.
`+status` keeps SQLite on the contact_id index in the triggers (not the status one, which
would scan every open task per contact). Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 9
DESCRIPTION = "sequence pauses, task reasons, stored calling zones"

SQL = """
ALTER TABLE sequence_steps ADD COLUMN subject VARCHAR(500);
ALTER TABLE enrollments ADD COLUMN paused_at DATETIME;
ALTER TABLE enrollments ADD COLUMN paused_until DATETIME;
ALTER TABLE tasks ADD COLUMN reason TEXT;
ALTER TABLE tasks ADD COLUMN zone_key VARCHAR(300);

CREATE TABLE contact_zones (
    id CHAR(32) NOT NULL PRIMARY KEY REFERENCES contacts (id),
    zone_key VARCHAR(300) NOT NULL,
    computed_at DATETIME NOT NULL
);

-- Covering indexes: the Today queue and "Callable now" read no table row (60k open tasks).
CREATE INDEX ix_tasks_open_due
    ON tasks (status, due_at, channel, zone_key, deleted_at, enrollment_id, contact_id, id);
CREATE INDEX ix_tasks_callable
    ON tasks (status, channel, zone_key, due_at, deleted_at, enrollment_id, contact_id, id);
CREATE INDEX ix_enrollments_paused_until ON enrollments (paused_until);

CREATE TRIGGER contact_zones_phone_insert AFTER INSERT ON contact_phones BEGIN
    DELETE FROM contact_zones WHERE id = new.contact_id;
END;
CREATE TRIGGER contact_zones_phone_update
AFTER UPDATE OF e164, is_valid, deleted_at, contact_id ON contact_phones BEGIN
    DELETE FROM contact_zones WHERE id IN (old.contact_id, new.contact_id);
END;
CREATE TRIGGER contact_zones_phone_delete AFTER DELETE ON contact_phones BEGIN
    DELETE FROM contact_zones WHERE id = old.contact_id;
END;
CREATE TRIGGER contact_zones_contact_update
AFTER UPDATE OF pinned_timezone, country, region, account_id ON contacts BEGIN
    DELETE FROM contact_zones WHERE id = new.id;
END;
CREATE TRIGGER contact_zones_account_update AFTER UPDATE OF country, region ON accounts BEGIN
    DELETE FROM contact_zones WHERE id IN (SELECT id FROM contacts WHERE account_id = new.id);
END;
CREATE TRIGGER contact_zones_to_tasks_insert AFTER INSERT ON contact_zones BEGIN
    UPDATE tasks SET zone_key = new.zone_key WHERE contact_id = new.id AND +status = 'open';
END;
CREATE TRIGGER contact_zones_to_tasks_update AFTER UPDATE OF zone_key ON contact_zones BEGIN
    UPDATE tasks SET zone_key = new.zone_key WHERE contact_id = new.id AND +status = 'open';
END;
CREATE TRIGGER contact_zones_to_tasks_delete AFTER DELETE ON contact_zones BEGIN
    UPDATE tasks SET zone_key = NULL WHERE contact_id = old.id AND +status = 'open';
END;
CREATE TRIGGER tasks_zone_key_insert AFTER INSERT ON tasks WHEN new.zone_key IS NULL BEGIN
    UPDATE tasks SET zone_key = (SELECT zone_key FROM contact_zones WHERE id = new.contact_id)
    WHERE id = new.id;
END;
CREATE TRIGGER tasks_zone_key_reopen AFTER UPDATE OF status ON tasks
WHEN new.status = 'open' AND old.status != 'open' BEGIN
    UPDATE tasks SET zone_key = (SELECT zone_key FROM contact_zones WHERE id = new.contact_id)
    WHERE id = new.id;
END;
"""
