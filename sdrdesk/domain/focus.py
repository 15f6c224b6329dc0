"""What the rep is working on: one fact, sent as one signal (`AppBus.sig_focus_changed`).

Account, contact and task travel together so no pane ever sees a contact of one company
beside the research of another (two signals sent in opposite orders allowed that).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Focus:
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None  # None: no person selected (panes say so)
    task_id: uuid.UUID | None = None  # the task the rep selected, if any: the one a call completes

    @property
    def empty(self) -> bool:
        return self.account_id is None and self.contact_id is None


NO_FOCUS = Focus()
