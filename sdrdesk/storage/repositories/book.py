"""Repositories for every model; thin on purpose until a use case needs a query."""

from __future__ import annotations

from collections.abc import Sequence

from sdrdesk.storage import models as m
from sdrdesk.storage.repositories.base import Repository


class SourceLabelRepository(Repository[m.SourceLabel]):
    model_type = m.SourceLabel

    def by_name(self, name: str) -> m.SourceLabel | None:
        return self.session.scalars(self.active().where(m.SourceLabel.name == name)).first()


class AccountRepository(Repository[m.Account]):
    model_type = m.Account

    def by_domain(self, domain: str) -> m.Account | None:
        stmt = self.active().where(m.Account.domain == domain.lower())
        return self.session.scalars(stmt).first()


class ContactRepository(Repository[m.Contact]):
    model_type = m.Contact

    def by_email(self, email: str) -> m.Contact | None:
        stmt = self.active().where(m.Contact.email == email.lower())
        return self.session.scalars(stmt).first()

    def of_account(self, account_id: object) -> Sequence[m.Contact]:
        stmt = self.active().where(m.Contact.account_id == account_id).order_by(m.Contact.last_name)
        return self.session.scalars(stmt).all()


class ContactPhoneRepository(Repository[m.ContactPhone]):
    model_type = m.ContactPhone


class AccountTriggerRepository(Repository[m.AccountTrigger]):
    model_type = m.AccountTrigger


class DoNotContactRepository(Repository[m.DoNotContact]):
    model_type = m.DoNotContact


class SequenceRepository(Repository[m.Sequence]):
    model_type = m.Sequence


class SequenceStepRepository(Repository[m.SequenceStep]):
    model_type = m.SequenceStep


class EnrollmentRepository(Repository[m.Enrollment]):
    model_type = m.Enrollment


class TaskRepository(Repository[m.Task]):
    model_type = m.Task


class ActivityRepository(Repository[m.Activity]):
    model_type = m.Activity


class ScriptRepository(Repository[m.Script]):
    model_type = m.Script


class ObjectionRepository(Repository[m.Objection]):
    model_type = m.Objection


class ActivityObjectionRepository(Repository[m.ActivityObjection]):
    model_type = m.ActivityObjection


class QualificationRepository(Repository[m.Qualification]):
    model_type = m.Qualification


class MeetingRepository(Repository[m.Meeting]):
    model_type = m.Meeting


class CoachingNoteRepository(Repository[m.CoachingNote]):
    model_type = m.CoachingNote


class ImportRunRepository(Repository[m.ImportRun]):
    model_type = m.ImportRun


class ImportRunItemRepository(Repository[m.ImportRunItem]):
    model_type = m.ImportRunItem


class ImportMappingRepository(Repository[m.ImportMapping]):
    model_type = m.ImportMapping


class CallNoteDraftRepository(Repository[m.CallNoteDraft]):
    model_type = m.CallNoteDraft

    def live_for(self, contact_id: object) -> m.CallNoteDraft | None:
        stmt = (self.active().where(m.CallNoteDraft.contact_id == contact_id)
                .order_by(m.CallNoteDraft.updated_at.desc()))
        return self.session.scalars(stmt).first()
