"""Version 10: qualification status times, meeting zones and attendees, handoff records, AEs.

- qualifications: when the status last changed, and when it became qualified / disqualified;
- meetings: the prospect's and the AE's zones at booking (the invite and the handoff show
  both), attendees (contact ids), a title, why it was cancelled, when the opportunity value
  was entered, and which AE (a row of `account_executives`);
- handoffs: each saved handoff summary of a meeting, as plain text, Markdown and HTML;
- account_executives: the AEs a rep books for (name, e-mail, time zone).
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 10
DESCRIPTION = "qualification and handoff"

SQL = """
ALTER TABLE qualifications ADD COLUMN status_changed_at DATETIME;
ALTER TABLE qualifications ADD COLUMN qualified_at DATETIME;
ALTER TABLE qualifications ADD COLUMN disqualified_at DATETIME;
CREATE TABLE account_executives (
    name VARCHAR(200) NOT NULL,
    email VARCHAR(320),
    timezone VARCHAR(64),
    is_active BOOLEAN NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_account_executives_updated_at ON account_executives (updated_at);
ALTER TABLE meetings ADD COLUMN ae_id CHAR(32) REFERENCES account_executives (id);
ALTER TABLE meetings ADD COLUMN ae_timezone VARCHAR(64);
ALTER TABLE meetings ADD COLUMN prospect_timezone VARCHAR(64);
ALTER TABLE meetings ADD COLUMN title VARCHAR(300);
ALTER TABLE meetings ADD COLUMN attendees JSON;
ALTER TABLE meetings ADD COLUMN cancel_reason TEXT;
ALTER TABLE meetings ADD COLUMN opportunity_at DATETIME;
CREATE TABLE handoffs (
    meeting_id CHAR(32),
    contact_id CHAR(32) NOT NULL,
    text TEXT NOT NULL,
    markdown TEXT NOT NULL,
    html TEXT NOT NULL,
    missing JSON,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id)
);
CREATE INDEX ix_handoffs_meeting_id ON handoffs (meeting_id);
CREATE INDEX ix_handoffs_contact_id ON handoffs (contact_id);
CREATE INDEX ix_handoffs_updated_at ON handoffs (updated_at);
CREATE INDEX ix_qualifications_live ON qualifications (contact_id, updated_at) WHERE deleted_at IS NULL;
"""
