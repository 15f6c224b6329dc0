"""One data folder, one window: a second `sdrdesk` hands its --open file to the first and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sdrdesk.app import _on_second_start
from sdrdesk.services.book_generator import BookSize, write_book
from sdrdesk.ui.single_instance import SingleInstance, instance_key
from tests.reliability.conftest import open_and_wait


def test_the_second_start_finds_the_first_and_hands_it_a_message(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    key = instance_key(tmp_path / "data") + "-unit"
    first = SingleInstance(key, tmp_path)
    second = SingleInstance(key, tmp_path)
    try:
        assert first.acquire()
        assert not second.acquire()
        with qtbot.waitSignal(first.sig_message, timeout=3000) as received:
            assert second.send({"open": "/books/other.db"})
        assert received.args == [{"open": "/books/other.db"}]
    finally:
        first.release()
    third = SingleInstance(key, tmp_path)  # the first window closed: the next start is first again
    try:
        assert third.acquire()
    finally:
        third.release()


def test_a_real_second_process_hands_over_its_open_argument_and_exits_0(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    first = SingleInstance(instance_key(data))  # what the running window holds
    assert first.acquire()
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        wanted = tmp_path / "elsewhere" / "team.db"
        with qtbot.waitSignal(first.sig_message, timeout=30_000) as received:
            process = subprocess.Popen(
                [sys.executable, "-m", "sdrdesk", "--data", str(data), "--settings", str(tmp_path / "s.ini"),
                 "--open", str(wanted)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "already open" in out
        assert received.args == [{"open": str(wanted.resolve())}]
    finally:
        first.release()


def test_the_first_window_comes_forward_and_opens_the_handed_file(
        qtbot, make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.db"
    write_book(other, BookSize(3, 5, 5), seed=2)
    parts = make_app(tmp_path / "app")
    parts.window.showMinimized()
    _on_second_start(parts, {"open": str(other)})
    open_and_wait(qtbot, parts, other)
    assert not parts.window.isMinimized()
    assert parts.ctx.workspace.path == other
