"""The status bar's "HubSpot outbox: N" label (issue 18): new work is queued offline after each
change and the count shown; hidden until the book has been pushed once."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWidget

from sdrdesk.ui.context import PaneContext

_WATCHED = ("activities", "meetings", "contacts", "book_reloaded")


class OutboxStatus(QLabel):
    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.ctx = ctx
        self.setObjectName("status.crm_outbox")
        self.setVisible(False)
        ctx.bus.sig_changes_applied.connect(self._on_bus_changes_applied)

    def refresh(self) -> None:
        """Queue new work into the HubSpot outbox (offline) and show how much waits."""
        workspace = self.ctx.workspace
        if workspace is None or workspace.read_only:
            self.setVisible(False)
            return

        def job() -> object:
            # No keychain access here (it may prompt): the book knows whether it was ever pushed.
            if not workspace.crm.push_configured():
                return None
            return workspace.crm.queue_outbox()

        def show(summary: object) -> None:
            pending = getattr(summary, "pending", 0)
            failed = getattr(summary, "failed", 0)
            self.setVisible(summary is not None)
            suffix = f" ({failed:,} failed)" if failed else ""
            self.setText(f"HubSpot outbox: {pending:,}{suffix}")

        self.ctx.runner.run(job, show, lambda _exc: self.setVisible(False), serial_db=True)

    @Slot(object, object)
    def _on_bus_changes_applied(self, changes: object, _initiator: object) -> None:
        if any(getattr(changes, name, False) for name in _WATCHED):
            self.refresh()
