"""Qualifying a contact: the framework's form, answers saved one field at a time (undoable).

`Workspace.qualification`. One live row per (contact, framework); the framework a contact was
last qualified with is the one the pane opens. Each `apply(edit)` saves one answer (or the
disqualify reason) in one transaction, recomputes score and status from the framework's rules,
stamps when the status changed, and returns the inverse edit for the undo stack.

Disqualified ends the contact's sequences: when a save moves a contact *into* "disqualified",
`QualificationService.on_disqualified(contact_id, reason)` is called after the commit, and the
`Changes` it returns are merged into the result. The workspace wires it to the sequences
service (`wire_disqualified_hook`); without it the status change is still published
(`Changes.qualification` and the contact id) for anything that listens.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.qualification import (
    AnswerError,
    Assessment,
    Catalog,
    Framework,
    Status,
    assess,
    clean_answer,
    display_answer,
    load_catalog,
)
from sdrdesk.resources_path import resource_path
from sdrdesk.storage import models as m

if TYPE_CHECKING:
    from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

log = logging.getLogger(__name__)

DEFAULT_FRAMEWORK = "default"
DISQUALIFY_KEY = "__disqualify_reason__"  # an AnswerEdit of this key sets the rep's reason
USER_FRAMEWORKS_DIRNAME = "frameworks"

DisqualifiedHook = Callable[[uuid.UUID, str], Changes | None]


@dataclass(frozen=True)
class PersonOption:
    id: str  # contact id as hex, as stored in a person answer
    name: str
    title: str


@dataclass(frozen=True)
class AnswerEdit:
    """Set one answer (None clears it) of one contact's qualification in one framework."""

    contact_id: uuid.UUID
    framework: str
    key: str  # a field key, or DISQUALIFY_KEY
    value: Any

    # EditCommand merges consecutive typing into one undo step per (table, record, field).
    @property
    def table(self) -> str:
        return f"qualification:{self.framework}"

    @property
    def record_id(self) -> uuid.UUID:
        return self.contact_id

    @property
    def field(self) -> str:
        return self.key


@dataclass(frozen=True)
class QualificationView:
    contact_id: uuid.UUID
    contact_name: str
    account_id: uuid.UUID | None
    account_name: str
    framework: Framework
    answers: Mapping[str, Any]
    assessment: Assessment
    disqualify_reason: str | None  # the rep's own reason (a choice's reason is in assessment)
    people: tuple[PersonOption, ...]  # the account's contacts, for person fields
    record_id: uuid.UUID | None  # None: nothing saved yet for this framework
    updated_at: datetime | None
    qualified_at: datetime | None = None
    disqualified_at: datetime | None = None

    def display(self, key: str) -> str:
        fdef = self.framework.field(key)
        if fdef is None:
            return ""
        return display_answer(fdef, self.answers.get(key), {p.id: p.name for p in self.people})


@dataclass(frozen=True)
class FrameworkChoice:
    id: str
    name: str
    builtin: bool


@dataclass(frozen=True)
class FrameworkList:
    frameworks: tuple[FrameworkChoice, ...]
    refused: tuple[str, ...] = field(default_factory=tuple)  # "file: place: problem" per bad file


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p) or "(no name)"


def people_of(uow: SqlUnitOfWork, account_id: uuid.UUID | None,
              contact: m.Contact) -> tuple[PersonOption, ...]:
    contacts: Sequence[m.Contact] = uow.contacts.of_account(account_id) if account_id else [contact]
    return tuple(PersonOption(c.id.hex, _name(c.first_name, c.last_name), c.title or "") for c in contacts)


def live_row(uow: SqlUnitOfWork, contact_id: uuid.UUID, framework: str | None) -> m.Qualification | None:
    """The contact's live qualification in `framework`, or the latest-updated one when None."""
    stmt = uow.qualifications.active().where(m.Qualification.contact_id == contact_id)
    if framework is not None:
        stmt = stmt.where(m.Qualification.framework == framework)
    return uow.session.scalars(stmt.order_by(m.Qualification.updated_at.desc()).limit(1)).first()


class QualificationService:
    def __init__(self, uow_factory: UowFactory, clock: Clock, user_dirs: Sequence[Path] = ()) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._user_dirs = tuple(user_dirs)
        self._catalog: Catalog | None = None
        # Called after a save moved a contact into "disqualified"; see the module docstring.
        self.on_disqualified: DisqualifiedHook | None = None

    # -- frameworks -------------------------------------------------------------------
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog(resource_path("data", "frameworks"), self._user_dirs)
            for problem in self._catalog.refused:
                log.warning("a user qualification framework was refused (%s)", problem.location or "file")
        return self._catalog

    def reload_frameworks(self) -> FrameworkList:
        self._catalog = None
        return self.frameworks()

    def frameworks(self) -> FrameworkList:
        catalog = self.catalog()
        return FrameworkList(tuple(FrameworkChoice(f.id, f.name, f.builtin) for f in catalog.frameworks),
                             tuple(str(e) for e in catalog.refused))

    def framework(self, framework_id: str) -> Framework:
        found = self.catalog().get(framework_id)
        if found is None:
            raise ValidationError(f"There is no qualification framework called {framework_id!r}.")
        return found

    @property
    def user_dirs(self) -> tuple[Path, ...]:
        return self._user_dirs

    # -- reading ------------------------------------------------------------------------
    def load(self, contact_id: uuid.UUID, framework_id: str | None = None) -> QualificationView | None:
        """The contact's form in `framework_id` (None: the one last used, else the default)."""
        with self._uow() as uow:
            contact = uow.contacts.get(contact_id)
            if contact is None:
                return None
            row = live_row(uow, contact_id, framework_id)
            if framework_id is None:
                framework_id = row.framework if row is not None and self.catalog().get(row.framework) \
                    else DEFAULT_FRAMEWORK
                row = row if row is not None and row.framework == framework_id else None
            fw = self.framework(framework_id)
            account = uow.accounts.get(contact.account_id) if contact.account_id else None
            answers = dict(row.answers or {}) if row is not None else {}
            reason = row.disqualify_reason if row is not None else None
            own_reason = answers.pop(DISQUALIFY_KEY, None)
            return QualificationView(
                contact_id=contact.id, contact_name=_name(contact.first_name, contact.last_name),
                account_id=contact.account_id, account_name=account.name if account else "",
                framework=fw, answers=answers, assessment=assess(fw, answers, own_reason),
                disqualify_reason=own_reason if own_reason else None,
                people=people_of(uow, contact.account_id, contact),
                record_id=row.id if row is not None else None,
                updated_at=row.updated_at if row is not None else None,
                qualified_at=row.qualified_at if row is not None else None,
                disqualified_at=row.disqualified_at if row is not None and reason else None,
            )

    # -- editing ------------------------------------------------------------------------
    def apply(self, edit: AnswerEdit) -> OpResult[AnswerEdit]:
        """Save one answer; the result's value is the edit that undoes it."""
        fw = self.framework(edit.framework)
        now = self._clock.now()
        with self._uow() as uow:
            contact = uow.contacts.get(edit.contact_id)
            if contact is None:
                raise RecordNotFound("That contact no longer exists.")
            if edit.key == DISQUALIFY_KEY:
                value = str(edit.value).strip() if edit.value else None
                if value is not None and value not in fw.rules.disqualify_reasons:
                    raise ValidationError(f"{value!r} is not a disqualify reason of {fw.name}.")
            else:
                fdef = fw.field(edit.key)
                if fdef is None:
                    raise ValidationError(f"{fw.name} has no field {edit.key!r}.")
                people = [p.id for p in people_of(uow, contact.account_id, contact)]
                try:
                    value = clean_answer(fdef, edit.value, people)
                except AnswerError as exc:
                    raise ValidationError(str(exc)) from None
            row = live_row(uow, contact.id, fw.id)
            answers = dict(row.answers or {}) if row is not None else {}
            before = answers.get(edit.key)
            inverse = AnswerEdit(edit.contact_id, fw.id, edit.key, before)
            if before == value:
                if row is not None:  # touching it makes this the framework the pane opens next
                    row.updated_at = now
                    uow.commit()
                return OpResult(inverse, Changes())
            if value is None:
                answers.pop(edit.key, None)
            else:
                answers[edit.key] = value
            previous_status = row.status if row is not None else Status.OPEN.value
            if row is None:
                row = uow.qualifications.add(m.Qualification(
                    contact_id=contact.id, account_id=contact.account_id, framework=fw.id, answers={}))
            result = assess(fw, {k: v for k, v in answers.items() if k != DISQUALIFY_KEY},
                            answers.get(DISQUALIFY_KEY))
            row.answers = answers
            row.score = result.score
            row.status = result.status.value
            row.disqualify_reason = result.disqualify_reason
            row.updated_at = now
            if result.status.value != previous_status:
                row.status_changed_at = now
                if result.status is Status.QUALIFIED:
                    row.qualified_at = now
                elif result.status is Status.DISQUALIFIED:
                    row.disqualified_at = now
            uow.commit()
            contact_id, account_id = contact.id, contact.account_id
        changes = Changes(contacts=frozenset({contact_id}),
                          accounts=frozenset({account_id}) if account_id else frozenset(),
                          qualification=True, metrics=result.status.value != previous_status)
        if result.status is Status.DISQUALIFIED and previous_status != Status.DISQUALIFIED.value:
            changes = changes | self._disqualified(contact_id, result.disqualify_reason or "")
        return OpResult(inverse, changes)

    def _disqualified(self, contact_id: uuid.UUID, reason: str) -> Changes:
        hook = self.on_disqualified
        if hook is None:
            return Changes()
        try:
            return hook(contact_id, f"disqualified: {reason}" if reason else "disqualified") or Changes()
        except Exception:  # the qualification is saved; a failing hook must not undo that
            log.exception("ending the sequences of a disqualified contact failed")
            return Changes()

    def latest_status(self, contact_id: uuid.UUID) -> tuple[str, float | None, str | None] | None:
        """(status, score, disqualify reason) of the contact's latest qualification."""
        with self._uow() as uow:
            row = live_row(uow, contact_id, None)
            return (row.status, row.score, row.disqualify_reason) if row is not None else None

    def disqualified_contacts(self, since: datetime) -> tuple[uuid.UUID, ...]:
        """Contacts disqualified at or after `since` (for a catch-up run of the sequence hook)."""
        with self._uow() as uow:
            stmt = (select(m.Qualification.contact_id)
                    .where(m.Qualification.deleted_at.is_(None), m.Qualification.status == "disqualified",
                           m.Qualification.disqualified_at >= since))
            return tuple(dict.fromkeys(uow.session.scalars(stmt)))


def wire_disqualified_hook(service: QualificationService,
                           end_for_contact: Callable[[uuid.UUID, str], Any]) -> None:
    """Make disqualifying a contact end their sequences.

    `end_for_contact(contact_id, reason)` is `SequenceService.end_for_contact`; it may return an
    `OpResult`/result with `changes`, or `Changes`, or None. Called once per transition into
    "disqualified", after the qualification is committed (its own transaction).
    """

    def hook(contact_id: uuid.UUID, reason: str) -> Changes | None:
        result = end_for_contact(contact_id, reason)
        if isinstance(result, Changes):
            return result
        changes = getattr(result, "changes", None)
        return changes if isinstance(changes, Changes) else Changes(sequences=True)

    service.on_disqualified = hook
