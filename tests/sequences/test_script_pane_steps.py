"""The Script pane follows the focused task: an e-mail/LinkedIn step shows that step (never a
cold-call script) and a call task shows the call script again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sdrdesk.domain import write_intent
from sdrdesk.domain.focus import Focus
from sdrdesk.storage import models as m
from tests.sequences.test_outreach_pane import _seed
from tests.ui.conftest import open_and_wait


def _open_task(parts, contact_id, channel):  # type: ignore[no-untyped-def]
    with parts.ctx.workspace.uow_factory() as uow:
        return uow.session.scalars(select(m.Task.id).where(
            m.Task.contact_id == contact_id, m.Task.status == "open", m.Task.channel == channel)).one()


def test_script_pane_shows_the_step_of_an_email_or_linkedin_task_and_the_script_of_a_call(
        make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    contact_id, account_id, email_task = _seed(book, fake_clock)
    parts = make_app()
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    panel = parts.window.panes["pane.script"].script_panel
    outreach = parts.window.panes["pane.outreach"]

    parts.ctx.bus.set_focus(Focus(account_id, contact_id, email_task))
    qtbot.waitUntil(lambda: panel.step is not None and outreach.task is not None, timeout=5_000)
    notice = panel.step_label.text()
    assert notice.startswith("E-mail step: work it in the Outreach pane (Alt+0).")
    assert "Instructions: Keep it short" in notice and not panel.step_label.isHidden()
    text = panel.viewer.toPlainText()
    # The same filled template as the Outreach pane, not a cold-call opener.
    assert text == f"Subject: {outreach.subject_edit.text()}\n\n{outreach.body_edit.toPlainText()}"
    assert text == "Subject: Hello Ana\n\nHi Ana, Maple Freight and ⟨trigger?⟩?"
    assert panel.current_script is None and panel.script_bar.isHidden()
    assert "trigger" in panel.missing_label.text().lower() and not panel.missing_label.isHidden()

    # Sent: the LinkedIn step follows; once that is done, the call step shows its call script.
    with write_intent.writing():  # as the window's writer: waits out the app's own writes
        parts.ctx.workspace.sequences.complete_task(email_task)
    linkedin_task = _open_task(parts, contact_id, "linkedin")
    parts.ctx.bus.set_focus(Focus(account_id, contact_id, linkedin_task))
    qtbot.waitUntil(lambda: panel.step is not None and panel.step.id == linkedin_task, timeout=5_000)
    assert panel.step_label.text() == "LinkedIn step: work it in the Outreach pane (Alt+0)."
    assert panel.viewer.toPlainText() == "Hi Ana"

    with write_intent.writing():  # as the window's writer: waits out the app's own writes
        parts.ctx.workspace.sequences.complete_task(linkedin_task)
    call_task = _open_task(parts, contact_id, "call")
    parts.ctx.bus.set_focus(Focus(account_id, contact_id, call_task))
    qtbot.waitUntil(lambda: panel.step is None and panel.current_script is not None, timeout=5_000)
    assert panel.step_label.isHidden() and not panel.script_bar.isHidden()
    assert panel.current_script.step_kind == "follow_up_call"
    assert "Outreach pane" not in panel.viewer.toPlainText()
    assert "Ana" in panel.viewer.toPlainText()
