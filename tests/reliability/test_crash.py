"""Killed at any moment, the book keeps all of a piece of work or none of it: `kill -9` of the
CLI import at random points and of a process logging calls (what the window's writer does),
then `integrity_check`, `foreign_key_check` and all-or-nothing. Marked slow, run by default."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sdrdesk.services.book_generator import BookSize, write_book

pytestmark = pytest.mark.slow

ROWS = 800
KILLS = 3
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "ignore"}


def _csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Company", "Phone"])
        for i in range(ROWS):
            writer.writerow([f"Fay{i}", f"Lund{i}", f"fay{i}@co{i % 120}.example.com", f"Co {i % 120}",
                             f"+1 212 555 {i % 10000:04d}"])
    return path


def _check(book: Path) -> tuple[int, int, list[tuple[str, object]]]:
    """(contacts, finished import runs, their (status, report)) after integrity checks."""
    conn = sqlite3.connect(book)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        contacts = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        runs = conn.execute("SELECT status, report FROM import_runs").fetchall()
    finally:
        conn.close()
    return contacts, len(runs), runs


def _import(book: Path, source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sdrdesk", "import", str(source), "--data", str(book)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def test_killing_the_cli_import_at_random_points_keeps_all_or_nothing(tmp_path: Path) -> None:
    pristine = tmp_path / "pristine.db"
    write_book(pristine, BookSize(20, 50, 50), seed=11)
    source = _csv(tmp_path / "leads.csv")
    before, runs_before, _ = _check(pristine)
    rng = random.Random(20261207)
    for attempt in range(KILLS):
        book = tmp_path / f"book{attempt}.db"
        shutil.copy(pristine, book)
        process = _import(book, source)
        time.sleep(rng.uniform(0.2, 2.5))  # start-up, reading, inside the transaction, or after
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        contacts, runs, rows = _check(book)
        imported = (contacts - before) // ROWS
        # All or nothing: whole imports only, and each one left its finished run and report.
        assert contacts == before + imported * ROWS, f"kill {attempt}: {contacts - before} rows half-imported"
        assert runs == runs_before + imported
        for status, report in rows[runs_before:]:
            assert status == "done" and report is not None  # the report is recoverable from the book


_CALLER = r"""
# What the window does, minus the screen: a Qt event loop, the real serial writer on its thread,
# panes' writes (a call logged, then the next contact's draft journalled and saved), one after
# another as each lands. Prints the number of calls that have landed.
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication
from sdrdesk.ui import pyside_fixes
pyside_fixes.install()
from sdrdesk.domain.clock import SystemClock
from sdrdesk.services.calls import CallLog
from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage import models as m
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner

app = QApplication([])
ws = open_workspace(Path(sys.argv[1]), SystemClock())
with ws.uow_factory() as uow:
    ids = [c.id for c in uow.session.query(m.Contact).all()]
ctx = PaneContext(bus=AppBus(), settings=Settings(Path(sys.argv[2])), clock=SystemClock(),
                  runner=BackgroundRunner(), prompter=ScriptedPrompter(), undo_stack=QUndoStack())
ctx.workspace = ws
pane = Pane(ctx)
count = [0]

def next_call(_result=None):
    i = count[0]
    contact = ids[i % len(ids)]
    following = ids[(i + 1) % len(ids)]
    ws.drafts.keep(following, f"draft {i}")  # as the Call pane does before queuing its save
    pane.write(lambda w: w.calls.save_draft(following, f"draft {i}"))
    pane.write(lambda w: w.calls.log_call(CallLog(contact_id=contact, disposition="no_answer",
                                                  notes=f"call {i}")), landed)

def landed(_result):
    count[0] += 1
    print(count[0], flush=True)
    next_call()

QTimer.singleShot(0, next_call)
app.exec()
"""


def test_killing_a_process_while_it_logs_calls_loses_no_logged_call(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    write_book(book, BookSize(10, 30, 0), seed=12)
    rng = random.Random(7)
    for _attempt in range(1):  # start-up dominates (about 2-3 s on the shared VM)
        conn = sqlite3.connect(book)
        before = conn.execute("SELECT count(*) FROM activities WHERE kind = 'call'").fetchone()[0]
        conn.close()
        process = subprocess.Popen([sys.executable, "-c", _CALLER, str(book), str(tmp_path / "s.ini")],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=ENV)
        assert process.stdout is not None
        first = process.stdout.readline()  # the writer is running
        assert first.strip(), process.stderr.read() if process.stderr else ""
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        out, _err = process.communicate(timeout=30)
        landed = int([first, *out.split()][-1])  # calls the process saw committed
        conn = sqlite3.connect(book)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            calls = conn.execute("SELECT count(*) FROM activities WHERE kind = 'call'").fetchone()[0]
            logged = calls - before
            live_drafts = conn.execute(
                "SELECT count(*) FROM call_note_drafts WHERE deleted_at IS NULL").fetchone()[0]
        finally:
            conn.close()
        # Every call it reported is there (synchronous=FULL); at most the one in flight besides.
        assert landed <= logged <= landed + 1
        assert live_drafts <= 2  # each logged call's draft went with it, in the same transaction
        # The draft journal is whole (written atomically) and names only real contacts.
        journal = book.with_name(book.name + ".drafts.json")
        if journal.exists():
            from sdrdesk.services.draft_journal import DraftJournal

            assert len(DraftJournal(book)) <= 2
