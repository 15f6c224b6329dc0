"""The accounts & contacts pane, the research pane, their models, search-as-you-type and undo."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.services import research as rs
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.accounts import CONTACTS_TAB, AccountsPane
from sdrdesk.ui.panes.research import ResearchPane
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.search_controller import SearchController
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner, InlineRunner

from .conftest import Seeded


@pytest.fixture
def ctx(qapp, tmp_path: Path, clock: FakeClock, workspace: Workspace) -> PaneContext:  # type: ignore[no-untyped-def]
    context = PaneContext(bus=AppBus(), settings=Settings(tmp_path / "s.ini"), clock=clock,
                          runner=InlineRunner(), prompter=ScriptedPrompter(), undo_stack=QUndoStack())
    context.workspace = workspace
    return context


@pytest.fixture
def accounts(qtbot, ctx: PaneContext) -> AccountsPane:  # type: ignore[no-untyped-def]
    pane = AccountsPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(900, 500)
    pane.show()
    qtbot.waitExposed(pane)
    ctx.bus.sig_book_opened.emit(ctx.workspace)
    return pane


@pytest.fixture
def research(qtbot, ctx: PaneContext) -> ResearchPane:  # type: ignore[no-untyped-def]
    pane = ResearchPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(900, 900)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def _column(model, key: str) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, c in enumerate(model.columns) if c.key == key)


def _shown(model, key: str = "name") -> list[str]:  # type: ignore[no-untyped-def]
    """Cell texts through `row_at` (synchronous); painting's async path has its own test."""
    column = model.columns[_column(model, key)]
    return [column.display(model.row_at(r)) for r in range(model.rowCount())]


def _type(qtbot, pane: AccountsPane, text: str) -> None:  # type: ignore[no-untyped-def]
    pane.search_edit.clear()
    with qtbot.waitSignal(pane.search.sig_results_ready, timeout=3000):
        qtbot.keyClicks(pane.search_edit, text)


# -- models ---------------------------------------------------------------------------------

def test_models_pass_qtmodeltester(qtmodeltester, accounts: AccountsPane, research: ResearchPane,
                                   seeded: Seeded) -> None:
    assert accounts.accounts_model.rowCount() == 4 and accounts.contacts_model.rowCount() == 4
    qtmodeltester.check(accounts.accounts_model)
    qtmodeltester.check(accounts.contacts_model)
    research.show_account(seeded.northwind)
    assert research.contacts_model.rowCount() == 1
    qtmodeltester.check(research.contacts_model)


def test_partial_results_deliver_only_for_the_latest_search(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    def job(request: str, _token: CancelToken, partial) -> str:  # type: ignore[no-untyped-def]
        partial(f"{request}: accounts")
        return f"{request}: all"

    controller = SearchController(InlineRunner(), job)
    got: list[str] = []
    controller.sig_results_ready.connect(lambda _request, result: got.append(result))
    controller.run_now("x")
    assert got == ["x: accounts", "x: all"]


def test_painting_never_waits_rows_arrive_from_a_worker(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    model = accounts.accounts_model
    model.invalidate()
    first = model.index(0, 0)
    assert first.data() == model.PLACEHOLDER and model.loading  # asked for, not fetched inline
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        pass
    assert not model.loading and first.data() == "Mystery Co"


def test_book_lists_fill_on_open_sorted_by_name(accounts: AccountsPane) -> None:
    # SQLite's NOCASE folds ASCII only, so "Mü" sorts after "My" (a known limit, like Python's str order).
    assert _shown(accounts.accounts_model) == ["Mystery Co", "Müller Logistik AG", "Northwind Analytics Inc.",
                                               "Outback Freight Pty Ltd"]
    assert accounts.tabs.tabText(0) == "Accounts 4" and accounts.tabs.tabText(CONTACTS_TAB) == "Contacts 4"


def test_header_click_sorts_in_sql(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    column = _column(accounts.accounts_model, "employees")
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=3000):
        accounts.accounts_view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert _shown(accounts.accounts_model)[0] == "Müller Logistik AG"  # 1,200 employees
    assert _shown(accounts.accounts_model, "employees")[:3] == ["1,200", "420", "30"]


def test_a_chosen_source_survives_a_reload_of_the_lists(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    combo = accounts.filter_bar.label_filter
    index = next(i for i in range(combo.count()) if combo.itemText(i) == "Trade show Berlin")
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=3000):
        combo.setCurrentIndex(index)
    assert _shown(accounts.accounts_model) == ["Müller Logistik AG"]
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=3000):
        accounts.refresh()  # e.g. after an import: the labels are read again, as new objects
    assert combo.currentText() == "Trade show Berlin"
    assert _shown(accounts.accounts_model) == ["Müller Logistik AG"]


# -- search as you type -----------------------------------------------------------------------

def test_typing_searches_after_a_pause(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    _type(qtbot, accounts, "Muller")
    assert _shown(accounts.accounts_model) == ["Müller Logistik AG"]
    assert _shown(accounts.contacts_model) == ["Jürgen Müller"]
    _type(qtbot, accounts, "416 555 0199")
    assert _shown(accounts.contacts_model) == ["Jane Doe"]
    assert accounts.tabs.tabText(CONTACTS_TAB) == "Contacts 1"


@pytest.mark.parametrize("text", ['"', "*", "AND (", "-"])
def test_syntax_input_shows_no_rows_and_no_error(qtbot, accounts: AccountsPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                                 text: str) -> None:
    with qtbot.assertNotEmitted(ctx.bus.sig_error):
        _type(qtbot, accounts, text)
    assert accounts.accounts_model.rowCount() == 0 and accounts.contacts_model.rowCount() == 0
    assert accounts.status.text().startswith("Nothing to search for")


def test_debounce_sends_only_the_last_text(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    controller = SearchController(InlineRunner(), lambda request, *_: seen.append(request) or request,
                                  debounce_ms=50)
    for text in ("m", "mu", "mul"):
        controller.request(text)
    with qtbot.waitSignal(controller.sig_results_ready, timeout=2000) as delivered:
        pass
    assert seen == ["mul"] and delivered.args == ["mul", "mul"]


def test_only_the_latest_search_delivers(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    release = threading.Event()
    started = threading.Event()

    def job(request: str, _token: CancelToken, _partial: object) -> str:
        if request == "slow":
            started.set()
            release.wait(5)
        return request

    controller = SearchController(runner, job, debounce_ms=10)
    try:
        controller.run_now("slow")
        assert started.wait(5)
        with qtbot.waitSignal(controller.sig_results_ready, timeout=3000) as fast:
            controller.run_now("fast")
        assert fast.args == ["fast", "fast"]
        with qtbot.assertNotEmitted(controller.sig_results_ready, wait=300):
            release.set()  # the slow one finishes now, and is dropped
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=3000)
    finally:
        release.set()
        runner.shutdown()


def test_a_queued_search_gives_up_when_superseded(qapp) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []

    class Deferred:  # runs nothing until told, like a busy pool
        pending = 0

        def __init__(self) -> None:
            self.jobs: list[tuple] = []

        def run(self, fn, on_done=None, on_error=None, **_kw):  # type: ignore[no-untyped-def]
            self.jobs.append((fn, on_done, on_error))

    runner = Deferred()
    controller = SearchController(runner, lambda request, *_: calls.append(request) or request)
    controller.run_now("old")
    controller.run_now("new")
    (old_fn, _d, _old_err), (new_fn, _new_done, _e) = runner.jobs
    errors: list[BaseException] = []
    try:
        old_fn()
    except BaseException as exc:  # the cancelled job raises OperationCancelled before querying
        errors.append(exc)
    assert calls == [] and type(errors[0]).__name__ == "OperationCancelled"
    assert new_fn() == "new" and calls == ["new"]


# -- selection and keys -------------------------------------------------------------------------

def test_selecting_publishes_focus_and_enter_opens_research(qtbot, accounts: AccountsPane,  # type: ignore[no-untyped-def]
                                                            ctx: PaneContext, seeded: Seeded) -> None:
    _type(qtbot, accounts, "northwind")
    with qtbot.waitSignal(ctx.bus.sig_focus_changed, timeout=1000,
                          check_params_cb=lambda f: f.account_id == seeded.northwind) as focused:
        qtbot.keyClick(accounts.search_edit, Qt.Key.Key_Down)  # arrows move the list from the search box
    assert focused.args[0].account_id == seeded.northwind
    with qtbot.waitSignal(ctx.bus.sig_open_research_requested, timeout=1000) as opened:
        qtbot.keyClick(accounts.search_edit, Qt.Key.Key_Return)
    assert opened.args == [seeded.northwind]

    accounts.show_tab(CONTACTS_TAB)
    _type(qtbot, accounts, "jane")
    qtbot.keyClick(accounts.search_edit, Qt.Key.Key_Down)
    jane = accounts.selected_row()
    # One focus carries both: a contact never arrives without its own account. (Northwind's
    # best contact was already focused with the account, so nothing new needed sending.)
    qtbot.waitUntil(lambda: ctx.bus.focus.contact_id == jane.id)
    assert ctx.bus.focus.account_id == seeded.northwind
    with qtbot.waitSignal(ctx.bus.sig_open_research_requested, timeout=1000) as opened:
        qtbot.keyClick(accounts.contacts_view, Qt.Key.Key_Enter)
    assert opened.args == [seeded.northwind]  # a contact opens its account's research


def test_escape_clears_and_ctrl_f_focuses_search(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    _type(qtbot, accounts, "muller")
    accounts.accounts_view.setFocus()
    qtbot.waitUntil(accounts.accounts_view.hasFocus, timeout=2000)
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=3000):
        qtbot.keyClick(accounts.accounts_view, Qt.Key.Key_Escape)
    assert accounts.search_edit.text() == "" and accounts.accounts_model.rowCount() == 4
    qtbot.waitUntil(accounts.search_edit.hasFocus, timeout=2000)

    accounts.accounts_view.setFocus()
    qtbot.waitUntil(accounts.accounts_view.hasFocus, timeout=2000)
    qtbot.keyClick(accounts.accounts_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(accounts.search_edit.hasFocus, timeout=2000)


def test_one_letter_searches_names_only(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    _type(qtbot, accounts, "m")
    assert _shown(accounts.accounts_model) == ["Mystery Co", "Müller Logistik AG"]  # NOCASE order; no notes
    assert accounts.status.text() == "Names starting with “m”"


def test_edits_elsewhere_repaint_the_row(qtbot, accounts: AccountsPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                         seeded: Seeded, clock: FakeClock, workspace: Workspace) -> None:
    before = _shown(accounts.accounts_model)
    assert "Northwind Analytics Inc." in before
    _inverse, changes = rs.apply_edit(workspace.uow_factory,
                                      rs.FieldEdit("account", seeded.northwind, "name", "Aardvark Analytics"),
                                      clock)
    ctx.bus.sig_changes_applied.emit(changes, None)
    assert _shown(accounts.accounts_model)[0] == "Aardvark Analytics"


# -- research pane --------------------------------------------------------------------------------

def _local(research: ResearchPane, name: str) -> str:
    model = research.contacts_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)
    return model.index(row, model.local_column()).data()


def test_research_shows_the_account_and_follows_focus(qtbot, research: ResearchPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                                      seeded: Seeded) -> None:
    assert research.empty.isVisible()
    ctx.bus.set_focus(Focus(seeded.northwind))
    assert research.title.text() == "Northwind Analytics Inc."
    assert research.line_edits["industry"].text() == "Software"
    assert research.tier_combo.currentData() == "A"
    assert "criteria met" in research.icp_label.text()
    assert "stale" in research.triggers_label.text() and "Series B" in research.triggers_label.text()
    assert research.text_edits["likely_pain"].toPlainText() == "Ramp time"
    ctx.bus.set_focus(Focus())
    assert research.empty.isVisible() and not research.scroll.isVisible()


def test_local_times_toronto_possible_zones_unknown_and_live(qtbot, research: ResearchPane,  # type: ignore[no-untyped-def]
                                                             seeded: Seeded, clock: FakeClock) -> None:
    research.show_account(seeded.northwind)
    assert _local(research, "Jane Doe") == "11:00 Toronto"
    research.show_account(seeded.outback)
    assert _local(research, "Bruce Wilson") == "8 possible zones"
    assert "possible zones" in research.people.zone_info.text()
    research.show_account(seeded.mystery)
    assert _local(research, "Nora Body") == "unknown"

    research.show_account(seeded.northwind)
    clock.advance(timedelta(minutes=7))
    qtbot.waitUntil(lambda: _local(research, "Jane Doe") == "11:07 Toronto", timeout=3000)  # the 1 s tick


def test_pin_zone_wins_and_undo_unpins(qtbot, research: ResearchPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                       seeded: Seeded) -> None:
    research.show_account(seeded.outback)
    research.people.zone_combo.setEditText("Australia/Perth")
    research.people.pin_button.click()
    assert _local(research, "Bruce Wilson") == "23:00 Perth"
    assert research.people.unpin_button.isEnabled()
    ctx.undo_stack.undo()
    assert _local(research, "Bruce Wilson") == "8 possible zones"
    ctx.undo_stack.redo()
    assert _local(research, "Bruce Wilson") == "23:00 Perth"


def test_in_place_edit_saves_undoes_and_survives_restart(qtbot, research: ResearchPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                                         seeded: Seeded, clock: FakeClock) -> None:
    research.show_account(seeded.northwind)
    industry = research.line_edits["industry"]
    industry.setFocus()
    industry.selectAll()
    qtbot.keyClicks(industry, "Financial Services")
    qtbot.keyClick(industry, Qt.Key.Key_Return)  # editingFinished: one transaction, one undo step
    assert ctx.undo_stack.count() == 1 and ctx.undo_stack.undoText() == "Edit industry"

    reopened = open_workspace(seeded.path, clock)
    try:
        with reopened.uow_factory() as uow:
            saved = rs.load_research(uow, seeded.northwind, clock.now().date())
        assert saved is not None and saved.industry == "Financial Services"
    finally:
        reopened.close()

    ctx.undo_stack.undo()
    assert industry.text() == "Software"
    with ctx.workspace.uow_factory() as uow:  # type: ignore[union-attr]
        account = uow.accounts.get(seeded.northwind)
        assert account is not None and account.industry == "Software"


def test_typing_in_a_text_area_is_one_undo_step(qtbot, research: ResearchPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                                seeded: Seeded) -> None:
    research.show_account(seeded.northwind)
    notes = research.text_edits["research_notes"]
    notes.setFocus()
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(notes, "; renewal in Q3")
    research.save_dirty_texts()
    qtbot.keyClicks(notes, " with Salesforce")
    research.save_dirty_texts()
    assert ctx.undo_stack.count() == 1  # merged
    assert research.research is not None
    assert research.research.research_notes == "Uses a legacy CRM; renewal in Q3 with Salesforce"
    ctx.undo_stack.undo()
    assert notes.toPlainText() == "Uses a legacy CRM"


def test_a_refused_value_is_explained_and_not_undoable(qtbot, research: ResearchPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                                       seeded: Seeded) -> None:
    research.show_account(seeded.northwind)
    employees = research.line_edits["employee_count"]
    employees.setText("lots")
    employees.editingFinished.emit()
    assert research.error_label.isVisible() and "whole number" in research.error_label.text()
    assert ctx.undo_stack.count() == 0
    assert employees.text() == "lots"  # kept for fixing, not silently reverted


def test_focus_from_another_pane_selects_the_contact_without_echo(qtbot, research: ResearchPane,  # type: ignore[no-untyped-def]
                                                                  ctx: PaneContext, seeded: Seeded) -> None:
    research.show_account(seeded.northwind)
    with qtbot.assertNotEmitted(ctx.bus.sig_focus_changed, wait=100):
        research.show_account(seeded.mueller_ag)
    ctx.bus.set_focus(Focus(seeded.mueller_ag, seeded.jurgen))
    assert research.selected_contact_id() == seeded.jurgen



def test_contact_fields_edit_in_the_table_with_undo(qtbot, research: ResearchPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                                   seeded: Seeded) -> None:
    research.show_account(seeded.northwind)
    model = research.contacts_model
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    title, email = headers.index("Title"), headers.index("E-mail")
    index = model.index(0, title)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable  # the name is not edited here
    assert model.setData(index, "Chief Revenue Officer")
    assert model.index(0, title).data() == "Chief Revenue Officer"  # reloaded from the database
    assert ctx.undo_stack.undoText() == "Edit title"
    ctx.undo_stack.undo()
    assert model.index(0, title).data() == "VP of Sales"
    assert model.setData(model.index(0, email), "  JANE@Northwind.io ")
    assert model.index(0, email).data() == "jane@northwind.io"


def test_a_hidden_pane_defers_until_shown(qtbot, accounts: AccountsPane, ctx: PaneContext,  # type: ignore[no-untyped-def]
                                          seeded: Seeded, clock: FakeClock, workspace: Workspace) -> None:
    accounts.hide()
    _inverse, changes = rs.apply_edit(workspace.uow_factory,
                                      rs.FieldEdit("account", seeded.mystery, "name", "Aaa Mystery"), clock)
    with qtbot.assertNotEmitted(accounts.search.sig_results_ready, wait=50):
        ctx.bus.sig_changes_applied.emit(changes, None)
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=2000):
        accounts.show()
    assert _shown(accounts.accounts_model)[0] == "Aaa Mystery"


def test_a_query_ranks_by_relevance_until_a_header_is_clicked(qtbot, accounts: AccountsPane) -> None:  # type: ignore[no-untyped-def]
    header = accounts.accounts_view.horizontalHeader()
    _type(qtbot, accounts, "north")
    assert accounts.search.generation and header.sortIndicatorSection() == -1  # relevance: no column
    assert _shown(accounts.contacts_model) == ["Nora Body", "Jane Doe"]  # Nora: "north" starts no name
    column = _column(accounts.accounts_model, "name")
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=3000):
        accounts.accounts_view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert header.sortIndicatorSection() == column
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    _type(qtbot, accounts, "mu")  # a new query: best match first again
    assert header.sortIndicatorSection() == -1
