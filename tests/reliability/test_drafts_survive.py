"""Call notes typed while the book is busy stay on screen and on disk (a journal beside the book),
survive switching contact and back, and reach the book once it is free or at the next open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.services.draft_journal import DraftJournal, journal_path
from sdrdesk.services.workspace import open_workspace
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.call import CallPane
from tests.reliability.conftest import Seeded, WriteLock


def _stored_draft(path: Path, contact_id) -> str | None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT body FROM call_note_drafts WHERE contact_id = ? AND deleted_at IS NULL",
                           (contact_id.hex,)).fetchone()
    return row[0] if row else None


def test_notes_typed_while_busy_survive_switching_contact_and_land_later(
        qtbot, threaded_ctx: PaneContext, seeded: Seeded, write_lock: WriteLock) -> None:  # type: ignore[no-untyped-def]
    pane = CallPane(threaded_ctx)
    qtbot.addWidget(pane)
    pane.show()
    bus = threaded_ctx.bus
    bus.set_focus(Focus(seeded.northwind, seeded.jane))
    qtbot.waitUntil(lambda: pane.target is not None and pane.target.contact_id == seeded.jane, timeout=5000)
    write_lock.take()  # an import starts in another process
    pane.notes.setPlainText("Asked about the Q3 rollout, call back after the board meeting")
    bus.set_focus(Focus(seeded.outback, seeded.bruce))  # the switch saves: the write must wait
    qtbot.waitUntil(lambda: pane.target is not None and pane.target.contact_id == seeded.bruce, timeout=5000)
    assert pane.notes.toPlainText() == ""
    journal = journal_path(seeded.path)
    assert journal.exists()  # on disk while the book is busy
    assert "Q3 rollout" in journal.read_text(encoding="utf-8")
    bus.set_focus(Focus(seeded.northwind, seeded.jane))  # and back, still busy
    qtbot.waitUntil(lambda: pane.target is not None and pane.target.contact_id == seeded.jane, timeout=5000)
    assert pane.notes.toPlainText() == "Asked about the Q3 rollout, call back after the board meeting"
    assert _stored_draft(seeded.path, seeded.jane) is None  # not in the book yet
    write_lock.release()
    qtbot.waitUntil(lambda: _stored_draft(seeded.path, seeded.jane) is not None, timeout=8000)
    assert _stored_draft(seeded.path, seeded.jane) == \
        "Asked about the Q3 rollout, call back after the board meeting"
    qtbot.waitUntil(lambda: not journal.exists(), timeout=3000)  # nothing left to replay


def test_a_journal_left_by_a_killed_session_is_replayed_when_the_book_opens(
        seeded: Seeded, clock: FakeClock) -> None:
    left = DraftJournal(seeded.path)  # the session that could not write, then was killed
    left.keep(seeded.bruce, "Gatekeeper says Tuesdays work best")
    assert journal_path(seeded.path).exists()
    workspace = open_workspace(seeded.path, clock)
    try:
        assert _stored_draft(seeded.path, seeded.bruce) == "Gatekeeper says Tuesdays work best"
        assert not journal_path(seeded.path).exists()
        loaded = workspace.calls.load_draft(seeded.bruce)
        assert loaded is not None and loaded.body == "Gatekeeper says Tuesdays work best"
    finally:
        workspace.close()


def test_a_journal_still_shows_its_draft_when_the_book_stays_busy_at_open(
        seeded: Seeded, clock: FakeClock, short_busy_timeout: int, write_lock: WriteLock) -> None:
    from sdrdesk.domain import write_intent

    DraftJournal(seeded.path).keep(seeded.jane, "Mentioned budget freeze")
    write_lock.take()
    with write_intent.writing():  # the window opens books on its writer thread
        workspace = open_workspace(seeded.path, clock)
    try:
        assert _stored_draft(seeded.path, seeded.jane) is None
        loaded = workspace.calls.load_draft(seeded.jane)
        assert loaded is not None and loaded.body == "Mentioned budget freeze"
        assert journal_path(seeded.path).exists()
    finally:
        workspace.close()


def test_a_logged_call_forgets_its_journalled_draft(seeded: Seeded, clock: FakeClock) -> None:
    from sdrdesk.services.calls import CallLog

    workspace = open_workspace(seeded.path, clock)
    try:
        workspace.drafts.keep(seeded.jane, "Will loop in finance")
        workspace.calls.log_call(CallLog(contact_id=seeded.jane, disposition="no_answer",
                                         notes="Will loop in finance", duration_seconds=None))
        assert workspace.calls.load_draft(seeded.jane) is None
        assert not journal_path(seeded.path).exists()
    finally:
        workspace.close()


def test_an_older_save_landing_does_not_drop_a_newer_kept_draft(seeded: Seeded, clock: FakeClock) -> None:
    journal = DraftJournal(seeded.path)
    journal.keep(seeded.jane, "same words")
    journal.keep(seeded.jane, "same words", (), clock.now())  # the rep dialled: the timer started
    journal.landed(seeded.jane, "same words")  # the first save lands
    kept = journal.pending(seeded.jane)
    assert kept is not None and kept.call_started_at == clock.now()
    journal.landed(seeded.jane, "same words", (), clock.now())
    assert journal.pending(seeded.jane) is None and not journal_path(seeded.path).exists()
