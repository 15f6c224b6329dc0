"""The Outreach pane: e-mail/LinkedIn steps filled from the contact, mailto:, sent, replies."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from sqlalchemy import select

from sdrdesk.domain.focus import Focus
from sdrdesk.services.sequences import SequenceDraft, StepDraft
from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage import models as m
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.ui.conftest import open_and_wait


def _seed(path: Path, clock) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:  # type: ignore[no-untyped-def]
    workspace = open_workspace(path, clock)
    try:
        with workspace.uow_factory() as uow:
            account = uow.accounts.add(m.Account(name="Maple Freight", country="CA", region="ON"))
            uow.session.flush()
            contact = uow.contacts.add(
                m.Contact(
                    first_name="Ana",
                    last_name="Lima",
                    account_id=account.id,
                    email="ana@maple.example",
                    linkedin_url="https://www.linkedin.com/in/ana",
                )
            )
            uow.commit()
            contact_id = contact.id
        seq = workspace.sequences.create(
            SequenceDraft(
                "Mail first",
                steps=(
                    StepDraft(
                        0,
                        "email",
                        "intro_email",
                        subject="Hello {first_name}",
                        template="Hi {first_name}, {company} and {trigger}?",
                        instructions="Keep it short",
                    ),
                    StepDraft(1, "linkedin", "connect", template="Hi {first_name}"),
                    StepDraft(1, "call", "follow_up_call"),
                ),
            )
        ).value
        workspace.sequences.enrol([contact_id], seq)
        with workspace.uow_factory() as uow:
            task_id = uow.session.scalars(select(m.Task.id).where(m.Task.contact_id == contact_id)).one()
    finally:
        workspace.close()
    return contact_id, account.id, task_id


def _open_tasks(parts, contact_id: uuid.UUID) -> list[str]:  # type: ignore[no-untyped-def]
    with parts.ctx.workspace.uow_factory() as uow:
        return [
            t.channel
            for t in uow.session.scalars(
                select(m.Task).where(m.Task.contact_id == contact_id, m.Task.status == "open")
            )
        ]


def test_email_step_is_filled_opened_sent_and_the_next_step_follows(
    make_app, qtbot, tmp_path: Path, fake_clock
) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    contact_id, account_id, task_id = _seed(book, fake_clock)
    parts = make_app(prompter=ScriptedPrompter(True))
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    pane = parts.window.panes["pane.outreach"]
    opened: list[str] = []
    pane.open_url = lambda url: opened.append(url.toString()) or True
    parts.ctx.bus.set_focus(Focus(account_id, contact_id, task_id))
    qtbot.waitUntil(lambda: pane.task is not None and pane.task.id == task_id, timeout=5_000)
    assert pane.subject_edit.text() == "Hello Ana"
    assert pane.body_edit.toPlainText() == "Hi Ana, Maple Freight and ⟨trigger?⟩?"
    assert pane.missing == ("trigger",) and "trigger" in pane.missing_label.text()
    assert pane.to_edit.text() == "ana@maple.example"
    assert pane.instructions.text() == "Keep it short"
    pane.open_in_client()
    url = urlparse(opened[0])
    assert url.scheme == "mailto" and unquote(url.path) == "ana@maple.example"
    assert parse_qs(url.query)["subject"] == ["Hello Ana"]
    # The call pane's script is not what an e-mail step shows: the Outreach dock comes first.
    assert parts.window.docks["pane.outreach"].isVisible()
    pane.mark_sent()  # the prompter confirms "sent anyway" despite the missing trigger
    qtbot.waitUntil(
        lambda: parts.runner.pending == 0 and _open_tasks(parts, contact_id) == ["linkedin"], timeout=5_000
    )
    with parts.ctx.workspace.uow_factory() as uow:
        sent = uow.session.scalars(select(m.Activity).where(m.Activity.kind == "email")).one()
        assert sent.direction == "outbound" and "Hello Ana" in (sent.notes or "")


def test_an_out_of_office_reply_pauses_and_a_bounce_ends(make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    contact_id, account_id, task_id = _seed(book, fake_clock)
    parts = make_app(prompter=ScriptedPrompter("Back on Monday", ""))
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    pane = parts.window.panes["pane.outreach"]
    parts.ctx.bus.set_focus(Focus(account_id, contact_id, task_id))
    qtbot.waitUntil(lambda: pane.task is not None, timeout=5_000)
    pane.log_reply("out_of_office")
    qtbot.waitUntil(lambda: parts.runner.pending == 0 and _open_tasks(parts, contact_id) == [], timeout=5_000)

    def enrollment() -> tuple[str, str | None]:
        with parts.ctx.workspace.uow_factory() as uow:
            e = uow.session.scalars(select(m.Enrollment)).one()
            return e.status, e.end_reason

    assert enrollment() == ("paused", None)
    pane.log_reply("bounce")
    qtbot.waitUntil(lambda: parts.runner.pending == 0 and enrollment() == ("ended", "bounced"), timeout=5_000)
    with parts.ctx.workspace.uow_factory() as uow:
        assert [f.channel for f in uow.do_not_contact.list()] == ["email"]


def test_call_tasks_are_not_shown(make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    contact_id, account_id, _task_id = _seed(book, fake_clock)
    parts = make_app()
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    pane = parts.window.panes["pane.outreach"]
    with parts.ctx.workspace.uow_factory() as uow:
        call = uow.tasks.add(
            m.Task(contact_id=contact_id, channel="call", title="Call", due_at=fake_clock.now())
        )
        uow.commit()
        call_id = call.id
    parts.ctx.bus.set_focus(Focus(account_id, contact_id, call_id))
    qtbot.waitUntil(lambda: parts.runner.pending == 0, timeout=5_000)
    assert pane.task is None and pane._stack.currentWidget() is pane.empty
