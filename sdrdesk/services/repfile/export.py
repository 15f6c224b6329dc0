"""Writing a book (or a slice of it, such as coaching notes) to a `.sdrdesk` file.

Rows stream from a read-only connection straight into zip members: memory does not grow
with the book. The file appears under its name only when complete (temporary file, fsync,
rename); a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import IO, Any

from sdrdesk import __version__
from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.clock import Clock
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.identity import connect_ro, ensure_identity
from sdrdesk.services.repfile.tables import synced_tables
from sdrdesk.storage.migrations import CURRENT_VERSION

Progress = Callable[[int, int], None]
_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


@dataclass(frozen=True)
class ExportResult:
    path: Path
    counts: dict[str, int]
    size_bytes: int
    encrypted: bool
    manifest: dict[str, Any] = field(repr=False)


def stamp(moment: Any) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class _HashingSink:
    def __init__(self, sink: Any) -> None:
        self.sink, self.sha, self.size = sink, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)
        self.sink.write(data)


def export_rep_file(
    book_path: Path,
    out: Path,
    *,
    clock: Clock,
    passphrase: str | None = None,
    rep_name: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    kind: str = c.KIND_BOOK,
    only: dict[str, tuple[str, Sequence[Any]]] | None = None,
    extra: dict[str, Any] | None = None,
) -> ExportResult:
    """Write `book_path` to `out`. `only` limits the export to some tables, each with a
    WHERE clause (coaching notes for one rep); `extra` adds manifest keys."""
    out = Path(out)
    device, name = ensure_identity(book_path, rep_name)
    conn = connect_ro(book_path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        conn.execute("BEGIN")  # one snapshot for the whole file
        with os.fdopen(fd, "wb") as raw:
            manifest = _write_zip(
                conn,
                raw,
                device=device,
                rep_name=name,
                clock=clock,
                passphrase=passphrase,
                progress=progress,
                cancel=cancel,
                kind=kind,
                only=only,
                extra=extra or {},
            )
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, out)
        with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
            dir_fd = os.open(out.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    counts = {t: int(v["count"]) for t, v in manifest["members"].items()}
    return ExportResult(out, counts, out.stat().st_size, passphrase is not None, manifest)


def _write_zip(
    conn: sqlite3.Connection,
    raw: IO[bytes],
    *,
    device: str,
    rep_name: str,
    clock: Clock,
    passphrase: str | None,
    progress: Progress | None,
    cancel: CancelToken | None,
    kind: str,
    only: dict[str, tuple[str, Sequence[Any]]] | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    encrypted = passphrase is not None
    file_id = uuid.uuid4().hex
    kdf = c.new_kdf_params() if encrypted else None
    key = c.derive_key(passphrase, kdf) if encrypted and kdf is not None else b""
    exported_at = stamp(clock.now())
    tables = [t for t in synced_tables() if only is None or t.name in only]
    totals = {}
    for table in tables:
        where, params = (only or {}).get(table.name, ("1", ()))
        totals[table.name] = conn.execute(
            f"SELECT count(*) FROM {table.name} AS t WHERE {where}", params
        ).fetchone()[0]
    tomb_where = "table_name IN ({})".format(",".join("?" * len(tables))) if tables else "0"
    tomb_params = [t.name for t in tables]
    tomb_total = (
        0
        if only is not None
        else conn.execute(f"SELECT count(*) FROM tombstones WHERE {tomb_where}", tomb_params).fetchone()[0]
    )
    grand_total = sum(totals.values()) + tomb_total
    done = 0
    members: dict[str, dict[str, Any]] = {}
    compression = zipfile.ZIP_STORED if encrypted else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(raw, "w", compression=compression, compresslevel=1, allowZip64=True) as zf:

        def write_member(stem: str, rows: Any, count_hint: int) -> None:
            nonlocal done
            iter_rows = iter(rows)
            member = c.member_for(stem, encrypted)
            with zf.open(member, "w", force_zip64=True) as dest:
                sink = c.EncryptingWriter(dest, key, file_id, member) if encrypted else dest
                hashing = _HashingSink(sink)
                count = 0
                batch: list[str] = []
                base = done
                header = next(iter_rows)
                batch.append(header)
                for line in iter_rows:
                    batch.append(line)
                    count += 1
                    if len(batch) >= 2000:
                        hashing.write("\n".join(batch).encode() + b"\n")
                        batch.clear()
                        done = base + count
                        if cancel is not None:
                            cancel.raise_if_cancelled()
                        if progress is not None:
                            progress(done, grand_total)
                if batch:
                    hashing.write("\n".join(batch).encode() + b"\n")
                done = base + count
                if encrypted:
                    sink.close()  # type: ignore[union-attr]
            members[stem] = {
                "member": member,
                "count": count,
                "sha256": hashing.sha.hexdigest(),
                "bytes": hashing.size,
            }
            if progress is not None:
                progress(done, grand_total)

        for table in tables:
            if cancel is not None:
                cancel.raise_if_cancelled()
            where, params = (only or {}).get(table.name, ("1", ()))
            write_member(
                table.name,
                _table_lines(
                    conn,
                    table.name,
                    table.names,
                    device,
                    where,
                    params,
                    frozenset(col.name for col in table.columns if col.kind == "float"),
                ),
                totals[table.name],
            )
        if only is None:
            write_member(c.TOMBSTONES, _tombstone_lines(conn, tomb_where, tomb_params), tomb_total)
        knowledge = {row[0]: row[1] for row in conn.execute("SELECT device_id, seen_until FROM sync_peers")}
        manifest: dict[str, Any] = {
            "format": c.FORMAT_NAME,
            "format_version": c.FORMAT_VERSION,
            "kind": kind,
            "schema_version": CURRENT_VERSION,
            "app_version": __version__,
            "rep_name": rep_name,
            "device_id": device,
            "exported_at": exported_at,
            "file_id": file_id,
            "knowledge": knowledge,
            "members": members,
            "counts": {stem: v["count"] for stem, v in members.items()},
            "encryption": ({"cipher": "AES-256-GCM", "chunk": c.CHUNK, "kdf": kdf} if encrypted else None),
            **extra,
        }
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        zf.writestr(zipfile.ZipInfo(c.MANIFEST), manifest_bytes, compress_type=zipfile.ZIP_DEFLATED)
        if encrypted:
            zf.writestr(c.MANIFEST_MAC, c.manifest_mac(key, manifest_bytes))
    return manifest


def _table_lines(
    conn: sqlite3.Connection,
    table: str,
    names: Sequence[str],
    device: str,
    where: str,
    params: Sequence[Any],
    floats: frozenset[str] = frozenset(),
) -> Any:
    """A header line naming the columns, then one JSON array per row built by SQLite itself
    (json_array is C; the last element is the device that made the row when not this one)."""
    yield _DUMPS({"table": table, "columns": [*names, "_o"]})
    cols = ", ".join(
        # SQLite's JSON writes reals with 15 digits; 17 round-trip every double exactly.
        f"""CASE WHEN t."{n}" IS NULL THEN NULL ELSE json(printf('%!.17g', t."{n}")) END"""
        if n in floats
        else f't."{n}"'
        for n in names
    )
    has_origins = conn.execute("SELECT 1 FROM sync_origins WHERE table_name = ? LIMIT 1", (table,)).fetchone()
    if has_origins:
        sql = (
            f"SELECT json_array({cols}, CASE WHEN o.device_id != ? AND o.updated_at = t.updated_at"
            f" THEN o.device_id END) FROM {table} AS t LEFT JOIN sync_origins AS o"
            f" ON o.table_name = ? AND o.record_id = t.id WHERE {where}"
        )
        args: tuple[Any, ...] = (device, table, *params)
    else:
        sql = f"SELECT json_array({cols}, NULL) FROM {table} AS t WHERE {where}"
        args = tuple(params)
    cursor = conn.execute(sql, args)
    while True:
        rows = cursor.fetchmany(2000)
        if not rows:
            return
        for (line,) in rows:
            yield line


def _tombstone_lines(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> Any:
    yield _DUMPS({"table": c.TOMBSTONES, "columns": ["table", "id", "deleted_at"]})
    for (line,) in conn.execute(
        f"SELECT json_array(table_name, record_id, deleted_at) FROM tombstones WHERE {where}", params
    ):
        yield line
