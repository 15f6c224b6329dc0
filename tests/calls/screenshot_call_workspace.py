"""The issue's "Done means" picture: demo contact focused, script filled, objection found, a call logged.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.calls.screenshot_call_workspace OUT.png DATA_DIR
Everything is driven by keyboard, as a rep would: Ctrl+D, typing, Ctrl+Shift+O, Return, Ctrl+2.
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest

from sdrdesk.app import build_app, wait_until_settled
from sdrdesk.ui import settings as S
from sdrdesk.ui.dialer import RecordingDialer
from sdrdesk.ui.prompter import ScriptedPrompter

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path, data: Path) -> int:
    args = argparse.Namespace(data=str(data), settings=str(data / "s.ini"), theme=os.environ.get("THEME"))
    parts = build_app(args, prompter=ScriptedPrompter())
    parts.ctx.settings.set(S.REP_NAME, "Sam Carter")
    parts.ctx.settings.set(S.REP_COMPANY, "Rampwise")
    window = parts.window
    window.show()
    book, demo = parts.books.startup_book(True)
    parts.books.open(book, is_demo=demo)
    loop = QEventLoop()
    wait_until_settled(parts, lambda _ok: loop.quit())
    loop.exec()
    today, call, script = (window.panes[n] for n in ("pane.today", "pane.call", "pane.script"))
    call.dialer = RecordingDialer()  # type: ignore[attr-defined]
    for row in range(today.model.rowCount()):  # type: ignore[attr-defined]
        task = today.model.row_at(row)  # type: ignore[attr-defined]
        if task is None or task.channel != "call":
            continue
        today.select_row(row)  # type: ignore[attr-defined]
        spin(50)
        target = call.target  # type: ignore[attr-defined]
        if target and target.persona != "gatekeeper" and call.window_label.text().startswith("Callable"):  # type: ignore[attr-defined]
            break
    QTest.keyClick(window, Qt.Key.Key_D, CTRL)
    QTest.keyClicks(call.notes, "Asked about price; using a spreadsheet today. ")  # type: ignore[attr-defined]
    QTest.keyClick(window, Qt.Key.Key_O, CTRL_SHIFT)
    QTest.keyClicks(script.search, "expens")  # type: ignore[attr-defined]
    spin(400)
    QTest.keyClick(script.search, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    QTest.keyClick(window, Qt.Key.Key_2, CTRL)  # conversation
    spin(600)
    QTest.keyClick(window, Qt.Key.Key_D, CTRL)  # the next call on the same contact
    QTest.keyClicks(call.notes, "Callback: she wants numbers for the CFO.")  # type: ignore[attr-defined]
    QTest.keyClick(window, Qt.Key.Key_O, CTRL_SHIFT)
    QTest.keyClicks(script.search, "bud")  # type: ignore[attr-defined]
    spin(1200)
    ok = window.grab().save(str(out))
    print("dialled", call.dialer.dialed, "·", window.statusBar().currentMessage())  # type: ignore[attr-defined]
    parts.app.quit()
    parts.runner.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
