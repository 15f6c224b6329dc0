"""Undo: one command shape for every user edit, each write run on the serial runner.

A service method that can be undone takes an edit and returns `OpResult(inverse_edit, changes)`:
the edit that puts things back (research fields, scripts, objections: create, update, delete and
restore are all edits). `EditCommand` is a thin adapter over that shape:
- it is pushed only after the first write *landed* (so a refused value never reaches the stack);
- `undo()` submits the inverse, `redo()` the edit again, each through the pane's writer (off
  the GUI thread); each landing hands back the next inverse, so create -> undo -> redo brings
  back the same record rather than a new one;
- an error in redo/undo is reported by the writer, never raised into Qt's C++ caller.
Typing into one field coalesces into one undo step (`mergeWith`) while edits keep coming within
a short interval; each save is still its own transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from sdrdesk.domain.changes import OpResult

Landed = Callable[[OpResult[Any]], None]
Submit = Callable[[Any, Landed], None]
"""`submit(edit, landed)`: run the edit's write on the serial runner; `landed(result)` on success."""

EDIT_ID = 0x5344  # QUndoCommand.id(): commands with the same id may merge
MERGE_WINDOW_S = 2.0


class EditCommand(QUndoCommand):
    def __init__(self, text: str, edit: Any, inverse: Any, submit: Submit, *, mergeable: bool = False,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(text)
        self.edit = edit
        self.inverse = inverse
        self._submit = submit
        self._pushed = False
        self._mergeable = mergeable
        self._stamp = monotonic()
        self.merge_key = (getattr(edit, "table", None), getattr(edit, "record_id", None),
                          getattr(edit, "field", None))

    def id(self) -> int:
        return EDIT_ID if self._mergeable else -1

    def redo(self) -> None:
        if not self._pushed:  # push() calls redo(): the edit has already landed
            self._pushed = True
            return
        self._submit(self.edit, self._keep_inverse)

    def undo(self) -> None:
        self._submit(self.inverse, self._keep_redo)

    def _keep_inverse(self, result: OpResult[Any]) -> None:
        self.inverse = result.value

    def _keep_redo(self, result: OpResult[Any]) -> None:
        self.edit = result.value

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Typing "Series B" then "Series B round" is one undo step: keep our inverse (the value
        # before the first keystroke) and take the newer target value.
        if not isinstance(other, EditCommand) or not (self._mergeable and other._mergeable):
            return False
        if other.merge_key != self.merge_key or other._stamp - self._stamp > MERGE_WINDOW_S:
            return False
        self.edit = other.edit
        self._stamp = other._stamp
        return True


def push_edit(stack: QUndoStack, text: str, edit: Any, submit: Submit, *, mergeable: bool = False,
              landed: Landed | None = None) -> None:
    """Submit `edit`; once it has landed (and changed something) put it on the undo stack.

    Errors are the writer's to report; nothing is pushed then. `landed(result)` runs after the
    push, for the pane's own follow-up (select the new record, say).
    """

    def on_landed(result: OpResult[Any]) -> None:
        if not result.changes.empty:  # the same value again: nothing saved, nothing to undo
            stack.push(EditCommand(text, edit, result.value, submit, mergeable=mergeable))
        if landed is not None:
            landed(result)

    submit(edit, on_landed)
