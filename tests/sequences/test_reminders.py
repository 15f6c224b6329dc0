"""Reminders: APScheduler jobs from the book fire (waited on the signal), are rebuilt after a
restart, catch up after sleep, and a task done before its reminder fires does not notify."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QUndoStack

from sdrdesk.domain.clock import FakeClock
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage import models as m
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.reminders import TrayNotifier, reminder_text
from sdrdesk.ui.scheduler import AppScheduler
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import InlineRunner


def _task(workspace: Workspace, due: datetime, name: str) -> uuid.UUID:
    with workspace.uow_factory() as uow:
        contact = uow.contacts.add(m.Contact(first_name=name, last_name="Test"))
        uow.session.flush()
        task = uow.tasks.add(
            m.Task(contact_id=contact.id, channel="call", title="Callback (requested)", due_at=due)
        )
        uow.commit()
        return task.id


def _context(tmp_path: Path, clock: FakeClock) -> PaneContext:
    ctx = PaneContext(
        bus=AppBus(),
        settings=Settings(tmp_path / "s.ini"),
        clock=clock,
        runner=InlineRunner(),
        prompter=ScriptedPrompter(),
        undo_stack=QUndoStack(),
    )
    ctx.workspace = open_workspace(tmp_path / "book.db", clock)
    return ctx


def test_a_due_task_notifies_and_a_task_done_first_does_not(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime.now(UTC))  # APScheduler's timers run on the real clock
    ctx = _context(tmp_path, clock)
    soon = datetime.now(UTC) + timedelta(milliseconds=700)
    due_id = _task(ctx.workspace, soon, "Ana")
    done_id = _task(ctx.workspace, soon, "Bo")
    jobs = AppScheduler(ctx, tmp_path / "backups")
    fired: list[uuid.UUID] = []
    jobs.reminders.sig_due.connect(lambda r: fired.append(r.task_id))
    jobs.start()
    try:
        assert jobs.reminders.job_ids() == sorted([f"task:{due_id}", f"task:{done_id}"])
        ctx.workspace.sequences.complete_task(done_id)  # done before its reminder fires
        with qtbot.waitSignal(jobs.reminders.sig_due, timeout=5_000) as blocker:
            pass
        assert blocker.args[0].task_id == due_id and blocker.args[0].contact_name == "Ana Test"
        qtbot.wait(600)
        assert fired == [due_id]
        assert reminder_text(blocker.args[0]) == ("Call due: Ana Test", "Callback (requested)")
    finally:
        jobs.shutdown()
        ctx.workspace.close()


def test_jobs_are_rebuilt_from_the_book_after_a_restart(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    ctx = _context(tmp_path, clock)
    later = _task(ctx.workspace, clock.now() + timedelta(hours=2), "Ana")
    _task(ctx.workspace, clock.now() + timedelta(days=3), "Far")  # beyond the horizon
    ctx.workspace.close()
    ctx = _context(tmp_path, clock)  # "restart": a new scheduler, nothing pickled
    jobs = AppScheduler(ctx, tmp_path / "backups")
    jobs.start()
    try:
        assert jobs.reminders.job_ids() == [f"task:{later}"]
    finally:
        jobs.shutdown()
        ctx.workspace.close()


def test_catch_up_after_sleep_notifies_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    ctx = _context(tmp_path, clock)
    slept_through = _task(ctx.workspace, clock.now() + timedelta(hours=1), "Ana")
    _task(ctx.workspace, clock.now() - timedelta(hours=5), "Old")  # overdue before start: no spam
    jobs = AppScheduler(ctx, tmp_path / "backups")
    notifier = TrayNotifier(ctx, None, jobs_icon())  # type: ignore[arg-type]
    jobs.reminders.sig_due_batch.connect(notifier.notify)
    messages: list[str] = []
    ctx.bus.sig_status_message.connect(messages.append)
    jobs.reminders.start()
    try:
        clock.advance(timedelta(hours=3))  # the laptop slept; the wall clock jumped
        with qtbot.waitSignal(jobs.reminders.sig_due, timeout=2_000) as blocker:
            jobs.reminders.check_now()
        assert blocker.args[0].task_id == slept_through
        jobs.reminders.check_now()
        assert [t for t, _x in notifier.shown] == ["Call due: Ana Test"]
        if notifier.tray is None:  # offscreen: the status bar says it instead
            assert messages == ["Call due: Ana Test · Callback (requested)"]
    finally:
        jobs.shutdown()
        ctx.workspace.close()


def jobs_icon():  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QIcon

    return QIcon()


def test_tasks_due_together_share_one_job_and_one_notification(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime.now(UTC))
    ctx = _context(tmp_path, clock)
    soon = datetime.now(UTC) + timedelta(milliseconds=700)
    ids = [_task(ctx.workspace, soon, name) for name in ("Ana", "Bo", "Cy", "Di", "Ed")]
    jobs = AppScheduler(ctx, tmp_path / "backups")
    notifier = TrayNotifier(ctx, None, jobs_icon())  # type: ignore[arg-type]
    jobs.reminders.sig_due_batch.connect(notifier.notify)
    jobs.start()
    try:
        assert len([j for j in jobs.scheduler.get_jobs() if j.id.startswith("due:")]) == 1
        assert jobs.reminders.job_ids() == sorted(f"task:{i}" for i in ids)
        with qtbot.waitSignal(jobs.reminders.sig_due_batch, timeout=5_000) as blocker:
            pass
        assert sorted(r.task_id for r in blocker.args[0]) == sorted(ids)
        assert notifier.shown == [("5 tasks due",
                                   "Call due: Ana Test; Call due: Bo Test; Call due: Cy Test and 2 more")]
    finally:
        jobs.shutdown()
        ctx.workspace.close()
