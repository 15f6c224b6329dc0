"""A full disk: the write fails with a clear "Disk full" error, the book stays sound and keeps
everything it had. Needs a small size-limited folder (a tmpfs mount: root only), else skips."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sdrdesk.domain import write_intent
from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.errors import DiskFull
from sdrdesk.services.book_generator import BookSize, write_book
from sdrdesk.services.calls import CallLog
from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage import models as m


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a size-limited folder needs root (tmpfs mount)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_fails_the_write_clearly_and_the_book_stays_sound(
        small_disk: Path, tmp_path: Path, clock_now: FakeClock) -> None:
    made = tmp_path / "made.db"
    write_book(made, BookSize(5, 12, 10), seed=4)
    book = small_disk / "book.db"
    shutil.copy(made, book)
    filler = small_disk / "filler"
    workspace = open_workspace(book, clock_now)
    try:
        with workspace.uow_factory() as uow:
            contact_id = uow.session.query(m.Contact).first().id
            calls_before = uow.session.query(m.Activity).count()
        with filler.open("wb", buffering=0) as handle:  # fill every byte left (nothing left to flush)
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        with write_intent.writing(), pytest.raises(DiskFull) as raised:
            for _ in range(50):  # enough text to need new pages
                workspace.calls.log_call(CallLog(contact_id=contact_id, disposition="no_answer",
                                                 notes="Long notes " * 4000))
        assert "disk is full" in raised.value.user_message.lower()
    finally:
        workspace.close()
    filler.unlink()
    conn = sqlite3.connect(book)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] >= calls_before
    finally:
        conn.close()
