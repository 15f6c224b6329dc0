"""Fixtures for the reliability tests: the hand-made book of tests/book, a threaded pane
context, a busy book (another connection holding the write lock) and a short busy timeout."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtGui import QUndoStack

from sdrdesk.domain.clock import FakeClock
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage import engine as engine_module
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner
from tests.book.conftest import NOW, Seeded, seed_book

__all__ = ["Seeded"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def seeded(book, uow_factory, book_path: Path) -> Seeded:  # type: ignore[no-untyped-def]
    return seed_book(uow_factory, book_path)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> int:
    """Connections opened from now on give up waiting for a lock after 150 ms (the app: 5 s)."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 150)
    return 150


@pytest.fixture
def workspace(seeded: Seeded, clock: FakeClock, short_busy_timeout: int) -> Iterator[Workspace]:
    ws = open_workspace(seeded.path, clock)
    yield ws
    ws.close()


@pytest.fixture
def threaded_ctx(qapp, tmp_path: Path, clock: FakeClock, workspace: Workspace) -> Iterator[PaneContext]:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    runner.RETRY_FIRST_S = 0.05
    runner.RETRY_MAX_S = 0.2
    context = PaneContext(bus=AppBus(), settings=Settings(tmp_path / "s.ini"), clock=clock, runner=runner,
                          prompter=ScriptedPrompter(), undo_stack=QUndoStack())
    context.workspace = workspace
    yield context
    runner.shutdown()


class WriteLock:
    """Another process's import, as SQLite sees it: a connection holding the write lock."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        self.held = False

    def take(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.conn.execute("ROLLBACK")
            self.held = False

    def close(self) -> None:
        self.release()
        self.conn.close()


@pytest.fixture
def write_lock(seeded: Seeded) -> Iterator[WriteLock]:
    lock = WriteLock(seeded.path)
    yield lock
    lock.close()


# -- read-only and damaged books -----------------------------------------------------------
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

from tests.ui.conftest import make_app, open_and_wait  # noqa: E402,F401  (fixtures for these tests)


def _chattr(flag: str, target: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(target)], capture_output=True).returncode == 0


@pytest.fixture
def make_read_only() -> Iterator[object]:
    """Make a file or folder read-only for real: chmod, or (as root, which chmod does not stop)
    the immutable attribute. Skips when neither works here; undone after the test."""
    undo: list[tuple[str, Path, int]] = []

    def make(target: Path) -> None:
        if os.geteuid() == 0:
            if not _chattr("+i", target):
                pytest.skip("running as root without chattr +i: cannot make anything read-only")
            undo.append(("chattr", target, 0))
        else:
            undo.append(("chmod", target, target.stat().st_mode))
            target.chmod(0o555 if target.is_dir() else 0o444)
        if os.access(target, os.W_OK):
            pytest.skip("this file system ignores read-only permissions")

    yield make
    for how, target, mode in reversed(undo):
        if how == "chattr":
            _chattr("-i", target)
        else:
            target.chmod(mode)


def damage(path: Path) -> bytes:
    """Garbage over two pages in the middle of the book, header intact; returns the bytes."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek((size // 4096 // 2) * 4096)
        handle.write(bytes((i * 151 + 7) % 256 for i in range(8192)))
    return path.read_bytes()


@pytest.fixture
def clock_now() -> FakeClock:
    return FakeClock(NOW)
