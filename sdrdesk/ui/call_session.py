"""The link between the script pane and the call controls during one call.

Both panes find the same `CallSession` on the bus (a child QObject with a fixed objectName),
so neither imports the other and there is no module-level global.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal


class CallSession(QObject):
    OBJECT_NAME = "call.session"

    sig_answer_pasted = Signal(object, str)
    """An intent: add this objection's (UUID) answer text to the call notes."""

    sig_call_logged = Signal(object)
    """A call was logged: carries `CallLogged` (disposition, sequence effect, callback time)."""

    sig_calling_changed = Signal(object)
    """The contact (UUID) whose call controls are showing, or None."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(self.OBJECT_NAME)
        self.contact_id: uuid.UUID | None = None

    @classmethod
    def of(cls, bus: QObject) -> CallSession:
        found = bus.findChild(CallSession, cls.OBJECT_NAME)
        return found if isinstance(found, CallSession) else cls(bus)

    def paste_answer(self, objection_id: uuid.UUID, answer: str) -> None:
        self.sig_answer_pasted.emit(objection_id, answer)
