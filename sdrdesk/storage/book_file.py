"""Recognising, creating and upgrading a book file, before any engine touches it.

A file is ours when it is SQLite and its header carries our `application_id`. Anything
else (another app's database, a text file, a newer schema) is refused *before* it is
opened for writing, so a refused file keeps every byte it had.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sdrdesk.domain.errors import (
    DatabaseOpenError,
    MigrationError,
    NewerSchemaError,
    NotAnSdrdeskDatabase,
)
from sdrdesk.storage.backup import backup_copy
from sdrdesk.storage.migrations import CURRENT_VERSION, STEPS

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x53445244  # "SDRD" in the SQLite header at offset 68
_HEADER_SIZE = 100


@dataclass(frozen=True)
class BookFileState:
    path: Path
    exists: bool
    schema_version: int  # 0 for a new or empty file


def inspect_book_file(path: Path) -> BookFileState:
    """Say what `path` holds without changing it; raise a typed error for files we refuse."""
    if not path.exists() or path.stat().st_size == 0:
        return BookFileState(path, exists=path.exists(), schema_version=0)
    if path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a book file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(_HEADER_SIZE)
    except OSError as exc:
        raise DatabaseOpenError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    if len(header) < _HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise NotAnSdrdeskDatabase(
            f"{path.name} is not an sdrdesk book (it is not a database file). It was left unchanged."
        )
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise NotAnSdrdeskDatabase(
            f"{path.name} is a database made by another program, not an sdrdesk book. "
            "It was left unchanged."
        )
    version = _read_user_version(path)
    if version > CURRENT_VERSION:
        raise NewerSchemaError(
            f"{path.name} was saved by a newer version of sdrdesk (book format {version}; "
            f"this version reads up to {CURRENT_VERSION}). Update sdrdesk to open it. "
            "The file was left unchanged."
        )
    return BookFileState(path, exists=True, schema_version=version)


def _read_user_version(path: Path) -> int:
    # Read-only URI connection: sees committed WAL content, never writes the main file. In a
    # folder that cannot be written (no -shm file can be made) a cleanly closed book is read
    # as immutable instead: it is read-only, not damaged.
    try:
        return _user_version(path, "mode=ro")
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc):
            raise _damaged(path, exc) from exc
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise DatabaseOpenError(
                f"{path.name} cannot be read here: its folder is read-only and it holds unsaved "
                "changes (a -wal file). Copy the book and its -wal file somewhere writable."
            ) from exc
        try:
            return _user_version(path, "mode=ro&immutable=1")
        except sqlite3.DatabaseError as again:
            raise _damaged(path, again) from again
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from exc


def _user_version(path: Path, flags: str) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _damaged(path: Path, exc: BaseException) -> NotAnSdrdeskDatabase:
    return NotAnSdrdeskDatabase(
        f"{path.name} looks damaged and cannot be read ({exc}). It was left unchanged."
    )


def prepare_book_file(path: Path, backup_dir: Path | None = None) -> BookFileState:
    """Create or upgrade `path` to CURRENT_VERSION. Upgrades take a backup copy first.

    All pending steps run in one transaction: a failure leaves the book as it was.
    """
    state = inspect_book_file(path)
    if state.schema_version == CURRENT_VERSION:
        return state
    path.parent.mkdir(parents=True, exist_ok=True)
    if state.schema_version > 0:
        target = backup_dir or path.parent / "backups"
        copy = backup_copy(path, target, reason=f"before-upgrade-v{state.schema_version}")
        log.info("backed up %s to %s before upgrading", path.name, copy)
    _apply_steps(path, state.schema_version)
    return BookFileState(path, exists=True, schema_version=CURRENT_VERSION)


def _apply_steps(path: Path, from_version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if from_version == 0:
            # Set before WAL exists, so the id is in the main file's header at once.
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA foreign_keys = OFF")  # as SQLite advises while altering tables
        conn.execute("BEGIN IMMEDIATE")
        try:
            for step in STEPS:
                if step.version <= from_version:
                    continue
                log.info("migrating %s to version %d (%s)", path.name, step.version, step.description)
                _run_script(conn, step.sql)
                conn.execute(f"PRAGMA user_version = {step.version}")
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise MigrationError(f"The upgraded book has {len(problems)} broken references.")
            conn.execute("COMMIT")
        except Exception as exc:
            conn.execute("ROLLBACK")
            if isinstance(exc, MigrationError):
                raise
            raise MigrationError(
                f"Could not upgrade {path.name}: {exc}. The book was left as it was."
            ) from exc
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _run_script(conn: sqlite3.Connection, sql: str) -> None:
    # executescript() would COMMIT first; split on complete statements instead.
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement and statement != ";":
                conn.execute(statement)
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        raise MigrationError(f"Incomplete SQL statement in a migration step: {buffer[:80]!r}")
