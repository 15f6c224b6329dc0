"""Ctrl+K: the quick switcher runs the window's commands and jumps to records, keyboard only."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.services.workspace import Workspace
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.main_window import MainWindow
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import InlineRunner

from .conftest import Seeded


@pytest.fixture
def window(qtbot, qapp, tmp_path: Path, clock: FakeClock, workspace: Workspace) -> MainWindow:  # type: ignore[no-untyped-def]
    ctx = PaneContext(bus=AppBus(), settings=Settings(tmp_path / "s.ini"), clock=clock,
                      runner=InlineRunner(), prompter=ScriptedPrompter(), undo_stack=QUndoStack())
    ctx.workspace = workspace
    main = MainWindow(ctx, build_panes=False)  # the shell: docks, menus, actions
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def _open(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    assert window.quick_switcher_action.shortcut() == QKeySequence("Ctrl+K")
    window.quick_switcher_action.trigger()
    switcher = window.quick_switcher
    qtbot.waitUntil(switcher.isVisible, timeout=2000)
    return switcher


def _type(qtbot, switcher, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(switcher.edit, text)
    qtbot.wait(switcher._timer.interval() + 50)  # the debounce, then the (inline) search


def test_typing_a_command_and_enter_runs_it(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    switcher = _open(qtbot, window)
    assert any(e.title == "View › Layouts › Calling" for e in switcher.entries())  # on-demand menus too
    _type(qtbot, switcher, "reset lay")
    assert switcher.entries()[0].title == "View › Layouts › Reset layout"
    window.docks["pane.accounts"].hide()
    qtbot.keyClick(switcher.edit, Qt.Key.Key_Return)
    assert not switcher.isVisible()
    assert window.docks["pane.accounts"].isVisibleTo(window)  # the default layout shows it again


def test_typing_a_name_and_enter_jumps_to_the_record(qtbot, window: MainWindow, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    bus = window.ctx.bus
    switcher = _open(qtbot, window)
    _type(qtbot, switcher, "jane")
    first = switcher.entries()[0]
    assert (first.kind, first.title, first.record_id) == ("contact", "Jane Doe", seeded.jane)
    with qtbot.waitSignal(bus.sig_open_research_requested, timeout=2000) as research:
        qtbot.keyClick(switcher.edit, Qt.Key.Key_Return)
    assert bus.focus == Focus(seeded.northwind, seeded.jane)
    assert research.args == [seeded.northwind]

    switcher = _open(qtbot, window)  # an account, chosen with the arrow keys
    _type(qtbot, switcher, "outb")  # not "out": the View › Outreach command starts so too
    titles = [e.title for e in switcher.entries()]
    assert titles[:2] == ["Outback Freight Pty Ltd", "Bruce Wilson"]  # the name starts so; then its person
    qtbot.keyClick(switcher.edit, Qt.Key.Key_Down)
    qtbot.keyClick(switcher.edit, Qt.Key.Key_Up)
    qtbot.keyClick(switcher.edit, Qt.Key.Key_Return)
    assert bus.focus == Focus(seeded.outback, None)


def test_escape_closes_without_running_anything(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    switcher = _open(qtbot, window)
    _type(qtbot, switcher, "quit")
    assert switcher.entries()[0].title == "File › Quit"
    qtbot.keyClick(switcher.edit, Qt.Key.Key_Escape)
    assert not switcher.isVisible() and window.isVisible()
