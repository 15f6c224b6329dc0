"""Engines with the pragmas every connection needs, and the one place a book is opened."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from sdrdesk.domain import write_intent
from sdrdesk.domain.errors import (
    BookBusy,
    BookDamaged,
    BookReadOnly,
    DiskFull,
    NewerSchemaError,
    SdrdeskError,
)
from sdrdesk.storage.book_file import inspect_book_file, prepare_book_file
from sdrdesk.storage.migrations import CURRENT_VERSION

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any, *, read_only: bool) -> None:
    # Let SQLAlchemy's "begin" event own transactions (pysqlite's implicit BEGIN skips DDL).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


@dataclass
class BookHealth:
    """What is known about the file beyond its schema: shared by every connection of a book."""

    damaged: str | None = None  # why writes are refused (SQLite said "malformed")

    def mark_damaged(self, why: str) -> None:
        if self.damaged is None:
            log.error("book marked damaged, writes refused: %s", why)
            self.damaged = why


_DAMAGED_MESSAGE = ("This book is damaged (SQLite: {why}). Nothing more is written to it; "
                    "restore the newest good backup to keep working.")


def translate_error(exc: BaseException, health: BookHealth) -> SdrdeskError | None:
    """A typed, human error for what SQLite said, or None for anything else.

    Messages hold no SQL parameters and no record content.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (5, 6) or (primary is None and "database is locked" in text):
        return BookBusy("The book is busy: another program (an import, a second window) is "
                        "writing to it. Try again in a moment.")
    # Codes first; the phrases only for errors without one ("malformed JSON" is not damage).
    if primary in (11, 26) or (primary is None and any(
            phrase in text for phrase in ("database disk image is malformed", "malformed database schema",
                                          "file is not a database"))):
        health.mark_damaged(type(exc).__name__ + ": " + str(exc)[:80])
        return BookDamaged(_DAMAGED_MESSAGE.format(why=str(exc)[:80]))
    if primary == 8 or (primary is None and "readonly database" in text):
        return BookReadOnly("The book cannot be written (the file or its folder is read-only). "
                            "Nothing was changed.")
    if primary == 13 or (primary is None and "disk is full" in text):
        return DiskFull("The disk is full: nothing was saved by this action. Free some space; "
                        "what you typed is still on screen.")
    return None


def make_engine(path: Path, *, read_only: bool = False, immutable: bool = False,
                health: BookHealth | None = None) -> Engine:
    """`immutable` opens a read-only book whose folder cannot be written (no -shm file)."""
    if read_only:
        flags = "mode=ro&immutable=1" if immutable else "mode=ro"
        url = f"sqlite:///{path.resolve().as_uri()}?{flags}&uri=true"
    else:
        url = f"sqlite:///{path}"
    # hide_parameters: a failed write must never put note text, numbers or addresses in an
    # exception message, the log or the error dialog's details.
    engine = create_engine(url, pool_pre_ping=False, hide_parameters=True)
    state = health or BookHealth()

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        _on_connect(dbapi_connection, record, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if read_only or not write_intent.is_writer_thread():
            conn.exec_driver_sql("BEGIN")  # a reader: never waits for a writer (WAL)
            return
        if state.damaged is not None:
            raise BookDamaged(_DAMAGED_MESSAGE.format(why=state.damaged))
        # Take the write lock now, honouring the busy timeout; a deferred BEGIN that upgrades
        # later fails at once while another process writes.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _handle_error(context: Any) -> SdrdeskError | None:
        original = context.original_exception
        if isinstance(original, SdrdeskError):
            return None
        translated = translate_error(original, state)
        if translated is not None:
            translated.__cause__ = context.sqlalchemy_exception or original
        return translated

    return engine


@dataclass
class Book:
    """An open book: its file, engine and session factory. Close it when done."""

    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]
    read_only: bool = False
    read_only_reason: str | None = None  # why a writable open fell back to read-only
    health: BookHealth = field(default_factory=BookHealth)

    @property
    def damaged(self) -> str | None:
        return self.health.damaged

    def quick_check(self) -> str | None:
        """Run `PRAGMA quick_check`; a problem marks the book damaged (writes refused)."""
        problem = quick_check(self.path, immutable=self.read_only and self.read_only_reason is not None
                              and not _wal_has_content(self.path))
        if problem is not None:
            self.health.mark_damaged(problem)
        return problem

    def close(self) -> None:
        self.engine.dispose()


def quick_check(path: Path, *, immutable: bool = False) -> str | None:
    """None when SQLite's quick_check finds the file sound, else its first complaint (no content)."""
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?{flags}", uri=True)
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"{type(exc).__name__}: {str(exc)[:80]}"
    if rows == ["ok"]:
        return None
    lines = [" ".join(line.split()) for row in rows for line in row.splitlines()]
    found = [line[:80] for line in lines if line and not line.startswith("***")]
    return "; ".join(found[:2]) or "quick_check returned nothing"


def _wal_has_content(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def read_only_reason(path: Path) -> str | None:
    """Why `path` cannot be written (file or folder read-only), or None when it can."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path.name} is read-only"
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only"
    return None


def open_book(path: Path, *, read_only: bool = False, backup_dir: Path | None = None,
              require_writable: bool = False, check: bool = False) -> Book:
    """Open (creating or upgrading first) the book at `path`.

    Refused files raise a typed `SdrdeskError` and are left byte-for-byte unchanged. A book
    whose file or folder cannot be written opens read-only (`read_only_reason` says why), or
    raises `BookReadOnly` when `require_writable` (which also refuses a book that fails
    `PRAGMA quick_check`, before anything writes to it: the CLI's import). `check` refuses
    such a book too, for a reader that must not hand out partial data (the CLI's export).
    """
    path = Path(path)
    reason = None if read_only else read_only_reason(path)
    if reason is not None and (require_writable or not path.exists()):
        raise BookReadOnly(f"{path.name} cannot be written: {reason}. Nothing was changed.")
    if read_only or reason is not None:
        state = inspect_book_file(path)
        if state.schema_version != CURRENT_VERSION:
            if reason is not None:
                raise BookReadOnly(f"{path.name} needs an upgrade to book format {CURRENT_VERSION}, "
                                   f"but {reason}. Copy it somewhere writable to open it.")
            raise NewerSchemaError(
                f"{path.name} uses book format {state.schema_version}; open it normally once "
                "to upgrade it before viewing it read-only."
            )
        immutable = reason is not None and "folder" in reason and not _wal_has_content(path)
        if check and (problem := quick_check(path, immutable=immutable)) is not None:
            raise BookDamaged(_DAMAGED_MESSAGE.format(why=problem) + " The file was left unchanged.")
        health = BookHealth()
        engine = make_engine(path, read_only=True, immutable=immutable, health=health)
        factory = sessionmaker(engine, expire_on_commit=False)
        if reason is not None:
            log.info("opening %s read-only: %s", path.name, "folder" if "folder" in reason else "file")
        return Book(path=path, engine=engine, session_factory=factory, read_only=True,
                    read_only_reason=reason, health=health)
    if (require_writable or check) and path.exists() and path.stat().st_size > 0:
        inspect_book_file(path)  # refuse foreign and newer files first, with their own message
        problem = quick_check(path)
        if problem is not None:
            raise BookDamaged(_DAMAGED_MESSAGE.format(why=problem) + " The file was left unchanged.")
    prepare_book_file(path, backup_dir=backup_dir)
    health = BookHealth()
    engine = make_engine(path, health=health)
    factory = sessionmaker(engine, expire_on_commit=False)
    return Book(path=path, engine=engine, session_factory=factory, health=health)
