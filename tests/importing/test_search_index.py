"""The search index after an import: exactly what the schema's per-row triggers give for the same
records written one by one, and exact after an update-policy import and its undo. (Cancelled and
failed imports are covered by `test_import_behaviour.py`, whose book dumps include the index.)"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import literal_column, select

from sdrdesk.services.csv_import import ImportOptions, import_csv, undo_last_import
from sdrdesk.storage import models as m
from sdrdesk.storage.migrations import m0002_search_index, m0016_search_extra_fields
from sdrdesk.storage.unit_of_work import UowFactory
from tests.importing.helpers import write_csv

# Phones in several columns, one repeated, a JSON list, accents, notes, a company by domain and
# by name, a contact without company, a company-only row.
MIXED = (
    "First Name,Last Name,Email,Company,Website,Title,Phone,Mobile,Country,Notes\n"
    "Zoë,Müller,zoe@acme.test,Acme GmbH,https://acme.test/,CTO,+49 30 901820,0151 23456789,Germany,"
    "Met at DMEXCO\n"
    "Ann,Lee,ann@acme.test,ACME GmbH,,VP Sales,(416) 555-0199 x12,(416) 555-0199,Canada,\n"
    "Bo,Ng,bo@free.test,,,,\"[\"\"+44 20 7946 0958\"\", \"\"not a number\"\"]\",,UK,two phones\n"
    ",,,Globex,https://globex.test/,,,,,company only\n"
    "Cy,Ortiz,cy@globex.test,Globex Corp,https://globex.test/,Buyer,001-541-754-3010,,,\n"
    "Dee,Rossi,,Initech,,,,,Italy,\n"
)


def _triggers(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        conn.close()


def _index_by_id(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Search index rows keyed by their source record's id (rowids differ between books)."""
    conn = sqlite3.connect(path)
    try:
        contacts = conn.execute("SELECT c.id, f.* FROM contact_fts f JOIN contacts c ON c.rowid = f.rowid "
                                "ORDER BY c.id").fetchall()
        accounts = conn.execute("SELECT a.id, f.* FROM account_fts f JOIN accounts a ON a.rowid = f.rowid "
                                "ORDER BY a.id").fetchall()
        counts = conn.execute("SELECT (SELECT count(*) FROM contact_fts), (SELECT count(*) FROM account_fts)"
                              ).fetchone()
    finally:
        conn.close()
    assert counts == (len(contacts), len(accounts))  # no index row without its record
    return contacts, accounts


def _phones_unordered(index: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]) -> tuple[Any, ...]:
    """`group_concat` order is unspecified (the backfill's plan lists a contact's phones in another
    order than the trigger's): compare the phone column as a set of digit strings."""
    contacts, accounts = index
    return [(*row[:4], sorted(row[4].split()), *row[5:]) for row in contacts], accounts


def _rebuilt_index(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The index as the migrations' backfills (2, then 16) build it from the book's current rows."""
    copy = path.with_name(path.stem + "-rebuilt.db")
    copy.unlink(missing_ok=True)
    source, conn = sqlite3.connect(path), sqlite3.connect(copy)
    source.backup(conn)  # the book is open in WAL mode: copying its file would miss the log
    source.close()
    try:
        conn.executescript("DELETE FROM contact_fts; DELETE FROM account_fts;"
                           + m0002_search_index.SQL.split("-- Rows that existed before this step")[1]
                           .split("\n", 1)[1] + m0016_search_extra_fields.BACKFILL)
    finally:
        conn.close()
    return _phones_unordered(_index_by_id(copy))


def test_imported_rows_are_indexed_as_the_triggers_index_them(tmp_path: Path, uow_factory: UowFactory,
                                                               book_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    report = import_csv(write_csv(tmp_path / "mixed.csv", MIXED), uow_factory,
                        ImportOptions(batch_size=2, default_region="US"))
    assert report.contacts_created == 5 and report.accounts_created == 3 and report.phones >= 5
    imported = _index_by_id(book_path)
    assert len(imported[0]) == 5 and len(imported[1]) == 3
    assert any("49151" in row[4] for row in imported[0])  # a mobile's digits reached the index

    # The same records written one by one through the ORM: every insert trigger fires per row.
    other_path = tmp_path / "orm.db"
    _other, other_factory = make_book(other_path)
    with uow_factory() as uow:
        session = uow.session
            # In insertion order: the index lists a contact's phones in their rowid order.
        tables = [(m.Account, m.Account.__table__), (m.Contact, m.Contact.__table__),
                  (m.ContactPhone, m.ContactPhone.__table__)]
        in_order = literal_column("rowid")
        rows = {model: [dict(r._mapping) for r in session.execute(select(table).order_by(in_order))]
                for model, table in tables}
    with other_factory() as uow:
        for model in (m.Account, m.Contact, m.ContactPhone):
            for row in rows[model]:
                row.update({k: None for k in ("source_label_id", "import_run_id") if k in row})
                uow.session.add(model(**row))
                uow.session.flush()  # one INSERT, and its triggers, per record
        uow.commit()
    assert _index_by_id(other_path) == imported
    assert _rebuilt_index(book_path) == _phones_unordered(imported)


def test_update_import_into_a_populated_book_keeps_the_index_exact(tmp_path: Path, demo_book_file: Path,
                                                                   make_book) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.db"
    shutil.copy(demo_book_file, path)
    _book, factory = make_book(path)
    triggers = _triggers(path)
    conn = sqlite3.connect(path)
    existing = conn.execute("SELECT c.email, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id "
                            "WHERE c.email IS NOT NULL AND c.deleted_at IS NULL LIMIT 3").fetchall()
    conn.close()
    assert len(existing) == 3
    # Existing contacts get new phones and titles (update triggers, phone trigger), existing
    # companies get a new website, new contacts join existing companies.
    lines = ["Email,First Name,Company,Website,Title,Phone"]
    lines += [f"{email},,{company},https://{i}.renamed.test/,Chief {i},+1 416 555 01{i:02d}"
              for i, (email, company) in enumerate(existing)]
    lines += [f"new{i}@x.test,New {i},{company},,,+44 20 7946 09{i:02d}"
              for i, (_e, company) in enumerate(existing)]
    report = import_csv(write_csv(tmp_path / "upd.csv", "\n".join(lines) + "\n"), factory,
                        ImportOptions(policy="update", batch_size=2))
    assert report.contacts_updated == 3 and report.contacts_created == 3
    assert _phones_unordered(_index_by_id(path)) == _rebuilt_index(path)
    assert _triggers(path) == triggers
    undo_last_import(factory)
    assert _phones_unordered(_index_by_id(path)) == _rebuilt_index(path)
    assert _triggers(path) == triggers
