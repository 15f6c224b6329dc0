from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from PySide6.QtGui import QUndoStack

from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage.backup import rolling_backup
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.scheduler import BACKUP_JOB, AppScheduler
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import InlineRunner


def test_backup_job_is_scheduled_and_copies_the_book(qapp, tmp_path: Path, fake_clock,
                                                     demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    shutil.copy(demo_book_file, book)
    ctx = PaneContext(bus=AppBus(), settings=Settings(tmp_path / "s.ini"), clock=fake_clock,
                      runner=InlineRunner(), prompter=ScriptedPrompter(), undo_stack=QUndoStack())
    ctx.workspace = open_workspace(book, fake_clock)
    jobs = AppScheduler(ctx, tmp_path / "backups")
    jobs.start()
    try:
        job = jobs.scheduler.get_job(BACKUP_JOB)
        assert job is not None and job.next_run_time > fake_clock.now()
        jobs.backup_now()
        copies = list((tmp_path / "backups").glob("book-*-rolling.db"))
        assert len(copies) == 1
        conn = sqlite3.connect(copies[0])
        assert conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 120
        conn.close()
    finally:
        jobs.shutdown()
        ctx.workspace.close()


def test_rolling_backups_keep_only_the_newest(tmp_path: Path, demo_book_file: Path) -> None:
    for _ in range(4):
        rolling_backup(demo_book_file, tmp_path, keep=2)
    assert len(list(tmp_path.glob("*-rolling.db"))) == 2


def test_results_arrive_after_run_returns_even_for_instant_jobs(qtbot) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.ui.workers import BackgroundRunner

    runner = BackgroundRunner()
    done: list[int] = []
    try:
        for i in range(30):  # some finish before add_done_callback is attached
            delivered_before = len(done)
            runner.run(lambda i=i: i, done.append, serial_db=False)
            assert len(done) == delivered_before, "a result was delivered inside run()"
        qtbot.waitUntil(lambda: len(done) == 30)
    finally:
        runner.shutdown()


def test_shutdown_finishes_queued_writes(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    from sdrdesk.ui.workers import BackgroundRunner

    runner = BackgroundRunner()
    gate = threading.Event()
    written: list[str] = []
    runner.run(lambda: gate.wait(5) and written.append("first"), serial_db=True)
    runner.run(lambda: written.append("queued behind it"), serial_db=True)
    threading.Timer(0.2, gate.set).start()
    runner.shutdown()  # the app is quitting while a write waits in the queue
    assert written == ["first", "queued behind it"]
