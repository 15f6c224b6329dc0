"""The Today pane: open tasks in due order, with each prospect's local time and calling window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from PySide6.QtCore import Qt

from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.services import task_queue
from sdrdesk.services.calls import callable_tasks, calling_windows
from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage import models as m
from sdrdesk.ui import settings as S
from tests.ui.conftest import open_and_wait


def _seed(path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    workspace = open_workspace(path, clock)
    now = clock.now()
    with workspace.uow_factory() as uow:
        account = uow.accounts.add(m.Account(name="Maple Freight Inc.", country="CA", region="ON"))
        uow.session.flush()
        people = [("Toronto", "+1 416 555 0199", "CA", -2), ("Sydney", "0412 345 678", "AU", 1),
                  ("Nowhere", "12", None, 3)]
        for last, raw, region, hours in people:
            contact = uow.contacts.add(m.Contact(first_name="Pat", last_name=last, account_id=account.id))
            uow.session.flush()
            info = parse_phone(raw, region or "US")
            uow.contact_phones.add(m.ContactPhone(
                contact_id=contact.id, raw=raw, e164=info.e164, is_valid=info.valid,
                region=info.region, search_digits=search_tokens(info.e164, raw)))
            uow.tasks.add(m.Task(contact_id=contact.id, channel="call", title="Call - step 1",
                                 due_at=now + timedelta(hours=hours)))
        uow.commit()
    workspace.close()


def _open_seeded(make_app, qtbot, tmp_path: Path, fake_clock):  # type: ignore[no-untyped-def]
    """The app, shown, on a freshly seeded book; its parts and the Today pane."""
    book = tmp_path / "today.db"
    _seed(book, fake_clock)
    parts = make_app()
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    return parts, parts.window.panes["pane.today"]


def _cell(pane, row: int, key: str) -> str:  # type: ignore[no-untyped-def]
    column = [c.key for c in pane.model.columns].index(key)
    return pane.model.data(pane.model.index(row, column), Qt.ItemDataRole.DisplayRole)


def test_tasks_show_due_order_local_time_and_window(make_app, qtbot, tmp_path: Path,
                                                    fake_clock) -> None:  # type: ignore[no-untyped-def]
    _parts, pane = _open_seeded(make_app, qtbot, tmp_path, fake_clock)
    assert pane.model.rowCount() == 3
    # Callable now first (Toronto, and Nowhere by its account's province), then by due time.
    assert [_cell(pane, r, "contact") for r in range(3)] == ["Pat Toronto", "Pat Nowhere", "Pat Sydney"]
    assert _cell(pane, 0, "state") == "Overdue"
    # 15:00 UTC on 10 March 2026 is 11:00 in Toronto (daylight time began on 8 March).
    assert _cell(pane, 0, "local") == "11:00 Toronto"
    assert _cell(pane, 0, "window").startswith("Callable until")
    # An Australian mobile could be in several zones: say so, never guess one.
    assert _cell(pane, 2, "local").endswith("possible zones")
    # An invalid number falls back to the account's province, so the time is still known.
    assert _cell(pane, 1, "local") == "11:00 Toronto"
    assert pane.summary.text() == "3 open · 1 overdue · 2 callable now"


def test_the_next_task_is_focused_when_the_book_opens(make_app, qtbot, tmp_path: Path,
                                                      fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "today.db"
    _seed(book, fake_clock)
    parts = make_app()
    parts.window.show()
    focused: list[object] = []
    parts.ctx.bus.sig_focus_changed.connect(lambda focus: focused.append(focus.contact_id))
    open_and_wait(qtbot, parts, book)
    pane = parts.window.panes["pane.today"]
    qtbot.waitUntil(lambda: bool(focused))
    assert focused[-1] == pane.model.row_at(0).task.contact_id


def test_callable_now_lists_only_prospects_inside_their_window(make_app, qtbot, tmp_path: Path,
                                                               fake_clock) -> None:  # type: ignore[no-untyped-def]
    parts, pane = _open_seeded(make_app, qtbot, tmp_path, fake_clock)
    pane.channel_filter.setCurrentIndex(pane.channel_filter.findData("email"))  # ignored: calls only
    pane.callable_filter.setChecked(True)
    assert not pane.channel_filter.isEnabled()
    qtbot.waitUntil(lambda: parts.runner.pending == 0 and pane.model.rowCount() == 2, timeout=5_000)
    # 11:00 in Toronto for both; the Australian mobile could be anywhere from Perth to Sydney,
    # all of them in the night: left out.
    assert [_cell(pane, r, "contact") for r in range(2)] == ["Pat Toronto", "Pat Nowhere"]
    assert pane.summary.text() == "2 callable now · 3 open"
    assert parts.ctx.settings.get(S.TODAY_CALLABLE_NOW)
    # Twenty hours later it is 07:00 in Toronto and 22:00 in Sydney: the minute tick works the
    # list out again, and nobody is left.
    fake_clock.advance(timedelta(hours=20))
    pane._on_clock_tick()
    qtbot.waitUntil(lambda: parts.runner.pending == 0 and pane.model.rowCount() == 0, timeout=5_000)
    assert pane.summary.text() == "0 callable now · 3 open"
    assert "Nobody on your list can be called right now" in pane.empty.text()
    qtbot.keyClick(parts.window, Qt.Key.Key_W,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not pane.callable_filter.isChecked()  # the same switch, from the keyboard
    pane.channel_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: parts.runner.pending == 0 and pane.model.rowCount() == 3, timeout=5_000)
    assert pane.summary.text() == "3 open · 3 overdue · 0 callable now"  # twenty hours on, all late


def test_callable_tasks_leave_out_do_not_call_and_other_channels(tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "today.db"
    _seed(book, fake_clock)
    workspace = open_workspace(book, fake_clock)
    try:
        with workspace.uow_factory() as uow:
            toronto = uow.session.scalars(select(m.Contact).where(m.Contact.last_name == "Toronto")).one()
            uow.session.add(m.DoNotContact(contact_id=toronto.id, channel="call", reason="asked",
                                           source="call", recorded_at=fake_clock.now()))
            nowhere_id = uow.session.scalars(
                select(m.Contact.id).where(m.Contact.last_name == "Nowhere")).one()
            uow.tasks.add(m.Task(contact_id=nowhere_id, channel="email", title="E-mail - step 2",
                                 due_at=fake_clock.now()))
            uow.commit()
        with workspace.uow_factory() as uow:
            snapshot = task_queue.queue_snapshot(uow, fake_clock.now())
            found = callable_tasks(uow, snapshot.ids, calling_windows("08:00", "21:00"), fake_clock.now())
            tasks = {t.id: (t.channel, t.contact_id) for t in uow.session.scalars(select(m.Task))}
        assert len(snapshot.ids) == 4
        assert [tasks[i] for i in found] == [("call", nowhere_id)]
    finally:
        workspace.close()
