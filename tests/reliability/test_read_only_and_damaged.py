"""A read-only book or folder opens read-only with a banner saying why (not "damaged"); a
damaged book is checked before the first write, never written to, and the newest sound backup
is offered in its place with the damaged file kept aside."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from sdrdesk.cli import main as cli_main
from sdrdesk.domain import write_intent
from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.errors import BookDamaged, BookReadOnly
from sdrdesk.services.book_generator import BookSize, write_book
from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage import models as m
from sdrdesk.storage.backup import rolling_backup
from sdrdesk.storage.engine import open_book
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.reliability.conftest import damage, open_and_wait


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "book.db"
    path.parent.mkdir(parents=True)
    write_book(path, BookSize(12, 30, 40), seed=3)
    return path


def _count(path: Path) -> int:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM accounts").fetchone()[0])


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_book_or_folder_opens_read_only_and_says_why(
        small_book: Path, make_read_only, clock_now: FakeClock, what: str) -> None:  # type: ignore[no-untyped-def]
    before = small_book.read_bytes()
    make_read_only(small_book if what == "file" else small_book.parent)
    workspace = open_workspace(small_book, clock_now)
    try:
        assert workspace.read_only and not workspace.damaged
        assert f"{what}" in (workspace.read_only_reason or "")
        assert "damaged" not in (workspace.read_only_reason or "")
        assert workspace.check_book() is None  # sound, merely read-only
        with workspace.uow_factory() as uow:
            assert uow.session.query(m.Account).count() == 12
    finally:
        workspace.close()
    assert small_book.read_bytes() == before


def test_the_window_shows_a_banner_for_a_read_only_folder(
        qtbot, make_app, small_book: Path, make_read_only, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_read_only(small_book.parent)
    parts = make_app(tmp_path / "app")
    open_and_wait(qtbot, parts, small_book)
    window = parts.window
    assert window.banner_bar.isVisibleTo(window)
    assert "read-only" in window.banner.text() and "folder" in window.banner.text()
    assert "(read-only)" in window.windowTitle()
    assert not window.import_action.isEnabled()


def test_the_cli_refuses_to_import_into_a_read_only_book_in_one_line(
        small_book: Path, make_read_only, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "people.csv"
    csv.write_text("First Name,Last Name,Email,Company\nAda,Lovelace,ada@example.org,Analytical\n",
                   encoding="utf-8")
    before = small_book.read_bytes()
    make_read_only(small_book)
    code = cli_main(["import", str(csv), "--data", str(small_book)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "read-only" in err and "Traceback" not in err
    assert small_book.read_bytes() == before
    assert cli_main(["export", "contacts", str(tmp_path / "out.csv"), "--data", str(small_book)]) == 0


def test_a_damaged_book_is_refused_by_the_cli_and_left_unchanged(small_book: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    damaged = damage(small_book)
    with pytest.raises(BookDamaged):
        open_book(small_book, require_writable=True)
    csv = small_book.parent / "x.csv"
    csv.write_text("Email,Company\nx@example.org,X\n", encoding="utf-8")
    code = cli_main(["import", str(csv), "--data", str(small_book)])
    err = capsys.readouterr().err
    assert code != 0 and "damaged" in err and err.count("\n") == 1
    assert small_book.read_bytes() == damaged


def test_a_damaged_book_refuses_writes_after_the_check_and_after_malformed(
        small_book: Path, clock_now: FakeClock) -> None:
    damaged = damage(small_book)
    workspace = open_workspace(small_book, clock_now)
    try:
        assert workspace.check_book() is not None
        assert workspace.read_only and workspace.damaged
        with write_intent.writing(), pytest.raises(BookDamaged), workspace.uow_factory() as uow:
            uow.session.add(m.SourceLabel(name="never written"))
            uow.commit()
    finally:
        workspace.close()
    assert small_book.read_bytes() == damaged


def test_the_window_offers_the_newest_sound_backup_and_keeps_the_damaged_file(
        qtbot, make_app, small_book: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    backups = small_book.parent / "backups"
    older = rolling_backup(small_book, backups)
    with sqlite3.connect(small_book) as conn:
        conn.execute("UPDATE accounts SET industry = 'Restored industry'")
    good = rolling_backup(small_book, backups)
    newest_bad = rolling_backup(small_book, backups)
    damage(newest_bad)  # the newest backup is damaged too: it must be skipped
    damaged = damage(small_book)
    prompter = ScriptedPrompter(True)  # "Restore the newest sound backup?" -> yes
    parts = make_app(tmp_path / "app", prompter=prompter, data=str(small_book))
    open_and_wait(qtbot, parts, small_book)
    qtbot.waitUntil(lambda: ("inform", "Backup restored") in prompter.asked, timeout=10_000)
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=10_000)
    workspace = parts.ctx.workspace
    assert workspace is not None and not workspace.read_only and workspace.check_book() is None
    with sqlite3.connect(small_book) as conn:
        assert {r[0] for r in conn.execute("SELECT DISTINCT industry FROM accounts")} == {"Restored industry"}
    aside = list(small_book.parent.glob("book.damaged-*.db"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert good.name in prompter.told[-1] and older.exists()
    assert not parts.window.banner_bar.isVisibleTo(parts.window)


def test_without_a_sound_backup_the_damaged_book_stays_read_only_with_a_banner(
        qtbot, make_app, small_book: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    damaged = damage(small_book)
    prompter = ScriptedPrompter()
    parts = make_app(tmp_path / "app", prompter=prompter, data=str(small_book))
    open_and_wait(qtbot, parts, small_book)
    qtbot.waitUntil(lambda: ("inform", "Book damaged") in prompter.asked, timeout=10_000)
    window = parts.window
    assert window.banner_bar.isVisibleTo(window) and "damaged" in window.banner.text()
    assert parts.ctx.workspace.read_only
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=10_000)
    assert small_book.read_bytes() == damaged


def test_a_read_only_book_that_needs_an_upgrade_is_refused_clearly(
        tmp_path: Path, make_read_only) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "old" / "book.db"
    old.parent.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "book-v1.db", old)
    make_read_only(old)
    with pytest.raises(BookReadOnly, match="upgrade"):
        open_book(old)


def test_a_screenshot_of_a_damaged_book_does_not_exit_0(small_book: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    damage(small_book)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "sdrdesk", "--data", str(small_book), "--settings",
                           str(tmp_path / "s.ini"), "--screenshot", str(tmp_path / "shot.png")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "BookDamaged" in done.stderr


def test_damage_met_by_a_later_write_turns_the_banner_on_and_offers_a_restore_once(
        qtbot, make_app, small_book: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.domain.errors import BookDamaged as Damaged

    prompter = ScriptedPrompter()
    parts = make_app(tmp_path / "app", prompter=prompter, data=str(small_book))
    open_and_wait(qtbot, parts, small_book)  # sound at open
    workspace = parts.ctx.workspace
    assert not parts.window.banner_bar.isVisibleTo(parts.window)
    workspace.book.health.mark_damaged("database disk image is malformed")  # as a write meets it
    for _ in range(2):
        parts.ctx.bus.sig_error.emit(Damaged("This book is damaged."))
    qtbot.waitUntil(lambda: ("inform", "Book damaged") in prompter.asked, timeout=10_000)
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=10_000)
    assert prompter.asked.count(("inform", "Book damaged")) == 1
    assert parts.window.banner_bar.isVisibleTo(parts.window) and "damaged" in parts.window.banner.text()
    assert parts.window.restore_action.isVisible()
