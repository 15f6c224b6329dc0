"""The import wizard, driven page by page (never `.exec()`): every step, a run, a cancel, errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from PySide6.QtWidgets import QWizard

from sdrdesk.domain.clock import SystemClock
from sdrdesk.services.csv_import import last_import
from sdrdesk.services.csv_import.service import ImportService
from sdrdesk.storage.unit_of_work import UowFactory
from sdrdesk.ui import settings as S
from sdrdesk.ui.dialogs.import_wizard import (
    PAGE_DETECT,
    PAGE_MAPPING,
    PAGE_PREVIEW,
    PAGE_REPORT,
    PAGE_RUN,
    PAGE_SOURCE,
    ImportWizard,
    export_csv_prompted,
    open_import_wizard,
    progress_text,
    undo_last_import_confirmed,
)
from sdrdesk.ui.file_opener import RecordingFileOpener
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner, InlineRunner
from tests.conftest import shared_file
from tests.importing.helpers import dump_book, write_csv

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(tmp_path / "settings.ini")
    s.set(S.DEFAULT_REGION, "GB")
    return s


def _open(qtbot, book_path: Path, uow_factory: UowFactory, settings: Settings,  # type: ignore[no-untyped-def]
          runner=None) -> ImportWizard:  # type: ignore[no-untyped-def]
    wizard = open_import_wizard(None, book_path, ImportService(uow_factory, SystemClock()), settings,
                                runner=runner or InlineRunner())
    qtbot.addWidget(wizard)
    assert wizard.isVisible() and not wizard.isModal()
    return wizard


def _run_to_report(qtbot, wizard: ImportWizard, source: Path) -> None:  # type: ignore[no-untyped-def]
    """Every page with its defaults, then wait for the import's report."""
    wizard.file_page.path_edit.setText(str(source))
    for _page in range(5):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=10_000)


def _start_a_long_import(qtbot, wizard: ImportWizard) -> None:  # type: ignore[no-untyped-def]
    """Run to the import of 10,000 rows, which takes seconds: what follows lands mid-run."""
    wizard.file_page.path_edit.setText(str(shared_file("datablist/customers-10000.csv")))
    wizard.next()
    wizard.next()
    wizard.mapping_page.remember.setChecked(False)  # a remembered mapping is a preference, not data
    wizard.next()
    wizard.next()
    assert wizard.currentId() == PAGE_SOURCE
    wizard.next()
    qtbot.waitUntil(lambda: wizard.running, timeout=5_000)


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_wizard_runs_every_step(qtbot, tmp_path: Path, book_path: Path, uow_factory: UowFactory,  # type: ignore[no-untyped-def]
                                settings: Settings) -> None:
    source = write_csv(tmp_path / "leads.csv",
                       "Who;Company;Email;Phone\nAnn Lee;Acme;ann@acme.com;020 7946 0958\n"
                       "Bo Ng;Acme;not-an-email;07700 900123\nCy Oh;Globex;cy@globex.com;\n")
    wizard = _open(qtbot, book_path, uow_factory, settings)
    finished: list[object] = []
    wizard.sig_import_finished.connect(lambda report, changes: finished.append((report, changes)))
    wizard.file_page.path_edit.setText(str(source))
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.currentId() == PAGE_DETECT
    assert "Delimiter: semicolon" in wizard.detect_page.summary.text()
    assert wizard.detect_page.sample.rowCount() == 3
    wizard.next()
    assert wizard.currentId() == PAGE_MAPPING
    page = wizard.mapping_page
    fields = [c.currentData() for c in page.combos]
    assert fields == ["ignore", "account.name", "contact.email", "contact.phone"]
    page.set_field(0, "contact.full_name")
    assert "contacts and accounts" in page.kind.text()
    wizard.next()
    assert wizard.currentId() == PAGE_PREVIEW
    preview = wizard.preview_page
    assert [o.outcome for o in preview.preview.row_outcomes] == ["imported", "rejected", "imported"]
    assert preview.rows.rowCount() == 3
    # Both numbers are valid in GB: the summary does not talk about invalid ones.
    assert "2 new, 0 updates" in preview.summary.text() and "not valid" not in preview.summary.text()
    assert preview.rows.item(1, 3).toolTip() == preview.rows.item(1, 3).text() != ""
    wizard.next()
    assert wizard.currentId() == PAGE_SOURCE
    wizard.source_page.label.setText("Webinar leads")
    wizard.next()  # the run page starts the import on the next turn of the event loop
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=10_000)
    text = wizard.report_page.text.toPlainText()
    assert "imported 2" in text and "rejected 1" in text and "Webinar leads" in text
    assert finished and finished[0][1].book_reloaded  # type: ignore[index]
    assert _count(book_path, "contacts") == 2
    # The GB default region from preferences parsed the national number.
    conn = sqlite3.connect(book_path)
    assert conn.execute("SELECT e164 FROM contact_phones").fetchall() == [("+442079460958",)]
    conn.close()
    # The mapping the user made is remembered for the next file with the same columns.
    again = _open(qtbot, book_path, uow_factory, settings)
    again.file_page.path_edit.setText(str(source))
    again.next()
    again.next()
    assert again.mapping_page.combos[0].currentData() == "contact.full_name"
    again.next()
    again.next()
    # Labels already in the book are offered again.
    model = again.source_page.label.completer().model()
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["Webinar leads"]


def test_report_page_opens_the_rejected_rows_and_the_report_folder(
        qtbot, tmp_path: Path, book_path: Path, uow_factory: UowFactory,  # type: ignore[no-untyped-def]
        settings: Settings) -> None:
    source = write_csv(tmp_path / "leads.csv", "Name,Email\nAnn Lee,ann@acme.com\nBo Ng,not-an-email\n")
    opener = RecordingFileOpener()
    wizard = ImportWizard(book_path, ImportService(uow_factory, SystemClock()), settings,
                          runner=InlineRunner(), file_opener=opener)
    qtbot.addWidget(wizard)
    wizard.show()
    _run_to_report(qtbot, wizard, source)
    page = wizard.report_page
    assert page.open_rejects.isVisible() and page.open_folder.isVisible()
    page.open_rejects.click()
    page.open_folder.click()
    rejects = Path(wizard.report.rejects_file)  # type: ignore[union-attr, arg-type]
    assert opener.opened == [rejects, rejects.parent]
    assert "not-an-email" in rejects.read_text(encoding="utf-8-sig")
    opener.opened.clear()
    failing = RecordingFileOpener(succeed=False)
    wizard.file_opener = failing
    page.open_rejects.click()
    assert "Could not open" in page.text.toPlainText()


def test_report_page_hides_the_rejects_button_when_nothing_was_rejected(
        qtbot, tmp_path: Path, book_path: Path, uow_factory: UowFactory,  # type: ignore[no-untyped-def]
        settings: Settings) -> None:
    source = write_csv(tmp_path / "ok.csv", "Name,Email\nAnn Lee,ann@acme.com\n")
    wizard = _open(qtbot, book_path, uow_factory, settings)
    _run_to_report(qtbot, wizard, source)
    assert not wizard.report_page.open_rejects.isVisible()
    assert wizard.report_page.open_folder.isVisible()


def test_refused_file_stays_on_the_first_page(qtbot, tmp_path: Path, book_path: Path,  # type: ignore[no-untyped-def]
                                              uow_factory: UowFactory, settings: Settings) -> None:
    bad = tmp_path / "sheet.csv"
    bad.write_bytes(b"PK\x03\x04[Content_Types].xml xl/workbook.xml")
    wizard = _open(qtbot, book_path, uow_factory, settings)
    wizard.file_page.path_edit.setText(str(bad))
    wizard.next()
    assert wizard.currentId() == 0
    assert "Excel workbook" in wizard.file_page.error.text()


def test_detection_overrides(qtbot, book_path: Path, uow_factory: UowFactory, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    wizard = _open(qtbot, book_path, uow_factory, settings)
    wizard.file_page.path_edit.setText(str(shared_file("thunderbird/csv_semicolon.csv")))
    wizard.next()
    page = wizard.detect_page
    page.delimiter.setCurrentIndex(page.delimiter.findData(","))
    assert wizard.detection is not None and wizard.detection.delimiter == ","
    assert page.sample.columnCount() == 1
    page.delimiter.setCurrentIndex(page.delimiter.findData(";"))
    assert page.sample.columnCount() == 4
    page.encoding.setCurrentIndex(page.encoding.findData("utf-16-le"))
    assert not page.isComplete()  # the file is not UTF-16: the page says so and will not go on
    page.encoding.setCurrentIndex(page.encoding.findData("utf-8"))
    assert page.isComplete()


def test_cancel_leaves_the_book_unchanged(qtbot, book_path: Path, uow_factory: UowFactory,  # type: ignore[no-untyped-def]
                                          settings: Settings) -> None:
    before = dump_book(book_path)
    runner = BackgroundRunner()
    wizard = _open(qtbot, book_path, uow_factory, settings, runner=runner)
    try:
        _start_a_long_import(qtbot, wizard)
        assert wizard.currentId() == PAGE_RUN
        wizard.cancel_import()
        qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=30_000)
        assert wizard.report is None
        assert "cancelled" in wizard.report_page.text.toPlainText().lower()
        assert dump_book(book_path) == before
        assert last_import(uow_factory) is None
    finally:
        runner.shutdown()


def test_undo_last_import_asks_first(tmp_path: Path, book_path: Path, uow_factory: UowFactory) -> None:
    from sdrdesk.services.csv_import import ImportOptions, import_csv

    before = dump_book(book_path)
    imports, undone = ImportService(uow_factory, SystemClock()), []
    prompter = ScriptedPrompter()
    undo_last_import_confirmed(prompter, imports, InlineRunner(), undone.append)
    assert prompter.asked == [("inform", "Undo last import")]
    import_csv(write_csv(tmp_path / "a.csv", "Email,Company\nann@x.com,Acme\n"), uow_factory, ImportOptions())
    undo_last_import_confirmed(ScriptedPrompter(False), imports, InlineRunner(), undone.append)  # said no
    assert _count(book_path, "contacts") == 1 and undone == []
    undo_last_import_confirmed(ScriptedPrompter(True), imports, InlineRunner(), undone.append)
    assert len(undone) == 1 and undone[0].book_reloaded
    assert dump_book(book_path) == before


def test_export_asks_where_and_writes(tmp_path: Path, uow_factory: UowFactory) -> None:
    from sdrdesk.services.csv_import import ImportOptions, import_csv

    source = write_csv(tmp_path / "a.csv", "Email,Company\nann@x.com,=Acme\n")
    import_csv(source, uow_factory, ImportOptions())
    target = tmp_path / "out.csv"
    prompter = ScriptedPrompter(target)
    imports = ImportService(uow_factory, SystemClock())
    export_csv_prompted(prompter, imports, "contacts", InlineRunner(), tmp_path)
    assert prompter.asked == [("save", "Export contacts"), ("inform", "Export contacts")]
    assert "'=Acme" in target.read_text(encoding="utf-8-sig")
    cancelled = ScriptedPrompter(None)
    export_csv_prompted(cancelled, imports, "accounts", InlineRunner(), tmp_path)
    assert cancelled.asked == [("save", "Export accounts")]


def test_closing_during_an_import_cancels_then_closes(qtbot, book_path: Path, uow_factory: UowFactory,  # type: ignore[no-untyped-def]
                                                      settings: Settings) -> None:
    before = dump_book(book_path)
    runner = BackgroundRunner()
    wizard = _open(qtbot, book_path, uow_factory, settings, runner=runner)
    try:
        _start_a_long_import(qtbot, wizard)
        wizard.reject()  # the window's close button
        assert wizard.isVisible()  # still open until the worker has rolled back
        qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=30_000)
        assert wizard.report is None
        assert dump_book(book_path) == before
    finally:
        runner.shutdown()


@pytest.mark.parametrize(("done", "total", "elapsed", "expected"), [
    (0, 0, 3.0, "Importing a.csv…"),  # size unknown (a pipe, say)
    (100_000, 12_800_000, 0.4, "Importing a.csv… 0.1 of 12.8 MB"),  # too early to guess
    (4_200_000, 12_800_000, 8.0, "Importing a.csv… 4.2 of 12.8 MB, about 15 s left"),
    (1_000_000, 12_800_000, 10.0, "Importing a.csv… 1.0 of 12.8 MB, about 2 min left"),
    (12_800_000, 12_800_000, 30.0, "Importing a.csv… 12.8 of 12.8 MB"),  # writing the last batch
])
def test_progress_says_how_far_and_how_long(done: int, total: int, elapsed: float, expected: str) -> None:
    assert progress_text("a.csv", done, total, elapsed) == expected


def test_no_way_back_into_a_running_import(qtbot, tmp_path: Path, book_path: Path,  # type: ignore[no-untyped-def]
                                           uow_factory: UowFactory, settings: Settings) -> None:
    source = write_csv(tmp_path / "a.csv", "Name,Email\nAnn Lee,ann@acme.com\n")
    imports = ImportService(uow_factory, SystemClock())
    wizard = ImportWizard(book_path, imports, settings, runner=BackgroundRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path_edit.setText(str(source))
    for _page in range(4):
        wizard.next()
    assert wizard.currentId() == PAGE_SOURCE
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "Import"
    wizard.next()
    assert wizard.currentId() in (PAGE_RUN, PAGE_REPORT)
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible() or \
        not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=10_000)
    assert _count(book_path, "contacts") == 1
