"""Call-note drafts that have not reached the book yet, kept in a small file beside it (no Qt).

The Call pane saves its notes through the serial writer. While the book is busy (an import in
another process) or cannot be written, those writes wait or fail; the journal keeps the newest
text of each contact in memory and in `<book>.drafts.json` meanwhile, so switching contact and
back, or quitting, loses nothing. `CallService.load_draft` prefers a journalled draft; a landed
save removes its entry; `replay()` writes what a previous session left behind when the book
opens writable.

The file holds what the rep typed: it lives beside the book (the same protection), is written
atomically, and is deleted once empty. When the folder cannot be written the journal stays in
memory only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".drafts.json"


@dataclass(frozen=True)
class JournalEntry:
    contact_id: uuid.UUID
    body: str
    objection_ids: tuple[uuid.UUID, ...]
    call_started_at: datetime | None
    kept_at: datetime

    def to_json(self) -> dict[str, object]:
        return {"body": self.body, "objection_ids": [str(i) for i in self.objection_ids],
                "call_started_at": self.call_started_at.isoformat() if self.call_started_at else None,
                "kept_at": self.kept_at.isoformat()}

    @classmethod
    def from_json(cls, contact_id: str, data: dict[str, object]) -> JournalEntry:
        started = data.get("call_started_at")
        return cls(uuid.UUID(contact_id), str(data.get("body") or ""),
                   tuple(uuid.UUID(str(i)) for i in data.get("objection_ids") or ()),  # type: ignore[attr-defined]
                   datetime.fromisoformat(str(started)) if started else None,
                   datetime.fromisoformat(str(data.get("kept_at"))))


def journal_path(book_path: Path) -> Path:
    return book_path.with_name(book_path.name + JOURNAL_SUFFIX)


class DraftJournal:
    """Thread-safe: `keep` runs on the GUI thread, `landed`/`discard` on the writer."""

    def __init__(self, book_path: Path) -> None:
        self.path = journal_path(Path(book_path))
        self._lock = threading.Lock()
        self._entries: dict[uuid.UUID, JournalEntry] = self._load()
        self._file_ok = True

    def _load(self) -> dict[uuid.UUID, JournalEntry]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {uuid.UUID(k): JournalEntry.from_json(k, v) for k, v in raw.get("drafts", {}).items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("draft journal unreadable (%s); set aside", type(exc).__name__)
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_name(self.path.name + ".unreadable"))
            return {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def keep(self, contact_id: uuid.UUID, body: str, objection_ids: Sequence[uuid.UUID] = (),
             call_started_at: datetime | None = None) -> None:
        """The newest text of a contact's notes, before its write is queued."""
        with self._lock:
            self._entries[contact_id] = JournalEntry(contact_id, body, tuple(objection_ids),
                                                     call_started_at, datetime.now(UTC))
            self._flush()

    def pending(self, contact_id: uuid.UUID) -> JournalEntry | None:
        with self._lock:
            return self._entries.get(contact_id)

    def landed(self, contact_id: uuid.UUID, body: str, objection_ids: Sequence[uuid.UUID] = (),
               call_started_at: datetime | None = None) -> None:
        """A save reached the book: forget it, unless something newer was kept since."""
        with self._lock:
            entry = self._entries.get(contact_id)
            if entry is not None and (entry.body, entry.objection_ids, entry.call_started_at) == (
                    body, tuple(objection_ids), call_started_at):
                del self._entries[contact_id]
                self._flush()

    def discard(self, contact_id: uuid.UUID) -> None:
        """The call was logged: its draft is gone from the book, and from here."""
        with self._lock:
            if self._entries.pop(contact_id, None) is not None:
                self._flush()

    def replay(self, save: Callable[[uuid.UUID, str, Sequence[uuid.UUID], datetime | None], None]) -> int:
        """Write every kept draft with `save` (the book is writable again); returns how many."""
        with self._lock:
            entries = list(self._entries.values())
        for entry in entries:
            save(entry.contact_id, entry.body, entry.objection_ids, entry.call_started_at)
            self.landed(entry.contact_id, entry.body, entry.objection_ids, entry.call_started_at)
        if entries:
            log.info("replayed %d journalled call-note drafts", len(entries))
        return len(entries)

    def _flush(self) -> None:
        # Under the lock. Atomic: a crash leaves the old file or the new one, never half.
        try:
            if not self._entries:
                self.path.unlink(missing_ok=True)
                return
            data = {"drafts": {str(k): v.to_json() for k, v in self._entries.items()}}
            fd, tmp = tempfile.mkstemp(prefix=".drafts-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, ensure_ascii=False)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._file_ok = True
        except OSError as exc:
            if self._file_ok:
                log.warning("draft journal kept in memory only: %s", type(exc).__name__)
            self._file_ok = False
