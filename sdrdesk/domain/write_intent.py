"""Which thread writes the book, and telling a busy book from a real failure (no Qt, no SQL).

SQLite has one writer. A transaction that starts with a deferred `BEGIN` and later writes
skips the busy timeout when another process holds the lock (it fails at once), so the book's
writer threads open theirs with `BEGIN IMMEDIATE`: the serial writer of the window and the
main thread of a CLI sub-command mark themselves with `mark_writer_thread()`; readers keep
a deferred `BEGIN` and never wait for a writer (WAL).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sdrdesk.domain.errors import BookBusy

_state = threading.local()


def mark_writer_thread() -> None:
    """This thread writes the book: its transactions begin IMMEDIATE (waiting when busy)."""
    _state.writer = True


def is_writer_thread() -> bool:
    return bool(getattr(_state, "writer", False))


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Mark the current thread as the writer for the duration of the block."""
    before = is_writer_thread()
    _state.writer = True
    try:
        yield
    finally:
        _state.writer = before


_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it) says another connection holds the book's lock."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, BookBusy):
            return True
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
            return True
        if type(exc).__name__ == "OperationalError" and any(w in str(exc) for w in _BUSY_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False
