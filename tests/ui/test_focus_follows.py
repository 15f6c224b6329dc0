"""One focus: in the Calling layout, selecting an account never leaves the Call and Script panes
on another company's person. They follow the account's best contact to call, or say that no
contact is selected."""

from __future__ import annotations

import shutil
from pathlib import Path

from sdrdesk.domain.focus import Focus
from sdrdesk.ui.panes.accounts import ACCOUNTS_TAB
from tests.ui.conftest import open_and_wait


def _open(make_app, qtbot, tmp_path: Path, demo_book_file: Path):  # type: ignore[no-untyped-def]
    book = tmp_path / "b.db"
    shutil.copy(demo_book_file, book)
    parts = make_app()
    parts.window.apply_layout("Calling")
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    return parts


def test_selecting_an_account_moves_call_and_script_to_that_company(make_app, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                     demo_book_file: Path) -> None:
    parts = _open(make_app, qtbot, tmp_path, demo_book_file)
    panes = parts.window.panes
    accounts, call, script = (panes[n] for n in ("pane.accounts", "pane.call", "pane.script"))
    qtbot.waitUntil(lambda: call.target is not None, timeout=10_000)  # Today focused its first task
    first_company = call.target.account_id
    accounts.show_tab(ACCOUNTS_TAB)
    qtbot.waitUntil(lambda: accounts.accounts_model.rowCount() > 5, timeout=10_000)
    browse = parts.ctx.workspace.browse
    row, account, best = next(
        (r, a, browse.best_contact(a.id)) for r in range(accounts.accounts_model.rowCount())
        if (a := accounts.accounts_model.row_at(r)) is not None and a.id != first_company
        and browse.best_contact(a.id) is not None)
    accounts.select_row(row)
    qtbot.waitUntil(lambda: parts.ctx.bus.focus == Focus(account.id, best), timeout=5000)
    qtbot.waitUntil(lambda: call.target is not None and call.target.contact_id == best, timeout=5000)
    assert call.target.account_id == account.id  # never the previous company's person
    qtbot.waitUntil(lambda: script.script_panel.contact_id == best, timeout=5000)


def test_an_account_without_contacts_empties_the_person_panes(make_app, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               demo_book_file: Path) -> None:
    parts = _open(make_app, qtbot, tmp_path, demo_book_file)
    call = parts.window.panes["pane.call"]
    qtbot.waitUntil(lambda: call.target is not None, timeout=10_000)
    parts.ctx.bus.set_focus(Focus(account_id=call.target.account_id, contact_id=None))
    qtbot.waitUntil(lambda: call.target is None, timeout=5000)
    assert call.empty.isVisible() and "No contact selected at this account" in call.empty.text()
