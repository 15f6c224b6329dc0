"""APScheduler on the Qt event loop for periodic work: rolling backups, due-task reminders.

Jobs run inline on the GUI thread (DebugExecutor) and only hand the real work to the
background runner, so no job ever touches a widget from another thread. Jobs are rebuilt
at every start; there is no persistent job store (pickled references rot across releases).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.qt import QtScheduler

from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.reminders import Reminders

log = logging.getLogger(__name__)

BACKUP_JOB = "rolling-backup"
BACKUP_EVERY = timedelta(hours=4)
FIRST_BACKUP_AFTER = timedelta(minutes=10)
KEEP_BACKUPS = 12


class AppScheduler:
    def __init__(self, ctx: PaneContext, backups_dir: Path) -> None:
        self.ctx = ctx
        self.backups_dir = backups_dir
        self.scheduler = QtScheduler(executors={"default": DebugExecutor()}, timezone="UTC")
        self.reminders = Reminders(ctx, self.scheduler)

    def start(self) -> None:
        self.scheduler.add_job(self.backup_now, "interval", seconds=BACKUP_EVERY.total_seconds(),
                               id=BACKUP_JOB, replace_existing=True, coalesce=True,
                               next_run_time=self.ctx.clock.now() + FIRST_BACKUP_AFTER)
        self.scheduler.start()
        self.reminders.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def backup_now(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.read_only or workspace.is_demo:
            return
        target = self.backups_dir
        self.ctx.runner.run(lambda: workspace.rolling_backup(target, keep=KEEP_BACKUPS),
                            lambda copy: log.info("rolling backup written: %s", Path(copy).name),
                            lambda exc: log.warning("rolling backup failed: %s", exc),
                            serial_db=False)
