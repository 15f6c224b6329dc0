"""No stutter: scrolling, paging with the keyboard and sorting the book never query on the GUI thread.

Every data call of the Accounts pane goes through `workspace.browse` (the facade). The test
wraps each of its methods to note the calling thread, then scrolls both tables top to
bottom, pages through them with PgDn/Down and sorts by a header, with the real background
runner. One call on the GUI thread fails the test: that is a step that can freeze the window
for as long as SQLite takes (52-97 ms on the big book before pages moved to a worker).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QTableView

from sdrdesk.domain.clock import FakeClock
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.accounts import CONTACTS_TAB, AccountsPane
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner

PAGE = 20  # small pages: the demo book's 120 accounts and 400 contacts make 6 and 20 pages


class GuiThreadCalls:
    """Wraps every public method of `workspace.browse`; remembers those called on the GUI thread."""

    def __init__(self, workspace: Workspace) -> None:
        self.calls: list[str] = []
        self.on_workers = 0
        browse = workspace.browse
        gui = threading.main_thread()
        for name in dir(browse):
            method = getattr(browse, name)
            if name.startswith("_") or not callable(method):
                continue

            def wrapped(*args: Any, _name: str = name, _method: Any = method, **kwargs: Any) -> Any:
                if threading.current_thread() is gui:
                    self.calls.append(_name)
                else:
                    self.on_workers += 1
                return _method(*args, **kwargs)

            setattr(browse, name, wrapped)


@pytest.fixture
def pane(qtbot, qapp, tmp_path: Path, clock: FakeClock, demo_book_file: Path) -> Iterator[AccountsPane]:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    shutil.copy(demo_book_file, book)
    workspace = open_workspace(book, clock)
    runner = BackgroundRunner()
    ctx = PaneContext(bus=AppBus(), settings=Settings(tmp_path / "s.ini"), clock=clock, runner=runner,
                      prompter=ScriptedPrompter(), undo_stack=QUndoStack())
    ctx.workspace = workspace
    accounts = AccountsPane(ctx)
    for model in (accounts.accounts_model, accounts.contacts_model):
        model._page_size = PAGE
    qtbot.addWidget(accounts)
    accounts.resize(900, 400)
    accounts.show()
    qtbot.waitExposed(accounts)
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=10_000):
        ctx.bus.sig_book_opened.emit(workspace)
    qtbot.waitUntil(lambda: accounts.contacts_model.rowCount() == 400, timeout=10_000)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=10_000)  # the rank warm-up
    yield accounts
    runner.shutdown()
    workspace.close()


def _settle(qtbot, view: QTableView) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not view.model().loading, timeout=5000)


def _scroll_top_to_bottom(qtbot, view: QTableView) -> int:  # type: ignore[no-untyped-def]
    bar = view.verticalScrollBar()
    view.scrollToTop()
    steps = 0
    while True:
        view.viewport().repaint()  # a synchronous paint, as a scroll step does
        _settle(qtbot, view)
        steps += 1
        if bar.value() >= bar.maximum():
            return steps
        bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep()))


def test_scrolling_paging_and_sorting_never_query_on_the_gui_thread(qtbot, pane: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    spy = GuiThreadCalls(pane.ctx.workspace)
    for tab, view in ((0, pane.accounts_view), (CONTACTS_TAB, pane.contacts_view)):
        pane.show_tab(tab)
        view.model().invalidate()  # every page must come from the database again
        assert _scroll_top_to_bottom(qtbot, view) > 3
        view.model().invalidate()
        view.setFocus()
        view.setCurrentIndex(view.model().index(0, 0))
        no, ctrl = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier
        keys = [(Qt.Key.Key_PageDown, no)] * 4 + [(Qt.Key.Key_Down, no)] * 3 + [(Qt.Key.Key_End, ctrl)]
        for key, modifier in keys:
            qtbot.keyClick(view, key, modifier)  # the current row moves onto pages not loaded yet
            QApplication.processEvents()
        last = view.model().rowCount() - 1
        assert view.currentIndex().row() == last
        # The focus follows once the row's page arrived from the worker.
        qtbot.waitUntil(lambda v=view, r=last: pane.ctx.bus.focus.account_id is not None
                        and _focused_row_is(pane, v, r), timeout=5000)
    column = next(i for i, c in enumerate(pane.contacts_model.columns) if c.key == "title")
    with qtbot.waitSignal(pane.search.sig_results_ready, timeout=5000):
        pane.contacts_view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    _scroll_top_to_bottom(qtbot, pane.contacts_view)
    assert spy.calls == []  # each of these would have frozen the window while SQLite worked
    assert spy.on_workers > 10  # and the pages did come, from the workers


def _focused_row_is(pane: AccountsPane, view: QTableView, row: int) -> bool:
    cached = view.model().cached_row(row)
    if cached is None:
        return False
    focus = pane.ctx.bus.focus
    return focus.contact_id == cached.id if view is pane.contacts_view else focus.account_id == cached.id


def test_the_spy_catches_a_synchronous_fetch(qtbot, pane: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    spy = GuiThreadCalls(pane.ctx.workspace)
    pane.accounts_model.invalidate()
    pane.accounts_model.row_at(0)  # what a handler asking for a row "now" does
    assert spy.calls == ["account_rows"]
