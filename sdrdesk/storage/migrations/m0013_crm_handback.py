"""Version 13: CRM hand-back (issue 18): export marks, the push outbox, remote ids.

- export_marks: per target ("hubspot", "salesforce", "plain", "hubspot-push") and record
  type, how far the last export reached, so "since last export" exports only new work.
- crm_outbox: records waiting to be pushed to a CRM, filled offline; the CRM's answer only
  changes the row's status, never the book's records.
- crm_links: which remote record (a HubSpot contact, company, call...) a local record became.
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 13
DESCRIPTION = "crm export marks, outbox and remote ids"

SQL = """
CREATE TABLE export_marks (
    target VARCHAR(40) NOT NULL,
    record_type VARCHAR(20) NOT NULL,
    exported_through DATETIME,
    last_export_at DATETIME NOT NULL,
    last_rows INTEGER NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_export_marks_target_type ON export_marks (target, record_type);
CREATE INDEX ix_export_marks_updated_at ON export_marks (updated_at);
CREATE TABLE crm_outbox (
    target VARCHAR(20) NOT NULL,
    record_type VARCHAR(20) NOT NULL,
    record_id CHAR(32) NOT NULL,
    status VARCHAR(20) NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    remote_id VARCHAR(64),
    queued_at DATETIME NOT NULL,
    sent_at DATETIME,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_crm_outbox_record ON crm_outbox (target, record_type, record_id);
CREATE INDEX ix_crm_outbox_status ON crm_outbox (status);
CREATE INDEX ix_crm_outbox_updated_at ON crm_outbox (updated_at);
CREATE TABLE crm_links (
    target VARCHAR(20) NOT NULL,
    local_type VARCHAR(20) NOT NULL,
    local_id CHAR(32) NOT NULL,
    remote_id VARCHAR(64) NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_crm_links_local ON crm_links (target, local_type, local_id);
CREATE INDEX ix_crm_links_updated_at ON crm_links (updated_at);
"""
