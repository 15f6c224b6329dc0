"""The harness itself: a modal opened by code under test must fail fast, never hang."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from sdrdesk.ui.prompter import ScriptedPrompter


def test_modal_statics_fail_instead_of_hanging(qtbot) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError, match="modal"):
        QMessageBox.information(None, "t", "x")
    with pytest.raises(AssertionError, match="modal"):
        QFileDialog.getOpenFileName(None, "t")
    dialog = QDialog()
    qtbot.addWidget(dialog)
    with pytest.raises(AssertionError, match="modal"):
        dialog.exec()


def test_scripted_prompter_answers_in_order_and_rejects_surprises() -> None:
    prompter = ScriptedPrompter(True, "Mine")
    assert prompter.confirm("Dial outside the window?", "…") is True
    assert prompter.ask_text("Save layout", "Name") == "Mine"
    with pytest.raises(AssertionError, match="unexpected"):
        prompter.confirm("Another?", "…")
