"""Search finds a record by its other e-mails and its extra-field values (issue 12, migration 16)."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from sdrdesk.cli import main
from sdrdesk.services.csv_import import ImportOptions, import_csv
from sdrdesk.storage import book_file
from sdrdesk.storage import models as m
from sdrdesk.storage.engine import open_book
from sdrdesk.storage.migrations import STEPS
from sdrdesk.storage.unit_of_work import UowFactory

LEADS = (
    "First Name,Last Name,Email,Other Email,Company,Lead Source,Lead Owner\n"
    "Hana,Sato,hana@kumo.example,hp77@inbox-lumen.example,Kumo Robotics,Trade show Lyon,Sam Reed\n"
    "Piotr,Nowak,piotr@vistula.example,,Vistula Foods,Cold call,Kim Lo\n"
)
COMPANIES = (
    "Company,Website,Account Tier Note\n"
    "Harbour Analytics,https://harbour.example,Strategic Zürich partner\n"
)


def _search(book: Path, text: str) -> dict[str, object]:
    """`sdrdesk search --json`: the Accounts pane's ranked results and what matched."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["search", text, "--data", str(book), "--json"]) == 0
    return json.loads(out.getvalue())


def _hits(result: dict[str, object]) -> list[tuple[str, str, list[str]]]:
    return [(h["kind"], h["name"], h["matched"]) for h in result["results"]]  # type: ignore[index, union-attr]


@pytest.fixture
def imported(tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> Path:
    for name, text in (("leads.csv", LEADS), ("companies.csv", COMPANIES)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        report = import_csv(path, uow_factory, ImportOptions())
        assert report.imported >= 1
    conn = sqlite3.connect(book_path)
    others, extra = conn.execute("SELECT other_emails, extra_fields FROM contacts WHERE last_name = 'Sato'"
                                 ).fetchone()
    company_extra = conn.execute("SELECT extra_fields FROM accounts WHERE name = 'Harbour Analytics'"
                                 ).fetchone()[0]
    conn.close()
    assert others == "hp77@inbox-lumen.example"  # the file kept both as the brief says
    assert json.loads(extra)["Lead Source"] == "Trade show Lyon"
    assert json.loads(company_extra) == {"Account Tier Note": "Strategic Zürich partner"}
    return book_path


def test_a_contact_is_found_by_its_second_email(imported: Path) -> None:
    hits = _hits(_search(imported, "hp77@inbox-lumen.example"))
    assert hits == [("contact", "Hana Sato", ["e-mail"])]
    assert _hits(_search(imported, "inbox-lumen")) == [("contact", "Hana Sato", ["e-mail"])]


def test_a_contact_is_found_by_an_extra_field_value_but_not_by_its_column_name(imported: Path) -> None:
    assert _hits(_search(imported, "Lyon")) == [("contact", "Hana Sato", ["extra field"])]
    assert _hits(_search(imported, "Kim Lo")) == [("contact", "Piotr Nowak", ["extra field"])]
    # "Lead Source" is a column name in both contacts' JSON, never a value: no hit.
    assert _search(imported, "lead source")["contacts"] == 0


def test_an_account_is_found_by_its_extra_field_value(imported: Path) -> None:
    # Accents fold as everywhere else; the JSON keeps "ü" as it is (ensure_ascii=False).
    result = _search(imported, "zurich")
    assert _hits(result) == [("account", "Harbour Analytics", ["extra field"])]
    assert _search(imported, "tier note")["accounts"] == 0


def test_extra_field_matches_rank_after_name_matches(tmp_path: Path, uow_factory: UowFactory,
                                                    book_path: Path) -> None:
    text = ("First Name,Last Name,Email,Campaign\n"
            "Aaron,Abbott,aaron@a.example,Lyon spring\n"  # sorts first by name, matches by extra
            "Lyon,Zimmer,lz@z.example,\n")  # a name match: ranks first
    path = tmp_path / "rank.csv"
    path.write_text(text, encoding="utf-8")
    import_csv(path, uow_factory, ImportOptions())
    assert _hits(_search(book_path, "lyon")) == [("contact", "Lyon Zimmer", ["name"]),
                                                 ("contact", "Aaron Abbott", ["extra field"])]


def _index_text(path: Path, table: str, where: str) -> tuple[str, ...]:
    conn = sqlite3.connect(path)
    try:
        fts = {"contacts": "contact_fts", "accounts": "account_fts"}[table]
        row = conn.execute(f"SELECT f.* FROM {fts} f JOIN {table} t ON t.rowid = f.rowid WHERE {where}"
                           ).fetchone()
        return tuple(row) if row else ()
    finally:
        conn.close()


def test_updating_other_emails_and_extra_fields_reindexes_and_deleting_removes(
        imported: Path, uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        contact = next(c for c in uow.session.query(m.Contact) if c.last_name == "Sato")
        contact.other_emails = "hana@new-home.example"
        contact.extra_fields = json.dumps({"Lead Source": "Webinar Porto"})
        uow.commit()
    assert _hits(_search(imported, "new-home")) == [("contact", "Hana Sato", ["e-mail"])]
    assert _hits(_search(imported, "porto")) == [("contact", "Hana Sato", ["extra field"])]
    assert _search(imported, "inbox-lumen")["contacts"] == 0  # the old address left the index
    assert _search(imported, "lyon")["contacts"] == 0
    conn = sqlite3.connect(imported)
    conn.execute("DELETE FROM contacts WHERE last_name = 'Sato'")
    conn.execute("UPDATE accounts SET deleted_at = '2026-12-07 00:00:00' WHERE name = 'Harbour Analytics'")
    conn.commit()
    orphans = conn.execute("SELECT count(*) FROM contact_fts WHERE contact_fts MATCH 'porto'").fetchone()
    gone = conn.execute("SELECT count(*) FROM account_fts WHERE account_fts MATCH 'zurich'").fetchone()
    conn.close()
    assert orphans == (0,) and gone == (0,)


def test_damaged_extra_fields_never_fail_a_write_and_are_indexed_as_text(uow_factory: UowFactory,
                                                                         book_path: Path) -> None:
    with uow_factory() as uow:
        uow.session.add(m.Contact(first_name="Eve", last_name="Odd", extra_fields="not json Marseille"))
        uow.session.add(m.Account(name="Plain Co", extra_fields=json.dumps({"n": None, "list": [1]})))
        uow.commit()
    assert _hits(_search(book_path, "marseille")) == [("contact", "Eve Odd", ["extra field"])]
    assert _index_text(book_path, "accounts", "t.name = 'Plain Co'")[-1] == " "  # nothing but notes


def test_records_without_extras_keep_the_index_text_of_migration_2(book_path: Path,
                                                                  uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(m.Contact(first_name="Al", last_name="Bo", email="al@bo.example", notes="hi"))
        uow.commit()
    assert _index_text(book_path, "contacts", "t.last_name = 'Bo'") == ("Al Bo", "", "al@bo.example", "",
                                                                      "", "hi")


# -- upgrade: a book at the previous version gets its rows indexed by migration 16 ------------

def _previous_version_book(path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    before = tuple(s for s in STEPS if s.version < 16)
    monkeypatch.setattr(book_file, "STEPS", before)
    book_file._apply_steps(path, 0)
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    now = "2026-12-07 10:00:00"
    account = uuid.uuid4().hex
    conn.execute("INSERT INTO accounts (id, name, created_at, updated_at, extra_fields) VALUES "
                 "(?, 'Harbour Analytics', ?, ?, ?)",
                 (account, now, now, json.dumps({"Account Tier Note": "Strategic Zürich partner"},
                                                 ensure_ascii=False)))
    rows = [("Hana", "Sato", "hana@kumo.example", "hp77@inbox-lumen.example\nh@kumo.example",
             json.dumps({"Lead Source": "Trade show Lyon"}), None),
            ("Piotr", "Nowak", "piotr@vistula.example", None, None, None),
            ("Gone", "Ghost", "g@x.example", "ghost@phantom.example", json.dumps({"x": "Lyon"}), now)]
    for first, last, email, others, extra, deleted in rows:
        conn.execute("INSERT INTO contacts (id, account_id, first_name, last_name, email, other_emails, "
                     "extra_fields, deleted_at, created_at, updated_at) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (uuid.uuid4().hex, account, first, last, email, others, extra, deleted, now, now))
    conn.commit()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    # Before the step: the index does not know the second e-mail or the extra value.
    assert conn.execute("SELECT count(*) FROM contact_fts WHERE contact_fts MATCH 'lyon'").fetchone() == (0,)
    conn.close()
    return version


def test_migration_16_indexes_existing_other_emails_and_extra_fields(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    assert _previous_version_book(path, monkeypatch) < 16
    conn = sqlite3.connect(path)
    nowak_before = conn.execute("SELECT f.* FROM contact_fts f JOIN contacts c ON c.rowid = f.rowid "
                                "WHERE c.last_name = 'Nowak'").fetchone()
    triggers_before = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    conn.close()

    open_book(path, backup_dir=tmp_path / "backups").close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 16
    triggers_after = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers_after - {"contacts_e164_fts_insert"} == triggers_before  # re-created, none lost
    # (migration 17, which runs after 16 here, adds that one trigger)
    assert conn.execute("SELECT f.* FROM contact_fts f JOIN contacts c ON c.rowid = f.rowid "
                        "WHERE c.last_name = 'Nowak'").fetchone() == nowak_before  # untouched
    assert conn.execute("SELECT count(*) FROM contact_fts").fetchone() == (2,)  # the ghost stays out
    conn.close()
    assert _hits(_search(path, "lyon")) == [("contact", "Hana Sato", ["extra field"])]
    assert _hits(_search(path, "inbox-lumen")) == [("contact", "Hana Sato", ["e-mail"])]
    assert _hits(_search(path, "h@kumo.example"))[0][1] == "Hana Sato"  # the third address too
    assert _search(path, "phantom")["contacts"] == 0
    assert _hits(_search(path, "zurich")) == [("account", "Harbour Analytics", ["extra field"])]
    # Migration 12's name and E.164 indexes still rank and answer as before.
    assert _hits(_search(path, "Sato"))[0] == ("contact", "Hana Sato", ["name"])
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM contact_name_fts").fetchone() == (2,)
    conn.close()


def test_the_migration_backfill_gives_the_text_the_triggers_give(imported: Path) -> None:
    from sdrdesk.storage.migrations import m0016_search_extra_fields as m16

    conn = sqlite3.connect(imported, isolation_level=None)
    try:
        dump = ("SELECT 'c', f.rowid, f.* FROM contact_fts f JOIN contacts t ON t.rowid = f.rowid "
                "WHERE t.extra_fields IS NOT NULL OR t.other_emails IS NOT NULL UNION ALL "
                "SELECT 'a', f.rowid, f.*, NULL FROM account_fts f JOIN accounts t ON t.rowid = f.rowid "
                "WHERE t.extra_fields IS NOT NULL ORDER BY 1, 2")
        by_triggers = conn.execute(dump).fetchall()
        assert [(r[0], r[2]) for r in by_triggers] == [("a", "Harbour Analytics"), ("c", "Hana Sato"),
                                                       ("c", "Piotr Nowak")]
        assert "inbox-lumen" in by_triggers[1][4] and "Lyon" in by_triggers[1][7]
        conn.execute("BEGIN")
        conn.execute("UPDATE contact_fts SET email = '', notes = ''")
        conn.execute("UPDATE account_fts SET notes = ''")
        for statement in m16.BACKFILL.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        rebuilt = conn.execute(dump).fetchall()
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    assert rebuilt == by_triggers


def test_without_fts5_the_like_fallback_also_looks_at_them(imported: Path) -> None:
    from sdrdesk.services import book_queries as bq
    from sdrdesk.storage.search import parse_query

    conn = sqlite3.connect(imported)
    try:
        def names(table: str, text: str) -> list[str]:
            ids = (bq.contact_ids if table == "contacts" else bq.account_ids)(conn, parse_query(text),
                                                                               use_fts=False)
            column = "last_name" if table == "contacts" else "name"
            return [conn.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", (i,)).fetchone()[0]
                    for i in ids]

        assert names("contacts", "inbox-lumen") == ["Sato"]
        assert names("contacts", "lyon") == ["Sato"]
        assert names("accounts", "zurich") == ["Harbour Analytics"]
    finally:
        conn.close()
