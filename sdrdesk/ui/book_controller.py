"""Opening, creating and switching books, off the GUI thread, with refusals shown to the user.

A refused file (foreign, newer, damaged) leaves the current book open and the file untouched.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sdrdesk.domain.errors import RepFileNotSupported
from sdrdesk.services.book_generator import DEMO_SIZE, write_book
from sdrdesk.services.paths import DataPaths
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext

log = logging.getLogger(__name__)

REP_FILE_SUFFIX = ".sdrdesk"


class BookController(QObject):
    sig_open_failed = Signal(object)
    """Opening a book failed; carries the exception (already reported to the user)."""

    def __init__(self, ctx: PaneContext, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.paths = paths

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
            exc = RepFileNotSupported(
                f"{path.name} is an sdrdesk rep file. Importing rep files comes in a later "
                "version of sdrdesk; the file was left unchanged.")
            self.ctx.bus.sig_error.emit(exc)
            self.sig_open_failed.emit(exc)
            return
        self.open(path)

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
        previous = self.ctx.workspace
        if previous is not None and previous is not workspace:
            self.ctx.bus.sig_book_closing.emit(previous)  # pending drafts go to the old book
        self.ctx.workspace = workspace
        if not workspace.is_demo:
            self.ctx.settings.set(S.LAST_BOOK, str(workspace.path))
        self.ctx.undo_stack.clear()
        self.ctx.bus.sig_book_opened.emit(workspace)
        self.ctx.bus.sig_status_message.emit(f"Opened {workspace.path.name}")
        if previous is not None and previous is not workspace:
            previous.close()

    def _on_failed(self, exc: BaseException) -> None:
        log.warning("could not open a book: %s", type(exc).__name__)
        self.ctx.bus.sig_error.emit(exc)
        self.sig_open_failed.emit(exc)
