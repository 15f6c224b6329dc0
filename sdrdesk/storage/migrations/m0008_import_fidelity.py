"""Version 8: what an import keeps that used to be lost (issue 12).

- `external_id` on accounts and contacts: the record's id in the system it came from
  (Salesforce Id / AccountId, HubSpot Record ID), so a contacts file can link to the accounts
  file imported before it;
- `extra_fields`: JSON text {column: value} of the file's columns no field took (Lead Owner,
  Lead Source, Deal Stage, ...), shown in research and written back by the export;
- contacts' `other_emails`: addresses after the first, one per line.
The search index (migration 2's triggers) is untouched here.
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 8
DESCRIPTION = "external ids, extra fields and other e-mails"

SQL = """
ALTER TABLE accounts ADD COLUMN external_id VARCHAR(100);
ALTER TABLE accounts ADD COLUMN extra_fields TEXT;
ALTER TABLE contacts ADD COLUMN external_id VARCHAR(100);
ALTER TABLE contacts ADD COLUMN extra_fields TEXT;
ALTER TABLE contacts ADD COLUMN other_emails TEXT;
CREATE INDEX ix_accounts_external_id ON accounts (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX ix_contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL;
"""
