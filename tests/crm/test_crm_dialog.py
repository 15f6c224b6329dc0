"""File > Export for CRM: a preview of the counts, then the files, all off the GUI thread."""

from __future__ import annotations

import csv
from pathlib import Path

from sdrdesk.ui.dialogs.crm_export import CrmExportDialog
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.crm.helpers import make_book, work_a_day
from tests.ui.conftest import (
    make_app,  # noqa: F401  (fixture)
    open_and_wait,
)


def _worked_book(path: Path) -> Path:
    ws, clock = make_book(path)
    work_a_day(ws, clock)
    ws.close()
    return path


def test_export_for_crm_previews_then_writes_and_remembers(make_app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    book = _worked_book(tmp_path / "worked.db")
    parts = make_app(prompter=ScriptedPrompter())
    window = parts.window
    assert not window.crm_export_action.isEnabled()  # no book yet
    window.show()
    open_and_wait(qtbot, parts, book)
    assert window.crm_export_action.isEnabled()

    window.crm_export_action.trigger()
    dialogs = window.findChildren(CrmExportDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4 and dialog.export_button.isEnabled(), timeout=10_000)
    rows = {dialog.table.item(i, 0).text(): dialog.table.item(i, 1).text() for i in range(4)}
    assert rows == {"Calls, e-mails, LinkedIn, notes": "128", "Meetings": "1",
                    "Contacts (with do-not-contact flags)": "40", "Accounts": "12"}
    assert "calls" in dialog.table.item(0, 2).text()  # HubSpot: one file per activity object

    dialog.target.setCurrentIndex(1)  # Salesforce
    dialog.type_boxes["accounts"].setChecked(False)
    dialog.folder.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=10_000):
        pass
    assert dialog.table.rowCount() == 3 and dialog.previews["activities"].target == "salesforce"
    with qtbot.waitSignal(dialog.sig_exported, timeout=10_000) as done:
        dialog.export_button.click()
    assert sum(r.rows for r in done.args[0]) == 128 + 1 + 40
    with (tmp_path / "out" / "salesforce-activities.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 128
    assert not (tmp_path / "out" / "salesforce-accounts.csv").exists()
    assert "Written to" in dialog.status.text()

    # Since the last export for Salesforce: nothing new now.
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=10_000):
        dialog.refresh_preview()
    assert [dialog.table.item(i, 1).text() for i in range(3)] == ["0", "0", "0"]
