"""A desk with the Call, Qualification and Handoff panes on a small real book (inline runner)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QWidget

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage.unit_of_work import uow_factory_for
from sdrdesk.ui import settings as S
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import InlineRunner
from tests.calls.helpers import SmallBook, make_small_book


@dataclass
class Desk:
    ctx: PaneContext
    window: QWidget
    panes: dict[str, Pane]
    prompter: ScriptedPrompter
    clock: FakeClock
    book: SmallBook
    workspace: Workspace

    def focus(self) -> None:
        self.ctx.bus.set_focus(Focus(self.book.account_id, self.book.contact_id))


def build_desk(qtbot, folder: Path, clock: FakeClock, pane_classes: list[type[Pane]],  # type: ignore[no-untyped-def]
               prompter: ScriptedPrompter | None = None) -> Desk:
    workspace = open_workspace(folder / "book.db", clock)
    book = make_small_book(uow_factory_for(workspace.book.session_factory))
    prompter = prompter or ScriptedPrompter()
    settings = Settings(folder / "s.ini")
    settings.set(S.REP_NAME, "Sam Rep")
    ctx = PaneContext(bus=AppBus(), settings=settings, clock=clock, runner=InlineRunner(),
                      prompter=prompter, undo_stack=QUndoStack())
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    panes = {}
    for cls in pane_classes:
        pane = cls(ctx, window)
        row.addWidget(pane)
        panes[cls.OBJECT_NAME] = pane
    window.resize(1500, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    ctx.workspace = workspace
    ctx.bus.sig_book_opened.emit(workspace)
    return Desk(ctx, window, panes, prompter, clock, book, workspace)
