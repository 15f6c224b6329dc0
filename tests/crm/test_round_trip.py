"""A `--format plain` contacts/accounts file imports back into sdrdesk with nobody duplicated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sdrdesk.services.csv_import import ImportOptions, import_csv
from tests.crm.helpers import WorkedDay


def _people(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute(
            "SELECT c.first_name, c.last_name, c.email, c.title, c.city, a.name, a.domain, "
            "(SELECT group_concat(raw, ' ; ') FROM (SELECT raw FROM contact_phones p "
            " WHERE p.contact_id = c.id ORDER BY position)) "
            "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id").fetchall(), key=repr)
    finally:
        conn.close()


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_plain_files_import_back_with_every_person_and_company_recognised(
        worked_day: WorkedDay, tmp_path: Path, extra_book) -> None:  # type: ignore[no-untyped-def]
    crm = worked_day.ws.crm
    accounts = crm.export("plain", "accounts", tmp_path / "accounts.csv", "all").files[0].path
    contacts = crm.export("plain", "contacts", tmp_path / "contacts.csv", "all").files[0].path
    source = worked_day.ws.path

    # Into an empty book (a colleague without a CRM): the same people at the same companies.
    _b, other = extra_book(tmp_path / "other.db")
    report = import_csv(accounts, other, ImportOptions())
    assert (report.kind, report.imported, report.rejected) == ("accounts", 12, 0)
    report = import_csv(contacts, other, ImportOptions())
    assert (report.imported, report.rejected, report.accounts_created) == (40, 0, 0)
    assert _people(tmp_path / "other.db") == _people(source)

    # Again, and back into the book it came from: everyone is recognised, nobody is added.
    for target_path, target in ((tmp_path / "other.db", other), (source, worked_day.ws.uow_factory)):
        before = (_count(target_path, "contacts"), _count(target_path, "accounts"))
        for path in (accounts, contacts):
            report = import_csv(path, target, ImportOptions())
            assert report.rejected == 0 and report.contacts_created == 0 and report.accounts_created == 0
        assert (_count(target_path, "contacts"), _count(target_path, "accounts")) == before
