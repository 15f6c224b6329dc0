"""Bulk maintenance of the search index for many new rows inside one write transaction.

The schema keeps `account_fts` / `contact_fts` in sync with AFTER INSERT triggers whose body is
one `INSERT INTO <fts>(...) VALUES (<expressions of new.*>)`. Per row that costs ~50 us, mostly
because FTS5 flushes its pending terms at every statement. `DeferredInsertTriggers` drops such
triggers for the rest of the transaction and replays each for a whole batch with one
`INSERT ... SELECT <the same expressions> FROM <table> AS new`, then re-creates them from the
exact SQL read from `sqlite_master`. The replay is the trigger's own text, so it indexes exactly
what the trigger would (nothing here copies the migration's column expressions).

Only triggers of that shape are deferred; any other trigger (e.g. the phone refresh, an UPDATE)
keeps firing. DDL is transactional in SQLite: a rollback brings the triggers back, and readers
(WAL) only ever see committed schemas, so the gap is invisible outside the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

_INSERT_TRIGGER = re.compile(
    r"^\s*CREATE\s+TRIGGER\s+(?P<name>\w+)\s+AFTER\s+INSERT\s+ON\s+(?P<table>\w+)"
    r"(?:\s+FOR\s+EACH\s+ROW)?(?:\s+WHEN\s+(?P<when>.*?))?\s+BEGIN\s+"
    r"INSERT\s+INTO\s+(?P<target>\w+)\s*\((?P<columns>[^()]*)\)\s*VALUES\s*\((?P<values>.*)\)\s*;"
    r"\s*END\s*$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class DeferredTrigger:
    name: str
    table: str
    sql: str  # verbatim from sqlite_master, to re-create it
    when: str | None
    target: str
    columns: str
    values: str

    def replay_sql(self, keys: str) -> str:
        """`INSERT ... SELECT` doing what the trigger does for the rows whose `id` is in `keys` (a
        subquery). The trigger's expressions refer to `new.<column>`: aliasing the table `new` keeps
        them verbatim. Rows are taken in rowid order, the order the trigger would have fired."""
        condition = f" AND ({self.when})" if self.when else ""
        return (f"INSERT INTO main.{self.target} ({self.columns}) SELECT {self.values} "
                f"FROM main.{self.table} AS new WHERE new.id IN ({keys}){condition} ORDER BY new.rowid")


def parse_insert_trigger(sql: str) -> DeferredTrigger | None:
    """The parts of a one-statement `AFTER INSERT ... INSERT INTO x(...) VALUES (...)` trigger, or None
    for any other trigger (which then must keep firing)."""
    match = _INSERT_TRIGGER.match(sql or "")
    if match is None or ";" in match["values"] or re.search(r"\bold\.", match["values"], re.IGNORECASE):
        return None
    return DeferredTrigger(name=match["name"], table=match["table"], sql=sql, when=match["when"],
                           target=match["target"], columns=match["columns"], values=match["values"])


class DeferredInsertTriggers:
    """Insert triggers on `tables` suspended until `restore` (call it before committing)."""

    def __init__(self, conn: Connection, tables: Iterable[str]) -> None:
        wanted = set(tables)
        rows = conn.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM main.sqlite_master WHERE type = 'trigger' ORDER BY rowid").all()
        self.triggers: list[DeferredTrigger] = []
        for _name, table, sql in rows:
            trigger = parse_insert_trigger(sql) if table in wanted else None
            if trigger is not None and trigger.table == table:
                self.triggers.append(trigger)
        for trigger in self.triggers:
            conn.exec_driver_sql(f"DROP TRIGGER main.{trigger.name}")
        self.restored = False

    def replays(self, table: str, keys: str) -> list[str]:
        """Statements to run right after inserting the rows whose ids `keys` selects into `table`."""
        return [t.replay_sql(keys) for t in self.triggers if t.table == table]

    def restore(self, conn: Connection) -> None:
        if self.restored:
            return
        for trigger in self.triggers:
            conn.exec_driver_sql(trigger.sql)
        self.restored = True
