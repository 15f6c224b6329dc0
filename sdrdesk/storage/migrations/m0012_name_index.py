"""Version 12: small full-text indexes of names and of E.164 numbers, for ranking, `+CC` and typos.

- `account_name_fts(first, rest)`: an account name's first word and the rest;
  `contact_name_fts(first, rest)`: a contact's first and last name. `detail=column`: no
  positions are stored, so "which names hold these words" reads doclists only (the big
  `account_fts` / `contact_fts` need column filters and position lists for that), and "does
  the name start with it" is a column filter on `first`.
- `account_e164_fts(e164)` / `contact_e164_fts(e164)`: the E.164 digits (no `+`) of the
  record's numbers, `detail=none`. A query typed with `+` matches only these, so `+44` never
  finds a `+33` number (the big index mixes E.164, national and raw digits in one column).
  A number's row is separate from the name's, so adding a phone rewrites a few digits only.

The step also adds `ix_contacts_live_first_name`: one- and two-letter queries search names
only, by name-ordered range scans (accounts by name, contacts by first then last name).

Rows use the source row's rowid, like the big index; tombstoned rows leave it. Triggers fire
only when a name, number or tombstone changes. Frozen DDL once released: add a new step.
"""

VERSION = 12
DESCRIPTION = "name and E.164 search indexes"

_ACCOUNT_FIRST = ("CASE WHEN instr(trim(coalesce({r}.name, '')), ' ') > 0 "
                  "THEN substr(trim({r}.name), 1, instr(trim({r}.name), ' ') - 1) "
                  "ELSE trim(coalesce({r}.name, '')) END")
_ACCOUNT_REST = ("CASE WHEN instr(trim(coalesce({r}.name, '')), ' ') > 0 "
                 "THEN substr(trim({r}.name), instr(trim({r}.name), ' ') + 1) ELSE '' END")

_CONTACT_E164 = """(SELECT group_concat(substr(e164, 2), ' ') FROM contact_phones
    WHERE contact_id = {ref}.contact_id AND deleted_at IS NULL AND e164 IS NOT NULL)"""

_REFRESH_PHONES = """
    DELETE FROM contact_e164_fts WHERE rowid = (SELECT rowid FROM contacts WHERE id = {ref}.contact_id);
    INSERT INTO contact_e164_fts(rowid, e164)
    SELECT c.rowid, {digits} FROM contacts c
    WHERE c.id = {ref}.contact_id AND c.deleted_at IS NULL AND {digits} IS NOT NULL;
"""


def _refresh(ref: str) -> str:
    return _REFRESH_PHONES.format(ref=ref, digits=_CONTACT_E164.format(ref=ref))


SQL = f"""
CREATE INDEX ix_contacts_live_first_name ON contacts (first_name COLLATE NOCASE, last_name COLLATE NOCASE)
    WHERE deleted_at IS NULL;

CREATE VIRTUAL TABLE account_name_fts USING fts5(
    first, rest, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = column
);
CREATE VIRTUAL TABLE contact_name_fts USING fts5(
    first, rest, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = column
);
CREATE VIRTUAL TABLE account_e164_fts USING fts5(e164, prefix = '2 3', detail = none);
CREATE VIRTUAL TABLE contact_e164_fts USING fts5(e164, prefix = '2 3', detail = none);

CREATE TRIGGER accounts_name_fts_insert AFTER INSERT ON accounts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO account_name_fts(rowid, first, rest)
    VALUES (new.rowid, {_ACCOUNT_FIRST.format(r="new")}, {_ACCOUNT_REST.format(r="new")});
    INSERT INTO account_e164_fts(rowid, e164)
    SELECT new.rowid, substr(new.phone_e164, 2) WHERE new.phone_e164 IS NOT NULL;
END;
CREATE TRIGGER accounts_name_fts_update AFTER UPDATE OF name, phone_e164, deleted_at ON accounts BEGIN
    DELETE FROM account_name_fts WHERE rowid = old.rowid;
    DELETE FROM account_e164_fts WHERE rowid = old.rowid;
    INSERT INTO account_name_fts(rowid, first, rest)
    SELECT new.rowid, {_ACCOUNT_FIRST.format(r="new")}, {_ACCOUNT_REST.format(r="new")}
    WHERE new.deleted_at IS NULL;
    INSERT INTO account_e164_fts(rowid, e164)
    SELECT new.rowid, substr(new.phone_e164, 2)
    WHERE new.deleted_at IS NULL AND new.phone_e164 IS NOT NULL;
END;
CREATE TRIGGER accounts_name_fts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM account_name_fts WHERE rowid = old.rowid;
    DELETE FROM account_e164_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER contacts_name_fts_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO contact_name_fts(rowid, first, rest)
    VALUES (new.rowid, coalesce(new.first_name, ''), coalesce(new.last_name, ''));
END;
CREATE TRIGGER contacts_name_fts_update AFTER UPDATE OF first_name, last_name, deleted_at ON contacts
BEGIN
    DELETE FROM contact_name_fts WHERE rowid = old.rowid;
    INSERT INTO contact_name_fts(rowid, first, rest)
    SELECT new.rowid, coalesce(new.first_name, ''), coalesce(new.last_name, '')
    WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER contacts_e164_fts_tombstone AFTER UPDATE OF deleted_at ON contacts BEGIN
    DELETE FROM contact_e164_fts WHERE rowid = old.rowid;
    INSERT INTO contact_e164_fts(rowid, e164)
    SELECT new.rowid, d.digits FROM (SELECT group_concat(substr(e164, 2), ' ') AS digits
        FROM contact_phones WHERE contact_id = new.id AND deleted_at IS NULL AND e164 IS NOT NULL) d
    WHERE new.deleted_at IS NULL AND d.digits IS NOT NULL;
END;
CREATE TRIGGER contacts_name_fts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_name_fts WHERE rowid = old.rowid;
    DELETE FROM contact_e164_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER contact_phones_e164_fts_insert AFTER INSERT ON contact_phones
WHEN new.e164 IS NOT NULL AND new.deleted_at IS NULL BEGIN
    {_refresh("new")}
END;
CREATE TRIGGER contact_phones_e164_fts_update AFTER UPDATE OF e164, deleted_at, contact_id
ON contact_phones BEGIN
    {_refresh("old")}
    {_refresh("new")}
END;
CREATE TRIGGER contact_phones_e164_fts_delete AFTER DELETE ON contact_phones BEGIN
    {_refresh("old")}
END;

-- Rows that existed before this step enter the indexes now.
INSERT INTO account_name_fts(rowid, first, rest)
SELECT rowid, {_ACCOUNT_FIRST.format(r="accounts")}, {_ACCOUNT_REST.format(r="accounts")}
FROM accounts WHERE deleted_at IS NULL;
INSERT INTO account_e164_fts(rowid, e164)
SELECT rowid, substr(phone_e164, 2) FROM accounts WHERE deleted_at IS NULL AND phone_e164 IS NOT NULL;
INSERT INTO contact_name_fts(rowid, first, rest)
SELECT rowid, coalesce(first_name, ''), coalesce(last_name, '') FROM contacts WHERE deleted_at IS NULL;
INSERT INTO contact_e164_fts(rowid, e164)
SELECT c.rowid, p.digits FROM contacts c JOIN (
    SELECT contact_id, group_concat(substr(e164, 2), ' ') AS digits FROM contact_phones
    WHERE deleted_at IS NULL AND e164 IS NOT NULL GROUP BY contact_id
) p ON p.contact_id = c.id
WHERE c.deleted_at IS NULL;
"""
