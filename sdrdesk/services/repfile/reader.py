"""Reading and checking a `.sdrdesk` file before anything touches a book.

`RepFileReader(path, passphrase)` checks the zip's structure, member names (a whitelist: no
path traversal), declared sizes and compression ratios (zip bombs), the manifest (format,
versions, members) and, when encrypted, the passphrase against the authenticated manifest.
`validate()` then streams every member once: JSON Lines, each record's fields against the
table's columns, counts and SHA-256 checksums. `records(table)` streams rows again for the
merge and re-checks the checksum, so a file changed between the two passes is caught.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.tables import MISSING, SyncTable, merge_order, tables_by_name
from sdrdesk.storage.migrations import CURRENT_VERSION

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def ts(value: str) -> str:
    """A stored UTC timestamp in a form that compares correctly as text."""
    if len(value) == 26:
        return value
    return (value if "." in value else value + ".").ljust(26, "0")


@dataclass(frozen=True)
class Batch:
    values: list[tuple[Any, ...]]  # rows in the table's column order, defaults filled in
    origins: list[str | None]  # per row: the device that made it, when not the file's own


@dataclass(frozen=True)
class Row:
    id: str
    values: tuple[Any, ...]  # in the table's column order, defaults filled in
    updated_at: str
    origin: str | None  # device that made this version, when not the file's own


class RepFileReader:
    def __init__(self, path: Path, passphrase: str | None = None) -> None:
        self.path = Path(path)
        self._tables = tables_by_name()
        self._zip = self._open_zip()
        try:
            self.manifest = self._read_manifest()
            self._key = self._check_encryption(passphrase)
        except BaseException:
            self._zip.close()
            raise

    # --- structure ---------------------------------------------------------------------

    def _open_zip(self) -> zipfile.ZipFile:
        name = self.path.name
        if not self.path.is_file():
            raise c.RepFileRejected(f"There is no rep file at {self.path}.")
        with self.path.open("rb") as fh:
            head = fh.read(16)
        if head == _SQLITE_MAGIC:
            raise c.RepFileRejected(
                f"{name} is a book (database) file, not a rep file: open it with "
                "File > Open book instead. Nothing was imported."
            )
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise c.RepFileRejected(
                f"{name} is not a readable rep file (it is damaged, truncated or another kind of "
                "file). Nothing was imported."
            ) from exc
        try:
            infos = zf.infolist()
            if len(infos) > c.MAX_MEMBERS:
                raise c.RepFileRejected(f"{name} holds more parts than a rep file has. Nothing was imported.")
            seen: set[str] = set()
            total = 0
            for info in infos:
                if not c.member_name_ok(info.filename) or info.filename in seen or info.is_dir():
                    raise c.RepFileRejected(
                        f"{name} holds a part sdrdesk never writes ({info.filename[:80]!r}); it may be "
                        "unsafe to unpack. Nothing was imported."
                    )
                seen.add(info.filename)
                total += info.file_size
                if info.file_size > c.RATIO_FLOOR and info.file_size > c.MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise c.RepFileRejected(
                        f"{name} expands far beyond its size (a zip bomb?). Nothing was imported."
                    )
            if total > c.MAX_TOTAL_BYTES:
                raise c.RepFileRejected(
                    f"{name} would unpack to more than sdrdesk accepts. Nothing was imported."
                )
            if c.MANIFEST not in seen:
                raise c.RepFileRejected(
                    f"{name} has no manifest: it is not a rep file or it is damaged. Nothing was imported."
                )
        except BaseException:
            zf.close()
            raise
        return zf

    def _read_manifest(self) -> dict[str, Any]:
        name = self.path.name
        info = self._zip.getinfo(c.MANIFEST)
        if info.file_size > c.MAX_MANIFEST_BYTES:
            raise c.RepFileRejected(f"{name} has an oversized manifest. Nothing was imported.")
        try:
            self.manifest_bytes = self._zip.read(c.MANIFEST)
            manifest = json.loads(self.manifest_bytes)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise c.RepFileRejected(f"{name} has a damaged manifest. Nothing was imported.") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != c.FORMAT_NAME:
            raise c.RepFileRejected(
                f"{name} was not written by sdrdesk (unknown manifest). Nothing was imported."
            )
        version = manifest.get("format_version")
        schema = manifest.get("schema_version")
        if not isinstance(version, int) or not isinstance(schema, int):
            raise c.RepFileRejected(f"{name} has a damaged manifest (versions). Nothing was imported.")
        if version > c.FORMAT_VERSION or schema > CURRENT_VERSION:
            raise c.RepFileRejected(
                f"{name} was written by a newer sdrdesk (app {manifest.get('app_version', '?')}, "
                f"file format {version}, book format {schema}; this version reads up to "
                f"{c.FORMAT_VERSION} and {CURRENT_VERSION}). Update sdrdesk to import it. "
                "Nothing was imported."
            )
        if manifest.get("kind") not in (c.KIND_BOOK, c.KIND_COACHING):
            raise c.RepFileRejected(f"{name} is a kind of rep file this sdrdesk does not know.")
        if (
            not _HEX32.match(str(manifest.get("device_id", "")))
            or not _DATETIME.match(str(manifest.get("exported_at", "")))
            or not _HEX32.match(str(manifest.get("file_id", "")))
        ):
            raise c.RepFileRejected(f"{name} has a damaged manifest (device or time). Nothing was imported.")
        knowledge = manifest.get("knowledge")
        if not isinstance(knowledge, dict) or not all(
            _HEX32.match(str(k)) and isinstance(v, str) and _DATETIME.match(v) for k, v in knowledge.items()
        ):
            raise c.RepFileRejected(f"{name} has a damaged manifest (sync state). Nothing was imported.")
        members = manifest.get("members")
        encrypted = manifest.get("encryption") is not None
        if not isinstance(members, dict):
            raise c.RepFileRejected(f"{name} has a damaged manifest (members). Nothing was imported.")
        listed = {c.MANIFEST} | ({c.MANIFEST_MAC} if encrypted else set())
        for stem, meta in members.items():
            if stem != c.TOMBSTONES and stem not in self._tables:
                raise c.RepFileRejected(
                    f"{name} holds records of a kind this sdrdesk does not know ({str(stem)[:40]}). "
                    "Nothing was imported."
                )
            if (
                not isinstance(meta, dict)
                or meta.get("member") != c.member_for(stem, encrypted)
                or not isinstance(meta.get("count"), int)
                or not isinstance(meta.get("bytes"), int)
                or not re.match(r"^[0-9a-f]{64}$", str(meta.get("sha256", "")))
            ):
                raise c.RepFileRejected(
                    f"{name} has a damaged manifest ({str(stem)[:40]}). Nothing was imported."
                )
            listed.add(meta["member"])
        present = set(self._zip.namelist())
        if present != listed:
            raise c.RepFileRejected(
                f"{name} does not hold exactly the parts its manifest lists (missing or extra parts). "
                "Nothing was imported."
            )
        return manifest

    def _check_encryption(self, passphrase: str | None) -> bytes | None:
        settings = self.manifest.get("encryption")
        if settings is None:
            return None
        if (
            not isinstance(settings, dict)
            or settings.get("cipher") != "AES-256-GCM"
            or not isinstance(settings.get("kdf"), dict)
        ):
            raise c.RepFileRejected(f"{self.path.name} uses encryption this sdrdesk does not know.")
        if passphrase is None:
            raise c.PassphraseRequired(
                f"{self.path.name} is protected by a passphrase.", detail=str(self.manifest["device_id"])
            )
        key = c.derive_key(passphrase, settings["kdf"])
        c.check_manifest_mac(key, self.manifest_bytes, self._zip.read(c.MANIFEST_MAC))
        return key

    # --- properties --------------------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    @property
    def device_id(self) -> str:
        return str(self.manifest["device_id"])

    @property
    def exported_at(self) -> str:
        return ts(str(self.manifest["exported_at"]))

    @property
    def knowledge(self) -> dict[str, str]:
        known = {k: ts(v) for k, v in self.manifest["knowledge"].items()}
        known[self.device_id] = self.exported_at
        return known

    def stems(self) -> list[str]:
        """Tables in the file, in this sdrdesk's foreign-key order, tombstones last."""
        members = self.manifest["members"]
        ordered = merge_order([name for name in self._tables if name in members])
        return ordered + ([c.TOMBSTONES] if c.TOMBSTONES in members else [])

    def total_records(self) -> int:
        return sum(int(v["count"]) for v in self.manifest["members"].values())

    # --- streaming ---------------------------------------------------------------------

    def _chunks(self, stem: str) -> Iterator[bytes]:
        meta = self.manifest["members"][stem]
        member = meta["member"]
        sha = hashlib.sha256()
        size = 0
        limit = int(meta["bytes"])
        try:
            with self._zip.open(member) as raw:
                chunks = (
                    c.decrypt_frames(raw, self._key, self.manifest["file_id"], member)
                    if self._key is not None
                    else iter(lambda: raw.read(1 << 20), b"")
                )
                for chunk in chunks:
                    size += len(chunk)
                    if size > limit or size > c.MAX_TOTAL_BYTES:
                        raise c.RepFileRejected(
                            f"{member} is larger than its manifest says. Nothing was imported."
                        )
                    sha.update(chunk)
                    yield chunk
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            if isinstance(exc, c.RepFileRejected):
                raise
            raise c.RepFileRejected(
                f"{self.path.name} is damaged or truncated ({member}). Nothing was imported."
            ) from exc
        if size != limit or sha.hexdigest() != meta["sha256"]:
            raise c.RepFileRejected(
                f"{self.path.name} fails its checksum ({member}): it was changed or damaged after it was "
                "written. Nothing was imported."
            )

    def _blocks(self, stem: str) -> Iterator[list[bytes]]:
        """The member's complete lines, a chunk at a time (the header line first)."""
        pending = b""
        count = -1  # the first line is the header
        expected = int(self.manifest["members"][stem]["count"])
        for chunk in self._chunks(stem):
            pending += chunk
            lines = pending.split(b"\n")
            pending = lines.pop()
            if len(pending) > c.MAX_LINE_BYTES:
                raise c.RepFileRejected(f"{self.path.name} holds a record larger than sdrdesk accepts.")
            count += len(lines)
            if lines:
                yield lines
        if pending:
            raise c.RepFileRejected(f"{self.path.name} is truncated ({stem} ends mid-record).")
        if count < 0:
            raise c.RepFileRejected(f"{self.path.name} has a damaged {stem} part (no header).")
        if count != expected:
            raise c.RepFileRejected(
                f"{self.path.name} holds {count} {stem} records but its manifest says {expected}."
            )

    def _lines(self, stem: str) -> Iterator[bytes]:
        for block in self._blocks(stem):
            yield from block

    def _header(self, stem: str, line: bytes) -> list[str]:
        try:
            header = json.loads(line)
            columns = header["columns"]
        except (ValueError, KeyError, TypeError) as exc:
            raise c.RepFileRejected(f"{self.path.name} has a damaged {stem} part (no header).") from exc
        if (
            header.get("table") != stem
            or not isinstance(columns, list)
            or len(set(columns)) != len(columns)
            or not all(isinstance(x, str) for x in columns)
        ):
            raise c.RepFileRejected(f"{self.path.name} has a damaged {stem} part (header).")
        return columns

    def _parsed(self, stem: str) -> Iterator[tuple[list[str], list[Any]]]:
        """(header columns, rows) per chunk: each chunk's lines parsed in one `json.loads`."""
        columns: list[str] | None = None
        for block in self._blocks(stem):
            if columns is None:
                columns = self._header(stem, block[0])
                block = block[1:]
                if not block:
                    continue
            try:
                rows = json.loads(b"[" + b",".join(block) + b"]")
            except ValueError as exc:
                raise c.RepFileRejected(f"{self.path.name} holds a damaged {stem} record.") from exc
            if len(rows) != len(block):
                raise c.RepFileRejected(f"{self.path.name} holds a damaged {stem} record.")
            yield columns, rows
        if columns is None:
            raise c.RepFileRejected(f"{self.path.name} has a damaged {stem} part (no header).")

    def batches(self, stem: str, *, checked: bool = True) -> Iterator[Batch]:
        """Rows of `stem` in this sdrdesk's column order, a chunk at a time. `checked=False`
        skips the per-field checks (the merge's second pass, after `validate()`); the
        structure and the checksum are always checked."""
        make = None
        for columns, rows in self._parsed(stem):
            if make is None:
                make = _batch_maker(self._tables[stem], columns, self.path.name, checked)
            yield make(rows)

    def records(self, stem: str, *, checked: bool = True) -> Iterator[Row]:
        names = self._tables[stem].names
        id_i, upd_i = names.index("id"), names.index("updated_at")
        for batch in self.batches(stem, checked=checked):
            for values, origin in zip(batch.values, batch.origins, strict=True):
                yield Row(values[id_i], values, ts(values[upd_i]), origin)

    def tombstones(self) -> Iterator[tuple[str, str, str]]:
        if c.TOMBSTONES not in self.manifest["members"]:
            return
        lines = self._lines(c.TOMBSTONES)
        if self._header(c.TOMBSTONES, next(lines, b"")) != ["table", "id", "deleted_at"]:
            raise c.RepFileRejected(f"{self.path.name} has a damaged deletion list.")
        for line in lines:
            try:
                table, record_id, deleted_at = json.loads(line)
            except (ValueError, TypeError) as exc:
                raise c.RepFileRejected(f"{self.path.name} holds a damaged deletion record.") from exc
            if (
                table not in self._tables
                or not isinstance(record_id, str)
                or not _HEX32.match(record_id)
                or not isinstance(deleted_at, str)
                or not _DATETIME.match(deleted_at)
            ):
                raise c.RepFileRejected(f"{self.path.name} holds an invalid deletion record.")
            yield table, record_id, deleted_at

    def validate(
        self, progress: Callable[[int, int], None] | None = None, cancel: CancelToken | None = None
    ) -> dict[str, int]:
        """Stream every member once and check it; returns the record counts."""
        counts: dict[str, int] = {}
        done, total = 0, self.total_records()
        for stem in self.stems():
            n = 0
            if stem == c.TOMBSTONES:
                n = sum(1 for _ in self.tombstones())
            else:
                for batch in self.batches(stem, checked=True):
                    n += len(batch.values)
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    if progress is not None:
                        progress(done + n, total)
            counts[stem] = n
            done += n
        return counts

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> RepFileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_NONE = type(None)
_TYPES: dict[str, set[type]] = {
    "str": {str},
    "uuid": {str},
    "datetime": {str},
    "date": {str},
    "json": {str},
    "int": {int},
    "float": {int, float},
    "bool": {int},
    "any": {str, int, float},
}
_BLOCK = {
    "uuid": re.compile(r"(?:[0-9a-f]{32}\n)*[0-9a-f]{32}"),
    "datetime": re.compile(
        r"(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?\n)*"
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?"
    ),
    "date": re.compile(r"(?:\d{4}-\d\d-\d\d\n)*\d{4}-\d\d-\d\d"),
}


def _column_problem(values: tuple[Any, ...], kind: str, nullable: bool) -> str | None:
    """Why a column of a batch does not fit (checked a column at a time, mostly in C)."""
    types = set(map(type, values))
    present: Any = values
    if _NONE in types:
        if not nullable:
            return "is empty"
        types.discard(_NONE)
        present = [v for v in values if v is not None]
    if not types:
        return None
    if not types <= _TYPES[kind]:
        return "has the wrong type"
    if kind == "bool" and not set(present) <= {0, 1}:
        return "has the wrong type"
    pattern = _BLOCK.get(kind)
    if pattern is not None:
        joined = "\n".join(present)
        if joined.count("\n") != len(present) - 1 or not pattern.fullmatch(joined):
            return "has the wrong type"
    if kind == "json":
        try:
            for v in present:
                json.loads(v)
        except ValueError:
            return "has the wrong type"
    return None


def _batch_maker(
    table: SyncTable, columns: list[str], file_name: str, checked: bool
) -> Callable[[list[Any]], Batch]:
    """Turns file rows (JSON arrays in the header's column order) into rows in this sdrdesk's
    column order, defaults filled in; refuses what does not fit the table."""

    def bad(why: str) -> c.RepFileRejected:
        return c.RepFileRejected(
            f"{file_name} holds an invalid {table.name} record ({why}). Nothing was imported."
        )

    known = set(table.names) | {"_o"}
    unknown = [x for x in columns if x not in known]
    if unknown:
        raise bad(f"unknown field {unknown[0][:40]!r}")
    position = {name: i for i, name in enumerate(columns)}
    width = len(columns)
    origin_at = position.get("_o")
    plan: list[tuple[int | None, Any]] = []
    checks: list[tuple[int, str, bool, str]] = []
    for col in table.columns:
        index = position.get(col.name)
        if index is None and col.default is MISSING:
            raise bad(f"missing {col.name}")
        plan.append((index, col.default))
        if index is not None:
            checks.append((index, col.name, col.nullable, col.kind))
    complete = all(i is not None for i, _ in plan)
    getter = itemgetter(*[i for i, _ in plan]) if complete else None
    id_of = itemgetter(position["id"])
    origin_of = itemgetter(origin_at) if origin_at is not None else None

    def make(rows: list[Any]) -> Batch:
        if set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
            raise bad("not a record")
        if checked:
            cols = list(zip(*rows, strict=True))
            for index, name, nullable, kind in checks:
                problem = _column_problem(cols[index], kind, nullable)
                if problem:
                    raise bad(f"{name} {problem}")
        elif _column_problem(tuple(map(id_of, rows)), "uuid", False):
            raise bad("id has the wrong type")
        if getter is not None:
            values = list(map(getter, rows))
        else:
            values = [tuple(r[i] if i is not None else d for i, d in plan) for r in rows]
        origins: list[str | None] = (
            list(map(origin_of, rows)) if origin_of is not None else [None] * len(rows)
        )
        if origin_of is not None and _column_problem(tuple(origins), "uuid", True):
            raise bad("origin")
        return Batch(values, origins)

    return make
