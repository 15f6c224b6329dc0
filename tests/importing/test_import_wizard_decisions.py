"""Issue 12 in the wizard: the detection page says how the file is read and why (roles, region),
the preview offers the repair of split rows and the choice for possible duplicates, and the
report page opens the skipped rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdrdesk.domain.clock import SystemClock
from sdrdesk.services.csv_import.service import ImportService
from sdrdesk.storage.unit_of_work import UowFactory
from sdrdesk.ui import settings as S
from sdrdesk.ui.dialogs.import_wizard import (
    PAGE_DETECT,
    PAGE_PREVIEW,
    PAGE_REPORT,
    ImportWizard,
    open_import_wizard,
)
from sdrdesk.ui.file_opener import RecordingFileOpener
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import InlineRunner
from tests.conftest import TEST_DATA, shared_file
from tests.importing.helpers import query

pytestmark = pytest.mark.usefixtures("qapp")
DATA = TEST_DATA / "import"


@pytest.fixture
def wizard(qtbot, tmp_path: Path, book_path: Path, uow_factory: UowFactory) -> ImportWizard:  # type: ignore[no-untyped-def]
    settings = Settings(tmp_path / "settings.ini")
    settings.set(S.DEFAULT_REGION, "US")
    w = open_import_wizard(None, book_path, ImportService(uow_factory, SystemClock()), settings,
                           runner=InlineRunner(), file_opener=RecordingFileOpener())
    qtbot.addWidget(w)
    return w


def _to(wizard: ImportWizard, path: Path, page: int) -> None:
    wizard.file_page.path_edit.setText(str(path))
    while wizard.currentId() != page:
        wizard.next()
    if page > PAGE_DETECT:
        wizard.mapping_page.remember.setChecked(False)


def test_detection_page_says_which_reading_and_which_region(wizard: ImportWizard) -> None:
    _to(wizard, DATA / "crm_people_custom_emails.csv", PAGE_DETECT)
    text = wizard.detect_page.reading.text()
    assert 'Read as people with their companies: "name" is the person\'s name' in text
    _to_first(wizard)
    _to(wizard, DATA / "musees_sans_pays.csv", PAGE_DETECT)
    text = wizard.detect_page.reading.text()
    assert "Numbers without a country code are read as France (FR)" in text
    assert "your default region is US" in text


def _to_first(wizard: ImportWizard) -> None:
    while wizard.currentId() > 0:
        wizard.back()


def test_preview_offers_the_repair_and_imports_it_when_accepted(qtbot, wizard: ImportWizard,  # type: ignore[no-untyped-def]
                                                                book_path: Path) -> None:
    _to(wizard, shared_file("northwind/customers.csv"), PAGE_PREVIEW)
    page = wizard.preview_page
    assert page.repair.isVisibleTo(wizard) and not page.repair.isChecked()
    assert "24 row(s) have one field too many" in page.repairs.text()
    assert "address = “24, place Kléber”" in page.repairs.text()
    assert page.preview.rejected == 24
    page.repair.setChecked(True)
    assert page.preview.rejected == 0
    for _ in range(2):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=10_000)
    assert wizard.report is not None and (wizard.report.imported, wizard.report.rejected) == (91, 0)
    assert query(book_path, "SELECT count(*) FROM contacts") == [(91,)]


def test_possible_duplicates_shown_with_the_choice_and_skipped_rows_opened(
        qtbot, wizard: ImportWizard) -> None:  # type: ignore[no-untyped-def]
    _to(wizard, DATA / "leads_shared_addresses.csv", PAGE_PREVIEW)
    page = wizard.preview_page
    assert page.possible.isVisibleTo(wizard) and "1 possible duplicate(s)" in page.possible.text()
    assert "row 2 “Tom Lee”: same e-mail, different name" in page.possible.text()
    assert not page.repair.isVisibleTo(wizard)
    page.skip_possible.setChecked(True)
    assert page.preview.duplicates == 2 and "skipped" in page.possible.text()
    for _ in range(2):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_REPORT, timeout=10_000)
    report_page = wizard.report_page
    assert report_page.open_skipped.isVisibleTo(wizard)
    report_page.open_skipped.click()
    opened = wizard.file_opener.opened  # type: ignore[attr-defined]
    assert opened and opened[-1].name.endswith("-skipped.csv")
    assert "Tom,Lee" in opened[-1].read_text(encoding="utf-8-sig")
