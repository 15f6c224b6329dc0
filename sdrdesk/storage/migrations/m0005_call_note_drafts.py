"""Version 5: crash-safe drafts of call notes (saved as the rep types, before any disposition).

Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 5
DESCRIPTION = "call note drafts"

SQL = """
CREATE TABLE call_note_drafts (
    contact_id CHAR(32) NOT NULL,
    body TEXT NOT NULL,
    objection_ids JSON NOT NULL,
    call_started_at DATETIME,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id)
);
CREATE INDEX ix_call_note_drafts_contact_id ON call_note_drafts (contact_id);
CREATE INDEX ix_call_note_drafts_updated_at ON call_note_drafts (updated_at);
CREATE INDEX ix_activity_objections_live ON activity_objections (objection_id, activity_id)
    WHERE deleted_at IS NULL;
"""
