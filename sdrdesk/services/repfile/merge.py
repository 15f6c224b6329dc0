"""Merging a checked rep file into a book, in one transaction, after a backup.

Per record (by UUID): the version with the newer `updated_at` wins, ties broken by the id of
the device that made it, so two books merging both ways end equal. A record changed on both
sides since they last knew of each other's edits is a conflict: the winner is kept, and both
versions are listed (the kept one first) so the user can take the other. What each book
knows of the others is a vector of device -> time (`sync_peers`, sent in every manifest),
and `sync_origins` remembers which device made each merged version: a ring of three books
syncing A -> B -> C -> A raises no false conflicts. Deletions are `deleted_at` tombstones
(ordinary updates) or, for rows removed outright, the `tombstones` table: an older file never
brings a deleted record back.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.clock import Clock
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.export import stamp
from sdrdesk.services.repfile.identity import connect_rw, ensure_identity
from sdrdesk.services.repfile.reader import RepFileReader, ts
from sdrdesk.services.repfile.tables import SyncTable, tables_by_name
from sdrdesk.storage.backup import backup_copy

log = logging.getLogger(__name__)
BATCH = 500
CACHE_KIB = 96 * 1024  # a bounded page cache for the merge connection
MAX_PARAMS = 30_000  # below SQLITE_MAX_VARIABLE_NUMBER (32766 since SQLite 3.32)
ROWS_PER_STATEMENT = 250  # enough to spare FTS5 a flush per row, small enough to stay light


@dataclass(frozen=True)
class ConflictInfo:
    id: str
    table: str
    record_id: str
    kept_side: str  # "mine" or "file"
    kept: dict[str, Any]
    other: dict[str, Any]
    status: str

    def differing_fields(self) -> list[str]:
        skip = {"updated_at", "created_at"}
        keys = sorted(set(self.kept) | set(self.other))
        return [k for k in keys if k not in skip and self.kept.get(k) != self.other.get(k)]


@dataclass(frozen=True)
class MergeReport:
    import_id: str
    file_name: str
    rep_name: str | None
    exported_at: str
    backup_path: Path
    added: int
    updated: int
    deleted: int
    conflicts: tuple[ConflictInfo, ...]
    per_table: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "file": self.file_name,
            "rep_name": self.rep_name,
            "exported_at": self.exported_at,
            "backup": str(self.backup_path),
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": len(self.conflicts),
            "conflict_list": [
                {
                    "id": x.id,
                    "table": x.table,
                    "record_id": x.record_id,
                    "kept": x.kept_side,
                    "fields": x.differing_fields(),
                }
                for x in self.conflicts
            ],
            "per_table": self.per_table,
        }


def merge_rep_file(
    book_path: Path,
    reader: RepFileReader,
    *,
    clock: Clock,
    backup_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> MergeReport:
    """Validate `reader`'s file fully, back the book up, then merge it in one transaction."""
    total = reader.total_records()
    reader.validate(progress=(lambda d, t: progress(d // 2, t)) if progress else None, cancel=cancel)
    device, _name = ensure_identity(book_path)
    backup = backup_copy(book_path, backup_dir, reason="before-repfile-import")
    conn = connect_rw(book_path)
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # random-order keys: keep the indexes in memory
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        merger = _Merger(conn, reader, device, clock)
        done = 0
        for stem in reader.stems():
            if stem == c.TOMBSTONES:
                merger.tombstones()
                continue
            for n in merger.table(stem):
                done += n
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if progress is not None:
                    progress(total // 2 + done // 2, total)
        report = merger.finish(backup)
        try:
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:  # deferred foreign keys are checked here
            raise c.RepFileRejected(
                f"{reader.path.name} refers to records it does not hold (or removes records others "
                "still use), so it was not imported. Your book was left as it was."
            ) from exc
    except sqlite3.IntegrityError as exc:  # two records with one id, or a rule of the book broken
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        backup.unlink(missing_ok=True)
        raise c.RepFileRejected(
            f"{reader.path.name} holds records this book cannot take as they are ({exc}), so it was "
            "not imported. Your book was left as it was."
        ) from exc
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        backup.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    log.info(
        "merged a rep file: %d added, %d updated, %d deleted, %d conflicts",
        report.added,
        report.updated,
        report.deleted,
        len(report.conflicts),
    )
    return report


class _Merger:
    def __init__(self, conn: sqlite3.Connection, reader: RepFileReader, device: str, clock: Clock) -> None:
        self.conn, self.reader, self.device, self.clock = conn, reader, device, clock
        self.tables = tables_by_name()
        self.known_local = {d: ts(t) for d, t in conn.execute("SELECT device_id, seen_until FROM sync_peers")}
        self.known_file = reader.knowledge
        self.file_device = reader.device_id
        self.aliases: dict[str, dict[str, str]] = {}
        self.tombstoned = {r[0] for r in conn.execute("SELECT DISTINCT table_name FROM tombstones")}
        self.added = self.updated = self.deleted = 0
        self.per_table: dict[str, dict[str, int]] = {}
        self.conflicts: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = []

    # --- records -----------------------------------------------------------------------

    def table(self, stem: str) -> Any:
        table = self.tables[stem]
        stats = self.per_table.setdefault(stem, {"added": 0, "updated": 0, "deleted": 0, "conflicts": 0})
        # A table this book has no row of (nor a removal): every record is new, insert in bulk.
        fresh = (
            self.conn.execute(f"SELECT 1 FROM {stem} LIMIT 1").fetchone() is None
            and stem not in self.tombstoned
            and not table.unique
        )
        for batch in self.reader.batches(stem, checked=False):
            if fresh:
                self._fresh(table, batch.values, batch.origins, stats)
                yield len(batch.values)
                continue
            for start in range(0, len(batch.values), BATCH):
                values = batch.values[start : start + BATCH]
                self._batch(table, values, batch.origins[start : start + BATCH], stats)
                yield len(values)

    def _fresh(
        self, table: SyncTable, rows: list[tuple[Any, ...]], origins: list[str | None], stats: dict[str, int]
    ) -> None:
        names = table.names
        if self.aliases and table.foreign_keys:
            rows = [self._remap(table, values) for values in rows]
        cols = ", ".join(f'"{n}"' for n in names)
        self._many(f"INSERT INTO {table.name} ({cols}) VALUES", "", len(names), rows)
        id_i, upd_i = names.index("id"), names.index("updated_at")
        file_device, name = self.file_device, table.name
        self.conn.executemany(
            "INSERT OR REPLACE INTO sync_origins (table_name, record_id, device_id, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (name, v[id_i], o or file_device, v[upd_i])
                for v, o in zip(rows, origins, strict=True)
                if (o or file_device) != self.device
            ],
        )
        if "deleted_at" in names:
            del_i = names.index("deleted_at")
            stats["added"] += sum(1 for v in rows if v[del_i] is None)
        else:
            stats["added"] += len(rows)

    def _remap(self, table: SyncTable, values: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.aliases or not table.foreign_keys:
            return values
        out = list(values)
        for i, name in enumerate(table.names):
            ref = table.foreign_keys.get(name)
            if ref and out[i] is not None and out[i] in self.aliases.get(ref, {}):
                out[i] = self.aliases[ref][out[i]]
        return tuple(out)

    def _batch(
        self,
        table: SyncTable,
        batch: list[tuple[Any, ...]],
        origins_r: list[str | None],
        stats: dict[str, int],
    ) -> None:
        name, names = table.name, table.names
        id_i = names.index("id")
        ids = [v[id_i] for v in batch]
        marks = ",".join("?" * len(ids))
        cols = ", ".join(f'"{n}"' for n in names)
        local_rows = self.conn.execute(f"SELECT {cols} FROM {name} WHERE id IN ({marks})", ids).fetchall()
        if len(local_rows) == len(batch):  # the common case of a re-sync: skip what is equal
            known = set(local_rows)
            if all(v in known for v in batch):
                return
        local = {row[id_i]: row for row in local_rows}
        origins = (
            {
                r[0]: (r[1], r[2])
                for r in self.conn.execute(
                    "SELECT record_id, device_id, updated_at FROM sync_origins"
                    f" WHERE table_name = ? AND record_id IN ({marks})",
                    [name, *ids],
                )
            }
            if local
            else {}
        )
        dead = (
            {
                r[0]: ts(r[1])
                for r in self.conn.execute(
                    "SELECT record_id, deleted_at FROM tombstones"
                    f" WHERE table_name = ? AND record_id IN ({marks})",
                    [name, *ids],
                )
            }
            if name in self.tombstoned
            else {}
        )
        upd_i = names.index("updated_at")
        del_i = names.index("deleted_at") if "deleted_at" in names else None
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        new_origins: list[tuple[Any, ...]] = []
        revived: list[tuple[str, str]] = []
        for values, origin in zip(batch, origins_r, strict=True):
            mine = local.get(values[id_i])
            if mine is not None and mine == values:
                continue
            values = self._remap(table, values)
            rid = values[id_i]
            origin_r = origin or self.file_device
            updated_r = ts(values[upd_i])
            if rid in dead and dead[rid] >= updated_r:
                continue  # deleted here after this version was made: never resurrect
            if mine is None:
                if table.unique and self._alias_unique(table, values):
                    continue
                inserts.append(values)
                if rid in dead:
                    revived.append((name, rid))
                new_origins.append((name, rid, origin_r, values[upd_i]))
                if del_i is None or values[del_i] is None:
                    stats["added"] += 1
                continue
            if mine == values:
                continue
            entry = origins.get(rid)
            mine_updated = mine[upd_i]
            origin_l = entry[0] if entry and entry[1] == mine_updated else self.device
            ts_l = ts(mine_updated)
            remote_wins = (updated_r, origin_r) > (ts_l, origin_l)
            remote_new = origin_r != self.device and updated_r > self.known_local.get(origin_r, "")
            local_new = ts_l > self.known_file.get(origin_l, "")
            if remote_new and local_new:
                theirs, ours = dict(zip(names, values, strict=True)), dict(zip(names, mine, strict=True))
                kept, other = (theirs, ours) if remote_wins else (ours, theirs)
                self.conflicts.append((name, rid, "file" if remote_wins else "mine", kept, other))
                stats["conflicts"] += 1
            if not remote_wins:
                continue
            updates.append(values)
            new_origins.append((name, rid, origin_r, values[upd_i]))
            if del_i is not None and mine[del_i] is None and values[del_i] is not None:
                stats["deleted"] += 1
            else:
                stats["updated"] += 1
        if inserts:
            self._many(f"INSERT INTO {name} ({cols}) VALUES", "", len(names), inserts)
        if updates:
            # An upsert of several rows per statement, like the inserts: each statement ends in
            # a savepoint that makes FTS5 flush its pending terms, so one per row is 5-10x slower.
            sets = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
            self._many(
                f"INSERT INTO {name} ({cols}) VALUES",
                f" ON CONFLICT (id) DO UPDATE SET {sets}",
                len(names),
                updates,
            )
        own = [(t, r) for t, r, d, _ in new_origins if d == self.device]
        if own:
            self.conn.executemany("DELETE FROM sync_origins WHERE table_name = ? AND record_id = ?", own)
        theirs_o = [o for o in new_origins if o[2] != self.device]
        if theirs_o:
            self.conn.executemany(
                "INSERT OR REPLACE INTO sync_origins (table_name, record_id, device_id, updated_at)"
                " VALUES (?, ?, ?, ?)",
                theirs_o,
            )
        if revived:  # edited elsewhere after it was removed here: the edit is newer, it comes back
            self.conn.executemany("DELETE FROM tombstones WHERE table_name = ? AND record_id = ?", revived)

    def _many(self, head: str, tail: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        """Write `rows` with several rows per statement (bounded by SQLite's parameter limit)."""
        per = max(1, min(len(rows), MAX_PARAMS // width, ROWS_PER_STATEMENT))
        one = "(" + ",".join("?" * width) + ")"
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            self.conn.execute(
                f"{head} {','.join([one] * len(chunk))}{tail}", list(chain.from_iterable(chunk))
            )

    def _alias_unique(self, table: SyncTable, row: tuple[Any, ...]) -> bool:
        record_id = row[table.names.index("id")]
        for columns in table.unique:
            values = [row[table.names.index(col)] for col in columns]
            if any(v is None for v in values):
                continue
            where = " AND ".join(f'"{col}" = ?' for col in columns)
            found = self.conn.execute(f"SELECT id FROM {table.name} WHERE {where}", values).fetchone()
            if found and found[0] != record_id:
                self.aliases.setdefault(table.name, {})[record_id] = found[0]
                return True
        return False

    # --- removals ----------------------------------------------------------------------

    def tombstones(self) -> None:
        for table_name, record_id, deleted_at in self.reader.tombstones():
            table = self.tables[table_name]
            record_id = self.aliases.get(table_name, {}).get(record_id, record_id)
            cols = ", ".join(f'"{n}"' for n in table.names)
            mine = self.conn.execute(f"SELECT {cols} FROM {table_name} WHERE id = ?", (record_id,)).fetchone()
            stats = self.per_table.setdefault(
                table_name, {"added": 0, "updated": 0, "deleted": 0, "conflicts": 0}
            )
            if mine is not None:
                upd_i = table.names.index("updated_at")
                if ts(mine[upd_i]) > ts(deleted_at):
                    entry = self.conn.execute(
                        "SELECT device_id, updated_at FROM sync_origins"
                        " WHERE table_name = ? AND record_id = ?",
                        (table_name, record_id),
                    ).fetchone()
                    origin_l = entry[0] if entry and entry[1] == mine[upd_i] else self.device
                    if ts(mine[upd_i]) > self.known_file.get(origin_l, ""):
                        self.conflicts.append(
                            (
                                table_name,
                                record_id,
                                "mine",
                                dict(zip(table.names, mine, strict=True)),
                                {"id": record_id, "_deleted": deleted_at},
                            )
                        )
                        stats["conflicts"] += 1
                    continue
                self.conn.execute(f"DELETE FROM {table_name} WHERE id = ?", (record_id,))
                self.conn.execute(
                    "DELETE FROM sync_origins WHERE table_name = ? AND record_id = ?", (table_name, record_id)
                )
                del_i = table.names.index("deleted_at") if "deleted_at" in table.names else None
                if del_i is None or mine[del_i] is None:
                    stats["deleted"] += 1
            self.conn.execute(
                "INSERT INTO tombstones (table_name, record_id, deleted_at) VALUES (?, ?, ?)"
                " ON CONFLICT (table_name, record_id)"
                " DO UPDATE SET deleted_at = max(deleted_at, excluded.deleted_at)",
                (table_name, record_id, deleted_at),
            )

    # --- bookkeeping -------------------------------------------------------------------

    def finish(self, backup: Path) -> MergeReport:
        now = stamp(self.clock.now())
        manifest = self.reader.manifest
        for device, seen in self.known_file.items():
            if device == self.device:
                continue
            self.conn.execute(
                "INSERT INTO sync_peers (device_id, seen_until, rep_name, last_import_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (device_id) DO UPDATE SET seen_until = max(seen_until, excluded.seen_until),"
                " rep_name = coalesce(excluded.rep_name, rep_name),"
                " last_import_at = coalesce(excluded.last_import_at, last_import_at)",
                (
                    device,
                    seen,
                    manifest.get("rep_name") if device == self.file_device else None,
                    now if device == self.file_device else None,
                ),
            )
        for stats in self.per_table.values():
            self.added += stats["added"]
            self.updated += stats["updated"]
            self.deleted += stats["deleted"]
        import_id = uuid.uuid4().hex
        self.conn.execute(
            "INSERT INTO repfile_imports (id, file_name, peer_device_id, rep_name, exported_at, imported_at,"
            " backup_path, added, updated, deleted, conflicts, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                import_id,
                self.reader.path.name,
                self.file_device,
                manifest.get("rep_name"),
                manifest["exported_at"],
                now,
                str(backup),
                self.added,
                self.updated,
                self.deleted,
                len(self.conflicts),
                now,
                now,
            ),
        )
        infos = []
        for table_name, record_id, side, kept, other in self.conflicts:
            conflict_id = uuid.uuid4().hex
            self.conn.execute(
                "INSERT INTO repfile_conflicts (id, import_id, table_name, record_id, kept_side, kept, other,"
                " status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    conflict_id,
                    import_id,
                    table_name,
                    record_id,
                    side,
                    json.dumps(kept),
                    json.dumps(other),
                    "open",
                    now,
                    now,
                ),
            )
            infos.append(ConflictInfo(conflict_id, table_name, record_id, side, kept, other, "open"))
        return MergeReport(
            import_id,
            self.reader.path.name,
            manifest.get("rep_name"),
            str(manifest["exported_at"]),
            backup,
            self.added,
            self.updated,
            self.deleted,
            tuple(infos),
            self.per_table,
        )
