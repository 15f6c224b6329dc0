"""Builds `book-v1.db`: a book exactly as schema version 1 wrote it, with a little data.

Run once and commit the output; the migration test upgrades a copy and checks nothing is lost.
    python tests/data/make_v1_fixture.py
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sdrdesk.storage.book_file import APPLICATION_ID
from sdrdesk.storage.migrations import m0001_core_tables as v1

OUT = Path(__file__).with_name("book-v1.db")
T = "2025-06-01 09:30:00.000000"

ROWS = {
    "source_labels": [("aa" * 16, "Trade show Berlin", T, T)],
    "accounts": [
        ("a1" * 16, "Müller Logistik GmbH", "mueller-logistik.de", "DE", "aa" * 16, T, T, None),
        ("a2" * 16, "Northwind Traders", "northwind.example", "GB", None, T, T, None),
        ("a3" * 16, "Deleted Corp", "deleted.example", "US", None, T, T, "2025-06-02 10:00:00.000000"),
    ],
    "contacts": [
        ("c1" * 16, "a1" * 16, "Jürgen", "Müller", "VP Sales", "jurgen@mueller-logistik.de", T, T),
        ("c2" * 16, "a2" * 16, "Zoë", "O'Brien", "Head of RevOps", "zoe@northwind.example", T, T),
    ],
    "contact_phones": [
        ("p1" * 16, "c1" * 16, 0, "work", "030 1234567", "+49301234567", 1, "0301234567 301234567", T, T),
    ],
    "activities": [
        ("e1" * 16, "c1" * 16, "a1" * 16, "call", "voicemail", "2025-06-01 10:00:00.000000", 25,
         "Left a voicemail about the Q3 tender.", T, T),
    ],
}
SQL = {
    "source_labels": "INSERT INTO source_labels (id, name, created_at, updated_at) VALUES (?,?,?,?)",
    "accounts": "INSERT INTO accounts (id, name, domain, country, source_label_id, created_at,"
                " updated_at, deleted_at) VALUES (?,?,?,?,?,?,?,?)",
    "contacts": "INSERT INTO contacts (id, account_id, first_name, last_name, title, email,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
    "contact_phones": "INSERT INTO contact_phones (id, contact_id, position, label, raw, e164,"
                      " is_valid, search_digits, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "activities": "INSERT INTO activities (id, contact_id, account_id, kind, disposition,"
                  " occurred_at, duration_seconds, notes, created_at, updated_at)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?)",
}


def build(path: Path) -> None:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript(v1.SQL)
    for table, rows in ROWS.items():
        conn.executemany(SQL[table], rows)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    build(OUT)
    print(f"wrote {OUT}")
