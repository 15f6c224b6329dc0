"""What the screenshot scripts share (tests/*/screenshot_*.py, run by hand, not by pytest):
start the real app offscreen on a data folder, open a book and wait until it settled."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer

from sdrdesk.app import AppParts, build_app, wait_until_settled
from sdrdesk.ui.prompter import ScriptedPrompter


def spin(ms: int) -> None:
    """Let the event loop run for `ms` milliseconds (timers, queued results, paints)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def open_app(data: Path, *, book: Path | None = None, size: tuple[int, int] | None = None,
             settings: dict[Any, Any] | None = None) -> AppParts:
    """The app on `data` (its settings file inside), showing `book` or the demo book, settled."""
    args = argparse.Namespace(data=str(data), settings=str(data / "s.ini"), theme=os.environ.get("THEME"))
    parts = build_app(args, prompter=ScriptedPrompter())
    for key, value in (settings or {}).items():
        parts.ctx.settings.set(key, value)
    if size is not None:
        parts.window.resize(*size)
    parts.window.show()
    if book is None:
        book, demo = parts.books.startup_book(True)
        parts.books.open(book, is_demo=demo)
    else:
        parts.books.open(book)
    loop = QEventLoop()
    wait_until_settled(parts, lambda _ok: loop.quit())
    loop.exec()
    return parts
