"""Undoable create/update/delete of a library record (scripts, objections) from a pane.

The write runs on the serial runner through `Pane.write`; the command goes on the undo stack
once it landed (ui/undo.py). A refused value (validation) is told to the rep and nothing is
pushed; other errors go to the error dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sdrdesk.domain.changes import OpResult
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.services.record_change import RecordChange
from sdrdesk.ui.undo import Landed, push_edit

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace
    from sdrdesk.ui.panes.base import Pane

ApplyFn = Callable[["Workspace", RecordChange[Any]], OpResult[RecordChange[Any]]]
AfterFn = Callable[[uuid.UUID | None, bool], None]
"""`after(record_id, deleted)`: runs whenever a change (or its undo/redo) landed."""


def push_record_change(pane: Pane, text: str, change: RecordChange[Any], apply: ApplyFn,
                       after: AfterFn) -> None:
    def refused(exc: BaseException) -> None:
        if isinstance(exc, SdrdeskError):
            pane.ctx.prompter.inform(exc.title, exc.user_message)
        else:
            pane.report_error(exc)

    def submit(applied: RecordChange[Any], landed: Landed) -> None:
        def on_done(result: OpResult[RecordChange[Any]]) -> None:
            landed(result)
            after(result.value.record_id, applied.values is None)

        pane.write(lambda ws: apply(ws, applied), on_done, refused)

    push_edit(pane.ctx.undo_stack, text, change, submit)
