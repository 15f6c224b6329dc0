"""Fast inserts of many new rows inside the import's transaction.

Rows go into a TEMP staging table with one `executemany`, then into the real table with one
`INSERT ... SELECT`. The search index triggers still fire for every row, but FTS5 flushes its
pending terms at every statement boundary (each statement is a savepoint), so one statement per
batch instead of one per row makes contact inserts about 3x faster. Values are converted the
way SQLAlchemy stores them (UUID as 32 hex digits, UTC datetimes as naive ISO text) once here,
since bind processing per value cost as much again as the insert itself.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, Uuid

from sdrdesk.storage.base import UtcDateTime

_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _convert(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None).strftime(_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return value


class StagedInsert:
    """Insert dict rows into `table` through a temporary staging table of the same columns."""

    def __init__(self, conn: Connection, table: Table) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        self.stage = f"sdrdesk_stage_{table.name}"
        names = ", ".join(self.columns)
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{self.stage}")
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {self.stage} AS SELECT {names} FROM main.{table.name} WHERE 0")
        self._fill = f"INSERT INTO temp.{self.stage} ({names}) VALUES ({', '.join('?' * len(self.columns))})"
        self._move = f"INSERT INTO main.{table.name} ({names}) SELECT {names} FROM temp.{self.stage}"
        self._clear = f"DELETE FROM temp.{self.stage}"
        self._getter = operator.itemgetter(*self.columns)
        # Columns whose Python values sqlite3 cannot store as they are (UUID, datetime, date).
        self._special = [i for i, c in enumerate(table.columns)
                         if isinstance(c.type, Uuid | UtcDateTime | Date | DateTime)]

    def write(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        cache: dict[int, Any] = {}  # rows share timestamp, label and run-id objects: convert once
        special = self._special
        data: list[tuple[Any, ...]] = []
        for row in rows:
            try:
                values = list(self._getter(row))
            except KeyError:
                values = [row.get(c) for c in self.columns]
            for index in special:
                value = values[index]
                if value is not None:
                    key = id(value)
                    converted = cache.get(key)
                    if converted is None:
                        converted = cache[key] = _convert(value)
                    values[index] = converted
            data.append(tuple(values))
        conn.exec_driver_sql(self._fill, data)
        conn.exec_driver_sql(self._move)
        conn.exec_driver_sql(self._clear)

    def drop(self, conn: Connection) -> None:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{self.stage}")
