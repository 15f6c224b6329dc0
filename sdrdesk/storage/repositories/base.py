"""A generic repository over one model, hiding tombstoned rows unless asked."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from sdrdesk.storage.base import Base

ModelT = TypeVar("ModelT", bound=Base)


class Repository(Generic[ModelT]):
    model_type: type[ModelT]

    def __init__(self, session: Session) -> None:
        self.session = session

    def active(self) -> Select[tuple[ModelT]]:
        """A SELECT of the live (not tombstoned) rows, to refine further."""
        model: Any = self.model_type
        return select(self.model_type).where(model.deleted_at.is_(None))

    def get(self, record_id: uuid.UUID, *, include_deleted: bool = False) -> ModelT | None:
        row = self.session.get(self.model_type, record_id)
        if row is None or (not include_deleted and row.deleted_at is not None):
            return None
        return row

    def list(self, *, limit: int | None = None) -> Sequence[ModelT]:
        stmt = self.active()
        if limit is not None:
            stmt = stmt.limit(limit)
        return self.session.scalars(stmt).all()

    def count(self) -> int:
        model: Any = self.model_type
        stmt = select(func.count()).select_from(self.model_type).where(model.deleted_at.is_(None))
        return int(self.session.scalar(stmt) or 0)

    def add(self, record: ModelT) -> ModelT:
        self.session.add(record)
        return record

    def soft_delete(self, record: ModelT, when: datetime | None = None) -> None:
        """Tombstone the row: it leaves every query but stays in the file for sync."""
        stamp = when or datetime.now(UTC)
        record.deleted_at = stamp
        record.updated_at = stamp
