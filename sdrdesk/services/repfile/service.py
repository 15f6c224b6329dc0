"""`Workspace.repfile`: export, inspect, merge-import, conflicts and undo of rep files (no Qt).

Works on the book file with its own short-lived connections (a merge is one transaction on
the serial writer); results are frozen DTOs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, SdrdeskError
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.export import ExportResult, export_rep_file, stamp
from sdrdesk.services.repfile.identity import connect_ro, connect_rw, ensure_identity, read_identity
from sdrdesk.services.repfile.merge import ConflictInfo, MergeReport, merge_rep_file
from sdrdesk.services.repfile.reader import RepFileReader
from sdrdesk.services.repfile.tables import tables_by_name

Progress = Callable[[int, int], None]
RELOADED = Changes(book_reloaded=True)


class NothingToUndo(SdrdeskError):
    title = "Nothing to undo"


@dataclass(frozen=True)
class Inspection:
    path: Path
    manifest: dict[str, Any]
    counts: dict[str, int]
    encrypted: bool

    @property
    def rep_name(self) -> str:
        return str(self.manifest.get("rep_name") or "")

    @property
    def exported_at(self) -> str:
        return str(self.manifest.get("exported_at", ""))

    @property
    def kind(self) -> str:
        return str(self.manifest.get("kind", ""))


@dataclass(frozen=True)
class UndoResult:
    file_name: str
    restored_from: Path


def inspect_rep_file(
    path: Path,
    passphrase: str | None = None,
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Inspection:
    """Every check an import makes, without importing; raises RepFileRejected."""
    with RepFileReader(path, passphrase) as reader:
        counts = reader.validate(progress=progress, cancel=cancel)
        return Inspection(Path(path), reader.manifest, counts, reader.encrypted)


def is_encrypted(path: Path) -> bool:
    """True when `path` needs a passphrase (the manifest is readable without one)."""
    return locked_by(path) is not None


def locked_by(path: Path) -> str | None:
    """The device id of an encrypted file's writer (its passphrase's keychain name), else None.
    Raises RepFileRejected for a file that is refused before any passphrase is asked."""
    try:
        RepFileReader(path).close()
    except c.PassphraseRequired as exc:
        return str(exc.detail)
    return None


class RepFileService:
    def __init__(self, book_path: Path, clock: Clock, backup_dir: Path) -> None:
        self._path, self._clock, self._backups = Path(book_path).resolve(), clock, Path(backup_dir).resolve()

    def identity(self, rep_name: str | None = None) -> tuple[str, str]:
        return ensure_identity(self._path, rep_name)

    def _own_device(self) -> str | None:
        conn = connect_ro(self._path)
        try:
            found = read_identity(conn)
        finally:
            conn.close()
        return found[0] if found else None

    def export(
        self,
        out: Path,
        *,
        passphrase: str | None = None,
        rep_name: str | None = None,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> ExportResult:
        return export_rep_file(
            self._path,
            out,
            clock=self._clock,
            passphrase=passphrase,
            rep_name=rep_name,
            progress=progress,
            cancel=cancel,
        )

    def inspect(self, path: Path, passphrase: str | None = None) -> Inspection:
        return inspect_rep_file(path, passphrase)

    def import_file(
        self,
        path: Path,
        *,
        passphrase: str | None = None,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> OpResult[MergeReport]:
        with RepFileReader(path, passphrase) as reader:
            meant_for = reader.manifest.get("coaching_for")
            if reader.manifest["kind"] == c.KIND_COACHING and meant_for != self._own_device():
                raise c.RepFileRejected(
                    f"{Path(path).name} holds coaching notes for "
                    f"{reader.manifest.get('coaching_for_name') or 'another rep'}, not for this book. "
                    "Nothing was imported."
                )
            report = merge_rep_file(
                self._path,
                reader,
                clock=self._clock,
                backup_dir=self._backups,
                progress=progress,
                cancel=cancel,
            )
        return OpResult(report, RELOADED)

    def conflicts(self, *, open_only: bool = True) -> list[ConflictInfo]:
        conn = connect_ro(self._path)
        try:
            rows = conn.execute(
                "SELECT c.id, c.table_name, c.record_id, c.kept_side, c.kept, c.other, c.status"
                " FROM repfile_conflicts c JOIN repfile_imports i ON i.id = c.import_id"
                + (" WHERE c.status = 'open'" if open_only else "")
                + " ORDER BY i.imported_at DESC, c.table_name, c.record_id"
            ).fetchall()
        finally:
            conn.close()
        return [ConflictInfo(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]), r[6]) for r in rows]

    def keep(self, conflict_id: str) -> OpResult[None]:
        conn = connect_rw(self._path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            info = self._conflict(conn, conflict_id)
            now = stamp(self._clock.now())
            conn.execute(
                "UPDATE repfile_conflicts SET status = 'kept', resolved_at = ?, updated_at = ? WHERE id = ?",
                (now, now, info.id),
            )
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
        return OpResult(None)

    def take_other(self, conflict_id: str) -> OpResult[ConflictInfo]:
        """Replace the kept version with the other one, as a new edit made here now (so it
        wins the next sync too)."""
        conn = connect_rw(self._path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            info = self._conflict(conn, conflict_id)
            table = tables_by_name().get(info.table)
            if table is None:
                raise RecordNotFound(f"Records of kind {info.table} no longer exist in this sdrdesk.")
            now = stamp(self._clock.now())
            exists = conn.execute(f"SELECT 1 FROM {info.table} WHERE id = ?", (info.record_id,)).fetchone()
            if "_deleted" in info.other:
                if exists:
                    conn.execute(f"DELETE FROM {info.table} WHERE id = ?", (info.record_id,))
                conn.execute(
                    "INSERT OR REPLACE INTO tombstones (table_name, record_id, deleted_at) VALUES (?,?,?)",
                    (info.table, info.record_id, now),
                )
            else:
                values = {n: info.other.get(n) for n in table.names}
                values["updated_at"] = now
                names = list(values)
                if exists:
                    conn.execute(
                        f"UPDATE {info.table} SET {', '.join(f'{chr(34)}{n}{chr(34)} = ?' for n in names)}"
                        " WHERE id = ?",
                        [*values.values(), info.record_id],
                    )
                else:
                    conn.execute(
                        f"INSERT INTO {info.table} ({', '.join(names)}) VALUES"
                        f" ({','.join('?' * len(names))})",
                        list(values.values()),
                    )
                conn.execute(
                    "DELETE FROM tombstones WHERE table_name = ? AND record_id = ?",
                    (info.table, info.record_id),
                )
            conn.execute(
                "DELETE FROM sync_origins WHERE table_name = ? AND record_id = ?",
                (info.table, info.record_id),
            )
            conn.execute(
                "UPDATE repfile_conflicts SET status = 'took_other', resolved_at = ?,"
                " updated_at = ? WHERE id = ?",
                (now, now, info.id),
            )
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise SdrdeskError(
                "The other version refers to records that are gone; it was not taken."
            ) from exc
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
        return OpResult(info, RELOADED)

    def _conflict(self, conn: sqlite3.Connection, conflict_id: str) -> ConflictInfo:
        matches = conn.execute(
            "SELECT id, table_name, record_id, kept_side, kept, other, status FROM repfile_conflicts"
            " WHERE id LIKE ? || '%'",
            (conflict_id.lower(),),
        ).fetchall()
        if len(matches) != 1:
            raise RecordNotFound(f"No single conflict matches {conflict_id!r}.")
        r = matches[0]
        return ConflictInfo(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]), r[6])

    def last_import(self) -> tuple[str, str, Path] | None:
        """(import id, file name, backup) of the newest merge whose backup still exists."""
        conn = connect_ro(self._path)
        try:
            rows = conn.execute(
                "SELECT id, file_name, backup_path FROM repfile_imports ORDER BY imported_at DESC, rowid DESC"
            ).fetchall()
        finally:
            conn.close()
        for import_id, name, backup in rows:
            if Path(backup).is_file():
                return import_id, name, Path(backup)
        return None

    def undo_last_import(self) -> OpResult[UndoResult]:
        """Put the book back as it was before the last merge (its backup, copied in place)."""
        last = self.last_import()
        if last is None:
            raise NothingToUndo("No rep-file import can be undone in this book.")
        _import_id, name, backup = last
        src = connect_ro(backup)
        try:
            dst = sqlite3.connect(self._path)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return OpResult(UndoResult(name, backup), RELOADED)
