"""The demo/scale generator: deterministic, realistic, and written through the app's schema."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
import pytest

from sdrdesk.services.book_generator import BookSize, generated_summary, write_book
from sdrdesk.storage.book_file import inspect_book_file
from sdrdesk.storage.migrations import CURRENT_VERSION

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _dump(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, domain, phone_raw FROM accounts ORDER BY id").fetchall()
    finally:
        conn.close()


def test_same_seed_same_book(tmp_path: Path) -> None:
    size = BookSize(accounts=30, contacts=90, activities=200)
    write_book(tmp_path / "a.db", size, seed=3, now=NOW)
    write_book(tmp_path / "b.db", size, seed=3, now=NOW)
    write_book(tmp_path / "c.db", size, seed=4, now=NOW)
    assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db")
    assert _dump(tmp_path / "a.db") != _dump(tmp_path / "c.db")


def test_generated_book_is_realistic(demo_book_file: Path) -> None:
    assert inspect_book_file(demo_book_file).schema_version == CURRENT_VERSION
    counts = generated_summary(demo_book_file)
    assert counts["accounts"] == 120 and counts["contacts"] == 400 and counts["activities"] == 1500
    conn = sqlite3.connect(f"{demo_book_file.as_uri()}?mode=ro", uri=True)
    try:
        countries = {r[0] for r in conn.execute("SELECT DISTINCT country FROM accounts")}
        assert {"US", "CA", "GB", "DE", "FR", "AU"} <= countries
        assert conn.execute("SELECT count(*) FROM accounts WHERE country='CA' AND region='QC'").fetchone()[0]
        phones = conn.execute(
            "SELECT raw, e164, is_valid, number_type, extension FROM contact_phones").fetchall()
        valid = [p for p in phones if p[2]]
        assert 0.9 < len(valid) / len(phones) < 1.0  # a few invalid ones, as real lists have
        for raw, e164, _v, _t, _x in valid:
            assert phonenumbers.is_valid_number(phonenumbers.parse(e164)), raw
        assert any(p[3] == "mobile" for p in phones)
        assert any(p[4] for p in phones)  # some extensions
        assert any(not p[2] and p[0] for p in phones)  # invalid ones kept as entered
        stale = conn.execute("SELECT count(*) FROM account_triggers").fetchone()[0]
        assert stale > 0
        span = conn.execute("SELECT min(occurred_at), max(occurred_at) FROM activities").fetchone()
        assert span[0] >= "2025-12-09" and span[1] <= "2026-03-10 15:00"
        fts = conn.execute("SELECT count(*) FROM contact_fts").fetchone()[0]
        assert fts == 400  # every contact is searchable
    finally:
        conn.close()


def test_generator_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "book.db"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        write_book(target, BookSize(2, 2, 2))
    assert target.read_bytes() == b"precious"
