"""What every pane receives in its constructor. Built only by `app.py` / the main window."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack

from sdrdesk.domain.clock import Clock
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.prompter import Prompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import Runner

if TYPE_CHECKING:  # the storage stack loads after the first paint, not before
    from sdrdesk.services.workspace import Workspace


@dataclass
class PaneContext:
    bus: AppBus
    settings: Settings
    clock: Clock
    runner: Runner
    prompter: Prompter
    undo_stack: QUndoStack
    workspace: Workspace | None = field(default=None)  # set when a book is open
