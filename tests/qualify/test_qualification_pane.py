"""The Qualification pane: the framework's form for the focused contact, saved as the rep types,
undoable, with score, status and what is missing; Tab goes through the fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPlainTextEdit, QSpinBox

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.ui.panes.qualification import QualificationPane
from tests.calls.helpers import NOW
from tests.qualify.helpers import Desk, build_desk


@pytest.fixture
def desk(qtbot, tmp_path: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "broken.json").write_text('{"id": "x", "name": }', encoding="utf-8")
    built = build_desk(qtbot, tmp_path, FakeClock(NOW), [QualificationPane])
    yield built
    built.workspace.close()


def pane(desk: Desk) -> QualificationPane:
    return desk.panes["pane.qualification"]  # type: ignore[return-value]


def saved(desk: Desk, framework: str = "default") -> dict:
    view = desk.workspace.qualification.load(desk.book.contact_id, framework)
    return dict(view.answers)


def test_says_who_to_select_then_shows_the_form_for_the_focused_contact(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    p = pane(desk)
    assert p.empty.isVisible() and "Select a contact" in p.empty.text()
    desk.ctx.bus.set_focus(Focus(desk.book.account_id, None))
    assert "No contact selected at this account" in p.empty.text()
    desk.focus()
    assert not p.empty.isVisible()
    assert "Ana Lima" in p.who.text() and "Nova Labs Inc" in p.who.text()
    assert p.framework_box.currentData() == "default"
    assert list(p.form.inputs)[:3] == ["why_replied", "icp_fit", "pain"]
    assert p.status_label.text() == "Open" and p.score_label.text() == "Score 0/100"
    assert "Still needed to qualify: Why they replied, ICP fit, Pain" in p.missing_label.text()
    assert p.refused_label.isVisible() and "broken.json: line 1, column 21" in p.refused_label.text()


def test_typing_saves_updates_status_and_undo_restores(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.focus()
    p = pane(desk)
    pain = p.form.inputs["pain"]
    assert isinstance(pain, QPlainTextEdit)
    pain.setFocus()
    qtbot.keyClicks(pain, "Ramp takes 4 months")
    qtbot.waitUntil(lambda: saved(desk).get("pain") == "Ramp takes 4 months", timeout=3000)
    assert "Pain" not in p.missing_label.text()
    # Choices by keyboard: a digit on the scale, a first letter in a choice list.
    fit = p.form.inputs["icp_fit"]
    assert isinstance(fit, QSpinBox)
    fit.setFocus()
    qtbot.keyClicks(fit, "5")
    assert saved(desk)["icp_fit"] == 5 and fit.text() == "5 / 5"
    qtbot.keyClicks(fit, "4")  # another digit replaces it
    assert saved(desk)["icp_fit"] == 4
    authority = p.form.inputs["authority"]
    assert isinstance(authority, QComboBox)
    authority.setFocus()
    qtbot.keyClicks(authority, "D")
    assert saved(desk)["authority"] == "decision_maker"
    for key, value in [("why_replied", "Saw the benchmark"), ("next_step", "Demo"),
                       ("timeline", "this_quarter")]:
        p._on_answer_changed(key, value)
    assert p.status_label.text() == "Qualified"
    assert p.missing_label.text() == "All required answers given."
    stack = desk.ctx.undo_stack
    stack.undo()  # the timeline goes, and "qualified" with it
    assert "timeline" not in saved(desk)
    assert p.form.inputs["timeline"].currentData() is None  # the form follows the undo
    assert p.status_label.text() == "Nurture" and "Timeline" in p.missing_label.text()
    stack.redo()
    assert saved(desk)["timeline"] == "this_quarter" and p.status_label.text() == "Qualified"
    while stack.canUndo():
        stack.undo()
    assert saved(desk) == {} and pain.toPlainText() == "" and p.status_label.text() == "Open"


def test_tab_goes_through_the_fields_in_order(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.focus()
    p = pane(desk)
    p.focus_first_field()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is p.form.inputs["why_replied"])
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order == ["qualification.field.icp_fit", "qualification.field.pain",
                     "qualification.field.authority", "qualification.field.others_involved"]


def test_disqualify_reason_and_a_bad_value_are_shown(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.focus()
    p = pane(desk)
    p.form.disqualify.setCurrentIndex(p.form.disqualify.findData("No pain"))
    assert p.status_label.text() == "Disqualified: No pain"
    status = desk.workspace.qualification.latest_status(desk.book.contact_id)
    assert status == ("disqualified", 0.0, "No pain")
    p._on_answer_changed("budget", "lots")
    assert p.error_label.isVisible() and "not an amount" in p.error_label.text()


def test_switching_framework_rebuilds_the_form_and_is_remembered(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.focus()
    p = pane(desk)
    index = p.framework_box.findData("bant")
    p.framework_box.setCurrentIndex(index)
    p.framework_box.activated.emit(index)
    assert "budget_status" in p.form.inputs and "icp_fit" not in p.form.inputs
    p._on_answer_changed("need", "Slow onboarding")
    desk.ctx.bus.set_focus(Focus(desk.book.account_id, desk.book.colleague_id))
    assert p.framework_box.currentData() == "default"  # Bo was never qualified
    desk.focus()
    assert p.framework_box.currentData() == "bant"
    assert p.form.inputs["need"].toPlainText() == "Slow onboarding"
    assert json.dumps(saved(desk, "bant")) == '{"need": "Slow onboarding"}'
