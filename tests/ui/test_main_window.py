"""The main window: docks, named layouts across restarts, reset, screens, books."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRect

from sdrdesk.domain.errors import NotAnSdrdeskDatabase
from sdrdesk.domain.focus import Focus
from sdrdesk.ui import layouts
from sdrdesk.ui.main_window import clamp_to_screens
from sdrdesk.ui.panes.docks import PANE_NAMES
from tests.ui.conftest import open_and_wait


def _visible(window) -> set[str]:  # type: ignore[no-untyped-def]
    return {name for name, dock in window.docks.items() if dock.isVisible()}


def test_every_pane_is_a_dock_with_a_stable_name(make_app) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    window = parts.window
    assert set(window.docks) == set(PANE_NAMES)
    for name, dock in window.docks.items():
        assert dock.objectName() == name
        assert window.findChild(type(dock), name) is dock
    toggles = {a.objectName() for a in window.view_menu.actions()}
    assert {f"action.toggle.{name}" for name in PANE_NAMES} <= toggles


def test_view_menu_hides_and_shows_panes(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    parts.window.show()
    qtbot.waitExposed(parts.window)
    toggle = parts.window.docks["pane.timeline"].toggleViewAction()
    assert parts.window.docks["pane.timeline"].isVisible()
    toggle.trigger()
    assert not parts.window.docks["pane.timeline"].isVisible()
    toggle.trigger()
    assert parts.window.docks["pane.timeline"].isVisible()


def test_saved_layout_survives_a_restart(make_app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = make_app(tmp_path)
    first.window.show()
    qtbot.waitExposed(first.window)
    first.window.apply_layout("Research")
    first.window.docks["pane.timeline"].hide()
    first.window.docks["pane.metrics"].show()
    expected = _visible(first.window)
    first.window.save_layout("Mine")
    first.window.close()  # saves window state

    second = make_app(tmp_path)
    second.window.restore_window_state()
    second.window.show()
    qtbot.waitExposed(second.window)
    assert _visible(second.window) == expected  # the last session's state came back
    second.window.reset_layout()
    assert _visible(second.window) != expected
    assert second.window.restore_layout("Mine")
    assert _visible(second.window) == expected
    assert "Mine" in layouts.saved_names(second.ctx.settings)


def test_reset_restores_the_default_layout(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    parts.window.show()
    qtbot.waitExposed(parts.window)
    default = _visible(parts.window)
    spec = layouts.BUILTIN_LAYOUTS[layouts.DEFAULT_LAYOUT]
    assert default == set(PANE_NAMES) - set(spec.hidden)
    parts.window.apply_layout("Coaching")
    assert _visible(parts.window) != default
    parts.window.docks["pane.research"].setFloating(True)
    parts.window.reset_layout()
    assert _visible(parts.window) == default
    assert not parts.window.docks["pane.research"].isFloating()


def test_unreadable_saved_state_falls_back_to_the_default(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.ui import settings as S

    parts = make_app()
    parts.ctx.settings.set(S.WINDOW_STATE, b"garbage that is not a Qt state")
    parts.ctx.settings.set(S.SAVED_LAYOUTS, {"Broken": {"version": layouts.LAYOUT_VERSION, "state": "!!"}})
    parts.window.restore_window_state()
    parts.window.show()
    qtbot.waitExposed(parts.window)
    spec = layouts.BUILTIN_LAYOUTS[layouts.DEFAULT_LAYOUT]
    assert _visible(parts.window) == set(PANE_NAMES) - set(spec.hidden)
    assert parts.window.restore_layout("Broken") is False


def test_geometry_is_clamped_onto_existing_screens() -> None:
    laptop = [QRect(0, 0, 1366, 768)]
    lost_monitor = QRect(2500, 200, 1400, 900)
    clamped = clamp_to_screens(lost_monitor, laptop)
    assert laptop[0].contains(clamped)
    on_screen = QRect(100, 100, 800, 600)
    assert clamp_to_screens(on_screen, laptop) == on_screen
    two = [QRect(0, 0, 1920, 1080), QRect(1920, 0, 1920, 1080)]
    assert clamp_to_screens(QRect(2000, 100, 800, 600), two) == QRect(2000, 100, 800, 600)


def test_first_start_opens_the_demo_book(make_app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    parts.window.show()
    book, is_demo = parts.books.startup_book(demo=False)
    assert is_demo and book == tmp_path / "data" / "demo.db"
    open_and_wait(qtbot, parts, book, is_demo=True)
    assert parts.window.windowTitle().startswith("Demo book")
    today = parts.window.panes["pane.today"]
    assert today.model.rowCount() > 0


def test_a_foreign_file_is_refused_and_the_open_book_stays(make_app, qtbot, tmp_path: Path,
                                                           demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    good = tmp_path / "good.db"
    shutil.copy(demo_book_file, good)
    open_and_wait(qtbot, parts, good)
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database")
    reported: list[BaseException] = []
    parts.errors.report = lambda exc: reported.append(exc)  # type: ignore[method-assign]
    parts.ctx.bus.sig_error.disconnect()
    parts.ctx.bus.sig_error.connect(parts.errors.report)
    with qtbot.waitSignal(parts.books.sig_open_failed, timeout=10_000):
        parts.books.open(foreign)
    assert isinstance(reported[0], NotAnSdrdeskDatabase)
    assert parts.ctx.workspace.path == good
    assert foreign.read_text() == "not a database"


def test_selecting_a_task_focuses_its_contact(make_app, qtbot, tmp_path: Path,
                                              demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    book = tmp_path / "b.db"
    shutil.copy(demo_book_file, book)
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    today = parts.window.panes["pane.today"]
    with qtbot.waitSignal(parts.ctx.bus.sig_focus_changed) as focus:
        today.select_row(1)
    task = today.model.row_at(1).task
    assert focus.args[0] == Focus(task.account_id, task.contact_id, task.id)


def test_os_open_requests_open_books_and_ask_what_to_do_with_rep_files(
        make_app, qtbot, tmp_path: Path, demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent

    from sdrdesk.services.repfile.container import RepFileRejected
    from sdrdesk.ui.prompter import ScriptedPrompter

    prompter = ScriptedPrompter("Merge into my book", None)
    parts = make_app(prompter=prompter)
    reported: list[BaseException] = []
    parts.ctx.bus.sig_error.disconnect()
    parts.ctx.bus.sig_error.connect(reported.append)
    book = tmp_path / "double-clicked.db"
    shutil.copy(demo_book_file, book)
    QCoreApplication.sendEvent(parts.app, QFileOpenEvent(str(book)))  # what macOS sends
    qtbot.waitUntil(lambda: parts.ctx.workspace is not None and parts.ctx.workspace.path == book,
                    timeout=10_000)
    before = book.read_bytes()
    rep = tmp_path / "alex.sdrdesk"
    rep.write_bytes(b"PK\x03\x04 rep file")
    parts.books.open_file(rep)  # asks; "merge" checks the file, which is refused
    assert prompter.asked[-1] == ("choose", "Open rep file")
    assert isinstance(reported[-1], RepFileRejected)
    assert parts.ctx.workspace.path == book and book.read_bytes() == before
    assert rep.read_bytes() == b"PK\x03\x04 rep file"
    parts.books.open_file(rep)  # cancelled: nothing happens
    assert len(reported) == 1


def test_switching_books_announces_the_old_one_while_it_is_still_current(
        make_app, qtbot, tmp_path: Path, demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copy(demo_book_file, first)
    shutil.copy(demo_book_file, second)
    open_and_wait(qtbot, parts, first)
    seen: list[tuple[Path, Path]] = []
    parts.ctx.bus.sig_book_closing.connect(
        lambda ws: seen.append((ws.path, parts.ctx.workspace.path)))
    open_and_wait(qtbot, parts, second)
    assert seen == [(first, first)]
