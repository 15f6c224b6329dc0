"""Version 12: a small full-text index of names (and E.164 numbers) for ranking and short queries.

`account_name_fts(name, e164)` and `contact_name_fts(name, e164)` hold only the account's name
or the contact's "first last", and the E.164 digits of the record's numbers (no `+`). Their
doclists are a fraction of `account_fts` / `contact_fts` (which also index titles, e-mails,
places and notes), so:

- one- and two-letter queries search names only: a name-ordered range scan of the name
  indexes (accounts by name; contacts by last name, and by first name through the new
  `ix_contacts_live_first_name`), never the whole text index;
- the ranking asks "does the name start with / hold these words?" for a few cheap queries;
- a query typed with `+` matches the `e164` column only, so `+44` never finds a `+33` number
  (the big index mixes E.164, national and raw digits in one column).

Rows use the source row's rowid, like the big index; tombstoned rows leave it. Triggers fire
only when a name, number or tombstone changes. Frozen DDL: never edit a released step.
"""

VERSION = 12
DESCRIPTION = "name and E.164 search index"

_CONTACT_E164 = """coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM contact_phones
              WHERE contact_id = {ref}.id AND deleted_at IS NULL AND e164 IS NOT NULL), '')"""
_CONTACT_NAME = "coalesce({ref}.first_name, '') || ' ' || coalesce({ref}.last_name, '')"
_ACCOUNT_E164 = "coalesce(substr({ref}.phone_e164, 2), '')"

_REFRESH_PHONES = """
    UPDATE contact_name_fts SET e164 = coalesce((SELECT group_concat(substr(e164, 2), ' ')
        FROM contact_phones WHERE contact_id = {ref}.contact_id AND deleted_at IS NULL
        AND e164 IS NOT NULL), '')
    WHERE rowid = (SELECT rowid FROM contacts WHERE id = {ref}.contact_id);
"""

SQL = f"""
CREATE INDEX ix_contacts_live_first_name ON contacts (first_name COLLATE NOCASE, last_name COLLATE NOCASE)
    WHERE deleted_at IS NULL;

CREATE VIRTUAL TABLE account_name_fts USING fts5(
    name, e164, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE contact_name_fts USING fts5(
    name, e164, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE TRIGGER accounts_name_fts_insert AFTER INSERT ON accounts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO account_name_fts(rowid, name, e164)
    VALUES (new.rowid, coalesce(new.name, ''), {_ACCOUNT_E164.format(ref="new")});
END;
CREATE TRIGGER accounts_name_fts_update AFTER UPDATE OF name, phone_e164, deleted_at ON accounts BEGIN
    DELETE FROM account_name_fts WHERE rowid = old.rowid;
    INSERT INTO account_name_fts(rowid, name, e164)
    SELECT new.rowid, coalesce(new.name, ''), {_ACCOUNT_E164.format(ref="new")}
    WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER accounts_name_fts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM account_name_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER contacts_name_fts_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO contact_name_fts(rowid, name, e164)
    VALUES (new.rowid, {_CONTACT_NAME.format(ref="new")}, {_CONTACT_E164.format(ref="new")});
END;
CREATE TRIGGER contacts_name_fts_update AFTER UPDATE OF first_name, last_name, deleted_at ON contacts
BEGIN
    DELETE FROM contact_name_fts WHERE rowid = old.rowid;
    INSERT INTO contact_name_fts(rowid, name, e164)
    SELECT new.rowid, {_CONTACT_NAME.format(ref="new")}, {_CONTACT_E164.format(ref="new")}
    WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER contacts_name_fts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_name_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER contact_phones_name_fts_insert AFTER INSERT ON contact_phones BEGIN
    {_REFRESH_PHONES.format(ref="new")}
END;
CREATE TRIGGER contact_phones_name_fts_update AFTER UPDATE OF e164, deleted_at, contact_id
ON contact_phones BEGIN
    {_REFRESH_PHONES.format(ref="old")}
    {_REFRESH_PHONES.format(ref="new")}
END;
CREATE TRIGGER contact_phones_name_fts_delete AFTER DELETE ON contact_phones BEGIN
    {_REFRESH_PHONES.format(ref="old")}
END;

-- Rows that existed before this step enter the index now.
INSERT INTO account_name_fts(rowid, name, e164)
SELECT rowid, coalesce(name, ''), coalesce(substr(phone_e164, 2), '')
FROM accounts WHERE deleted_at IS NULL;
INSERT INTO contact_name_fts(rowid, name, e164)
SELECT c.rowid, coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''),
       coalesce(p.digits, '')
FROM contacts c LEFT JOIN (
    SELECT contact_id, group_concat(substr(e164, 2), ' ') AS digits FROM contact_phones
    WHERE deleted_at IS NULL AND e164 IS NOT NULL GROUP BY contact_id
) p ON p.contact_id = c.id
WHERE c.deleted_at IS NULL;
"""
