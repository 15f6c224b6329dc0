"""Version 1: the core tables of DESIGN.md section 4.

Frozen DDL: never edit a released step; add a new one. Generated once from the models;
`tests/storage/test_migrations.py` checks the migrated schema still matches them.
"""

VERSION = 1
DESCRIPTION = "core tables"

SQL = """
CREATE TABLE coaching_notes (
    subject_type VARCHAR(30),
    subject_id CHAR(32),
    author VARCHAR(200) NOT NULL,
    body TEXT NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_coaching_notes_subject_id ON coaching_notes (subject_id);
CREATE INDEX ix_coaching_notes_updated_at ON coaching_notes (updated_at);
CREATE TABLE import_mappings (
    header_key VARCHAR(64) NOT NULL,
    mapping JSON NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    UNIQUE (header_key)
);
CREATE INDEX ix_import_mappings_updated_at ON import_mappings (updated_at);
CREATE TABLE objections (
    category VARCHAR(50) NOT NULL,
    prompt TEXT NOT NULL,
    answer TEXT NOT NULL,
    hotkey VARCHAR(20),
    is_builtin BOOLEAN NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_objections_category ON objections (category);
CREATE INDEX ix_objections_updated_at ON objections (updated_at);
CREATE TABLE sequences (
    name VARCHAR(200) NOT NULL,
    description TEXT,
    is_active BOOLEAN NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_sequences_updated_at ON sequences (updated_at);
CREATE TABLE source_labels (
    name VARCHAR(200) NOT NULL,
    color VARCHAR(20),
    description TEXT,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    UNIQUE (name)
);
CREATE INDEX ix_source_labels_updated_at ON source_labels (updated_at);
CREATE TABLE import_runs (
    file_name VARCHAR(500) NOT NULL,
    kind VARCHAR(20) NOT NULL,
    source_label_id CHAR(32),
    encoding VARCHAR(30),
    delimiter VARCHAR(4),
    started_at DATETIME NOT NULL,
    finished_at DATETIME,
    status VARCHAR(20) NOT NULL,
    rows INTEGER NOT NULL,
    imported INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    rejects_file VARCHAR(1000),
    report JSON,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(source_label_id) REFERENCES source_labels (id)
);
CREATE INDEX ix_import_runs_updated_at ON import_runs (updated_at);
CREATE TABLE sequence_steps (
    sequence_id CHAR(32) NOT NULL,
    position INTEGER NOT NULL,
    day_offset INTEGER NOT NULL,
    channel VARCHAR(20) NOT NULL,
    step_kind VARCHAR(50),
    instructions TEXT,
    template TEXT,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(sequence_id) REFERENCES sequences (id)
);
CREATE INDEX ix_sequence_steps_sequence_id ON sequence_steps (sequence_id);
CREATE INDEX ix_sequence_steps_updated_at ON sequence_steps (updated_at);
CREATE TABLE accounts (
    name VARCHAR(300) NOT NULL,
    domain VARCHAR(255),
    website VARCHAR(500),
    industry VARCHAR(200),
    employee_count INTEGER,
    annual_revenue FLOAT,
    phone_raw VARCHAR(100),
    phone_e164 VARCHAR(32),
    country VARCHAR(2),
    region VARCHAR(100),
    city VARCHAR(200),
    timezone VARCHAR(64),
    source_label_id CHAR(32),
    icp_tier VARCHAR(8),
    likely_pain TEXT,
    buyer_roles TEXT,
    research_notes TEXT,
    first_line_ideas TEXT,
    notes TEXT,
    import_run_id CHAR(32),
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(source_label_id) REFERENCES source_labels (id),
    FOREIGN KEY(import_run_id) REFERENCES import_runs (id)
);
CREATE INDEX ix_accounts_country ON accounts (country);
CREATE INDEX ix_accounts_domain ON accounts (domain);
CREATE INDEX ix_accounts_icp_tier ON accounts (icp_tier);
CREATE INDEX ix_accounts_name ON accounts (name);
CREATE INDEX ix_accounts_source_label_id ON accounts (source_label_id);
CREATE INDEX ix_accounts_updated_at ON accounts (updated_at);
CREATE TABLE import_run_items (
    import_run_id CHAR(32) NOT NULL,
    record_type VARCHAR(30) NOT NULL,
    record_id CHAR(32) NOT NULL,
    action VARCHAR(10) NOT NULL,
    "before" JSON,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(import_run_id) REFERENCES import_runs (id)
);
CREATE INDEX ix_import_run_items_import_run_id ON import_run_items (import_run_id);
CREATE INDEX ix_import_run_items_updated_at ON import_run_items (updated_at);
CREATE TABLE scripts (
    name VARCHAR(200) NOT NULL,
    persona VARCHAR(100),
    step_kind VARCHAR(50) NOT NULL,
    sequence_step_id CHAR(32),
    body TEXT NOT NULL,
    is_builtin BOOLEAN NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(sequence_step_id) REFERENCES sequence_steps (id)
);
CREATE INDEX ix_scripts_updated_at ON scripts (updated_at);
CREATE TABLE account_triggers (
    account_id CHAR(32) NOT NULL,
    description TEXT NOT NULL,
    occurred_on DATE,
    source VARCHAR(500),
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(account_id) REFERENCES accounts (id)
);
CREATE INDEX ix_account_triggers_account_id ON account_triggers (account_id);
CREATE INDEX ix_account_triggers_updated_at ON account_triggers (updated_at);
CREATE TABLE contacts (
    account_id CHAR(32),
    first_name VARCHAR(200),
    last_name VARCHAR(200),
    title VARCHAR(300),
    persona VARCHAR(100),
    email VARCHAR(320),
    linkedin_url VARCHAR(500),
    country VARCHAR(2),
    region VARCHAR(100),
    city VARCHAR(200),
    pinned_timezone VARCHAR(64),
    consent_basis VARCHAR(100),
    consent_date DATE,
    notes TEXT,
    source_label_id CHAR(32),
    import_run_id CHAR(32),
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(account_id) REFERENCES accounts (id),
    FOREIGN KEY(source_label_id) REFERENCES source_labels (id),
    FOREIGN KEY(import_run_id) REFERENCES import_runs (id)
);
CREATE INDEX ix_contacts_account_id ON contacts (account_id);
CREATE INDEX ix_contacts_email ON contacts (email);
CREATE INDEX ix_contacts_last_name ON contacts (last_name);
CREATE INDEX ix_contacts_source_label_id ON contacts (source_label_id);
CREATE INDEX ix_contacts_updated_at ON contacts (updated_at);
CREATE TABLE contact_phones (
    contact_id CHAR(32) NOT NULL,
    position INTEGER NOT NULL,
    label VARCHAR(50),
    raw VARCHAR(100) NOT NULL,
    e164 VARCHAR(32),
    extension VARCHAR(20),
    is_valid BOOLEAN NOT NULL,
    number_type VARCHAR(30),
    region VARCHAR(2),
    search_digits VARCHAR(200),
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id)
);
CREATE INDEX ix_contact_phones_contact_id ON contact_phones (contact_id);
CREATE INDEX ix_contact_phones_e164 ON contact_phones (e164);
CREATE INDEX ix_contact_phones_updated_at ON contact_phones (updated_at);
CREATE TABLE do_not_contact (
    contact_id CHAR(32) NOT NULL,
    channel VARCHAR(20) NOT NULL,
    reason TEXT,
    source VARCHAR(200),
    recorded_at DATETIME NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id)
);
CREATE INDEX ix_do_not_contact_contact_id ON do_not_contact (contact_id);
CREATE INDEX ix_do_not_contact_updated_at ON do_not_contact (updated_at);
CREATE TABLE enrollments (
    contact_id CHAR(32) NOT NULL,
    sequence_id CHAR(32) NOT NULL,
    status VARCHAR(20) NOT NULL,
    current_position INTEGER NOT NULL,
    started_at DATETIME NOT NULL,
    ended_at DATETIME,
    end_reason VARCHAR(200),
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id),
    FOREIGN KEY(sequence_id) REFERENCES sequences (id)
);
CREATE INDEX ix_enrollments_contact_id ON enrollments (contact_id);
CREATE INDEX ix_enrollments_sequence_id ON enrollments (sequence_id);
CREATE INDEX ix_enrollments_updated_at ON enrollments (updated_at);
CREATE TABLE qualifications (
    contact_id CHAR(32) NOT NULL,
    account_id CHAR(32),
    framework VARCHAR(50) NOT NULL,
    answers JSON NOT NULL,
    score FLOAT,
    status VARCHAR(20) NOT NULL,
    disqualify_reason TEXT,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id),
    FOREIGN KEY(account_id) REFERENCES accounts (id)
);
CREATE INDEX ix_qualifications_contact_id ON qualifications (contact_id);
CREATE INDEX ix_qualifications_updated_at ON qualifications (updated_at);
CREATE TABLE meetings (
    contact_id CHAR(32) NOT NULL,
    account_id CHAR(32),
    qualification_id CHAR(32),
    scheduled_at DATETIME,
    duration_minutes INTEGER NOT NULL,
    ae_name VARCHAR(200),
    ae_email VARCHAR(320),
    status VARCHAR(20) NOT NULL,
    opportunity_value FLOAT,
    currency VARCHAR(3),
    summary_text TEXT,
    summary_markdown TEXT,
    summary_html TEXT,
    rejection_reason TEXT,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id),
    FOREIGN KEY(account_id) REFERENCES accounts (id),
    FOREIGN KEY(qualification_id) REFERENCES qualifications (id)
);
CREATE INDEX ix_meetings_contact_id ON meetings (contact_id);
CREATE INDEX ix_meetings_scheduled_at ON meetings (scheduled_at);
CREATE INDEX ix_meetings_updated_at ON meetings (updated_at);
CREATE TABLE tasks (
    contact_id CHAR(32) NOT NULL,
    enrollment_id CHAR(32),
    step_id CHAR(32),
    channel VARCHAR(20) NOT NULL,
    title VARCHAR(300) NOT NULL,
    due_at DATETIME NOT NULL,
    status VARCHAR(20) NOT NULL,
    completed_at DATETIME,
    outcome VARCHAR(50),
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id),
    FOREIGN KEY(enrollment_id) REFERENCES enrollments (id),
    FOREIGN KEY(step_id) REFERENCES sequence_steps (id)
);
CREATE INDEX ix_tasks_contact_id ON tasks (contact_id);
CREATE INDEX ix_tasks_due_at ON tasks (due_at);
CREATE INDEX ix_tasks_enrollment_id ON tasks (enrollment_id);
CREATE INDEX ix_tasks_status ON tasks (status);
CREATE INDEX ix_tasks_updated_at ON tasks (updated_at);
CREATE TABLE activities (
    contact_id CHAR(32),
    account_id CHAR(32),
    task_id CHAR(32),
    kind VARCHAR(20) NOT NULL,
    direction VARCHAR(10),
    disposition VARCHAR(40),
    occurred_at DATETIME NOT NULL,
    duration_seconds INTEGER,
    subject VARCHAR(500),
    notes TEXT,
    callback_at DATETIME,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contacts (id),
    FOREIGN KEY(account_id) REFERENCES accounts (id),
    FOREIGN KEY(task_id) REFERENCES tasks (id)
);
CREATE INDEX ix_activities_account_id ON activities (account_id);
CREATE INDEX ix_activities_contact_id ON activities (contact_id);
CREATE INDEX ix_activities_disposition ON activities (disposition);
CREATE INDEX ix_activities_occurred_at ON activities (occurred_at);
CREATE INDEX ix_activities_updated_at ON activities (updated_at);
CREATE TABLE activity_objections (
    activity_id CHAR(32) NOT NULL,
    objection_id CHAR(32) NOT NULL,
    id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(activity_id) REFERENCES activities (id),
    FOREIGN KEY(objection_id) REFERENCES objections (id)
);
CREATE INDEX ix_activity_objections_activity_id ON activity_objections (activity_id);
CREATE INDEX ix_activity_objections_objection_id ON activity_objections (objection_id);
CREATE INDEX ix_activity_objections_updated_at ON activity_objections (updated_at);
"""
