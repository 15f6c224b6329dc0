"""Version 6: an index for recognising a person by LinkedIn profile (import de-duplication).

Partial, so that the many contacts without a profile cost nothing to insert.
Frozen DDL: never edit a released step; add a new one.
"""

VERSION = 6
DESCRIPTION = "contact LinkedIn index"

SQL = """
CREATE INDEX ix_contacts_live_linkedin ON contacts (linkedin_url)
    WHERE linkedin_url IS NOT NULL AND deleted_at IS NULL;
"""
