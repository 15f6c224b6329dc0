"""Version 11: rep-file sync (device identity, peers, origins, tombstones, imports, conflicts)
and coaching (scorecards; coaching notes name their rep and record).

Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 11
DESCRIPTION = "rep file sync and coaching"

SQL = """
CREATE TABLE tombstones (
    table_name VARCHAR(80) NOT NULL,
    record_id CHAR(32) NOT NULL,
    deleted_at DATETIME NOT NULL,
    PRIMARY KEY (table_name, record_id)
);
CREATE TABLE sync_device (
    id INTEGER NOT NULL,
    device_id CHAR(32) NOT NULL,
    rep_name VARCHAR(200),
    PRIMARY KEY (id)
);
CREATE TABLE sync_peers (
    device_id CHAR(32) NOT NULL,
    seen_until DATETIME NOT NULL,
    rep_name VARCHAR(200),
    last_import_at DATETIME,
    PRIMARY KEY (device_id)
);
CREATE TABLE sync_origins (
    table_name VARCHAR(80) NOT NULL,
    record_id CHAR(32) NOT NULL,
    device_id CHAR(32) NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (table_name, record_id)
);
CREATE TABLE repfile_imports (
    file_name VARCHAR(500) NOT NULL,
    peer_device_id CHAR(32) NOT NULL,
    rep_name VARCHAR(200),
    exported_at DATETIME NOT NULL,
    imported_at DATETIME NOT NULL,
    backup_path VARCHAR(1000) NOT NULL,
    added INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_repfile_imports_updated_at ON repfile_imports (updated_at);
CREATE TABLE repfile_conflicts (
    import_id CHAR(32) NOT NULL,
    table_name VARCHAR(80) NOT NULL,
    record_id CHAR(32) NOT NULL,
    kept_side VARCHAR(10) NOT NULL,
    kept JSON NOT NULL,
    other JSON NOT NULL,
    status VARCHAR(20) NOT NULL,
    resolved_at DATETIME,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(import_id) REFERENCES repfile_imports (id)
);
CREATE INDEX ix_repfile_conflicts_updated_at ON repfile_conflicts (updated_at);
CREATE INDEX ix_repfile_conflicts_import_id ON repfile_conflicts (import_id);
CREATE TABLE scorecards (
    rep_device_id CHAR(32),
    rep_name VARCHAR(200),
    subject_type VARCHAR(30) NOT NULL,
    subject_id CHAR(32) NOT NULL,
    subject_label VARCHAR(300),
    rubric_id VARCHAR(80) NOT NULL,
    answers JSON NOT NULL,
    author VARCHAR(200) NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_scorecards_updated_at ON scorecards (updated_at);
CREATE INDEX ix_scorecards_rep_device_id ON scorecards (rep_device_id);
CREATE INDEX ix_scorecards_subject_id ON scorecards (subject_id);
ALTER TABLE coaching_notes ADD COLUMN rep_device_id CHAR(32);
ALTER TABLE coaching_notes ADD COLUMN rep_name VARCHAR(200);
ALTER TABLE coaching_notes ADD COLUMN subject_label VARCHAR(300);
CREATE INDEX ix_coaching_notes_rep_device_id ON coaching_notes (rep_device_id);
"""
