"""File menu: Import CSV opens the wizard on the open book; finished imports refresh the panes."""

from __future__ import annotations

import shutil
from pathlib import Path

from sdrdesk.domain.changes import Changes
from sdrdesk.ui.dialogs.import_wizard import ImportWizard
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.ui.conftest import open_and_wait


def test_import_actions_follow_the_open_book(make_app, qtbot, tmp_path: Path,
                                             demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    prompter = ScriptedPrompter()
    parts = make_app(prompter=prompter)
    window = parts.window
    assert not window.import_action.isEnabled()  # no book yet
    assert window.show_import_wizard() is None
    book = tmp_path / "book.db"
    shutil.copy(demo_book_file, book)
    window.show()
    open_and_wait(qtbot, parts, book)
    assert window.import_action.isEnabled()

    window.import_action.trigger()
    wizards = window.findChildren(ImportWizard)
    assert len(wizards) == 1 and wizards[0].isVisible()
    wizard = wizards[0]
    assert wizard.book_path == book
    with qtbot.waitSignal(parts.ctx.bus.sig_changes_applied) as applied:
        wizard.sig_import_finished.emit(object(), Changes(book_reloaded=True))
    assert applied.args[0].book_reloaded and applied.args[1] is window

    window.undo_import_action.trigger()  # nothing imported yet: the rep is told so
    assert prompter.asked[-1] == ("inform", "Undo last import")
