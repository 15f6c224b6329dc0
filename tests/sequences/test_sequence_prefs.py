"""Sequence preferences in use: the saved daily caps are what the enrol dialog starts from and
enrols with; the rep's own holidays are what "Out of office" counts working days on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sdrdesk.storage import models as m
from sdrdesk.ui import settings as S
from sdrdesk.ui.panes.accounts import ACCOUNTS_TAB
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.sequences.test_enrol_ui import _seed, _select_all
from tests.ui.conftest import open_and_wait


def test_enrol_dialog_uses_the_saved_daily_cap(make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    _seed(book, fake_clock)  # "Solo" starts with a call; Ada and Cleo can be enrolled
    parts = make_app()
    parts.ctx.settings.set(S.DAILY_CAPS["call"], 1)
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    parts.window.docks["pane.accounts"].raise_()
    pane = parts.window.panes["pane.accounts"]
    pane.show_tab(ACCOUNTS_TAB)
    qtbot.waitUntil(lambda: pane.accounts_model.rowCount() == 2, timeout=10_000)
    _select_all(pane.accounts_view, pane.accounts_model)
    pane.enrol_selected()
    qtbot.waitUntil(lambda: getattr(pane, "enrol_dialog", None) is not None, timeout=5_000)
    dialog = pane.enrol_dialog
    assert dialog.caps["call"].value() == 1 and dialog.caps["email"].value() == 80
    qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled(), timeout=5_000)
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and parts.runner.pending == 0, timeout=5_000)
    assert dialog.report.enrolled == 2 and len(dialog.report.first_due) == 2  # one call a day
    with parts.ctx.workspace.uow_factory() as uow:
        days = {d.date() for d in uow.session.scalars(select(m.Task.due_at).where(m.Task.status == "open"))}
    assert len(days) == 2


def test_out_of_office_from_today_uses_the_reps_holidays(make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    _seed(book, fake_clock)
    toronto = ZoneInfo("America/Toronto")
    parts = make_app(prompter=ScriptedPrompter("2026-02-13 2026-02-13"))
    parts.ctx.settings.set(S.REP_HOLIDAY_COUNTRY, "CA")
    parts.ctx.settings.set(S.REP_HOLIDAY_REGION, "ON")
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    parts.ctx.workspace.sequences.rep_zone = toronto  # the rep works from Toronto
    with parts.ctx.workspace.uow_factory() as uow:
        contact = uow.session.scalars(select(m.Contact).where(m.Contact.first_name == "Ada")).one()
        task = uow.tasks.add(m.Task(contact_id=contact.id, channel="call", title="Call",
                                    due_at=datetime(2026, 2, 13, 10, 0, tzinfo=toronto)))
        uow.commit()
        task_id = task.id
    parts.window.panes["pane.today"].out_of_office()  # away Friday 13 February

    def due() -> datetime:
        with parts.ctx.workspace.uow_factory() as uow:
            return uow.tasks.get(task_id).due_at.astimezone(toronto)

    qtbot.waitUntil(lambda: parts.runner.pending == 0 and due().day != 13, timeout=5_000)
    assert due() == datetime(2026, 2, 17, 10, 0, tzinfo=toronto)  # Monday 16 is Family Day in Ontario
