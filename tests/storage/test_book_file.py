"""Opening books: pragmas, upgrades from version 1, refusing foreign and newer files untouched."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sdrdesk.domain.errors import NewerSchemaError, NotAnSdrdeskDatabase
from sdrdesk.storage import models as m
from sdrdesk.storage.book_file import APPLICATION_ID, inspect_book_file
from sdrdesk.storage.engine import open_book
from sdrdesk.storage.migrations import CURRENT_VERSION
from sdrdesk.storage.unit_of_work import uow_factory_for
from tests.conftest import TEST_DATA

V1_FIXTURE = TEST_DATA / "book-v1.db"


def _pragmas(conn: object) -> dict[str, object]:
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # type: ignore[attr-defined]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


def test_every_connection_has_the_pragmas(book_path: Path) -> None:
    book = open_book(book_path)
    seen: list[dict[str, object]] = []

    def probe() -> None:
        with book.engine.connect() as conn:
            seen.append(_pragmas(conn))

    threads = [threading.Thread(target=probe) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with book.engine.connect() as conn:
        seen.append(_pragmas(conn))
    book.close()
    assert len(seen) == 5
    for pragmas in seen:
        assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                           "busy_timeout": 5000}


def test_foreign_keys_are_enforced(uow_factory) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from sqlalchemy.exc import IntegrityError

    with uow_factory() as uow:
        uow.contacts.add(m.Contact(first_name="Orphan", account_id=uuid.uuid4()))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_new_book_is_stamped_as_ours(book_path: Path) -> None:
    open_book(book_path).close()
    header = book_path.read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    assert inspect_book_file(book_path).schema_version == CURRENT_VERSION


def test_version_1_book_upgrades_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(V1_FIXTURE, path)
    before = _table_rows(path)
    backups = tmp_path / "backups"
    book = open_book(path, backup_dir=backups)
    try:
        with book.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == CURRENT_VERSION
            # Rows from version 1 are found by the search index that version 2 added.
            hits = conn.execute(text(
                "SELECT a.name FROM account_fts f JOIN accounts a ON a.rowid = f.rowid"
                " WHERE account_fts MATCH 'muller'")).scalars().all()
            assert hits == ["Müller Logistik GmbH"]
            phone_hits = conn.execute(text(
                "SELECT count(*) FROM contact_fts WHERE contact_fts MATCH 'phone:301234*'")).scalar()
            assert phone_hits == 1
        with uow_factory_for(book.session_factory)() as uow:
            names = sorted(a.name for a in uow.accounts.list())
            assert names == ["Müller Logistik GmbH", "Northwind Traders"]  # the tombstone stays hidden
    finally:
        book.close()
    after = _table_rows(path)
    for table, rows in before.items():
        # Later steps may add columns (ALTER TABLE ... ADD COLUMN appends them): the old ones
        # must be unchanged.
        width = len(rows[0]) if rows else 0
        assert [row[:width] for row in after[table]] == rows, f"rows of {table} changed during the upgrade"
    copies = list(backups.glob("old-*-before-upgrade-v1.db"))
    assert len(copies) == 1
    assert _table_rows(copies[0]) == before


def test_failed_upgrade_leaves_the_book_as_it_was(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sdrdesk.domain.errors import MigrationError
    from sdrdesk.storage import book_file
    from sdrdesk.storage.migrations import STEPS, Step

    path = tmp_path / "old.db"
    shutil.copy(V1_FIXTURE, path)
    before = _table_rows(path)
    broken = (*STEPS, Step(CURRENT_VERSION + 1, "broken", "CREATE TABLE zz (a);\nSELECT nope FROM nowhere;"))
    monkeypatch.setattr(book_file, "STEPS", broken)
    monkeypatch.setattr(book_file, "CURRENT_VERSION", CURRENT_VERSION + 1)
    with pytest.raises(MigrationError):
        book_file.prepare_book_file(path, backup_dir=tmp_path / "b")
    assert _table_rows(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('zz', 'account_fts')"
                        ).fetchone()[0] == 0
    conn.close()


def test_empty_file_becomes_a_new_book(tmp_path: Path) -> None:
    # SQLite itself treats a 0-byte file as an empty database; so do we.
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    open_book(path).close()
    assert inspect_book_file(path).schema_version == CURRENT_VERSION


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()


def _newer_book(path: Path) -> None:
    shutil.copy(V1_FIXTURE, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 5}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("maker", "error", "words"), [
    (_foreign_sqlite, NotAnSdrdeskDatabase, "another program"),
    (lambda p: p.write_text("Name,Email\nAda,ada@example.org\n"), NotAnSdrdeskDatabase,
     "not a database"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20), NotAnSdrdeskDatabase,
     "not a database"),
    (lambda p: p.write_bytes(V1_FIXTURE.read_bytes()[:4096]), NotAnSdrdeskDatabase, "damaged"),
    (_newer_book, NewerSchemaError, "newer version"),
])
def test_refused_files_are_left_byte_for_byte(tmp_path: Path, maker, error, words) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "not-ours.db"
    maker(path)
    before = path.read_bytes()
    siblings_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(error) as info:
        open_book(path)
    assert words in info.value.user_message
    assert "unchanged" in info.value.user_message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings_before


def test_tombstoned_rows_leave_queries_but_stay_in_the_file(uow_factory, book) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        keep = uow.accounts.add(m.Account(name="Keep Ltd", domain="keep.example"))
        gone = uow.accounts.add(m.Account(name="Gone GmbH", domain="gone.example"))
        uow.commit()
    with uow_factory() as uow:
        uow.accounts.soft_delete(uow.accounts.get(gone.id))
        uow.commit()
    with uow_factory() as uow:
        assert [a.name for a in uow.accounts.list()] == ["Keep Ltd"]
        assert uow.accounts.get(gone.id) is None
        assert uow.accounts.by_domain("gone.example") is None
        assert uow.accounts.count() == 1
        assert uow.accounts.get(gone.id, include_deleted=True) is not None
        assert keep.id != gone.id
    with book.engine.connect() as conn:
        raw = conn.execute(select(m.Account.name, m.Account.deleted_at)).all()
        assert {name for name, _ in raw} == {"Keep Ltd", "Gone GmbH"}
        assert conn.execute(text("SELECT count(*) FROM account_fts WHERE account_fts MATCH 'gone'")
                            ).scalar() == 0


def test_failed_unit_of_work_changes_nothing(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.accounts.add(m.Account(name="Half-done"))
        uow.session.flush()
        raise RuntimeError("crash mid-action")
    with uow_factory() as uow:
        assert uow.accounts.count() == 0


def _order_key(conn: sqlite3.Connection, table: str) -> str:
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    return "id" if "id" in columns else "1"


def _table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%fts%' ORDER BY name")]
        # Derived tables without an id (the metrics rollup) are ordered by their key.
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY {_order_key(conn, t)}").fetchall()
                for t in tables}
    finally:
        conn.close()
