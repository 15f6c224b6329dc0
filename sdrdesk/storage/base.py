"""Declarative base, column types and the mixin every synced record carries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Uuid, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from sdrdesk.domain.ids import new_id


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and hands them back aware, so comparisons never mix."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class RecordMixin:
    """UUID identity, audit times (UTC) and a tombstone, so rep-file sync can merge deletes."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=_utcnow, onupdate=_utcnow, nullable=False, index=True
    )
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


__all__ = ["Base", "RecordMixin", "UtcDateTime", "func"]
