"""The undoable edit shape shared by user-edited library records (scripts, objections).

A `RecordChange` is create (no id), update (id and values) or delete (id, no values). Applying
one returns the change that reverses it, so one undo command serves all three (ui/undo.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sdrdesk.domain.changes import Changes, OpResult

E = TypeVar("E")


@dataclass(frozen=True)
class RecordChange(Generic[E]):
    record_id: uuid.UUID | None  # None: create
    values: E | None  # None: delete (tombstone); restoring is an update of a tombstoned id


def apply_change(change: RecordChange[E],
                 save: Callable[[uuid.UUID | None, E], tuple[uuid.UUID, E | None, Changes]],
                 delete: Callable[[uuid.UUID], tuple[E | None, Changes]]) -> OpResult[RecordChange[E]]:
    if change.values is None:
        if change.record_id is None:
            raise ValueError("a delete needs a record id")
        previous, changes = delete(change.record_id)
        return OpResult(RecordChange(change.record_id, previous), changes)
    saved_id, previous, changes = save(change.record_id, change.values)
    return OpResult(RecordChange(saved_id, previous), changes)
