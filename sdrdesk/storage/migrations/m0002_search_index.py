"""Version 2: FTS5 full-text index over accounts and contacts, kept in sync by triggers.

Rows of `account_fts` / `contact_fts` use the source row's rowid, so a search joins back
with `WHERE accounts.rowid IN (...)`. Tombstoned rows leave the index. Phone numbers are
indexed through `contact_phones.search_digits` (raw, E.164 and national digit strings,
computed in Python when the phone is written), so "4165550199" finds "+1 (416) 555-0199".
`remove_diacritics 2` lets "Muller" find "Müller". `prefix` indexes make three-letter
prefix queries cheap.

The step also adds the partial, case-insensitive indexes behind the book's default sort
orders (accounts by name, contacts by last and first name), so listing 100k live rows in
order is a covering index scan rather than a sort, and the covering indexes behind the
accounts table's per-row contact and open-task counts. (The book pane holds rowids: they are
what the FTS tables key on, and nothing here VACUUMs the live book.)
"""

VERSION = 2
DESCRIPTION = "full-text search index and sort indexes"

_CONTACT_ROW = """
    coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, ''),
    coalesce(new.title, ''),
    coalesce(new.email, ''),
    coalesce((SELECT group_concat(search_digits, ' ') FROM contact_phones
              WHERE contact_id = new.id AND deleted_at IS NULL), ''),
    coalesce((SELECT name || ' ' || coalesce(domain, '') FROM accounts WHERE id = new.account_id), ''),
    coalesce(new.notes, '')
"""

_ACCOUNT_ROW = """
    coalesce(new.name, ''),
    coalesce(new.domain, '') || ' ' || coalesce(new.website, ''),
    coalesce(new.industry, ''),
    coalesce(new.city, '') || ' ' || coalesce(new.region, ''),
    coalesce(new.notes, '') || ' ' || coalesce(new.research_notes, '')
"""

_REFRESH_PHONES = """
    UPDATE contact_fts SET phone = coalesce((SELECT group_concat(search_digits, ' ')
        FROM contact_phones WHERE contact_id = {ref}.contact_id AND deleted_at IS NULL), '')
    WHERE rowid = (SELECT rowid FROM contacts WHERE id = {ref}.contact_id);
"""

SQL = f"""
CREATE INDEX ix_accounts_live_name ON accounts (name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX ix_contacts_live_name ON contacts (last_name COLLATE NOCASE, first_name COLLATE NOCASE)
    WHERE deleted_at IS NULL;
-- Per-account counts on each painted page of the accounts table, answered from indexes alone.
CREATE INDEX ix_contacts_live_account ON contacts (account_id, id) WHERE deleted_at IS NULL;
CREATE INDEX ix_tasks_open_contact ON tasks (contact_id) WHERE status = 'open' AND deleted_at IS NULL;

CREATE VIRTUAL TABLE contact_fts USING fts5(
    name, title, email, phone, company, notes,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE account_fts USING fts5(
    name, domain, industry, place, notes,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO contact_fts(rowid, name, title, email, phone, company, notes)
    VALUES (new.rowid, {_CONTACT_ROW});
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE ON contacts BEGIN
    DELETE FROM contact_fts WHERE rowid = old.rowid;
    INSERT INTO contact_fts(rowid, name, title, email, phone, company, notes)
    SELECT new.rowid, {_CONTACT_ROW} WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER accounts_fts_insert AFTER INSERT ON accounts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO account_fts(rowid, name, domain, industry, place, notes)
    VALUES (new.rowid, {_ACCOUNT_ROW});
END;
CREATE TRIGGER accounts_fts_update AFTER UPDATE ON accounts BEGIN
    DELETE FROM account_fts WHERE rowid = old.rowid;
    INSERT INTO account_fts(rowid, name, domain, industry, place, notes)
    SELECT new.rowid, {_ACCOUNT_ROW} WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER accounts_fts_rename AFTER UPDATE OF name, domain ON accounts BEGIN
    UPDATE contact_fts SET company = new.name || ' ' || coalesce(new.domain, '')
    WHERE rowid IN (SELECT rowid FROM contacts WHERE account_id = new.id AND deleted_at IS NULL);
END;
CREATE TRIGGER accounts_fts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM account_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER contact_phones_fts_insert AFTER INSERT ON contact_phones BEGIN
    {_REFRESH_PHONES.format(ref="new")}
END;
CREATE TRIGGER contact_phones_fts_update AFTER UPDATE ON contact_phones BEGIN
    {_REFRESH_PHONES.format(ref="old")}
    {_REFRESH_PHONES.format(ref="new")}
END;
CREATE TRIGGER contact_phones_fts_delete AFTER DELETE ON contact_phones BEGIN
    {_REFRESH_PHONES.format(ref="old")}
END;

-- Rows that existed before this step (a version-1 book) enter the index now.
INSERT INTO account_fts(rowid, name, domain, industry, place, notes)
SELECT rowid, coalesce(name, ''), coalesce(domain, '') || ' ' || coalesce(website, ''),
       coalesce(industry, ''), coalesce(city, '') || ' ' || coalesce(region, ''),
       coalesce(notes, '') || ' ' || coalesce(research_notes, '')
FROM accounts WHERE deleted_at IS NULL;
INSERT INTO contact_fts(rowid, name, title, email, phone, company, notes)
SELECT c.rowid, coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''),
       coalesce(c.title, ''), coalesce(c.email, ''),
       coalesce((SELECT group_concat(search_digits, ' ') FROM contact_phones p
                 WHERE p.contact_id = c.id AND p.deleted_at IS NULL), ''),
       coalesce(a.name || ' ' || coalesce(a.domain, ''), ''), coalesce(c.notes, '')
FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
WHERE c.deleted_at IS NULL;
"""
