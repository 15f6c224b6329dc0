"""The objection library: search as you type, and how each answer has worked on real calls.

A library is a few hundred rows at most, so a LIKE per word is fast enough and finds words
inside words ("comp" finds "competitor"); three letters are plenty.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.services.record_change import RecordChange, apply_change
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

CATEGORIES: dict[str, str] = {
    "price": "Price",
    "timing": "Timing",
    "competitor": "Competitor",
    "authority": "Authority",
    "no_need": "No need",
    "trust": "Trust",
    "send_email": "Send me an e-mail",
    "not_interested": "Not interested",
    "already_use": "We already use X",
}


def category_label(key: str) -> str:
    return CATEGORIES.get(key, key.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ObjectionRow:
    id: uuid.UUID
    category: str
    prompt: str
    answer: str
    hotkey: str | None
    is_builtin: bool
    uses: int  # calls on which the rep used this answer
    meetings: int  # of those calls, how many booked a meeting

    @property
    def category_label(self) -> str:
        return category_label(self.category)


@dataclass(frozen=True)
class ObjectionEdit:
    category: str
    prompt: str
    answer: str
    hotkey: str | None = None


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _category_keys_matching(word: str) -> list[str]:
    low = word.lower()
    return [key for key, label in CATEGORIES.items() if low in label.lower() or low in key]


def search_objections(uow: SqlUnitOfWork, text: str = "", category: str | None = None,
                      limit: int = 200) -> list[ObjectionRow]:
    """Objections whose prompt, answer or category contain every typed word.

    Prompt matches rank first, then the most used answers.
    """
    usage = (select(m.ActivityObjection.objection_id.label("oid"),
                    func.count().label("uses"),
                    func.sum(case((m.Activity.disposition == "meeting_booked", 1), else_=0))
                    .label("meetings"))
             .join(m.Activity, m.Activity.id == m.ActivityObjection.activity_id)
             .where(m.ActivityObjection.deleted_at.is_(None), m.Activity.deleted_at.is_(None))
             .group_by(m.ActivityObjection.objection_id)
             .subquery())
    uses = func.coalesce(usage.c.uses, 0)
    meetings = func.coalesce(usage.c.meetings, 0)
    stmt = (select(m.Objection, uses, meetings)
            .outerjoin(usage, usage.c.oid == m.Objection.id)
            .where(m.Objection.deleted_at.is_(None)))
    if category:
        stmt = stmt.where(m.Objection.category == category)
    words = text.split()
    prompt_hits = []
    for word in words:
        pattern = f"%{_escape_like(word)}%"
        conditions = [m.Objection.prompt.ilike(pattern, escape="\\"),
                      m.Objection.answer.ilike(pattern, escape="\\")]
        keys = _category_keys_matching(word)
        if keys:
            conditions.append(m.Objection.category.in_(keys))
        stmt = stmt.where(or_(*conditions))
        prompt_hits.append(m.Objection.prompt.ilike(pattern, escape="\\"))
    rank = case((and_(*prompt_hits), 0), else_=1) if prompt_hits else None
    order = [rank] if rank is not None else []
    # Then the most used; then the ones with a hotkey (the common ones), in key order.
    stmt = stmt.order_by(*order, uses.desc(), m.Objection.hotkey.is_(None), m.Objection.hotkey,
                         m.Objection.category, m.Objection.prompt).limit(limit)
    return [
        ObjectionRow(o.id, o.category, o.prompt, o.answer, o.hotkey, bool(o.is_builtin),
                     int(u or 0), int(mt or 0))
        for o, u, mt in uow.session.execute(stmt)
    ]


def categories_in_use(uow: SqlUnitOfWork) -> list[str]:
    stmt = (select(m.Objection.category).where(m.Objection.deleted_at.is_(None))
            .distinct().order_by(m.Objection.category))
    found = list(uow.session.scalars(stmt))
    ordered = [key for key in CATEGORIES if key in found]
    return ordered + [key for key in found if key not in CATEGORIES]


class ObjectionService:
    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def search(self, text: str = "", category: str | None = None) -> list[ObjectionRow]:
        with self._uow() as uow:
            return search_objections(uow, text, category)

    def save(self, objection_id: uuid.UUID | None, edit: ObjectionEdit,
             ) -> tuple[uuid.UUID, ObjectionEdit | None, Changes]:
        """Create (id None) or update; returns the id and the previous values, for undo."""
        if not edit.prompt.strip() or not edit.answer.strip():
            raise ValidationError("An objection needs what the prospect says and an answer.")
        with self._uow() as uow:
            if objection_id is None:
                row = uow.objections.add(m.Objection(category=edit.category, prompt=edit.prompt,
                                                     answer=edit.answer, hotkey=edit.hotkey,
                                                     is_builtin=False))
                previous = None
            else:
                row = uow.objections.get(objection_id, include_deleted=True)
                if row is None:
                    raise RecordNotFound("That objection no longer exists.")
                previous = ObjectionEdit(row.category, row.prompt, row.answer, row.hotkey)
                row.category, row.prompt, row.answer, row.hotkey = (
                    edit.category, edit.prompt, edit.answer, edit.hotkey)
                row.deleted_at = None
            uow.commit()
            return row.id, previous, Changes(objections=True)

    def delete(self, objection_id: uuid.UUID) -> Changes:
        return self._delete(objection_id)[1]

    def _delete(self, objection_id: uuid.UUID) -> tuple[ObjectionEdit | None, Changes]:
        """Tombstone; returns the values it had (None if it was already gone), for undo."""
        previous = None
        with self._uow() as uow:
            row = uow.objections.get(objection_id)
            if row is not None:
                previous = ObjectionEdit(row.category, row.prompt, row.answer, row.hotkey)
                uow.objections.soft_delete(row, self._clock.now())
                uow.commit()
        return previous, Changes(objections=True)

    def apply(self, change: RecordChange[ObjectionEdit]) -> OpResult[RecordChange[ObjectionEdit]]:
        """Create, update, delete or restore; the result's value is the change that reverses it."""
        return apply_change(change, self.save, self._delete)
