"""Due-task reminders: APScheduler jobs rebuilt from the book, a tray notification, catch-up.

The book is the source of truth: at book open, after task changes and every half hour, the
jobs (one `date` job per due time in the next day, holding every task due then: a book with
thousands of tasks due at 9:00 gets one job, not thousands) are rebuilt in the in-memory job
store. A job only asks the book, on a worker, whether its task is still open, and emits
`sig_due` on the GUI thread; it never touches a widget. A task done (or moved) before its
reminder fires does not notify. A periodic check compares the clock with due times since the
last check, so reminders missed while the laptop slept or the clock jumped still come, once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from sdrdesk.domain.changes import Changes
from sdrdesk.ui.context import PaneContext

log = logging.getLogger(__name__)

HORIZON = timedelta(hours=24)
CATCH_UP_JOB = "reminders-catch-up"
REBUILD_JOB = "reminders-rebuild"
CATCH_UP_EVERY = timedelta(minutes=1)
REBUILD_EVERY = timedelta(minutes=30)
_PREFIX = "due:"


class Reminders(QObject):
    sig_due = Signal(object)  # a services.sequences.DueReminder whose task is still open
    sig_due_batch = Signal(object)  # the reminders that came due together (a list), once

    def __init__(self, ctx: PaneContext, scheduler: BaseScheduler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scheduler = scheduler
        self.notified: set[uuid.UUID] = set()
        self._last_check: datetime = ctx.clock.now()
        self._rebuild_timer = QTimer(self)  # debounce: a bulk action changes many tasks at once
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(500)
        self._rebuild_timer.timeout.connect(self.rebuild)
        ctx.bus.sig_book_opened.connect(self._on_bus_book_opened)
        ctx.bus.sig_changes_applied.connect(self._on_bus_changes_applied)

    def start(self) -> None:
        self.scheduler.add_job(self.check_now, "interval", seconds=CATCH_UP_EVERY.total_seconds(),
                               id=CATCH_UP_JOB, replace_existing=True, coalesce=True)
        self.scheduler.add_job(self.rebuild, "interval", seconds=REBUILD_EVERY.total_seconds(),
                               id=REBUILD_JOB, replace_existing=True, coalesce=True)
        self.rebuild()

    # -- jobs from the book ----------------------------------------------------------------------
    @Slot(object)
    def _on_bus_book_opened(self, _workspace: object) -> None:
        self.notified.clear()
        self._last_check = self.ctx.clock.now()
        self.rebuild()

    @Slot(object, object)
    def _on_bus_changes_applied(self, changes: Changes, _initiator: object) -> None:
        if changes.tasks or changes.sequences or changes.book_reloaded:
            self._rebuild_timer.start()

    def rebuild(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None:
            self._replace_jobs([])
            return
        now = self.ctx.clock.now()
        self.ctx.runner.run(lambda: workspace.sequences.due_between(now, now + HORIZON),
                            self._replace_jobs, lambda exc: log.warning("reminders not rebuilt: %s",
                                                                         type(exc).__name__),
                            serial_db=False)

    def _replace_jobs(self, due: list) -> None:  # type: ignore[type-arg]
        groups: dict[str, list[object]] = {}
        for reminder in due:
            if reminder.task_id not in self.notified:
                groups.setdefault(f"{_PREFIX}{reminder.due_at.isoformat()}", []).append(reminder)
        for job in self.scheduler.get_jobs():
            if job.id.startswith(_PREFIX) and job.id not in groups:
                job.remove()
        for job_id, group in groups.items():
            self.scheduler.add_job(self._fire, "date", run_date=group[0].due_at,  # type: ignore[attr-defined]
                                   args=[tuple(group)], id=job_id, replace_existing=True,
                                   misfire_grace_time=3600)

    def job_ids(self) -> list[str]:
        """The tasks a job will remind of, as "task:<id>" (what tests and logs compare)."""
        return sorted(f"task:{r.task_id}" for j in self.scheduler.get_jobs() if j.id.startswith(_PREFIX)
                      for r in j.args[0])

    # -- firing ----------------------------------------------------------------------------------
    def _fire(self, group: tuple[object, ...]) -> None:
        """A job: ask the book (on a worker) which of its tasks are still open; emit those."""
        workspace = self.ctx.workspace
        pending = [r for r in group if getattr(r, "task_id", None) not in self.notified]
        if workspace is None or not pending:
            return
        self.ctx.runner.run(lambda: [r for r in pending if workspace.sequences.is_open(r.task_id)],
                            self._deliver,
                            lambda exc: log.warning("reminder check failed: %s", type(exc).__name__),
                            serial_db=False)

    def _deliver(self, still_open: list) -> None:  # type: ignore[type-arg]
        fresh = [r for r in still_open if r.task_id not in self.notified]
        for reminder in fresh:
            self.notified.add(reminder.task_id)
            self.sig_due.emit(reminder)
        if fresh:
            self.sig_due_batch.emit(fresh)

    def check_now(self) -> None:
        """Catch up: tasks that fell due since the last check (sleep, a clock change)."""
        workspace = self.ctx.workspace
        now = self.ctx.clock.now()
        since, self._last_check = self._last_check, now
        if workspace is None or now <= since:
            return
        self.ctx.runner.run(lambda: workspace.sequences.due_between(since, now),
                            self._caught_up, lambda exc: log.warning("reminder catch-up failed: %s",
                                                                      type(exc).__name__),
                            serial_db=False)

    def _caught_up(self, due: list) -> None:  # type: ignore[type-arg]
        self._deliver(due)  # found open by the query that listed them


def reminder_text(reminder: object) -> tuple[str, str]:
    channel = {"call": "Call", "email": "E-mail", "linkedin": "LinkedIn"}.get(
        getattr(reminder, "channel", ""), "Task")
    return f"{channel} due: {getattr(reminder, 'contact_name', '')}", str(getattr(reminder, "title", ""))


def batch_text(reminders: list) -> tuple[str, str]:  # type: ignore[type-arg]
    if len(reminders) == 1:
        return reminder_text(reminders[0])
    ordered = sorted(reminders, key=lambda r: str(getattr(r, "contact_name", "")))
    names = [reminder_text(r)[0] for r in ordered[:3]]
    more = f" and {len(reminders) - 3} more" if len(reminders) > 3 else ""
    return f"{len(reminders)} tasks due", "; ".join(names) + more


class TrayNotifier(QObject):
    """Shows each reminder as a tray notification; the status bar when there is no tray."""

    def __init__(self, ctx: PaneContext, window: QWidget, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.shown: list[tuple[str, str]] = []
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, window)
            self.tray.setToolTip("sdrdesk")
            self.tray.show()

    @Slot(object)
    def notify(self, reminders: list) -> None:  # type: ignore[type-arg]
        """One message for the reminders that came due together."""
        title, text = batch_text(reminders)
        self.shown.append((title, text))
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        else:
            self.ctx.bus.sig_status_message.emit(f"{title} · {text}")
