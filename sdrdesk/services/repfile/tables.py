"""Which tables a rep file carries, derived from the ORM models so later tables sync too.

A table is synced when its model has an `id` primary key and an `updated_at` column and its
name is not in `SYNC_LOCAL_TABLES`. Tables come in foreign-key order (parents first), so a
merge inserts an account before its contacts. Column kinds drive the per-field checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text, Uuid

from sdrdesk.storage import models as _models  # noqa: F401  (registers every model)
from sdrdesk.storage.base import Base, UtcDateTime

# Tables that describe this install or this book's sync bookkeeping, never another device's.
SYNC_LOCAL_TABLES: frozenset[str] = frozenset(
    {
        "tombstones",
        "sync_device",
        "sync_peers",
        "sync_origins",
        "repfile_imports",
        "repfile_conflicts",
        "import_mappings",  # remembered CSV column mappings: a preference of this install
        "call_note_drafts",  # notes typed during a call on this laptop, not yet a record
        "crm_outbox",  # what this install still has to push; another device pushes its own
        "export_marks",  # "since last export" of files written on this install
    }
)


# Merge order tweaks (foreign keys are deferred during a merge, so order is free): a child
# whose insert trigger rewrites its parent's search row goes first, so the parent's own
# insert indexes it once instead of once per child.
MERGE_BEFORE: dict[str, str] = {"contact_phones": "contacts"}


@dataclass(frozen=True)
class SyncColumn:
    name: str
    kind: str  # uuid, datetime, date, bool, int, float, json, str, any
    nullable: bool
    default: Any  # stored representation to use when a file lacks the field; MISSING if none


MISSING = object()


@dataclass(frozen=True)
class SyncTable:
    name: str
    columns: tuple[SyncColumn, ...]
    foreign_keys: dict[str, str]  # column -> referenced table
    unique: tuple[tuple[str, ...], ...]  # unique column sets other than the primary key

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> SyncColumn | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


def _kind(type_: Any) -> str:
    for cls, kind in (
        (UtcDateTime, "datetime"),
        (Uuid, "uuid"),
        (Boolean, "bool"),
        (Date, "date"),
        (Integer, "int"),
        (Float, "float"),
        (JSON, "json"),
        (Text, "str"),
        (String, "str"),
    ):
        if isinstance(type_, cls):
            return kind
    return "any"


def _stored(value: Any, kind: str) -> Any:
    if kind == "json":
        return json.dumps(value)
    if kind == "bool":
        return int(bool(value))
    return value


def _default(column: Any, kind: str) -> Any:
    if column.nullable:
        return None
    default = column.default
    if default is None or column.primary_key:
        return MISSING
    arg = default.arg
    if callable(arg):
        if kind == "json":
            try:
                return _stored(arg(None), kind)
            except TypeError:
                return MISSING
        return MISSING
    return _stored(arg, kind)


def synced_tables() -> tuple[SyncTable, ...]:
    tables = []
    for table in Base.metadata.sorted_tables:
        if table.name in SYNC_LOCAL_TABLES:
            continue
        cols = table.columns
        if "id" not in cols or "updated_at" not in cols or [c.name for c in table.primary_key] != ["id"]:
            continue
        columns = tuple(
            SyncColumn(str(c.name), _kind(c.type), bool(c.nullable), _default(c, _kind(c.type))) for c in cols
        )
        # Plain str: SQLAlchemy's quoted_name is a str subclass sqlite3 would try to adapt per row.
        fks = {str(fk.parent.name): str(fk.column.table.name) for fk in table.foreign_keys}
        unique = []
        for constraint in table.constraints:
            names = tuple(c.name for c in getattr(constraint, "columns", ()))
            if type(constraint).__name__ == "UniqueConstraint" and names:
                unique.append(names)
        for index in table.indexes:
            if index.unique:
                unique.append(tuple(c.name for c in index.columns))
        tables.append(SyncTable(str(table.name), columns, fks, tuple(tuple(map(str, u)) for u in unique)))
    return tuple(tables)


def tables_by_name() -> dict[str, SyncTable]:
    return {t.name: t for t in synced_tables()}


def merge_order(names: list[str]) -> list[str]:
    ordered = [n for n in names if n not in MERGE_BEFORE]
    for child, parent in MERGE_BEFORE.items():
        if child in names:
            ordered.insert(ordered.index(parent) if parent in ordered else len(ordered), child)
    return ordered
