"""File > Rep file: export, merge-import, undo, conflicts, coaching; the coaching banner.

Every long job runs on a worker with a non-modal progress dialog whose Cancel trips the
job's `CancelToken`; refused files are reported and leave the book as it was. Passphrases
are asked for, and remembered only in the OS keychain (`services/secrets.py`) when the user
agrees and a keychain exists; otherwise the app says so and asks each time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QProgressDialog, QSizePolicy, QToolBar

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.domain.errors import KeychainUnavailable
from sdrdesk.services.repfile import container
from sdrdesk.services.repfile.service import inspect_rep_file, locked_by
from sdrdesk.services.secrets import SecretStore
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace
    from sdrdesk.ui.book_controller import BookController

log = logging.getLogger(__name__)
FILTER = "sdrdesk rep files (*.sdrdesk)"
EXPORT_SECRET = "rep-file-export"


def banner_text(workspace: Workspace) -> str:
    info = workspace.coaching_of
    if info is None:
        return ""
    return (
        f"Coaching {info.rep_name}'s book, exported {info.exported_at[:16]} UTC — read-only. "
        "Your notes and scorecards are saved in your own book."
    )


class _Progress(QObject):
    """Carries a worker's progress to the GUI thread (queued across threads)."""

    sig_progress = Signal(int, int)


class RepFileActions(QObject):
    def __init__(
        self, window: QMainWindow, ctx: PaneContext, books: BookController, secrets: SecretStore | None = None
    ) -> None:
        super().__init__(window)
        self.window, self.ctx, self.books = window, ctx, books
        self.secrets = secrets or SecretStore()
        self.progress_dialog: QProgressDialog | None = None
        self.conflict_dialog: Any = None
        self.last_report: Any = None
        self._coaching_layout = False
        self._previous_layout = ""
        self.menu = QMenu("&Rep file", window)
        self.menu.setObjectName("menu.repfile")
        add = self._add
        self.export_action = add("&Export rep file…", self.export_rep_file)
        self.import_action = add("&Import rep file (merge into my book)…", lambda: self.import_rep_file())
        self.undo_action = add("&Undo rep-file import…", self.undo_import)
        self.conflicts_action = add("&Conflicts…", self.show_conflicts)
        self.menu.addSeparator()
        self.coach_action = add("&Open rep file for coaching…", lambda: self.open_for_coaching())
        self.export_notes_action = add("E&xport coaching notes…", self.export_coaching_notes)
        self.close_coaching_action = add("&Back to my book", books.close_coaching)
        file_menu: QMenu = window.file_menu  # type: ignore[attr-defined]
        quit_action = next((a for a in file_menu.actions() if a.text() == "&Quit"), None)
        file_menu.insertMenu(quit_action, self.menu) if quit_action else file_menu.addMenu(self.menu)
        self.banner = QToolBar("Coaching", window)
        self.banner.setObjectName("coaching.banner")
        self.banner.setMovable(False)
        self.banner.setFloatable(False)
        self.banner_label = QLabel(self.banner)
        self.banner_label.setObjectName("coaching.banner.label")
        self.banner_label.setStyleSheet(
            "QLabel { background: #7a4b00; color: white; font-weight: bold; padding: 6px 10px; }"
        )
        self.banner_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.banner.addWidget(self.banner_label)
        back = self.banner.addAction("Back to my book")
        back.triggered.connect(books.close_coaching)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.hide()
        self._sync_actions(None)
        ctx.bus.sig_book_opened.connect(self._on_bus_book_opened)
        books.sig_merge_requested.connect(self.import_rep_file)
        books.sig_coach_requested.connect(self.open_for_coaching)

    def _add(self, text: str, slot: Callable[[], object]) -> QAction:
        action = self.menu.addAction(text)
        action.setObjectName("action.repfile." + "".join(ch for ch in text.lower() if ch.isalpha())[:24])
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # -- state -------------------------------------------------------------------------
    def _sync_actions(self, workspace: Workspace | None) -> None:
        own = workspace is not None and workspace.coaching_of is None and not workspace.read_only
        for action in (self.export_action, self.import_action, self.undo_action, self.conflicts_action):
            action.setEnabled(own)
        coaching = workspace is not None and workspace.coaching_of is not None
        self.export_notes_action.setEnabled(coaching)
        self.close_coaching_action.setEnabled(coaching)
        self.coach_action.setEnabled(workspace is not None)

    @Slot(object)
    def _on_bus_book_opened(self, workspace: Workspace) -> None:
        self._sync_actions(workspace)
        text = banner_text(workspace)
        self.banner_label.setText(text)
        self.banner.setVisible(bool(text))
        coaching = bool(text)
        if coaching and not self._coaching_layout:
            self._previous_layout = self.ctx.settings.get(S.CURRENT_LAYOUT)
            self.window.apply_layout("Coaching")  # type: ignore[attr-defined]
        elif not coaching and self._coaching_layout:
            self.window.apply_layout(self._previous_layout or "Calling")  # type: ignore[attr-defined]
        self._coaching_layout = coaching
        if coaching:
            label = self.window.findChild(QLabel, "status.book")
            if label is not None:
                label.setText(f"Coaching: {workspace.coaching_of.source.name} (read-only copy)")
            self.window.setWindowTitle(f"Coaching {workspace.coaching_of.rep_name} (read-only) — sdrdesk")

    # -- plumbing ----------------------------------------------------------------------
    def _run(
        self,
        title: str,
        job: Callable[[Callable[[int, int], None], CancelToken], Any],
        on_done: Callable[[Any], None],
        *,
        serial_db: bool = True,
    ) -> None:
        token = CancelToken()
        relay = _Progress(self)
        dialog = QProgressDialog(title, "Cancel", 0, 0, self.window)
        dialog.setObjectName("repfile.progress")
        dialog.setWindowTitle(title)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        finished = [False]
        # Not disconnected when done: `canceled.disconnect()` could block the GUI thread for good
        # (PySide 6.12, offscreen, a progress signal emitted from the worker moments before).
        dialog.canceled.connect(lambda: None if finished[0] else token.cancel())
        relay.sig_progress.connect(
            lambda done, total: (dialog.setMaximum(max(total, 1)), dialog.setValue(done))
        )
        self.progress_dialog = dialog

        def finish() -> None:
            finished[0] = True
            dialog.hide()  # close() could block in a nested event loop (offscreen, PySide 6.12)
            dialog.deleteLater()
            relay.deleteLater()

        def done(result: Any) -> None:
            finish()
            on_done(result)

        def failed(exc: BaseException) -> None:
            finish()
            if isinstance(exc, OperationCancelled):
                self.ctx.bus.sig_status_message.emit(f"{title}: cancelled; nothing was changed")
                return
            self.ctx.bus.sig_error.emit(exc)

        self.ctx.runner.run(lambda: job(relay.sig_progress.emit, token), done, failed, serial_db=serial_db)

    def passphrase_for(self, path: Path) -> tuple[bool, str | None]:
        """(go on?, passphrase) for reading `path`: the keychain's, else asked."""
        try:
            device = locked_by(path)
        except container.RepFileRejected as exc:  # refused before any question is asked
            self.ctx.bus.sig_error.emit(exc)
            return False, None
        if device is None:
            return True, None
        name = f"rep-file:{device}"  # one passphrase per sending install
        remembered = self.secrets.get(name)
        if remembered:
            try:
                inspect_rep_file(path, remembered)
                return True, remembered
            except container.WrongPassphrase:
                self.secrets.delete(name)
            except container.RepFileRejected:
                return True, remembered  # let the import report the real problem
        secret = self.ctx.prompter.ask_secret("Rep file passphrase", f"Passphrase for {path.name}:")
        if not secret:
            return False, None
        self._offer_to_remember(name, secret)
        return True, secret

    def _offer_to_remember(self, name: str, secret: str) -> None:
        if not self.secrets.available():
            self.ctx.bus.sig_status_message.emit(
                "No keychain on this computer: the passphrase is not remembered, you will be asked each time"
            )
            return
        if self.ctx.prompter.confirm(
            "Remember passphrase", "Remember this passphrase in the system keychain?"
        ):
            try:
                self.secrets.set(name, secret)
            except KeychainUnavailable as exc:
                self.ctx.prompter.inform(exc.title, exc.user_message)

    # -- actions -----------------------------------------------------------------------
    def export_rep_file(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.coaching_of is not None:
            return
        target = self.ctx.prompter.save_file(
            "Export rep file", str(workspace.path.parent / "my-book.sdrdesk"), FILTER
        )
        if target is None:
            return
        if target.suffix.lower() != ".sdrdesk":
            target = target.with_name(target.name + ".sdrdesk")
        passphrase = self.secrets.get(EXPORT_SECRET)
        if passphrase is None:
            passphrase = (
                self.ctx.prompter.ask_secret(
                    "Protect the rep file", "Passphrase to encrypt the file (leave empty for none):"
                )
                or None
            )
            if passphrase:
                self._offer_to_remember(EXPORT_SECRET, passphrase)
        rep_name = self.ctx.settings.get(S.REP_NAME) or None

        def job(progress: Callable[[int, int], None], cancel: CancelToken) -> Any:
            return workspace.repfile.export(
                target, passphrase=passphrase, rep_name=rep_name, progress=progress, cancel=cancel
            )

        def done(result: Any) -> None:
            total = sum(result.counts.values())
            self.ctx.prompter.inform(
                "Export rep file",
                f"Wrote {total:,} records to {result.path}" + (" (encrypted)." if result.encrypted else "."),
            )

        self._run("Exporting rep file", job, done, serial_db=False)

    def import_rep_file(self, path: Path | None = None) -> None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.coaching_of is not None or workspace.read_only:
            self.ctx.bus.sig_status_message.emit("Open your own book to merge a rep file into it")
            return
        path = path or self.ctx.prompter.open_file("Import rep file", str(workspace.path.parent), FILTER)
        if path is None:
            return
        go, passphrase = self.passphrase_for(path)
        if not go:
            return

        def job(progress: Callable[[int, int], None], cancel: CancelToken) -> Any:
            return workspace.repfile.import_file(
                path, passphrase=passphrase, progress=progress, cancel=cancel
            )

        def done(result: Any) -> None:
            report = result.value
            self.last_report = report
            self.ctx.bus.sig_changes_applied.emit(result.changes, self)
            self.ctx.prompter.inform(
                "Import rep file",
                f"Merged {path.name}: {report.added:,} added, {report.updated:,} updated, "
                f"{report.deleted:,} deleted, {len(report.conflicts):,} conflicts."
                + (" The conflicts are listed next; the newer version was kept." if report.conflicts else "")
                + " File > Rep file > Undo rep-file import puts the book back as it was.",
            )
            if report.conflicts:
                self.show_conflicts()

        self._run("Importing rep file", job, done)

    def undo_import(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.coaching_of is not None:
            return
        last = workspace.repfile.last_import()
        if last is None:
            self.ctx.prompter.inform("Undo rep-file import", "No rep-file import can be undone in this book.")
            return
        if not self.ctx.prompter.confirm(
            "Undo rep-file import",
            f"Put the book back as it was before importing {last[1]}? Changes made since are lost too.",
        ):
            return

        def done(_result: Any) -> None:
            self.books.open(workspace.path)  # reopen: the whole file changed
            self.ctx.bus.sig_status_message.emit(f"Undid the import of {last[1]}")

        self.ctx.runner.run(
            lambda: workspace.repfile.undo_last_import(), done, self.ctx.bus.sig_error.emit, serial_db=True
        )

    def show_conflicts(self) -> Any:
        workspace = self.ctx.workspace
        if workspace is None or workspace.coaching_of is not None:
            return None
        from sdrdesk.ui.dialogs.conflicts import ConflictDialog

        if self.conflict_dialog is None:
            self.conflict_dialog = ConflictDialog(self.ctx, self.window)
            self.conflict_dialog.sig_changed.connect(
                lambda changes: self.ctx.bus.sig_changes_applied.emit(changes, self)
            )
        self.conflict_dialog.load(workspace)
        self.conflict_dialog.show()
        self.conflict_dialog.raise_()
        return self.conflict_dialog

    def open_for_coaching(self, path: Path | None = None) -> None:
        workspace = self.ctx.workspace
        folder = str(workspace.path.parent) if workspace is not None else ""
        path = path or self.ctx.prompter.open_file("Open rep file for coaching", folder, FILTER)
        if path is None:
            return
        go, passphrase = self.passphrase_for(path)
        if go:
            self.books.open_coaching(path, passphrase)

    def export_coaching_notes(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.coaching_of is None:
            return
        info = workspace.coaching_of
        folder = self.books.own_book.parent if self.books.own_book else info.source.parent
        safe = "".join(ch if ch.isalnum() else "-" for ch in info.rep_name).strip("-") or "rep"
        target = self.ctx.prompter.save_file(
            "Export coaching notes", str(folder / f"coaching-{safe}.sdrdesk"), FILTER
        )
        if target is None:
            return

        def job(_progress: Callable[[int, int], None], _cancel: CancelToken) -> Any:
            return workspace.coaching.export_notes(target)

        def done(result: Any) -> None:
            notes, cards = result.counts.get("coaching_notes", 0), result.counts.get("scorecards", 0)
            self.ctx.prompter.inform(
                "Export coaching notes",
                f"Wrote {notes} notes and {cards} "
                f"scorecards for {info.rep_name} to {result.path}. Send it to them: they import it with "
                "File > Rep file > Import rep file.",
            )

        self._run("Exporting coaching notes", job, done, serial_db=False)
