"""Merge rules: newer wins, tombstones delete, conflicts listed and resolvable, undo, rings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sdrdesk.services.book_generator import BookSize, write_book
from sdrdesk.services.repfile.service import RepFileService
from sdrdesk.storage.engine import open_book
from tests.repfile.helpers import T0, synced_rows


def test_round_trip_into_an_empty_install_keeps_every_field(tmp_path: Path, clock, devices) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "rep.db"
    write_book(source, BookSize(accounts=30, contacts=80, activities=200), seed=3, now=T0)
    open_book(source).close()  # upgrade the generated book to the current schema
    _add_every_kind(source)
    with sqlite3.connect(source) as conn:  # reals must survive to the last bit
        conn.execute("UPDATE accounts SET annual_revenue = 0.1 + 0.2 WHERE rowid = 1")
        conn.execute("UPDATE accounts SET annual_revenue = 123456789.123456789 WHERE rowid = 2")
    conn.close()
    rep = RepFileService(source, clock, tmp_path / "backups")
    out = tmp_path / "rep.sdrdesk"
    exported = rep.export(out, rep_name="Alice")
    empty = devices("manager")
    report = empty.import_(out)
    before, after = synced_rows(source), synced_rows(empty.path)
    assert sum(len(rows) for rows in before.values()) > 300
    for table, rows in before.items():
        assert after[table] == rows, table  # every record, every field
        assert exported.counts[table] == len(rows)
    assert report.added == sum(len(r) for r in before.values()) - 1  # the deleted objection is not "added"
    assert report.conflicts == ()


def _add_every_kind(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        acc, contact = conn.execute("SELECT account_id, id FROM contacts LIMIT 1").fetchone()
        activity = conn.execute("SELECT id FROM activities LIMIT 1").fetchone()[0]
        stamp = "2026-03-09 10:00:00.000000"
        with conn:
            conn.execute(
                "INSERT INTO qualifications (id, contact_id, account_id, framework, answers, score, status,"
                " created_at, updated_at) VALUES (lower(hex(randomblob(16))),?,?,'BANT',"
                " '{\"budget\": \"yes, 40k\"}', 7.5, 'qualified', ?, ?)",
                (contact, acc, stamp, stamp),
            )
            conn.execute(
                "INSERT INTO meetings (id, contact_id, account_id, scheduled_at, duration_minutes, status,"
                " reschedule_count, opportunity_value, summary_text, created_at, updated_at)"
                " VALUES (lower(hex(randomblob(16))),?,?,?,45,'booked',0,12000.5,'Ünïcode ✓ summary',?,?)",
                (contact, acc, stamp, stamp, stamp),
            )
            conn.execute(
                "INSERT INTO objections (id, category, prompt, answer, hotkey, is_builtin, created_at,"
                " updated_at, deleted_at) VALUES (lower(hex(randomblob(16))),'price','Too dear',"
                " 'Compared to what?', 'F2', 1, ?, ?, ?)",
                (stamp, stamp, stamp),
            )
            conn.execute(
                "INSERT INTO coaching_notes (id, subject_type, subject_id, author, body, created_at,"
                " updated_at) VALUES (lower(hex(randomblob(16))),'activity',?,'Maria','Good opener',?,?)",
                (activity, stamp, stamp),
            )
    finally:
        conn.close()


def test_disjoint_edits_both_arrive_without_conflicts(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    one, two = a.add_account("One"), a.add_account("Two")
    b.import_(a.export())
    a.edit("accounts", one, city="Lyon")
    b.edit("accounts", two, city="Oslo")
    report = b.import_(a.export())
    assert (report.updated, report.conflicts) == (1, ())
    assert a.import_(b.export()).conflicts == ()
    assert synced_rows(a.path) == synced_rows(b.path)
    assert a.row("accounts", two)["city"] == "Oslo" and b.row("accounts", one)["city"] == "Lyon"


def test_both_sides_edit_is_a_conflict_newer_kept_and_the_other_can_be_taken(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    rid = a.add_account("Acme")
    b.import_(a.export())
    a.edit("accounts", rid, notes="from a")  # older
    b.edit("accounts", rid, notes="from b")  # newer
    report = b.import_(a.export())
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert conflict.kept_side == "mine" and conflict.kept["notes"] == "from b"
    assert conflict.other["notes"] == "from a" and conflict.differing_fields() == ["notes"]
    assert b.row("accounts", rid)["notes"] == "from b"
    # b had seen a's edit when it decided, so a takes b's version without listing it again.
    report_a = a.import_(b.export())
    assert report_a.conflicts == () and report_a.updated == 1
    assert a.row("accounts", rid)["notes"] == "from b"
    # Take the other on b: a's text comes back, as a new edit that wins the next sync.
    listed = b.service.conflicts()
    assert [c.id for c in listed] == [conflict.id]
    b.tick()
    b.service.take_other(conflict.id[:8])
    assert b.row("accounts", rid)["notes"] == "from a"
    assert b.service.conflicts() == []
    assert a.import_(b.export()).conflicts == ()
    assert a.row("accounts", rid)["notes"] == "from a"


def test_delete_against_edit_newer_wins_and_is_listed(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    rid = a.add_account("Globex")
    b.import_(a.export())
    b.edit("accounts", rid, notes="still talking")
    a.delete("accounts", rid)  # newer
    report = b.import_(a.export())
    assert report.deleted == 1 and len(report.conflicts) == 1
    assert b.row("accounts", rid)["deleted_at"] is not None


def test_an_older_file_never_resurrects_a_deleted_record(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    rid = a.add_account("Initech")
    old_file = a.export()
    b.import_(old_file)
    b.delete("accounts", rid)
    report = b.import_(old_file)
    assert (report.added, report.updated, report.deleted) == (0, 0, 0)
    assert b.row("accounts", rid)["deleted_at"] is not None
    # The same for a record removed outright (tombstones table).
    b.sql("DELETE FROM accounts WHERE id = ?", (rid,))
    b.sql(
        "INSERT INTO tombstones (table_name, record_id, deleted_at) VALUES ('accounts', ?, ?)",
        (rid, b.tick()),
    )
    b.import_(old_file)
    assert b.row("accounts", rid) is None
    # And the removal travels: a hears of it and removes its copy.
    report = a.import_(b.export())
    assert report.deleted == 1 and a.row("accounts", rid) is None


def test_repeating_an_import_changes_nothing(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    for i in range(5):
        a.add_account(f"Co {i}")
    out = a.export()
    first = b.import_(out)
    rows = synced_rows(b.path)
    again = b.import_(out)
    assert first.added == 5
    assert (again.added, again.updated, again.deleted, again.conflicts) == (0, 0, 0, ())
    assert synced_rows(b.path) == rows


def test_ring_of_three_devices_converges_without_false_conflicts(devices) -> None:  # type: ignore[no-untyped-def]
    a, b, c = devices("a"), devices("b"), devices("c")
    x = a.add_account("X")
    b.import_(a.export())
    c.import_(b.export())
    a.edit("accounts", x, city="Paris")  # a's newer edit; c still holds the old one
    y = c.add_account("Y")
    report = a.import_(c.export())  # c's stale copy of x must not be a conflict
    assert report.conflicts == () and a.row("accounts", x)["city"] == "Paris"
    b.import_(a.export())
    c.import_(b.export())
    assert synced_rows(a.path) == synced_rows(b.path) == synced_rows(c.path)
    assert c.row("accounts", y) is not None and c.row("accounts", x)["city"] == "Paris"


def test_undo_import_restores_the_book_as_it_was(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    a.add_account("New")
    mine = b.add_account("Mine")
    before = synced_rows(b.path)
    b.import_(a.export())
    assert synced_rows(b.path) != before
    b.service.undo_last_import()
    assert synced_rows(b.path) == before and b.row("accounts", mine) is not None


def test_a_record_removed_outright_leaves_a_tombstone_that_travels(devices) -> None:  # type: ignore[no-untyped-def]
    import uuid as _uuid

    from sdrdesk.storage import models as m
    from sdrdesk.storage.unit_of_work import uow_factory_for

    a, b = devices("a"), devices("b")
    rid = a.add_account("Short-lived")
    b.import_(a.export())
    book = open_book(a.path)
    try:
        with uow_factory_for(book.session_factory)() as uow:
            uow.session.delete(uow.session.get(m.Account, _uuid.UUID(rid)))
            uow.commit()
    finally:
        book.close()
    assert a.row("accounts", rid) is None
    report = b.import_(a.export())
    assert report.deleted == 1 and b.row("accounts", rid) is None
