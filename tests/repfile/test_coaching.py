"""Coaching: the rep's file read-only by construction, notes and scorecards in the manager's
book, sent back as a small file, seen by the rep beside the records and in the inbox."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from sdrdesk.domain.errors import ValidationError
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.coaching import Subject, load_rubrics
from sdrdesk.services.workspace import open_coaching_workspace
from tests.repfile.helpers import file_hash


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rep_with_a_call(rep) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    acc = rep.add_account("Umbrella")
    contact = "c" * 32
    call = "d" * 32
    now = rep.tick()
    rep.sql("INSERT INTO contacts (id, account_id, first_name, last_name, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?)", (contact, acc, "Ada", "Lovelace", now, now))
    rep.sql("INSERT INTO activities (id, contact_id, account_id, kind, occurred_at, disposition, notes,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (call, contact, acc, "call", now, "connected", "talked budget", now, now))
    return acc, contact, call


def test_rubrics_are_data_files_with_every_question_type() -> None:
    rubrics = load_rubrics()
    assert {r.id for r in rubrics} >= {"cold_call", "qualification", "handoff"}
    kinds = {q.type for r in rubrics for q in r.questions}
    assert kinds == {"scale", "yes_no", "choice", "text"}


def test_coaching_session_notes_round_trip_and_the_rep_file_is_untouched(devices, clock) -> None:  # type: ignore[no-untyped-def]
    rep, manager = devices("rep"), devices("manager")
    acc, contact, call = _rep_with_a_call(rep)
    rep_file = rep.export()
    rep_file_hash = _sha(rep_file)
    manager_before = file_hash(manager.path)
    ws = open_coaching_workspace(rep_file, clock, manager_book=manager.path)
    try:
        assert ws.read_only and ws.coaching_of is not None
        assert ws.coaching_of.rep_name == "rep" and ws.coaching_of.exported_at.startswith("2026-03-10")
        # Every read works on the rep's data...
        assert ws.browse.filter_options() is not None
        subjects = ws.coaching.subjects(acc, contact)
        assert [s.type for s in subjects] == ["account", "contact", "activity"]
        # ...and nothing can write it, by construction (the engine is read-only).
        with pytest.raises(Exception, match=r"readonly|read-only|attempt to write"), \
                ws.book.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE accounts SET name = 'x'")
        call_subject = next(s for s in subjects if s.type == "activity")
        ws.coaching.add_note("Great discovery, slow down on price.", call_subject)
        ws.coaching.add_note("Strong week overall.")  # on the rep as a whole
        ws.coaching.add_scorecard("cold_call", call_subject, {
            "opener": 4, "reason": True, "discovery": "two or three", "comment": "ask for the meeting"})
        with pytest.raises(ValidationError):
            ws.coaching.add_scorecard("cold_call", call_subject, {"opener": 9})
        with pytest.raises(ValidationError):
            ws.coaching.add_scorecard("handoff", call_subject, {})
        items = ws.coaching.items()
        assert [i.kind for i in items].count("note") == 2 and len(items) == 3
        notes_file = manager.folder / "notes.sdrdesk"
        exported = ws.coaching.export_notes(notes_file)
        assert exported.counts == {"coaching_notes": 2, "scorecards": 1}
        copy = ws.coaching_of.copy
    finally:
        ws.close()
    assert _sha(rep_file) == rep_file_hash, "coaching changed the rep's file"
    assert not copy.exists(), "the temporary copy is removed when the session ends"
    assert file_hash(manager.path) != manager_before  # the notes live in the manager's book
    # The rep imports the notes and sees them beside the call and in the inbox.
    report = rep.import_(notes_file)
    assert report.added == 3
    beside = rep.service  # the rep's own book
    from sdrdesk.services.repfile.coaching import CoachingService
    inbox = CoachingService(rep.path, rep.path, clock)
    on_call = inbox.items(subject_id=call)
    assert {i.kind for i in on_call} == {"note", "scorecard"}
    card = next(i for i in on_call if i.kind == "scorecard")
    assert "Opener" in card.text and "4/5" in card.text and card.author == "manager"
    assert len(inbox.items()) == 3 and beside is not None


def test_coaching_notes_for_another_rep_are_refused(devices, clock) -> None:  # type: ignore[no-untyped-def]
    rep, other, manager = devices("rep"), devices("other"), devices("manager")
    _rep_with_a_call(rep)
    ws = open_coaching_workspace(rep.export(), clock, manager_book=manager.path)
    try:
        ws.coaching.add_note("Hello")
        notes = ws.coaching.export_notes(manager.folder / "n.sdrdesk").path
    finally:
        ws.close()
    before = file_hash(other.path)
    with pytest.raises(c.RepFileRejected, match="for rep, not for this book"):
        other.import_(notes)
    assert file_hash(other.path) == before


def test_a_subjectless_scorecard_or_empty_note_is_refused(devices, clock) -> None:  # type: ignore[no-untyped-def]
    rep, manager = devices("rep"), devices("manager")
    _rep_with_a_call(rep)
    ws = open_coaching_workspace(rep.export(), clock, manager_book=manager.path)
    try:
        with pytest.raises(ValidationError):
            ws.coaching.add_note("   ")
        with pytest.raises(ValidationError):
            ws.coaching.add_scorecard("nope", Subject("activity", "d" * 32, "x"), {})
    finally:
        ws.close()
    conn = sqlite3.connect(manager.path)
    assert conn.execute("SELECT count(*) FROM coaching_notes").fetchone()[0] == 0
    conn.close()
