"""This book's device id and rep name, and the raw connections rep-file work runs on."""

from __future__ import annotations

import getpass
import sqlite3
import uuid
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


def connect_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def connect_rw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def default_rep_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name on this system
        return "rep"


def read_identity(conn: sqlite3.Connection) -> tuple[str, str | None] | None:
    row = conn.execute("SELECT device_id, rep_name FROM sync_device WHERE id = 1").fetchone()
    return (row[0], row[1]) if row else None


def ensure_identity(path: Path, rep_name: str | None = None) -> tuple[str, str]:
    """The book's (device id hex, rep name), made on first use; `rep_name` renames it."""
    conn = connect_rw(path)
    try:
        found = read_identity(conn)
        if found and (rep_name is None or rep_name == found[1]):
            return found[0], found[1] or default_rep_name()
        conn.execute("BEGIN IMMEDIATE")
        found = read_identity(conn)
        name = rep_name or (found[1] if found else None) or default_rep_name()
        if found:
            conn.execute("UPDATE sync_device SET rep_name = ? WHERE id = 1", (name,))
            device = found[0]
        else:
            device = uuid.uuid4().hex
            conn.execute("INSERT INTO sync_device (id, device_id, rep_name) VALUES (1, ?, ?)", (device, name))
        conn.execute("COMMIT")
        return device, name
    finally:
        conn.close()
