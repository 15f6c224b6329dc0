"""The one door from the panes to the data: the open book as a facade of services (no Qt).

Panes receive a `Workspace` (Anki's `col`) and reach data only through its service
attributes: `workspace.calls.log_call(...)`, `workspace.tasks.snapshot(...)`. Reads return
frozen DTOs; writes return an `OpResult` (or a frozen result with a `changes` field) that the
pane publishes. No method hands out an ORM object or a unit of work, and `ui/` never touches
`uow_factory` (tests/unit/test_layering.py enforces it).

Each service is constructed once here with the unit-of-work factory and the clock; a new
area adds its service class in its own module and one line in `Workspace.__init__`.
"""

from __future__ import annotations

from pathlib import Path

from sdrdesk.domain.clock import Clock
from sdrdesk.services.book import BookService
from sdrdesk.services.calls import CallService
from sdrdesk.services.csv_import.service import ImportService
from sdrdesk.services.metrics import MetricsService
from sdrdesk.services.objections import ObjectionService
from sdrdesk.services.research import ResearchService
from sdrdesk.services.scripts import ScriptService
from sdrdesk.services.task_queue import TaskQueueService
from sdrdesk.services.timeline import TimelineService
from sdrdesk.storage.backup import rolling_backup
from sdrdesk.storage.engine import Book, open_book
from sdrdesk.storage.unit_of_work import UowFactory, uow_factory_for


class Workspace:
    def __init__(self, book: Book, uow_factory: UowFactory, clock: Clock, *, is_demo: bool = False) -> None:
        self.book = book  # services and commands only; panes use the services below
        self.uow_factory = uow_factory  # services and commands only
        self.clock = clock
        self.is_demo = is_demo
        self.browse = BookService(uow_factory, book.path)
        self.tasks = TaskQueueService(uow_factory, clock)
        self.calls = CallService(uow_factory, clock)
        self.timeline = TimelineService(uow_factory)
        self.research = ResearchService(uow_factory, clock)
        self.scripts = ScriptService(uow_factory, clock)
        self.objections = ObjectionService(uow_factory, clock)
        self.imports = ImportService(uow_factory, clock)
        self.metrics = MetricsService(uow_factory, clock)  # issue 17: metrics and review

    @property
    def path(self) -> Path:
        return self.book.path

    @property
    def read_only(self) -> bool:
        return self.book.read_only

    def rolling_backup(self, target_dir: Path, *, keep: int) -> Path:
        """Copy the book into `target_dir`, keeping the newest `keep` copies (any worker)."""
        return rolling_backup(self.path, target_dir, keep=keep)

    def close(self) -> None:
        self.browse.close()
        self.book.close()


def open_workspace(path: Path, clock: Clock, *, read_only: bool = False, is_demo: bool = False,
                   backup_dir: Path | None = None) -> Workspace:
    book = open_book(path, read_only=read_only, backup_dir=backup_dir)
    return Workspace(book, uow_factory_for(book.session_factory), clock, is_demo=is_demo)
