"""Version 16: the full-text index also holds other e-mails and extra-field values (issue 12).

- `contact_fts.email`: the e-mail, then the contact's `other_emails` (one per line), so a
  second address from an import finds the contact.
- `contact_fts.notes` / `account_fts.notes`: the notes, then the VALUES of the record's
  `extra_fields` (JSON {column: value}, via `json_each`; the column names and JSON
  punctuation stay out, so "Lead Source" does not find every imported lead). Text that is not
  valid JSON is indexed as it is rather than failing the write.
- A record with neither keeps exactly the text migration 2 gave it (both additions are
  `coalesce(separator || addition, '')`), so only records that carry them are re-indexed here.

The four row triggers of migration 2 (`contacts_fts_insert/update`, `accounts_fts_insert/
update`) are dropped and re-created with the new row text; their events and the phone,
company-rename and delete triggers are unchanged, and so are migration 12's name and E.164
indexes. Frozen DDL once released: add a new step.
"""

VERSION = 16
DESCRIPTION = "search other e-mails and extra-field values"


def _extra_values(ref: str) -> str:
    """The values of `{ref}.extra_fields`, space-separated; NULL when there are none."""
    column = f"{ref}.extra_fields"
    # Text that is not JSON becomes one JSON string (json_quote), so json_each never fails;
    # a record without extra fields (most) runs no subquery at all.
    return (f"(CASE WHEN {column} IS NOT NULL THEN (SELECT group_concat(value, ' ') FROM "
            f"json_each(CASE WHEN json_valid({column}) THEN {column} ELSE json_quote({column}) END) "
            f"WHERE type NOT IN ('object', 'array', 'null')) END)")


def contact_email(ref: str) -> str:
    return f"coalesce({ref}.email, '') || coalesce(char(10) || {ref}.other_emails, '')"


def notes_with_extras(notes: str, ref: str) -> str:
    return f"{notes} || coalesce(' ' || {_extra_values(ref)}, '')"


_CONTACT_ROW = f"""
    coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, ''),
    coalesce(new.title, ''),
    {contact_email("new")},
    coalesce((SELECT group_concat(search_digits, ' ') FROM contact_phones
              WHERE contact_id = new.id AND deleted_at IS NULL), ''),
    coalesce((SELECT name || ' ' || coalesce(domain, '') FROM accounts WHERE id = new.account_id), ''),
    {notes_with_extras("coalesce(new.notes, '')", "new")}
"""

_ACCOUNT_ROW = f"""
    coalesce(new.name, ''),
    coalesce(new.domain, '') || ' ' || coalesce(new.website, ''),
    coalesce(new.industry, ''),
    coalesce(new.city, '') || ' ' || coalesce(new.region, ''),
    {notes_with_extras("coalesce(new.notes, '') || ' ' || coalesce(new.research_notes, '')", "new")}
"""

SQL = f"""
DROP TRIGGER contacts_fts_insert;
DROP TRIGGER contacts_fts_update;
DROP TRIGGER accounts_fts_insert;
DROP TRIGGER accounts_fts_update;

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO contact_fts(rowid, name, title, email, phone, company, notes)
    VALUES (new.rowid, {_CONTACT_ROW});
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE ON contacts BEGIN
    DELETE FROM contact_fts WHERE rowid = old.rowid;
    INSERT INTO contact_fts(rowid, name, title, email, phone, company, notes)
    SELECT new.rowid, {_CONTACT_ROW} WHERE new.deleted_at IS NULL;
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
"""

# Rows that existed before this step and carry other e-mails or extra fields: re-indexed now.
BACKFILL = f"""
UPDATE contact_fts SET
    email = (SELECT {contact_email("c")} FROM contacts c WHERE c.rowid = contact_fts.rowid),
    notes = (SELECT {notes_with_extras("coalesce(c.notes, '')", "c")}
             FROM contacts c WHERE c.rowid = contact_fts.rowid)
WHERE rowid IN (SELECT rowid FROM contacts WHERE deleted_at IS NULL
                AND (other_emails IS NOT NULL OR extra_fields IS NOT NULL));
UPDATE account_fts SET
    notes = (SELECT {notes_with_extras("coalesce(a.notes, '') || ' ' || coalesce(a.research_notes, '')", "a")}
             FROM accounts a WHERE a.rowid = account_fts.rowid)
WHERE rowid IN (SELECT rowid FROM accounts WHERE deleted_at IS NULL AND extra_fields IS NOT NULL);
"""

SQL += BACKFILL
