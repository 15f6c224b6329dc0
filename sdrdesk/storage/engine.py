"""Engines with the pragmas every connection needs, and the one place a book is opened."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from sdrdesk.domain.errors import NewerSchemaError
from sdrdesk.storage.book_file import inspect_book_file, prepare_book_file
from sdrdesk.storage.migrations import CURRENT_VERSION

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


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    url = f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, pool_pre_ping=False)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        _on_connect(dbapi_connection, record, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class Book:
    """An open book: its file, engine and session factory. Close it when done."""

    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]
    read_only: bool = False

    def close(self) -> None:
        self.engine.dispose()


def open_book(path: Path, *, read_only: bool = False, backup_dir: Path | None = None) -> Book:
    """Open (creating or upgrading first) the book at `path`.

    Refused files raise a typed `SdrdeskError` and are left byte-for-byte unchanged.
    """
    path = Path(path)
    if read_only:
        state = inspect_book_file(path)
        if state.schema_version != CURRENT_VERSION:
            raise NewerSchemaError(
                f"{path.name} uses book format {state.schema_version}; open it normally once "
                "to upgrade it before viewing it read-only."
            )
    else:
        prepare_book_file(path, backup_dir=backup_dir)
    engine = make_engine(path, read_only=read_only)
    factory = sessionmaker(engine, expire_on_commit=False)
    return Book(path=path, engine=engine, session_factory=factory, read_only=read_only)
