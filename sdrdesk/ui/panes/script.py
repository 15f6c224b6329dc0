"""The Script and objections pane: the focused contact's script, filled in, above the objection
library. It only composes its two halves (`ui/widgets/script_panel.py`,
`ui/widgets/objection_panel.py`) and tells them who is focused and what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.focus import Focus
from sdrdesk.services.default_library import LibraryLoad
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.widgets.objection_panel import ObjectionPanel
from sdrdesk.ui.widgets.script_panel import ScriptPanel

if TYPE_CHECKING:
    from sdrdesk.domain.changes import OpResult
    from sdrdesk.services.workspace import Workspace


class ScriptPane(Pane):
    OBJECT_NAME = "pane.script"
    TITLE = "Script and objections"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._library_checked: Workspace | None = None
        self.script_panel = ScriptPanel(self)
        self.objection_panel = ObjectionPanel(self)
        # Window state (this splitter's sizes) is saved generically by objectName.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("split.script")
        self.splitter.addWidget(self.script_panel)
        self.splitter.addWidget(self.objection_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        ctx.bus.sig_calling_changed.connect(self._on_bus_calling_changed)

    def wants(self, changes: Changes) -> bool:
        contact, step = self.script_panel.contact_id, self.script_panel.step
        return ((step is not None and step.id in changes.tasks)
                or changes.scripts or changes.objections or changes.activities
                or (contact is not None and contact in changes.contacts) or bool(changes.accounts))

    def refresh(self) -> None:
        workspace = self.workspace
        if workspace is not None and self._library_checked is not workspace and not workspace.read_only:
            self._library_checked = workspace
            self.write(lambda ws: ws.scripts.ensure_defaults(), self._after_library)
        self.script_panel.reload()
        self.objection_panel.reload()

    def _after_library(self, result: OpResult[LibraryLoad]) -> None:
        if result.value.loaded:
            self.refresh()

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        self.script_panel.show_contact(focus.contact_id, focus.task_id)

    @Slot(object)
    def _on_bus_calling_changed(self, contact_id: object) -> None:
        self.objection_panel.calling_contact = contact_id  # type: ignore[assignment]

    def focus_search(self) -> None:
        self.objection_panel.focus_search()
