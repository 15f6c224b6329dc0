"""A busy book (another process importing) waits, says so, and loses nothing: writes begin
IMMEDIATE, and a write still refused after the busy timeout is retried in order until it lands."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from PySide6.QtCore import QTimer

from sdrdesk.domain import write_intent
from sdrdesk.domain.errors import BookBusy
from sdrdesk.services.workspace import Workspace
from sdrdesk.storage import models as m
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.main_window import BOOK_AVAILABLE_MESSAGE, BOOK_BUSY_MESSAGE, MainWindow
from sdrdesk.ui.panes.base import Pane
from tests.reliability.conftest import Seeded, WriteLock


def _industry(path, account_id) -> str:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT industry FROM accounts WHERE id = ?", (account_id.hex,)).fetchone()[0]


def _set_industry(account_id, value: str):  # type: ignore[no-untyped-def]
    def op(ws: Workspace) -> None:
        with ws.uow_factory() as uow:
            uow.session.get(m.Account, account_id).industry = value
            uow.commit()
    return op


def test_a_write_on_the_writer_thread_begins_immediate_and_a_reader_does_not(
        workspace: Workspace, write_lock: WriteLock, seeded: Seeded) -> None:
    write_lock.take()
    # A reader is never held up by the importer (WAL) ...
    assert workspace.browse is not None
    with workspace.uow_factory() as uow:
        assert uow.session.get(m.Account, seeded.northwind) is not None
    # ... a writer asks for the lock at BEGIN, waits the busy timeout, then says "busy".
    with write_intent.writing(), pytest.raises(BookBusy) as raised, workspace.uow_factory() as uow:
        uow.session.get(m.Account, seeded.northwind)
    assert write_intent.is_busy(raised.value)
    assert "busy" in raised.value.user_message


def test_queued_writes_retry_past_the_busy_timeout_in_order_and_the_status_bar_says_so(
        qtbot, threaded_ctx: PaneContext, seeded: Seeded, write_lock: WriteLock) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(threaded_ctx, build_panes=False)
    qtbot.addWidget(window)
    pane = Pane(threaded_ctx)
    qtbot.addWidget(pane)
    write_lock.take()
    landed: list[str] = []
    errors: list[BaseException] = []
    for value in ("first", "second", "third"):
        pane.write(_set_industry(seeded.northwind, value), lambda _r, v=value: landed.append(v),
                   errors.append)
    # Held far longer than the (shortened, 150 ms) busy timeout: every write would have failed.
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == BOOK_BUSY_MESSAGE, timeout=3000)
    QTimer.singleShot(800, write_lock.release)
    qtbot.waitUntil(lambda: len(landed) == 3, timeout=8000)
    assert errors == []
    assert landed == ["first", "second", "third"]
    assert _industry(seeded.path, seeded.northwind) == "third"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == BOOK_AVAILABLE_MESSAGE, timeout=3000)


def test_a_failure_that_is_not_busy_is_not_retried(qtbot, threaded_ctx: PaneContext) -> None:  # type: ignore[no-untyped-def]
    pane = Pane(threaded_ctx)
    qtbot.addWidget(pane)
    calls: list[int] = []
    errors: list[BaseException] = []

    def op(_ws: Workspace) -> None:
        calls.append(threading.get_ident())
        raise ValueError("not a lock problem")

    pane.write(op, None, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=3000)
    assert len(calls) == 1


def _raised(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


def test_errors_are_counted_while_shown_and_shown_again_once_closed(qtbot) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.domain.errors import BookDamaged
    from sdrdesk.ui.errors import ErrorReporter

    reporter = ErrorReporter(clipboard_set=lambda _t: None)
    first = reporter.report(_raised(BookBusy("The book is busy.")))
    qtbot.addWidget(first)
    assert reporter.report(_raised(BookBusy("The book is busy."))) is None
    assert "happened 2 times" in first.text()
    other = reporter.report(_raised(BookDamaged("The book is damaged.")))  # a different error: its own
    qtbot.addWidget(other)
    assert other.windowTitle() == "Book damaged"
    first.done(0)
    again = reporter.report(_raised(BookBusy("The book is busy.")))  # not hidden after closing
    qtbot.addWidget(again)
    assert again is not None and again.text() == "The book is busy."


def test_a_read_asked_for_after_shutdown_is_dropped_not_raised(qapp) -> None:  # type: ignore[no-untyped-def]
    # A paged table's timer may ask for a page while the window closes; that must not raise
    # "cannot schedule new futures after shutdown" into the Qt event loop.
    from sdrdesk.ui.workers import BackgroundRunner

    runner = BackgroundRunner()
    runner.shutdown()
    seen: list[object] = []
    runner.run(lambda: 1, seen.append, seen.append, serial_db=False)
    assert seen == [] and runner.pending == 0


def test_running_a_sub_command_in_process_leaves_the_thread_a_reader(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk import cli

    cli.main(["export", "contacts", str(tmp_path / "out.csv"), "--data", str(tmp_path / "none")])
    assert not write_intent.is_writer_thread()
def test_only_sqlite_errors_about_the_file_mark_a_book_damaged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.storage.engine import BookHealth, translate_error

    conn = sqlite3.connect(tmp_path / "x.db")
    try:
        conn.execute("SELECT json_extract('{not json', '$.a')")
    except sqlite3.OperationalError as exc:  # "malformed JSON": a query problem, not damage
        health = BookHealth()
        assert translate_error(exc, health) is None and health.damaged is None
    finally:
        conn.close()
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = 11  # type: ignore[attr-defined]
    health = BookHealth()
    assert type(translate_error(corrupt, health)).__name__ == "BookDamaged" and health.damaged


def test_a_write_asked_for_after_shutdown_still_runs_and_never_raises(qapp) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.ui.workers import BackgroundRunner

    runner = BackgroundRunner()
    runner.shutdown()
    ran: list[bool] = []
    runner.run(lambda: ran.append(write_intent.is_writer_thread()))  # a last draft, say
    runner.run(lambda: 1 / 0)  # the book already closed: logged by class, not raised into Qt
    assert ran == [True] and runner.pending == 0
