"""The frozen migration steps and the ORM models must describe the same tables and columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sdrdesk.storage.base import Base
from sdrdesk.storage.engine import open_book


def test_migrated_schema_has_every_model_column(book_path: Path) -> None:
    open_book(book_path).close()
    conn = sqlite3.connect(book_path)
    try:
        for table in Base.metadata.sorted_tables:
            columns = {row[1]: row for row in conn.execute(f"PRAGMA table_info({table.name})")}
            assert columns, f"table {table.name} missing from the migrated schema"
            model_columns = {c.name for c in table.columns}
            assert set(columns) == model_columns, f"{table.name}: {set(columns) ^ model_columns}"
            for column in table.columns:
                not_null = bool(columns[column.name][3])
                assert not_null == (not column.nullable or column.primary_key), \
                    f"{table.name}.{column.name} nullability differs"
            for index in table.indexes:
                found = conn.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND name=?",
                                     (index.name,)).fetchone()
                assert found, f"index {index.name} missing"
    finally:
        conn.close()
