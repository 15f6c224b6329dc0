"""Call scripts: the library, the best script for a contact, and the values for its variables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.services.default_library import LibraryLoad, ensure_default_library
from sdrdesk.services.record_change import RecordChange, apply_change
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

STEP_KINDS: dict[str, str] = {
    "cold_call": "Cold call opener",
    "gatekeeper": "Gatekeeper",
    "voicemail": "Voicemail",
    "follow_up_call": "Follow-up call",
    "final_call": "Break-up call",
}


@dataclass(frozen=True)
class ScriptRow:
    id: uuid.UUID
    name: str
    persona: str | None
    step_kind: str
    body: str
    is_builtin: bool


@dataclass(frozen=True)
class ScriptEdit:
    name: str
    persona: str | None
    step_kind: str
    body: str


def list_scripts(uow: SqlUnitOfWork) -> list[ScriptRow]:
    stmt = uow.scripts.active().order_by(m.Script.step_kind, m.Script.persona, m.Script.name)
    return [ScriptRow(s.id, s.name, s.persona, s.step_kind, s.body, bool(s.is_builtin))
            for s in uow.session.scalars(stmt)]


def best_script(scripts: Sequence[ScriptRow], persona: str | None,
                step_kind: str | None) -> ScriptRow | None:
    """The script for this persona and sequence step; a gatekeeper gets the gatekeeper script.

    Exact persona beats "any persona"; the step beats the persona; with no step, the opener.
    """
    if not scripts:
        return None
    persona_key = (persona or "").strip().lower()
    wanted_step = "gatekeeper" if persona_key == "gatekeeper" else (step_kind or "cold_call")

    def score(row: ScriptRow) -> tuple[int, int, bool]:
        row_persona = (row.persona or "").strip().lower()
        step = 2 if row.step_kind == wanted_step else (1 if row.step_kind == "cold_call" else 0)
        who = 2 if row_persona and row_persona == persona_key else (1 if not row_persona else 0)
        return step, who, not row.is_builtin  # the rep's own script wins a tie

    return max(scripts, key=score)


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def script_values(uow: SqlUnitOfWork, contact_id: uuid.UUID | None, *, rep_name: str = "",
                  rep_company: str = "") -> dict[str, str]:
    """Values for every script variable; absent ones are left out, so they show as missing."""
    values: dict[str, str] = {"my_name": rep_name.strip(), "my_company": rep_company.strip()}
    contact = uow.contacts.get(contact_id) if contact_id else None
    if contact is None:
        return {k: v for k, v in values.items() if v}
    values.update(first_name=contact.first_name or "", last_name=contact.last_name or "",
                  full_name=" ".join(p for p in (contact.first_name, contact.last_name) if p),
                  title=contact.title or "", city=contact.city or "")
    account = uow.accounts.get(contact.account_id) if contact.account_id else None
    if account is not None:
        trigger = uow.session.scalars(
            uow.account_triggers.active().where(m.AccountTrigger.account_id == account.id)
            .order_by(m.AccountTrigger.occurred_on.desc().nulls_last(),
                      m.AccountTrigger.created_at.desc())).first()
        values.update(company=account.name or "", industry=account.industry or "",
                      pain=_first_line(account.likely_pain),
                      first_line=_first_line(account.first_line_ideas),
                      trigger=trigger.description if trigger else "")
        values["city"] = values["city"] or account.city or ""
    return {k: v for k, v in values.items() if v}


class ScriptService:
    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def ensure_defaults(self) -> OpResult[LibraryLoad]:
        """Load the shipped scripts and objections into a book that has none yet."""
        load = ensure_default_library(self._uow)
        return OpResult(load, Changes(scripts=True, objections=True) if load.loaded else Changes())

    def list(self) -> list[ScriptRow]:
        with self._uow() as uow:
            return list_scripts(uow)

    def values_for(self, contact_id: uuid.UUID | None, rep_name: str = "",
                   rep_company: str = "") -> dict[str, str]:
        with self._uow() as uow:
            return script_values(uow, contact_id, rep_name=rep_name, rep_company=rep_company)

    def save(self, script_id: uuid.UUID | None, edit: ScriptEdit,
             ) -> tuple[uuid.UUID, ScriptEdit | None, Changes]:
        """Create (id None) or update a script; returns its id and the previous values (undo)."""
        if not edit.name.strip() or not edit.body.strip():
            raise ValidationError("A script needs a name and a body.")
        with self._uow() as uow:
            if script_id is None:
                row = uow.scripts.add(m.Script(name=edit.name.strip(), persona=edit.persona or None,
                                               step_kind=edit.step_kind, body=edit.body,
                                               is_builtin=False))
                previous = None
            else:
                row = uow.scripts.get(script_id, include_deleted=True)
                if row is None:
                    raise RecordNotFound("That script no longer exists.")
                previous = ScriptEdit(row.name, row.persona, row.step_kind, row.body)
                row.name, row.persona, row.step_kind, row.body = (
                    edit.name.strip(), edit.persona or None, edit.step_kind, edit.body)
                row.deleted_at = None
            uow.commit()
            return row.id, previous, Changes(scripts=True)

    def delete(self, script_id: uuid.UUID) -> Changes:
        return self._delete(script_id)[1]

    def _delete(self, script_id: uuid.UUID) -> tuple[ScriptEdit | None, Changes]:
        """Tombstone; returns the values it had (None if it was already gone), for undo."""
        previous = None
        with self._uow() as uow:
            row = uow.scripts.get(script_id)
            if row is not None:
                previous = ScriptEdit(row.name, row.persona, row.step_kind, row.body)
                uow.scripts.soft_delete(row, self._clock.now())
                uow.commit()
        return previous, Changes(scripts=True)

    def apply(self, change: RecordChange[ScriptEdit]) -> OpResult[RecordChange[ScriptEdit]]:
        """Create, update, delete or restore; the result's value is the change that reverses it."""
        return apply_change(change, self.save, self._delete)
