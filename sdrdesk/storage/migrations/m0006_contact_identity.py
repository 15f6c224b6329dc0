"""Version 6: indexes for recognising a person without a known e-mail (import de-duplication).

LinkedIn profiles, and the names of contacts that have no e-mail: each a partial index, so the
many contacts without a profile, or with an e-mail, cost nothing to insert.
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 6
DESCRIPTION = "contact identity indexes"

SQL = """
CREATE INDEX ix_contacts_live_linkedin ON contacts (linkedin_url)
    WHERE linkedin_url IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX ix_contacts_no_email_name ON contacts (last_name COLLATE NOCASE, first_name COLLATE NOCASE)
    WHERE email IS NULL AND deleted_at IS NULL;
"""
