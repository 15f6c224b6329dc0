"""File menu: Import CSV opens the wizard on the open book; finished imports refresh the panes."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from sdrdesk.domain.changes import Changes
from sdrdesk.ui.dialogs.import_wizard import PAGE_DETECT, PAGE_FILE, PAGE_REPORT, ImportWizard
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.conftest import shared_file
from tests.importing.helpers import write_csv
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


def _app_on_demo_copy(make_app, qtbot, tmp_path: Path, demo_book_file: Path):  # type: ignore[no-untyped-def]
    """The app, shown, with a copy of the demo book open."""
    parts = make_app(prompter=ScriptedPrompter())
    book = tmp_path / "book.db"
    shutil.copy(demo_book_file, book)
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    return parts


_MIME_KEPT: list[QMimeData] = []  # events do not own their mime data: keep it alive


def _drop_events(path: Path) -> tuple[QDragEnterEvent, QDropEvent]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    _MIME_KEPT.append(mime)
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    return (QDragEnterEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, buttons, modifiers),
            QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, buttons, modifiers))


def test_a_csv_dropped_on_the_window_opens_the_wizard_at_detection(
        make_app, qtbot, tmp_path: Path, demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    parts = make_app(prompter=ScriptedPrompter())
    window = parts.window
    source = shared_file("salesforce-easy-spaces-lwc/Contact_Data.csv")
    enter, _drop = _drop_events(source)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()  # no book open: nothing to import into
    book = tmp_path / "book.db"
    shutil.copy(demo_book_file, book)
    window.show()
    open_and_wait(qtbot, parts, book)

    not_csv = tmp_path / "photo.png"
    not_csv.write_bytes(b"\x89PNG\r\n")
    refused, _ = _drop_events(not_csv)
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()

    enter, drop = _drop_events(source)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(drop)
    wizards = window.findChildren(ImportWizard)
    assert len(wizards) == 1 and wizards[0].isVisible()
    assert wizards[0].currentId() == PAGE_DETECT
    assert "Delimiter: comma" in wizards[0].detect_page.summary.text()


def test_a_dropped_file_the_importer_refuses_stays_on_the_first_page(
        make_app, qtbot, tmp_path: Path, demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    parts = _app_on_demo_copy(make_app, qtbot, tmp_path, demo_book_file)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wizard = parts.window.import_file(empty)
    assert wizard is not None and wizard.currentId() == PAGE_FILE
    assert wizard.file_page.error.text()  # the reason, on the page the user can fix it from


def test_the_report_lists_what_the_import_brought_in(
        make_app, qtbot, tmp_path: Path, demo_book_file: Path) -> None:  # type: ignore[no-untyped-def]
    parts = _app_on_demo_copy(make_app, qtbot, tmp_path, demo_book_file)
    accounts = parts.window.panes["pane.accounts"]
    accounts.search_edit.setText("zz")  # a search and a filter the import's list must clear
    accounts.filter_bar.open_tasks_filter.setChecked(True)
    source = write_csv(tmp_path / "webinar.csv", "Name,Email,Company\nAnn Lee,ann@lee-webinar.com,Leeco\n"
                                                 "Bo Ng,bo@ng-webinar.com,Ngco\n")
    wizard = parts.window.import_file(source)
    assert wizard is not None
    for _page in range(4):  # detection -> mapping -> preview -> source label -> run
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=20_000)
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=20_000)
    button = wizard.report_page.show_records
    assert button.isVisible()
    with qtbot.waitSignal(accounts.search.sig_results_ready, timeout=5_000):
        button.click()
    assert accounts.filter_bar.label_filter.currentText() == wizard.report.source_label  # type: ignore[union-attr]
    assert accounts.search_edit.text() == "" and not accounts.filter_bar.open_tasks_filter.isChecked()
    qtbot.waitUntil(lambda: accounts.contacts_model.rowCount() == 2, timeout=5_000)
    assert accounts.accounts_model.rowCount() == 2  # Leeco and Ngco, none of the demo book's
