"""Undo commands: thin adapters that call a service with an `Edit` and keep the inverse it returns.

`FieldEditCommand` works for any service shaped `apply(edit) -> (inverse_edit, Changes)`;
`push_edit` is the one call a pane makes.
Typing into one field coalesces into one undo step (`mergeWith`) while the edits keep coming
within a short interval; each save is still its own transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from sdrdesk.domain.changes import Changes

ApplyFn = Callable[[Any], tuple[Any, Changes]]
PublishFn = Callable[[Changes], None]
ErrorFn = Callable[[BaseException], None]

FIELD_EDIT_ID = 0x5344  # QUndoCommand.id(): commands with the same id may merge
MERGE_WINDOW_S = 2.0


class FieldEditCommand(QUndoCommand):
    """Pushed *after* the edit was applied (so a rejected value never reaches the stack):
    the first redo() is the push itself and does nothing; later redo()/undo() call the
    service with the edit or its inverse. A failure there (the record was deleted meanwhile)
    goes to `on_error`: an exception must not escape into Qt's C++ caller.
    """

    def __init__(self, text: str, edit: Any, inverse: Any, apply: ApplyFn, publish: PublishFn,
                 on_error: ErrorFn | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(text)
        self.edit = edit
        self._inverse = inverse
        self._apply = apply
        self._publish = publish
        self._on_error = on_error
        self._pushed = False
        self._stamp = monotonic()
        self.merge_key = (getattr(edit, "table", None), getattr(edit, "record_id", None),
                          getattr(edit, "field", None))

    def id(self) -> int:
        return FIELD_EDIT_ID

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self._run(self.edit, keep_inverse=True)

    def undo(self) -> None:
        self._run(self._inverse, keep_inverse=False)

    def _run(self, edit: Any, *, keep_inverse: bool) -> None:
        try:
            inverse, changes = self._apply(edit)
        except Exception as exc:  # reported, never raised into Qt
            if self._on_error is not None:
                self._on_error(exc)
            return
        if keep_inverse:
            self._inverse = inverse
        self._publish(changes)

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Typing "Series B" then "Series B round" is one undo step: keep our inverse (the value
        # before the first keystroke) and take the newer target value.
        if not isinstance(other, FieldEditCommand) or other.merge_key != self.merge_key:
            return False
        if other._stamp - self._stamp > MERGE_WINDOW_S:
            return False
        self.edit = other.edit
        self._stamp = other._stamp
        return True


def push_edit(stack: QUndoStack, text: str, edit: Any, apply: ApplyFn, publish: PublishFn,
              on_error: ErrorFn | None = None) -> bool:
    """Apply `edit` now (one transaction); on success publish it and put it on the undo stack.

    Returns False (and reports) when the service refused the edit; nothing is pushed then.
    """
    try:
        inverse, changes = apply(edit)
    except Exception as exc:  # a ValidationError is the usual case
        if on_error is None:
            raise
        on_error(exc)
        return False
    if changes.empty:
        return True  # the same value again: nothing to save, nothing to undo
    publish(changes)
    stack.push(FieldEditCommand(text, edit, inverse, apply, publish, on_error))
    return True
