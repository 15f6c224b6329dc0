"""What a mutating service changed, so each pane decides whether it must redraw.

The sdrdesk version of Anki's `OpChanges`: small, immutable, mergeable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    accounts: frozenset[uuid.UUID] = field(default_factory=frozenset)
    contacts: frozenset[uuid.UUID] = field(default_factory=frozenset)
    tasks: frozenset[uuid.UUID] = field(default_factory=frozenset)
    activities: bool = False
    scripts: bool = False
    objections: bool = False
    qualification: bool = False
    meetings: bool = False
    sequences: bool = False
    metrics: bool = False
    book_reloaded: bool = False  # the whole book changed (import, merge, undo import)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            accounts=self.accounts | other.accounts,
            contacts=self.contacts | other.contacts,
            tasks=self.tasks | other.tasks,
            activities=self.activities or other.activities,
            scripts=self.scripts or other.scripts,
            objections=self.objections or other.objections,
            qualification=self.qualification or other.qualification,
            meetings=self.meetings or other.meetings,
            sequences=self.sequences or other.sequences,
            metrics=self.metrics or other.metrics,
            book_reloaded=self.book_reloaded or other.book_reloaded,
        )

    @property
    def empty(self) -> bool:
        return self == Changes()


NO_CHANGES = Changes()


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """What every mutating facade method returns: its value and what it changed.

    Panes publish `changes` on the bus (`Pane.write` does it for them); `value` is the DTO the
    pane needs next (the new record's id, the inverse edit for undo, a report).
    """

    value: T
    changes: Changes = NO_CHANGES
