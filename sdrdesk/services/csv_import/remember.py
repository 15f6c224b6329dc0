"""Mappings the user made, remembered per header set so the same export maps itself next time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from sdrdesk.domain.ids import new_id
from sdrdesk.services.csv_import.mapping import ColumnMapping, _finish, is_valid_field
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory


def remember_mapping(uow_factory: UowFactory, mapping: ColumnMapping) -> None:
    now = datetime.now(UTC)
    with uow_factory() as uow:
        stmt = select(m.ImportMapping).where(m.ImportMapping.header_key == mapping.key)
        row = uow.session.scalars(stmt).first()
        data = {"headers": list(mapping.headers), "fields": list(mapping.fields)}
        if row is None:
            uow.import_mappings.add(m.ImportMapping(id=new_id(), header_key=mapping.key, mapping=data,
                                                    created_at=now, updated_at=now))
        else:
            row.mapping = data
            row.deleted_at = None
            row.updated_at = now
        uow.commit()


def remembered_mapping(uow_factory: UowFactory, headers: tuple[str, ...]) -> ColumnMapping | None:
    probe = ColumnMapping(tuple(headers), tuple("ignore" for _ in headers))
    with uow_factory() as uow:
        row = uow.session.scalars(select(m.ImportMapping).where(
            m.ImportMapping.header_key == probe.key, m.ImportMapping.deleted_at.is_(None))).first()
        if row is None:
            return None
        fields = list(row.mapping.get("fields", []))
    if len(fields) != len(headers) or not all(isinstance(f, str) and is_valid_field(f) for f in fields):
        return None
    return _finish(headers, fields, explicit=True)
