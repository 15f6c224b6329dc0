"""Small books on real SQLite files, edited with explicit times, for rep-file tests."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sdrdesk.domain.clock import FakeClock
from sdrdesk.services.repfile.export import stamp
from sdrdesk.services.repfile.service import RepFileService
from sdrdesk.services.repfile.tables import synced_tables
from sdrdesk.storage.engine import open_book

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class Device:
    """One install: a book, its backups folder and a clock shared by the test."""

    def __init__(self, folder: Path, name: str, clock: FakeClock) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.name, self.clock = name, clock
        self.path = folder / f"{name}.db"
        open_book(self.path).close()
        self.service = RepFileService(self.path, clock, folder / f"{name}-backups")
        self.service.identity(name)
        self.folder = folder

    def tick(self) -> str:
        self.clock.advance(timedelta(seconds=1))
        return stamp(self.clock.now())

    def add_account(self, name: str, **fields: Any) -> str:
        rid = uuid.uuid4().hex
        now = self.tick()
        values = {"id": rid, "name": name, "created_at": now, "updated_at": now, **fields}
        self.sql(
            f"INSERT INTO accounts ({', '.join(values)}) VALUES ({','.join('?' * len(values))})",
            list(values.values()),
        )
        return rid

    def edit(self, table: str, rid: str, **fields: Any) -> None:
        fields["updated_at"] = self.tick()
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.sql(f"UPDATE {table} SET {sets} WHERE id = ?", [*fields.values(), rid])

    def delete(self, table: str, rid: str) -> None:
        now = self.tick()
        self.sql(f"UPDATE {table} SET deleted_at = ?, updated_at = ? WHERE id = ?", [now, now, rid])

    def sql(self, statement: str, params: Any = ()) -> None:
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            with conn:
                conn.execute(statement, params)
        finally:
            conn.close()

    def row(self, table: str, rid: str) -> dict[str, Any] | None:
        conn = sqlite3.connect(self.path)
        conn.row_factory = sqlite3.Row
        try:
            found = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
            return dict(found) if found else None
        finally:
            conn.close()

    def export(self, name: str | None = None, **kw: Any) -> Path:
        self.tick()
        out = self.folder / f"{name or self.name}-{uuid.uuid4().hex[:6]}.sdrdesk"
        self.service.export(out, **kw)
        return out

    def import_(self, path: Path, **kw: Any):  # type: ignore[no-untyped-def]
        self.tick()
        return self.service.import_file(path, **kw).value


def synced_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows, sorted by id: what two equal books share."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {
            t.name: conn.execute(f"SELECT {', '.join(t.names)} FROM {t.name} ORDER BY id").fetchall()
            for t in synced_tables()
        }
    finally:
        conn.close()


def file_hash(path: Path) -> str:
    """The book's bytes and its write-ahead log's (an empty log is no log; the -shm file is
    SQLite's shared-memory index, which any reader may create)."""
    digest = hashlib.sha256(path.read_bytes())
    wal = Path(str(path) + "-wal")
    digest.update(wal.read_bytes() if wal.exists() else b"")
    return digest.hexdigest()
