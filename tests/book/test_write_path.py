"""Every write goes through the serial runner, off the GUI thread: while another process holds
the book's write lock (an import), the rep keeps typing and selecting, and the queued edit
lands once the lock is released, nothing lost."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtGui import QUndoStack

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.services.workspace import Workspace
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.research import ResearchPane
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner
from tests.book.conftest import Seeded

LOCK_HELD_S = 1.5


@pytest.fixture
def threaded_ctx(qapp, tmp_path: Path, clock: FakeClock, workspace: Workspace) -> Iterator[PaneContext]:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    context = PaneContext(bus=AppBus(), settings=Settings(tmp_path / "s.ini"), clock=clock, runner=runner,
                          prompter=ScriptedPrompter(), undo_stack=QUndoStack())
    context.workspace = workspace
    yield context
    runner.shutdown()


def _stored_pain(path: Path, account_id: object) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT likely_pain FROM accounts WHERE id = ?",
                            (account_id.hex,)).fetchone()[0]  # type: ignore[attr-defined]


def test_an_edit_queues_behind_a_held_write_lock_and_the_window_stays_responsive(
        qtbot, threaded_ctx: PaneContext, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    pane = ResearchPane(threaded_ctx)
    qtbot.addWidget(pane)
    pane.resize(900, 900)
    pane.show()
    threaded_ctx.bus.set_focus(Focus(seeded.northwind, seeded.jane))
    qtbot.waitUntil(lambda: pane.title.text() == "Northwind Analytics Inc.")

    importer = sqlite3.connect(seeded.path, timeout=0.1)  # another process importing, say
    importer.execute("BEGIN IMMEDIATE")
    importer.execute("UPDATE accounts SET notes = notes WHERE id = ?", (seeded.outback.hex,))
    released = False

    def release() -> None:
        nonlocal released
        importer.rollback()
        released = True

    QTimer.singleShot(int(LOCK_HELD_S * 1000), release)
    # The longest gap between two 10 ms ticks of the GUI thread while the lock is held.
    longest, clock, ticker = [0.0], QElapsedTimer(), QTimer()
    clock.start()

    def tick() -> None:
        longest[0] = max(longest[0], clock.restart() / 1000)

    ticker.timeout.connect(tick)
    ticker.start(10)
    # The ticker has no parent: stop it however the test ends, or a garbage collection on a
    # worker thread later frees it with its timer still registered (a segfault in a later test).
    try:
        _edit_while_locked(qtbot, pane, threaded_ctx, seeded, longest, lambda: released)
    finally:
        ticker.stop()
        importer.close()


def _edit_while_locked(qtbot, pane, threaded_ctx, seeded, longest, released) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    pain = pane.text_edits["likely_pain"]
    pain.setPlainText("Ramp time for new reps")
    pane.save_dirty_texts()  # the write is queued; the GUI thread does not wait for the lock
    assert time.monotonic() - started < 0.2
    qtbot.keyClicks(pane.line_edits["industry"], "x")  # typing keeps working meanwhile
    assert "x" in pane.line_edits["industry"].text()
    qtbot.waitUntil(released, timeout=5000)
    qtbot.waitUntil(lambda: threaded_ctx.undo_stack.count() == 1, timeout=8000)
    assert _stored_pain(seeded.path, seeded.northwind) == "Ramp time for new reps"
    assert longest[0] < 0.25, f"the GUI thread froze for {longest[0]:.3f} s"
    assert pain.toPlainText() == "Ramp time for new reps"  # what the rep typed stayed on screen
