"""The real main window: the book panes are registered, fill from a generated book, follow the bus."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from sdrdesk.ui.panes.accounts import AccountsPane
from sdrdesk.ui.panes.research import ResearchPane
from sdrdesk.ui.prompter import ScriptedPrompter


def test_main_window_builds_book_panes_that_fill_and_drive_research(qtbot, tmp_path: Path, clock,  # type: ignore[no-untyped-def]
                                                                     demo_book_file: Path) -> None:
    from sdrdesk.app import build_app

    book = tmp_path / "book.db"
    shutil.copy(demo_book_file, book)
    args = argparse.Namespace(data=str(tmp_path), settings=str(tmp_path / "s.ini"), theme=None,
                              demo=False, screenshot=None, self_test=False)
    parts = build_app(args, clock=clock, prompter=ScriptedPrompter())
    qtbot.addWidget(parts.window)
    try:
        parts.window.show()
        accounts = parts.window.panes["pane.accounts"]
        research = parts.window.panes["pane.research"]
        assert isinstance(accounts, AccountsPane) and isinstance(research, ResearchPane)
        parts.window.docks["pane.accounts"].raise_()
        parts.books.open(book)
        qtbot.waitUntil(lambda: accounts.accounts_model.rowCount() == 120
                        and accounts.contacts_model.rowCount() == 400, timeout=20_000)

        with qtbot.waitSignal(parts.ctx.bus.sig_open_research_requested, timeout=3000):
            accounts.select_row(3)
            qtbot.keyClick(accounts.accounts_view, Qt.Key.Key_Return)
        chosen = accounts.selected_row()
        qtbot.waitUntil(lambda: research.research is not None and research.research.id == chosen.id,
                        timeout=10_000)
        assert research.title.text() == chosen.name
        assert research.isVisible()  # the main window raised the research dock
    finally:
        parts.runner.shutdown()
        if parts.ctx.workspace is not None:
            parts.ctx.workspace.close()
