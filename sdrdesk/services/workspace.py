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

import logging
from pathlib import Path

from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import BookDamaged, SdrdeskError
from sdrdesk.services.book import BookService
from sdrdesk.services.book_repair import GoodBackup, Restored, find_good_backup, restore_backup
from sdrdesk.services.calls import CallService
from sdrdesk.services.crm_export import CrmService
from sdrdesk.services.csv_import.service import ImportService
from sdrdesk.services.draft_journal import DraftJournal
from sdrdesk.services.handoff import TEMPLATE_FILENAME, HandoffService
from sdrdesk.services.meetings import MeetingService
from sdrdesk.services.metrics import MetricsService
from sdrdesk.services.objections import ObjectionService
from sdrdesk.services.qualification import (
    USER_FRAMEWORKS_DIRNAME,
    QualificationService,
    wire_disqualified_hook,
)
from sdrdesk.services.repfile.coaching import (
    CoachingInfo,
    CoachingService,
    discard_copy,
    materialize_rep_file,
)
from sdrdesk.services.repfile.service import RepFileService
from sdrdesk.services.research import ResearchService
from sdrdesk.services.scripts import ScriptService
from sdrdesk.services.sequences import SequenceService
from sdrdesk.services.task_queue import TaskQueueService
from sdrdesk.services.timeline import TimelineService
from sdrdesk.storage.backup import rolling_backup
from sdrdesk.storage.engine import Book, open_book
from sdrdesk.storage.unit_of_work import UowFactory, uow_factory_for

log = logging.getLogger(__name__)


class Workspace:
    def __init__(self, book: Book, uow_factory: UowFactory, clock: Clock, *, is_demo: bool = False,
                 backup_dir: Path | None = None, coaching: CoachingInfo | None = None,
                 notes_book: Path | None = None) -> None:
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
        # Call-note drafts not yet in the book (busy, read-only): reliability, issue #11.
        self.drafts = DraftJournal(book.path)
        self.calls.journal = self.drafts
        # qualification & handoff: user frameworks and the handoff template live beside the book.
        self.qualification = QualificationService(uow_factory, clock,
                                                  [book.path.parent / USER_FRAMEWORKS_DIRNAME])
        self.meetings = MeetingService(uow_factory, clock)
        self.handoff = HandoffService(uow_factory, clock, self.qualification,
                                      book.path.parent / TEMPLATE_FILENAME)
        # CRM hand-back: files and the HubSpot outbox (answers labelled by the book's frameworks)
        self.crm = CrmService(uow_factory, clock, frameworks=self.qualification.catalog)
        self.sequences = SequenceService(uow_factory, clock)
        # Disqualifying a contact ends their sequences; the hook's reason reads
        # "disqualified: <why>", the sequence records the exit and keeps <why> as its detail.
        wire_disqualified_hook(self.qualification, lambda contact_id, reason: self.sequences.end_for_contact(
            contact_id, "disqualified", reason.partition(": ")[2]))
        self.repfile = RepFileService(book.path, clock, backup_dir or book.path.parent / "backups")
        self.coaching_of = coaching
        self.coaching = CoachingService(notes_book or book.path, book.path, clock, rep=coaching)
        self.metrics = MetricsService(uow_factory, clock)  # issue 17: metrics and review

    @property
    def path(self) -> Path:
        return self.book.path

    @property
    def read_only(self) -> bool:
        """Nothing may be written: opened read-only, file or folder read-only, or damaged."""
        return self.book.read_only or self.book.damaged is not None

    @property
    def damaged(self) -> bool:
        return self.book.damaged is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the book cannot be written, in words for a banner (None when it can)."""
        if self.book.damaged is not None:
            return ("This book is damaged, so nothing more is written to it. "
                    "Restore the newest good backup (File menu) to keep working.")
        if self.book.read_only_reason is not None:
            return f"Opened read-only because {self.book.read_only_reason}. Changes cannot be saved."
        return None

    def check_book(self) -> str | None:
        """`PRAGMA quick_check` (run on the writer before the first write); None when sound.

        A problem marks the book damaged: every later write is refused.
        """
        return self.book.quick_check()

    def good_backup(self, backups_dir: Path) -> GoodBackup | None:
        return find_good_backup(self.path, backups_dir)

    def rolling_backup(self, target_dir: Path, *, keep: int) -> Path:
        """Copy the book into `target_dir`, keeping the newest `keep` copies (any worker)."""
        if self.book.damaged is not None:  # never rotate good backups out for damaged copies
            raise BookDamaged("The book is damaged: no backup was taken of it.")
        return rolling_backup(self.path, target_dir, keep=keep)

    def close(self) -> None:
        self.browse.close()
        self.book.close()
        if self.coaching_of is not None:
            discard_copy(self.coaching_of)


def open_workspace(path: Path, clock: Clock, *, read_only: bool = False, is_demo: bool = False,
                   backup_dir: Path | None = None) -> Workspace:
    book = open_book(path, read_only=read_only, backup_dir=backup_dir)
    workspace = Workspace(book, uow_factory_for(book.session_factory), clock, is_demo=is_demo,
                          backup_dir=backup_dir)
    if not book.read_only and len(workspace.drafts):
        try:  # notes a previous session could not save (busy or full book, killed meanwhile)
            workspace.drafts.replay(workspace.calls.save_draft)
        except SdrdeskError as exc:  # still busy: they stay journalled and on screen
            log.warning("journalled drafts not replayed yet: %s", type(exc).__name__)
    return workspace


def restore_workspace(workspace: Workspace, backup: Path, clock: Clock, *,
                      backup_dir: Path | None = None) -> tuple[Workspace, Restored]:
    """Close a damaged book, put `backup` in its place (the damaged file kept aside), reopen it."""
    path, is_demo = workspace.path, workspace.is_demo
    workspace.close()
    restored = restore_backup(path, backup)
    return open_workspace(path, clock, is_demo=is_demo, backup_dir=backup_dir), restored


def open_coaching_workspace(rep_file: Path, clock: Clock, *, manager_book: Path,
                            passphrase: str | None = None) -> Workspace:
    """A rep's file, read-only by construction: checked, loaded into a temporary copy, and that
    copy opened with its own read-only engine. Notes go to `manager_book`."""
    open_book(manager_book).close()  # create or upgrade the manager's own book first
    info = materialize_rep_file(rep_file, clock, passphrase)
    try:
        book = open_book(info.copy, read_only=True)
    except BaseException:
        discard_copy(info)
        raise
    return Workspace(book, uow_factory_for(book.session_factory), clock, coaching=info,
                     notes_book=manager_book)
