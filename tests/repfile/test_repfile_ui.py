"""The app's side: merge with the conflict dialog, take the other, undo; coaching with the
banner, a note and a scorecard sent back. Screenshots go to $SDRDESK_SHOTS when set."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from PySide6.QtWidgets import QWidget

from sdrdesk.domain.focus import Focus
from sdrdesk.ui.dialogs.conflicts import ConflictDialog
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.repfile.test_coaching import _rep_with_a_call
from tests.ui.conftest import open_and_wait


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("SDRDESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name), "PNG")


def _settle(qtbot, parts) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=20_000)
    qtbot.wait(50)
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=20_000)


def test_merge_shows_conflicts_takes_the_other_and_undoes(make_app, qtbot, devices) -> None:  # type: ignore[no-untyped-def]
    rep, mine = devices("rep"), devices("mine")
    rid = rep.add_account("Acme Corp", city="Berlin")
    mine.import_(rep.export())
    rep.edit("accounts", rid, notes="Champion is the CFO; call back Tuesday", city="Munich")
    mine.edit("accounts", rid, notes="Gatekeeper says no budget until Q3")
    rep_file = rep.export()
    prompter = ScriptedPrompter(True)  # the undo question
    parts = make_app(prompter=prompter)
    parts.window.show()
    open_and_wait(qtbot, parts, mine.path)
    actions = parts.repfile
    assert actions.import_action.isEnabled() and not actions.export_notes_action.isEnabled()
    actions.import_rep_file(rep_file)
    qtbot.waitUntil(lambda: actions.last_report is not None, timeout=20_000)
    _settle(qtbot, parts)
    assert "1 conflicts" in prompter.told[-1] and "Undo rep-file import" in prompter.told[-1]
    dialog = parts.window.findChild(ConflictDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10_000)
    top = dialog.tree.topLevelItem(0)
    assert top.text(0) == "Account: Acme Corp"
    rows = [top.child(i) for i in range(top.childCount())]
    fields = {row.text(0): (row.text(1), row.text(2)) for row in rows}
    # Mine is newer, so it was kept; the rep's version is beside it.
    assert fields["notes"] == ("Gatekeeper says no budget until Q3", "Champion is the CFO; call back Tuesday")
    assert fields["city"] == ("Berlin", "Munich")
    _shot(dialog, "repfile-conflicts.png")
    dialog.take_button.click()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 0, timeout=10_000)
    assert mine.row("accounts", rid)["notes"] == "Champion is the CFO; call back Tuesday"
    assert mine.row("accounts", rid)["city"] == "Munich"
    actions.undo_import()
    _settle(qtbot, parts)
    qtbot.waitUntil(lambda: parts.ctx.workspace is not None and parts.runner.pending == 0, timeout=20_000)
    assert mine.row("accounts", rid)["city"] == "Berlin"  # as before the import
    assert mine.row("accounts", rid)["notes"] == "Gatekeeper says no budget until Q3"
    assert prompter.asked[-1] == ("confirm", "Undo rep-file import")


def test_coaching_banner_note_scorecard_and_notes_back_to_the_rep(
        make_app, qtbot, devices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rep, manager = devices("rep"), devices("manager")
    acc, contact, call = _rep_with_a_call(rep)
    rep_file = rep.export()
    digest = hashlib.sha256(rep_file.read_bytes()).hexdigest()
    notes_file = tmp_path / "notes.sdrdesk"
    prompter = ScriptedPrompter(notes_file)
    parts = make_app(prompter=prompter)
    parts.window.show()
    open_and_wait(qtbot, parts, manager.path)
    parts.repfile.open_for_coaching(rep_file)
    qtbot.waitUntil(lambda: parts.ctx.workspace is not None and parts.ctx.workspace.coaching_of is not None,
                    timeout=20_000)
    _settle(qtbot, parts)
    banner = parts.repfile.banner_label
    assert parts.repfile.banner.isVisible()
    assert "Coaching rep's book, exported 2026-03-10" in banner.text() and "read-only" in banner.text()
    assert not parts.repfile.import_action.isEnabled() and parts.repfile.export_notes_action.isEnabled()
    pane = parts.window.panes["pane.coaching"]
    parts.window.focus_pane("pane.coaching")
    parts.ctx.bus.set_focus(Focus(uuid.UUID(acc), uuid.UUID(contact)))
    qtbot.waitUntil(lambda: pane.subject_box.count() == 4, timeout=10_000)
    assert pane.current_subject().id == call  # the call is offered first
    pane.note_edit.setPlainText("Nice permission opener. Ask for the meeting sooner.")
    pane.add_note_button.click()
    def listed(text: str) -> bool:
        return any(text in pane.list.item(i).text() for i in range(pane.list.count()))

    qtbot.waitUntil(lambda: listed("permission opener"), timeout=10_000)
    assert pane.rubric_box.currentData() == "cold_call"
    pane.answer_widgets["opener"].setCurrentText("4")
    pane.answer_widgets["next_step"].setCurrentText("yes")
    pane.save_card_button.click()
    qtbot.waitUntil(lambda: listed("Scorecard on Call"), timeout=10_000)
    _shot(parts.window, "repfile-coaching.png")
    parts.repfile.export_coaching_notes()
    _settle(qtbot, parts)
    assert notes_file.exists() and "Wrote 1 notes and 1 scorecards" in prompter.told[-1]
    parts.books.close_coaching()
    qtbot.waitUntil(lambda: parts.ctx.workspace is not None and parts.ctx.workspace.coaching_of is None,
                    timeout=20_000)
    assert not parts.repfile.banner.isVisible()
    assert hashlib.sha256(rep_file.read_bytes()).hexdigest() == digest
    # The rep's side: import the notes, and see them beside the call and in the inbox.
    report = rep.import_(notes_file)
    assert report.added == 2
    open_and_wait(qtbot, parts, rep.path)
    parts.window.focus_pane("pane.coaching")  # the rep's layout keeps it tabbed away
    parts.ctx.bus.set_focus(Focus(uuid.UUID(acc), uuid.UUID(contact)))
    qtbot.waitUntil(lambda: "Coaching inbox" in pane.header.text(), timeout=10_000)
    assert not pane.scroller.isVisible()
    qtbot.waitUntil(lambda: listed("● Note on Call") and listed("● Scorecard on Call"), timeout=10_000)
    first = pane.list.item(0).text()
    assert first.startswith("● ") and "manager" in first  # beside the record: listed first, marked


def test_passphrases_are_remembered_only_in_the_keychain(make_app, qtbot, devices, memory_keyring,
                                                         tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backends.null import Keyring as NullKeyring

    rep = devices("rep")
    rep.add_account("Secret Co")
    locked = rep.export(passphrase="open sesame")
    prompter = ScriptedPrompter("open sesame", True)  # the passphrase, then "remember it?"
    parts = make_app(prompter=prompter)
    assert parts.repfile.passphrase_for(locked) == (True, "open sesame")
    assert list(memory_keyring.secrets.values()) == ["open sesame"]  # in the keychain only
    settings_file = Path(parts.ctx.settings.file_name)
    assert not settings_file.exists() or "open sesame" not in settings_file.read_text()
    assert parts.repfile.passphrase_for(locked) == (True, "open sesame")  # not asked again
    assert prompter.asked == [("secret", "Rep file passphrase"), ("confirm", "Remember passphrase")]
    # No keychain: asked each time, told why, nothing stored anywhere.
    keyring.set_keyring(NullKeyring())
    parts2 = make_app(tmp_path / "second", prompter=ScriptedPrompter("open sesame", "open sesame"))
    told: list[str] = []
    parts2.ctx.bus.sig_status_message.connect(told.append)
    assert parts2.repfile.passphrase_for(locked) == (True, "open sesame")
    assert parts2.repfile.passphrase_for(locked) == (True, "open sesame")
    assert any("No keychain" in t for t in told)
    # An unprotected file asks nothing.
    assert parts2.repfile.passphrase_for(rep.export()) == (True, None)


def test_export_runs_on_a_worker_with_a_progress_dialog_whose_cancel_leaves_no_file(
        make_app, qtbot, devices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = devices("mine")
    mine.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
        " INSERT INTO accounts (id, name, notes, created_at, updated_at)"
        " SELECT lower(hex(randomblob(16))), 'Co ' || i, printf('%.200c', 'x'),"
        " '2026-03-01 00:00:00.000000', '2026-03-01 00:00:00.000000' FROM n"
    )
    target = tmp_path / "mine.sdrdesk"
    prompter = ScriptedPrompter(target, "", tmp_path / "second.sdrdesk", "")  # path, no passphrase
    parts = make_app(prompter=prompter)
    parts.window.show()
    open_and_wait(qtbot, parts, mine.path)
    told: list[str] = []
    parts.ctx.bus.sig_status_message.connect(told.append)
    parts.repfile.export_rep_file()
    dialog = parts.repfile.progress_dialog
    assert dialog is not None and dialog.labelText() == "Exporting rep file"
    dialog.canceled.emit()  # the user presses Cancel
    _settle(qtbot, parts)
    assert any("cancelled; nothing was changed" in t for t in told)
    assert not target.exists() and not list(tmp_path.glob("*.part"))
    parts.repfile.export_rep_file()  # and a finished one reports what it wrote
    _settle(qtbot, parts)
    qtbot.waitUntil(lambda: (tmp_path / "second.sdrdesk").exists(), timeout=20_000)
    assert prompter.told[-1].startswith("Wrote 20,0") and "second.sdrdesk" in prompter.told[-1]
