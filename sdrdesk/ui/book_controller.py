"""Opening, creating and switching books, off the GUI thread, with refusals shown to the user.

A refused file (foreign, newer, damaged) leaves the current book open and the file untouched.
A book that opens is checked (`PRAGMA quick_check`) on the serial writer before any write can
run; a damaged one is never written to, and the newest sound backup is offered in its place,
the damaged file kept aside.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sdrdesk.services.book_generator import DEMO_SIZE, write_book
from sdrdesk.services.paths import DataPaths
from sdrdesk.services.workspace import (
    GoodBackup,
    Restored,
    Workspace,
    open_coaching_workspace,
    open_workspace,
    restore_workspace,
)
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext

log = logging.getLogger(__name__)

REP_FILE_SUFFIX = ".sdrdesk"
MERGE_CHOICE = "Merge into my book"
COACH_CHOICE = "Open for coaching"


class BookController(QObject):
    sig_open_failed = Signal(object)
    """Opening a book failed; carries the exception (already reported to the user)."""
    sig_merge_requested = Signal(object)
    """A rep file should be merged into the open book (carries its Path)."""
    sig_coach_requested = Signal(object)
    """A rep file should be opened for coaching (carries its Path)."""

    def __init__(self, ctx: PaneContext, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.paths = paths
        self.offer_restore_on_damage = True  # --screenshot asks nothing: it reports and exits 1
        self._announced_damage: Workspace | None = None
        ctx.bus.sig_error.connect(self._on_bus_error)  # "malformed" met by any later read or write
        self.own_book: Path | None = None  # the last book of the user's own (not a rep's file)

    def startup_book(self, demo: bool) -> tuple[Path, bool]:
        """Which book to open at start: the demo when asked or when no data exists yet."""
        if demo:
            return self.paths.demo_book, True
        if self.paths.book.exists():
            return self.paths.book, False
        last = self.ctx.settings.get(S.LAST_BOOK)
        if last and Path(last).exists() and Path(last) != self.paths.demo_book:
            return Path(last), False
        return self.paths.demo_book, True

    def open_file(self, path: Path) -> None:
        """What the OS asks us to open (file association, macOS open event, `--open`)."""
        if path.suffix.lower() == REP_FILE_SUFFIX:
            choice = self.ctx.prompter.choose(
                "Open rep file",
                f"{path.name} is an sdrdesk rep file. Merge its records into your book, or open it "
                "read-only to coach the rep who sent it?",
                [MERGE_CHOICE, COACH_CHOICE])
            if choice == MERGE_CHOICE:
                self.sig_merge_requested.emit(path)
            elif choice == COACH_CHOICE:
                self.sig_coach_requested.emit(path)
            return
        self.open(path)

    def open_coaching(self, rep_file: Path, passphrase: str | None = None) -> None:
        """Open a rep's file read-only for coaching; notes go to the user's own book."""
        self.ctx.bus.sig_status_message.emit(f"Opening {rep_file.name} for coaching…")
        current = self.ctx.workspace
        manager_book = self.own_book or (current.path if current is not None and current.coaching_of is None
                                         else self.startup_book(False)[0])
        clock = self.ctx.clock

        def work() -> Workspace:
            return open_coaching_workspace(rep_file, clock, manager_book=manager_book, passphrase=passphrase)

        self.own_book = manager_book
        self.ctx.runner.run(work, self._on_opened, self._on_failed, serial_db=True)

    def close_coaching(self) -> None:
        """Back to the user's own book."""
        self.open(self.own_book or self.startup_book(False)[0])

    def open(self, path: Path, *, is_demo: bool = False, read_only: bool = False) -> None:
        self.ctx.bus.sig_status_message.emit(
            "Preparing the demo book…" if is_demo and not path.exists() else f"Opening {path.name}…")
        clock = self.ctx.clock
        backups = self.paths.backups

        def work() -> Workspace:
            if is_demo and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                write_book(path, DEMO_SIZE, seed=7, now=clock.now())
            return open_workspace(path, clock, read_only=read_only, is_demo=is_demo,
                                  backup_dir=backups)

        self.ctx.runner.run(work, self._on_opened, self._on_failed, serial_db=True)

    def _on_opened(self, workspace: Workspace) -> None:
        if not workspace.read_only:
            # First in the writer's queue: no write runs before the book was found sound.
            self.ctx.runner.run(workspace.check_book, lambda problem: self._on_checked(workspace, problem),
                                self._on_check_failed, serial_db=True)
        previous = self.ctx.workspace
        if previous is not None and previous is not workspace:
            self.ctx.bus.sig_book_closing.emit(previous)  # pending drafts go to the old book
        self.ctx.workspace = workspace
        if workspace.coaching_of is None:
            self.own_book = workspace.path
        if not workspace.is_demo and workspace.coaching_of is None:
            self.ctx.settings.set(S.LAST_BOOK, str(workspace.path))
        self.ctx.undo_stack.clear()
        self.ctx.bus.sig_book_opened.emit(workspace)
        self.ctx.bus.sig_status_message.emit(
            f"Coaching {workspace.coaching_of.rep_name} (read-only)" if workspace.coaching_of
            else f"Opened {workspace.path.name}" + (" (read-only)" if workspace.read_only else ""))
        if previous is not None and previous is not workspace:
            previous.close()

    # -- a damaged book ---------------------------------------------------------------
    def _on_checked(self, workspace: Workspace, problem: str | None) -> None:
        if problem is None or workspace is not self.ctx.workspace:
            return
        log.error("book failed its integrity check; writes refused")
        self._announce_damage(workspace)

    def _on_check_failed(self, exc: BaseException) -> None:
        workspace = self.ctx.workspace
        if workspace is not None and workspace.damaged:  # found damaged while checking
            self._announce_damage(workspace)
            return
        self.ctx.bus.sig_error.emit(exc)

    def _on_bus_error(self, _exc: BaseException) -> None:
        workspace = self.ctx.workspace
        if workspace is not None and workspace.damaged:
            self._announce_damage(workspace)

    def _announce_damage(self, workspace: Workspace) -> None:
        """Banner and menus follow; the restore is offered once per damaged book."""
        if self._announced_damage is workspace:
            return
        self._announced_damage = workspace
        self.ctx.bus.sig_book_state_changed.emit(workspace)
        if self.offer_restore_on_damage:
            self.offer_restore()

    def offer_restore(self) -> None:
        """Find the newest sound backup (off the GUI thread) and offer it in the book's place."""
        workspace = self.ctx.workspace
        if workspace is None:
            return
        backups = self.paths.backups
        self.ctx.runner.run(lambda: workspace.good_backup(backups),
                            lambda found: self._ask_restore(workspace, found), self.ctx.bus.sig_error.emit,
                            serial_db=False)

    def _ask_restore(self, workspace: Workspace, found: GoodBackup | None) -> None:
        if workspace is not self.ctx.workspace:
            return
        prompter = self.ctx.prompter
        if found is None:
            prompter.inform("Book damaged", f"{workspace.path.name} is damaged and no sound backup was "
                            f"found in {self.paths.backups}. It stays open read-only: nothing more is "
                            "written to it. Copy what you need, or open another book.")
            return
        when = found.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if not prompter.confirm("Book damaged", f"{workspace.path.name} is damaged, so nothing more is "
                                f"written to it.\n\nRestore the newest sound backup, taken {when}? "
                                "Work after that time is not in it. The damaged file is kept aside."):
            return
        clock, backups = self.ctx.clock, self.paths.backups
        self.ctx.bus.sig_book_closing.emit(workspace)
        self.ctx.runner.run(lambda: restore_workspace(workspace, found.path, clock, backup_dir=backups),
                            self._on_restored, self._on_failed, serial_db=True)

    def _on_restored(self, result: tuple[Workspace, Restored]) -> None:
        workspace, restored = result
        self._on_opened(workspace)
        self.ctx.prompter.inform("Backup restored", f"{workspace.path.name} was restored from "
                                 f"{restored.from_backup.name}. The damaged file is kept as "
                                 f"{restored.damaged_kept_as.name}.")

    def _on_failed(self, exc: BaseException) -> None:
        log.warning("could not open a book: %s", type(exc).__name__)
        self.ctx.bus.sig_error.emit(exc)
        self.sig_open_failed.emit(exc)
