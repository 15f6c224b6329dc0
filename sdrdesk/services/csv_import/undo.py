"""Undo the last import: remove what it created, restore what it updated, in one transaction.

Created accounts and contacts are found by their `import_run_id` (so an import does not need an
item row per created record); updated records and phones added to existing contacts have an
`ImportRunItem` holding the values from before. The undone run stays as history ("undone").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Uuid, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.clock import Clock, SystemClock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.storage import models as m
from sdrdesk.storage.base import UtcDateTime
from sdrdesk.storage.unit_of_work import UowFactory

_TABLES = {"account": m.Account.__table__, "contact": m.Contact.__table__,
           "contact_phone": m.ContactPhone.__table__, "source_label": m.SourceLabel.__table__}


@dataclass(frozen=True)
class UndoResult:
    import_run_id: uuid.UUID
    file_name: str
    accounts_removed: int
    contacts_removed: int
    records_restored: int


@dataclass(frozen=True)
class LastImport:
    import_run_id: uuid.UUID
    file_name: str
    started_at: datetime
    imported: int
    updated: int


def last_import(uow_factory: UowFactory) -> LastImport | None:
    """The import "undo last import" would reverse, or None."""
    with uow_factory() as uow:
        run = uow.session.scalars(
            select(m.ImportRun).where(m.ImportRun.deleted_at.is_(None), m.ImportRun.status == "done")
            .order_by(m.ImportRun.started_at.desc(), m.ImportRun.created_at.desc()).limit(1)).first()
        if run is None:
            return None
        return LastImport(run.id, run.file_name, run.started_at, run.imported, run.updated)


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, UtcDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Uuid):
        return uuid.UUID(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def undo_last_import(uow_factory: UowFactory, *, clock: Clock | None = None,
                     import_run_id: uuid.UUID | None = None) -> tuple[UndoResult, Changes]:
    """Reverse the most recent completed import (or `import_run_id`, which must be that one)."""
    now = (clock or SystemClock()).now()
    latest = last_import(uow_factory)
    if latest is None:
        raise RecordNotFound("There is no import to undo.")
    if import_run_id is not None and import_run_id != latest.import_run_id:
        raise ValidationError("Only the most recent import can be undone.")
    run_id = latest.import_run_id
    accounts_t, contacts_t, phones_t = _TABLES["account"], _TABLES["contact"], _TABLES["contact_phone"]
    items_t, runs_t = m.ImportRunItem.__table__, m.ImportRun.__table__
    with uow_factory() as uow:
        conn = uow.session.connection()
        items = conn.execute(select(items_t.c.record_type, items_t.c.record_id, items_t.c.action,
                                    items_t.c.before).where(items_t.c.import_run_id == run_id)).all()
        restored = 0
        for record_type, record_id, action, before in items:
            table = _TABLES[record_type]
            if action == "updated" and before:
                values = {k: _from_json(table.c[k], val) for k, val in before.items()}
                conn.execute(update(table).where(table.c.id == record_id).values(**values))
                restored += 1
        try:
            for record_type, record_id, action, _before in items:
                if action == "created" and record_type == "contact_phone":
                    conn.execute(delete(phones_t).where(phones_t.c.id == record_id))
            created_contacts = select(contacts_t.c.id).where(contacts_t.c.import_run_id == run_id)
            conn.execute(delete(phones_t).where(phones_t.c.contact_id.in_(created_contacts)))
            contacts_removed = conn.execute(
                delete(contacts_t).where(contacts_t.c.import_run_id == run_id)).rowcount
            accounts_removed = conn.execute(
                delete(accounts_t).where(accounts_t.c.import_run_id == run_id)).rowcount
            conn.execute(update(runs_t).where(runs_t.c.id == run_id).values(
                status="undone", updated_at=now, finished_at=now, source_label_id=None))
            labels_t = _TABLES["source_label"]
            for record_type, record_id, action, _before in items:
                if action == "created" and record_type == "source_label":
                    in_use = or_(
                        exists().where(accounts_t.c.source_label_id == record_id),
                        exists().where(contacts_t.c.source_label_id == record_id),
                        exists().where(runs_t.c.source_label_id == record_id))
                    if not conn.execute(select(in_use)).scalar():
                        conn.execute(delete(labels_t).where(labels_t.c.id == record_id))
            conn.execute(delete(items_t).where(items_t.c.import_run_id == run_id))
        except IntegrityError as exc:
            raise ValidationError(
                f"The import of {latest.file_name} cannot be undone: records it created are now used "
                "elsewhere (tasks, activities or other contacts). Remove those first.") from exc
        uow.commit()
    result = UndoResult(run_id, latest.file_name, accounts_removed, contacts_removed, restored)
    return result, Changes(book_reloaded=True)
