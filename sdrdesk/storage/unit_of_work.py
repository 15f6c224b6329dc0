"""One unit of work per user action: `with uow_factory() as uow: ...; uow.commit()`.

Leaving the block without `commit()` rolls back, so a failed action changes nothing.
A Session never crosses threads: each background job opens its own unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from sdrdesk.storage.repositories import book as repos


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self.session: Session

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._session_factory()
        s = self.session
        self.source_labels = repos.SourceLabelRepository(s)
        self.accounts = repos.AccountRepository(s)
        self.account_triggers = repos.AccountTriggerRepository(s)
        self.contacts = repos.ContactRepository(s)
        self.contact_phones = repos.ContactPhoneRepository(s)
        self.do_not_contact = repos.DoNotContactRepository(s)
        self.sequences = repos.SequenceRepository(s)
        self.sequence_steps = repos.SequenceStepRepository(s)
        self.enrollments = repos.EnrollmentRepository(s)
        self.tasks = repos.TaskRepository(s)
        self.activities = repos.ActivityRepository(s)
        self.scripts = repos.ScriptRepository(s)
        self.objections = repos.ObjectionRepository(s)
        self.activity_objections = repos.ActivityObjectionRepository(s)
        self.qualifications = repos.QualificationRepository(s)
        self.meetings = repos.MeetingRepository(s)
        self.coaching_notes = repos.CoachingNoteRepository(s)
        self.import_runs = repos.ImportRunRepository(s)
        self.import_run_items = repos.ImportRunItemRepository(s)
        self.import_mappings = repos.ImportMappingRepository(s)
        self.call_note_drafts = repos.CallNoteDraftRepository(s)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()  # a no-op after commit(); undoes anything uncommitted
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


UowFactory = Callable[[], SqlUnitOfWork]


def uow_factory_for(session_factory: sessionmaker[Session]) -> UowFactory:
    return lambda: SqlUnitOfWork(session_factory)
