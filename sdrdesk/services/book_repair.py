"""A damaged book is never written to again: find the newest backup that is sound and put it in
the book's place, keeping the damaged file aside (no Qt). Reliability, issue #11.

Backups are the rolling copies the window takes (`storage/backup.rolling_backup`) and the
copies taken before an upgrade; each candidate must be one of our books and pass
`PRAGMA quick_check` before it is offered.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.storage.book_file import inspect_book_file
from sdrdesk.storage.engine import quick_check

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GoodBackup:
    path: Path
    taken_at: datetime  # the file's modification time, UTC


@dataclass(frozen=True)
class Restored:
    book: Path
    from_backup: Path
    damaged_kept_as: Path


def find_good_backup(book_path: Path, backups_dir: Path) -> GoodBackup | None:
    """The newest backup of `book_path` in `backups_dir` that is one of ours and sound."""
    if not backups_dir.is_dir():
        return None
    candidates = sorted(backups_dir.glob(f"{book_path.stem}-*.db"),
                        key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates:
        try:
            inspect_book_file(candidate)
        except SdrdeskError:
            continue
        if quick_check(candidate) is None:
            return GoodBackup(candidate, datetime.fromtimestamp(candidate.stat().st_mtime, UTC))
        log.warning("backup %s failed its check; skipped", candidate.name)
    return None


def restore_backup(book_path: Path, backup: Path) -> Restored:
    """Move the damaged book (and its -wal/-shm) aside, then copy `backup` into its place.

    The book must be closed. The copy is written beside the book and renamed into place, so
    a failure leaves either the damaged file aside and no book, never half a book.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = book_path.with_name(f"{book_path.stem}.damaged-{stamp}{book_path.suffix}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{book_path.stem}-restore-", suffix=".tmp",
                                    dir=book_path.parent)
    os.close(fd)
    try:
        shutil.copyfile(backup, tmp_name)
        with open(tmp_name, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(book_path, aside)
        for extra in ("-wal", "-shm"):  # they belong to the damaged file, never to the backup
            side = book_path.with_name(book_path.name + extra)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + extra))
        os.replace(tmp_name, book_path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    log.info("restored %s from backup %s; damaged file kept aside", book_path.name, backup.name)
    return Restored(book_path, backup, aside)
