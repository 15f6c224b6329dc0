"""Export: formula-injection safe, and what it writes imports back to the same records."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.services.csv_export import export_accounts, export_contacts, neutralise
from sdrdesk.services.csv_import import ImportOptions, import_csv
from tests.conftest import shared_file
from tests.importing.helpers import write_csv


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+49 30 1234567", "'+49 30 1234567"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Ann", "Ann"), ("a=b", "a=b"), (None, ""), (42, 42),
])
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def _contacts(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute(
            "SELECT c.first_name, c.last_name, c.email, c.title, c.country, c.city, c.notes, a.name, "
            "a.domain, "
            "(SELECT group_concat(raw || '|' || coalesce(e164, '') || '|' || coalesce(extension, ''), ' ; ') "
            " FROM (SELECT * FROM contact_phones p WHERE p.contact_id = c.id ORDER BY position)) "
            "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id").fetchall(), key=repr)
    finally:
        conn.close()


def test_contacts_round_trip(tmp_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    _a, first = make_book(tmp_path / "a.db")
    _b, second = make_book(tmp_path / "b.db")
    import_csv(shared_file("datablist/customers-1000.csv"), first, ImportOptions())
    nasty = ("First Name,Last Name,Email,Company,Phone,Notes\n"
             "=HYPERLINK(\"http://evil\"),@Lee,ann@x.com,+Plus Corp,+44 20 7946 0958,\"-1, then\nsome\"\n")
    import_csv(write_csv(tmp_path / "nasty.csv", nasty), first, ImportOptions())
    out = tmp_path / "export" / "contacts.csv"
    result = export_contacts(first, out)
    assert result.rows == 1001
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["First Name", "Last Name", "Email", "Title", "Company"]
    evil = next(r for r in rows if r[2] == "ann@x.com")
    assert evil[0] == "'=HYPERLINK(\"http://evil\")" and evil[1] == "'@Lee" and evil[4] == "'+Plus Corp"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    report = import_csv(out, second, ImportOptions())
    assert (report.rows, report.imported, report.rejected) == (1001, 1001, 0)
    assert _contacts(tmp_path / "b.db") == _contacts(tmp_path / "a.db")


def test_accounts_round_trip(tmp_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    _a, first = make_book(tmp_path / "a.db")
    _b, second = make_book(tmp_path / "b.db")
    imported = import_csv(shared_file("datablist/organizations-1000.csv"), first, ImportOptions())
    # Different companies sharing one website are possible duplicates, kept both (issue 12).
    assert (imported.imported, imported.possible_duplicate_count) == (1000, 83)
    out = tmp_path / "accounts.csv"
    assert export_accounts(first, out).rows == 1000
    report = import_csv(out, second, ImportOptions())
    assert (report.kind, report.imported) == ("accounts", 1000)
    query = ("SELECT name, domain, website, industry, employee_count, country, notes FROM accounts "
             "ORDER BY name, domain")
    a, b = sqlite3.connect(tmp_path / "a.db"), sqlite3.connect(tmp_path / "b.db")
    assert a.execute(query).fetchall() == b.execute(query).fetchall()
    a.close()
    b.close()


def test_cancelled_export_leaves_no_file(tmp_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    _a, first = make_book(tmp_path / "a.db")
    import_csv(shared_file("datablist/people-1000.csv"), first, ImportOptions())
    token = CancelToken()
    token.cancel()
    out = tmp_path / "x" / "contacts.csv"
    with pytest.raises(OperationCancelled):
        export_contacts(first, out, cancel=token)
    assert list(out.parent.iterdir()) == []


def test_a_separate_extension_survives_export(tmp_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    _a, first = make_book(tmp_path / "a.db")
    _b, second = make_book(tmp_path / "b.db")
    src = write_csv(tmp_path / "e.csv", "Email,Phone,Extension\nann@x.com,(206) 555-9857,5467\n")
    import_csv(src, first, ImportOptions())
    out = tmp_path / "c.csv"
    export_contacts(first, out)
    import_csv(out, second, ImportOptions())
    conn = sqlite3.connect(tmp_path / "b.db")
    assert conn.execute("SELECT e164, extension FROM contact_phones").fetchall() == [("+12065559857", "5467")]
    conn.close()
