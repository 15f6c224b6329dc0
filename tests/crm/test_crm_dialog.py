"""File > Export for CRM: a preview of the counts, then the files, all off the GUI thread."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from sdrdesk.ui.dialogs.crm_export import CrmExportDialog
from sdrdesk.ui.file_opener import RecordingFileOpener
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
    dialog.opener = RecordingFileOpener()
    dialog.open_folder_button.click()
    assert dialog.opener.opened == [tmp_path / "out"]

    # Since the last export for Salesforce: nothing new now.
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=10_000):
        dialog.refresh_preview()
    assert [dialog.table.item(i, 1).text() for i in range(3)] == ["0", "0", "0"]


def test_push_section_saves_the_token_pushes_and_lists_refusals(make_app, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]  # noqa: F811
                                                                memory_keyring) -> None:
    from tests.crm.fake_hubspot import TOKEN, running

    book = _worked_book(tmp_path / "worked.db")
    parts = make_app(prompter=ScriptedPrompter())
    window = parts.window
    window.show()
    open_and_wait(qtbot, parts, book)
    status_label = window.findChild(QLabel, "status.crm_outbox")
    assert not status_label.isVisible()  # no token, nothing waiting: nothing to show
    with running() as hub:
        parts.ctx.workspace.crm.hubspot_base_url = hub.url
        dialog = window.show_crm_export()
        qtbot.waitUntil(lambda: dialog.outbox_label.text().startswith("Outbox"), timeout=10_000)
        assert not dialog.push_button.isEnabled() and "No token yet" in dialog.token_state.text()
        dialog.token_edit.setText(TOKEN)
        with qtbot.waitSignal(dialog.sig_outbox_shown, timeout=10_000):
            dialog.save_token_button.click()
        assert dialog.token_edit.text() == "" and list(memory_keyring.secrets.values()) == [TOKEN]
        assert dialog.push_button.isEnabled()
        hub.fail(400, times=1)
        with qtbot.waitSignal(dialog.sig_push_finished, timeout=20_000) as pushed:
            dialog.push_button.click()
        # The app's clock starts the first push at its day (2026-03-10): the day's work and more.
        assert pushed.args[0].failed == 1 and pushed.args[0].sent > 10 and pushed.args[0].remaining == 0
        qtbot.waitUntil(lambda: dialog.failed_list.count() == 1, timeout=10_000)
        assert "HubSpot refused it (HTTP 400)" in dialog.failed_list.item(0).text()
        assert "1 failed" in dialog.outbox_label.text() and dialog.retry_button.isEnabled()
        qtbot.waitUntil(lambda: status_label.isVisible() and "1 failed" in status_label.text(),
                        timeout=10_000)
        with qtbot.waitSignal(dialog.sig_outbox_shown, timeout=10_000):
            dialog.retry_button.click()
        with qtbot.waitSignal(dialog.sig_push_finished, timeout=20_000) as again:
            dialog.push_button.click()
        assert again.args[0].sent == 1 and again.args[0].failed == 0
        qtbot.waitUntil(lambda: status_label.text() == "HubSpot outbox: 0", timeout=10_000)


def test_preferences_lead_to_the_hubspot_push_set_up(make_app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    book = _worked_book(tmp_path / "worked.db")
    parts = make_app(prompter=ScriptedPrompter())
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    preferences = parts.window.show_preferences()
    preferences.crm_button.click()
    dialogs = parts.window.findChildren(CrmExportDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    qtbot.waitUntil(lambda: "No token yet" in dialogs[0].token_state.text(), timeout=10_000)


def test_preferences_take_the_token_and_test_the_connection(make_app, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]  # noqa: F811
                                                            memory_keyring) -> None:
    import socket

    from tests.crm.fake_hubspot import TOKEN, running

    book = _worked_book(tmp_path / "worked.db")
    parts = make_app(prompter=ScriptedPrompter())
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    crm = parts.ctx.workspace.crm
    with running() as hub:
        crm.hubspot_base_url = hub.url
        prefs = parts.window.show_preferences()
        qtbot.waitUntil(lambda: prefs.crm_token_state.text() == "No token saved yet.", timeout=10_000)
        assert prefs.crm_server.text() == f"Server: {hub.url}" and not prefs.crm_forget.isEnabled()

        def test(token: str) -> tuple[bool, str]:
            prefs.crm_token.setText(token)
            with qtbot.waitSignal(prefs.sig_connection_tested, timeout=10_000) as tested:
                prefs.crm_test.click()
            assert prefs.crm_test_result.text() == tested.args[1] and prefs.crm_test.isEnabled()
            return tested.args[0], tested.args[1]

        worked, message = test("pat-na1-wrong")
        assert not worked and "HubSpot refused the private-app token (HTTP 401)" in message
        worked, message = test(TOKEN)  # the typed token, not saved by testing it
        assert worked and message == f"Connected: HubSpot ({hub.url.split('//')[1]}) accepted the token."
        assert ("GET", "/crm/v3/objects/contacts?limit=1&archived=false") in hub.requests
        assert memory_keyring.secrets == {}

        with qtbot.waitSignal(prefs.sig_token_state_shown, timeout=10_000) as state:
            prefs.crm_save_token.click()
        assert state.args == [True] and prefs.crm_token.text() == ""
        assert list(memory_keyring.secrets.values()) == [TOKEN] and prefs.crm_forget.isEnabled()
        assert test("") == (True, message)  # nothing typed: the saved token

        with socket.socket() as probe:  # a port nobody listens on: offline
            probe.bind(("127.0.0.1", 0))
            dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
        crm.hubspot_base_url = dead
        worked, message = test("")
        assert not worked and "could not be reached" in message
        crm.hubspot_base_url = hub.url

        with qtbot.waitSignal(prefs.sig_token_state_shown, timeout=10_000) as state:
            prefs.crm_forget.click()
        assert state.args == [False] and memory_keyring.secrets == {}
        worked, message = test("")
        assert not worked and message == "Paste the private-app token first (or save one)."

        # A token typed and then the dialog's Save: kept with the rest of the preferences.
        prefs.crm_token.setText(TOKEN)
        prefs.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        qtbot.waitUntil(lambda: list(memory_keyring.secrets.values()) == [TOKEN], timeout=10_000)
