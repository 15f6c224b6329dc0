"""Version 17: a contact inserted after its phones is found by its E.164 numbers.

Migration 12 indexes a contact's E.164 digits when a phone is inserted, updated or deleted,
but its contact insert trigger only indexes the name. Writers that insert the phones first
(the demo/benchmark generator, and a rep-file merge, which merges `contact_phones` before
`contacts` so each contact is indexed once) left those contacts out of `contact_e164_fts`:
`+44` found none of them. The new trigger indexes the phones already present when the
contact row arrives; the backfill adds the contacts that were left out.
"""

VERSION = 17
DESCRIPTION = "index a new contact's E.164 numbers already in the book"

SQL = """
CREATE TRIGGER contacts_e164_fts_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL BEGIN
    DELETE FROM contact_e164_fts WHERE rowid = new.rowid;
    INSERT INTO contact_e164_fts(rowid, e164)
    SELECT new.rowid, d.digits FROM (SELECT group_concat(substr(e164, 2), ' ') AS digits
        FROM contact_phones WHERE contact_id = new.id AND deleted_at IS NULL AND e164 IS NOT NULL) d
    WHERE d.digits IS NOT NULL;
END;

INSERT INTO contact_e164_fts(rowid, e164)
SELECT c.rowid, p.digits FROM contacts c JOIN (
    SELECT contact_id, group_concat(substr(e164, 2), ' ') AS digits FROM contact_phones
    WHERE deleted_at IS NULL AND e164 IS NOT NULL GROUP BY contact_id
) p ON p.contact_id = c.id
WHERE c.deleted_at IS NULL AND c.rowid NOT IN (SELECT rowid FROM contact_e164_fts);
"""
