"""The sequence editor: edit steps, save, export and import a sequence file (real widgets)."""

from __future__ import annotations

from pathlib import Path

from sdrdesk.services.sequences import StepDraft
from sdrdesk.ui.dialogs.sequence_editor import SequenceEditor
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.ui.conftest import open_and_wait


def test_edit_save_export_and_import(make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "team.sdrseq"
    parts = make_app(prompter=ScriptedPrompter(shared, shared))
    parts.window.show()
    open_and_wait(qtbot, parts, tmp_path / "book.db")
    today = parts.window.panes["pane.today"]
    qtbot.waitUntil(lambda: len(parts.ctx.workspace.sequences.list()) >= 3, timeout=5_000)  # shipped ones
    today.open_sequence_editor()
    editor: SequenceEditor = today.sequence_editor
    qtbot.waitUntil(lambda: editor.list.count() >= 3, timeout=5_000)
    editor.new_sequence()
    editor.name.setText("Team cadence")
    editor.add_step(StepDraft(3, "linkedin", "connect", template="Hi {first_name}"))
    editor.steps.setCurrentCell(1, 0)
    editor.template.setPlainText("Hello {first_name}, about {company}")
    assert [s.channel for s in editor.drafts()] == ["call", "email", "linkedin"]
    editor.move_step(-1)  # the e-mail step goes first
    assert [s.channel for s in editor.drafts()] == ["email", "call", "linkedin"]
    assert editor.drafts()[0].template == "Hello {first_name}, about {company}"
    editor.save()
    qtbot.waitUntil(lambda: parts.runner.pending == 0 and editor.current_id is not None, timeout=5_000)
    saved = parts.ctx.workspace.sequences.find("Team cadence")
    assert saved is not None and [s.day_offset for s in saved.steps] == [2, 0, 3]
    editor.export_file()
    qtbot.waitUntil(lambda: shared.exists(), timeout=5_000)
    editor.import_file()
    qtbot.waitUntil(lambda: parts.ctx.workspace.sequences.find("Team cadence (imported)") is not None,
                    timeout=5_000)
    editor.name.setText("")
    editor.save()
    qtbot.waitUntil(lambda: "needs a name" in editor.status.text(), timeout=5_000)
    editor.reject()
