"""Every CLI sub-command, against every kind of bad book, says what is wrong in one line and
exits non-zero: never a traceback, and the bad file keeps every byte."""

from __future__ import annotations

import importlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sdrdesk.cli import main as cli_main
from sdrdesk.commands import COMMANDS
from sdrdesk.services.book_generator import BookSize, write_book
from tests.reliability.conftest import damage

BAD_BOOKS = ("text", "png", "truncated", "newer", "read-only", "damaged")
KNOWN = {"import", "export", "generate"}


@pytest.fixture(scope="module")
def good_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("good") / "book.db"
    write_book(path, BookSize(15, 40, 60), seed=5)
    return path


def make_bad_book(kind: str, folder: Path, good_book: Path, make_read_only: Callable[[Path], None]) -> Path:
    book = folder / "book.db"
    if kind == "text":
        book.write_text("Company,Email\nAcme,ann@acme.example\n" * 50, encoding="utf-8")
    elif kind == "png":
        book.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    else:
        shutil.copy(good_book, book)
        if kind == "truncated":
            with open(book, "r+b") as handle:
                handle.truncate(book.stat().st_size // 2)
        elif kind == "newer":
            conn = sqlite3.connect(book)
            conn.execute("PRAGMA user_version = 999")
            conn.close()
        elif kind == "damaged":
            damage(book)
        elif kind == "read-only":
            make_read_only(book)
    return book


def invocations(book: Path, folder: Path) -> list[tuple[str, list[str], bool]]:
    """(label, argv, must_fail) for every sub-command; commands added later get a generic run."""
    csv = folder / "people.csv"
    csv.write_text("First Name,Last Name,Email,Company\nAda,Lovelace,ada@example.org,Analytical\n",
                   encoding="utf-8")
    out = folder / "out.csv"
    runs = [
        ("import", ["import", str(csv), "--data", str(book)], True),
        ("import --undo-last", ["import", "--undo-last", "--data", str(book)], True),
        ("export contacts", ["export", "contacts", str(out), "--data", str(book)], True),
        ("export accounts", ["export", "accounts", str(out), "--data", str(book)], True),
        ("generate", ["generate", str(book), "--accounts", "2", "--contacts", "2"], True),
    ]
    for module_name in COMMANDS:
        name = importlib.import_module(module_name).NAME
        if name not in KNOWN:
            runs.append((name, ["--data", str(book), name], False))
    return runs


@pytest.mark.parametrize("kind", BAD_BOOKS)
def test_every_sub_command_refuses_a_bad_book_in_one_line(
        kind: str, tmp_path: Path, good_book: Path, make_read_only, capsys) -> None:  # type: ignore[no-untyped-def]
    book = make_bad_book(kind, tmp_path, good_book, make_read_only)
    before = book.read_bytes()
    for label, argv, must_fail in invocations(book, tmp_path):
        try:
            code = cli_main(argv)
        except SystemExit as exit_:  # argparse refusing the arguments of a later command
            code = exit_.code if isinstance(exit_.code, int) else 2
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out, f"{label} on a {kind} book"
        if kind == "read-only" and label.startswith("export"):
            assert code == 0, f"{label} can read a read-only book: {captured.err}"
            continue
        if must_fail:  # commands added later by other areas: no traceback is all that is asked here
            assert code != 0, f"{label} on a {kind} book exited 0"
            lines = captured.err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("sdrdesk "), f"{label} on a {kind} book: {lines}"
            assert book.read_bytes() == before, f"{label} changed the {kind} book"


def test_a_real_process_prints_no_traceback_for_bad_books(
        tmp_path: Path, good_book: Path, make_read_only) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    for kind in ("png", "read-only", "damaged"):  # the rest run in-process above
        folder = tmp_path / kind
        folder.mkdir()
        book = make_bad_book(kind, folder, good_book, make_read_only)
        csv = folder / "a.csv"
        csv.write_text("Email,Company\nx@example.org,X\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "sdrdesk", "import", str(csv), "--data", str(book)],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 1, (kind, done.stderr)
        assert "Traceback" not in done.stderr, (kind, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, (kind, done.stderr)


def test_an_unexpected_error_names_its_class_and_logs_the_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.commands import export_csv

    def boom(_args: object) -> int:
        raise RuntimeError("contains ann@acme.example")

    monkeypatch.setattr(export_csv, "run", boom)
    data = tmp_path / "data"
    code = cli_main(["--data", str(data), "export", "contacts", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 1 and "RuntimeError" in err and "ann@acme.example" not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    logged = (data / "logs" / "sdrdesk.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError" in logged


@pytest.mark.parametrize("argv", [["export", "everything", "out.csv"],
                                  ["import", "--policy", "merge", "x.csv"],
                                  ["generate", "out.db", "--accounts", "many"], ["no-such-command"]])
def test_a_refused_argument_is_one_line_and_exit_2(argv: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exited:
        cli_main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("sdrdesk") and "--help" in err
