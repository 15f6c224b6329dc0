"""The conflict list after a rep-file merge: both versions of each record, the kept one first,
and "Take the other" / "Keep" per conflict (non-modal; writes go through the serial writer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.ui.context import PaneContext

if TYPE_CHECKING:
    from sdrdesk.services.repfile.merge import ConflictInfo
    from sdrdesk.services.workspace import Workspace

_NAMES = {
    "accounts": "Account",
    "contacts": "Contact",
    "activities": "Activity",
    "tasks": "Task",
    "meetings": "Meeting",
    "qualifications": "Qualification",
    "scripts": "Script",
    "objections": "Objection",
    "contact_phones": "Phone",
}


def describe(conflict: ConflictInfo) -> str:
    """A human name for the record in conflict."""
    record = conflict.kept if "_deleted" not in conflict.kept else conflict.other
    name = (
        record.get("name")
        or " ".join(str(record.get(k) or "") for k in ("first_name", "last_name")).strip()
        or record.get("title")
        or record.get("subject")
        or record.get("prompt")
        or conflict.record_id[:8]
    )
    return f"{_NAMES.get(conflict.table, conflict.table)}: {name}"


def _shown(value: Any) -> str:
    if value is None:
        return "(empty)"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


class ConflictDialog(QDialog):
    sig_changed = Signal(object)  # Changes, after taking the other version

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.workspace: Workspace | None = None
        self.conflicts: list[ConflictInfo] = []
        self.setObjectName("dialog.conflicts")
        self.setWindowTitle("Rep-file conflicts")
        self.resize(820, 420)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("conflicts.tree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Record and field", "Kept (now in your book)", "Other version"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.header().resizeSection(0, 240)
        self.tree.header().resizeSection(1, 270)
        self.take_button = QPushButton("Take the other version", self)
        self.take_button.setObjectName("conflicts.take_other")
        self.keep_button = QPushButton("Keep", self)
        self.keep_button.setObjectName("conflicts.keep")
        self.take_button.clicked.connect(self.take_other)
        self.keep_button.clicked.connect(self.keep)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.take_button)
        row.addWidget(self.keep_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        self.tree.currentItemChanged.connect(lambda *_: self._sync_buttons())
        self._sync_buttons()

    def load(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.ctx.runner.run(
            lambda: workspace.repfile.conflicts(), self._show, self.ctx.bus.sig_error.emit, serial_db=False
        )

    def _show(self, conflicts: list[ConflictInfo]) -> None:
        self.conflicts = conflicts
        self.tree.clear()
        self.intro.setText(
            f"{len(conflicts)} record(s) were changed both in your book and in the imported file since "
            "you last synced. The newer version was kept; nothing was lost. Pick one to take the other "
            "version instead, or Keep to close it."
            if conflicts
            else "No open conflicts."
        )
        for index, conflict in enumerate(conflicts):
            top = QTreeWidgetItem(
                [
                    describe(conflict),
                    "your book's version" if conflict.kept_side == "mine" else "the file's version",
                    "the file's version" if conflict.kept_side == "mine" else "your book's version",
                ]
            )
            top.setData(0, Qt.ItemDataRole.UserRole, index)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            fields = (
                ["deleted"]
                if "_deleted" in conflict.other or "_deleted" in conflict.kept
                else conflict.differing_fields()
            )
            for name in fields:
                kept = "deleted" if "_deleted" in conflict.kept else _shown(conflict.kept.get(name))
                other = "deleted" if "_deleted" in conflict.other else _shown(conflict.other.get(name))
                child = QTreeWidgetItem([name.replace("_", " "), kept, other])
                child.setData(0, Qt.ItemDataRole.UserRole, index)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        if conflicts:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._sync_buttons()

    def current(self) -> ConflictInfo | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return self.conflicts[int(item.data(0, Qt.ItemDataRole.UserRole))]

    def _sync_buttons(self) -> None:
        enabled = self.current() is not None
        self.take_button.setEnabled(enabled)
        self.keep_button.setEnabled(enabled)

    def take_other(self) -> None:
        conflict, workspace = self.current(), self.workspace
        if conflict is None or workspace is None:
            return

        def done(result: Any) -> None:
            self.sig_changed.emit(result.changes)
            self.load(workspace)

        self.ctx.runner.run(
            lambda: workspace.repfile.take_other(conflict.id),
            done,
            self.ctx.bus.sig_error.emit,
            serial_db=True,
        )

    def keep(self) -> None:
        conflict, workspace = self.current(), self.workspace
        if conflict is None or workspace is None:
            return
        self.ctx.runner.run(
            lambda: workspace.repfile.keep(conflict.id),
            lambda _r: self.load(workspace),
            self.ctx.bus.sig_error.emit,
            serial_db=True,
        )
