"""Shared helpers for the import tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sdrdesk.storage.models import ALL_MODELS

# The run log itself is history: an undone or refused import may leave its ImportRun row.
HISTORY_TABLES = {"import_runs", "import_run_items"}


def dump_book(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every live row of every model table plus the search index, sorted: equal dumps mean equal content."""
    conn = sqlite3.connect(path)
    try:
        dump: dict[str, list[tuple[Any, ...]]] = {}
        for model in ALL_MODELS:
            table = model.__tablename__  # type: ignore[attr-defined]
            if table in HISTORY_TABLES:
                continue
            rows = conn.execute(f"SELECT * FROM {table} WHERE deleted_at IS NULL").fetchall()
            dump[table] = sorted(rows, key=repr)
        for fts in ("contact_fts", "account_fts"):
            dump[fts] = sorted(conn.execute(f"SELECT rowid, * FROM {fts}").fetchall(), key=repr)
        return dump
    finally:
        conn.close()


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of `sql` on the book file at `path`, read through a plain sqlite3 connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
