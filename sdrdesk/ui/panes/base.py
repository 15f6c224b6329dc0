"""The base every pane derives from: book/changes wiring and deferred refresh when hidden."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from sdrdesk.domain.changes import Changes
from sdrdesk.ui.context import PaneContext

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

T = TypeVar("T")


log = logging.getLogger(__name__)

class Pane(QWidget):
    """Subclasses set `OBJECT_NAME` and `TITLE`, and override `refresh()` and `wants()`.

    - `refresh()` reloads what the pane shows from `self.ctx.workspace`.
    - `wants(changes)` says whether a change set touches this pane.
    A hidden pane does not refresh: it marks itself stale and refreshes when shown.
    """

    OBJECT_NAME = "pane.base"
    TITLE = "Pane"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.ctx = ctx
        self.setObjectName(f"{self.OBJECT_NAME}.widget")
        self._stale = False
        ctx.bus.sig_book_opened.connect(self._on_bus_book_opened)
        ctx.bus.sig_changes_applied.connect(self._on_bus_changes_applied)

    @property
    def workspace(self) -> Workspace | None:
        return self.ctx.workspace

    def refresh(self) -> None:
        """Reload from the workspace. Override."""

    def wants(self, changes: Changes) -> bool:
        """Whether `changes` affect what this pane shows. Override."""
        return changes.book_reloaded

    def read(self, query: Callable[[Workspace], T], on_done: Callable[[T], None],
             on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run `query(workspace)` off the GUI thread; `on_done(result)` runs on it.

        A result that arrives after another book was opened is dropped.
        """
        workspace = self.ctx.workspace
        if workspace is None:
            return

        def deliver(result: T) -> None:
            if self.ctx.workspace is workspace and shiboken6.isValid(self):
                on_done(result)

        try:
            self.ctx.runner.run(lambda: query(workspace), deliver, on_error or self.report_error,
                                serial_db=False)
        except RuntimeError:  # a result landed after the runner shut down: the app is closing
            log.debug("read dropped: the runner is shut down")

    def write(self, op: Callable[[Workspace], Any], on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None, *,
              initiator: object | None = None) -> None:
        """Run `op(workspace)` on the serial writer, off the GUI thread.

        When it lands, the result's `changes` are published (as from `initiator`, default this
        pane, which then skips its own refresh), then `on_done(result)` runs. Errors go to
        `on_error`, else to the error dialog; nothing is raised into Qt.
        """
        workspace = self.ctx.workspace
        if workspace is None:
            return

        def landed(result: Any) -> None:
            changes = getattr(result, "changes", None)
            if isinstance(changes, Changes) and not changes.empty:
                self.ctx.bus.sig_changes_applied.emit(changes, self if initiator is None else initiator)
            if on_done is not None:
                on_done(result)

        self.ctx.runner.run(lambda: op(workspace), landed, on_error or self.report_error, serial_db=True)

    def report_error(self, exc: BaseException) -> None:
        self.ctx.bus.sig_error.emit(exc)

    def publish(self, changes: Changes) -> None:
        """Tell the other panes what this pane's action changed."""
        if not changes.empty:
            self.ctx.bus.sig_changes_applied.emit(changes, self)

    @Slot(object)
    def _on_bus_book_opened(self, _workspace: Workspace) -> None:
        self._refresh_or_mark_stale()

    @Slot(object, object)
    def _on_bus_changes_applied(self, changes: Changes, initiator: object) -> None:
        if initiator is self or not (changes.book_reloaded or self.wants(changes)):
            return
        self._refresh_or_mark_stale()

    def _refresh_or_mark_stale(self) -> None:
        if self.isVisible() or self.ctx.workspace is None:
            self._stale = False
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
