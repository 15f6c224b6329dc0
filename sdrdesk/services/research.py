"""Account research: everything the rep reads about one account, and in-place edits with undo.

`load_research` returns one frozen DTO (facts, ICP fit, triggers, contacts with their time
zones). `apply_edit` saves one field in one transaction and returns the inverse edit, which
is what an undo command stores (STYLE.md section 12), plus the `Changes` to broadcast.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sdrdesk.domain import icp
from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.phones import format_for_display
from sdrdesk.domain.timezones import ZoneResolution, is_valid_zone, resolve_zones
from sdrdesk.domain.triggers import age_label, is_stale

if TYPE_CHECKING:  # SQLAlchemy loads with the book, not with the research pane
    from sdrdesk.storage import models as m
    from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

Value = str | int | None
DEFAULT_RUBRIC = icp.IcpRubric()


@dataclass(frozen=True)
class TriggerView:
    id: uuid.UUID
    description: str
    occurred_on: date | None
    source: str
    stale: bool
    age: str


@dataclass(frozen=True)
class PhoneView:
    display: str
    label: str
    valid: bool


@dataclass(frozen=True)
class ContactCard:
    id: uuid.UUID
    name: str
    title: str
    persona: str
    email: str
    phones: tuple[PhoneView, ...]
    pinned_timezone: str | None
    zones: ZoneResolution  # pinned, else from the phones, else from the place
    other_emails: tuple[str, ...] = ()  # addresses after the first (an import's second e-mail)
    extra_fields: tuple[tuple[str, str], ...] = ()  # an import's unmapped columns: (column, value)

    @property
    def primary_phone(self) -> str:
        return self.phones[0].display if self.phones else ""


@dataclass(frozen=True)
class AccountResearch:
    id: uuid.UUID
    name: str
    domain: str
    website: str
    industry: str
    employee_count: int | None
    country: str
    region: str
    city: str
    source_label: str
    icp_tier: str
    likely_pain: str
    buyer_roles: str
    research_notes: str
    first_line_ideas: str
    notes: str
    icp_fit: icp.IcpFit
    triggers: tuple[TriggerView, ...]
    contacts: tuple[ContactCard, ...]
    updated_at: datetime
    extra_fields: tuple[tuple[str, str], ...] = ()  # an import's unmapped columns: (column, value)

    def value_of(self, field: str) -> Value:
        return getattr(self, field)  # type: ignore[no-any-return]


# -- reading --------------------------------------------------------------------------------

def load_research(uow: SqlUnitOfWork, account_id: uuid.UUID, today: date,
                  rep_region: str = "US", rubric: icp.IcpRubric = DEFAULT_RUBRIC) -> AccountResearch | None:
    account = uow.accounts.get(account_id)
    if account is None:
        return None
    label = uow.source_labels.get(account.source_label_id) if account.source_label_id else None
    triggers = sorted((t for t in account.triggers if t.deleted_at is None),
                      key=lambda t: t.occurred_on or date.min, reverse=True)
    cards = tuple(_card(c, account, rep_region) for c in uow.contacts.of_account(account.id))
    fit = icp.evaluate(icp.IcpFacts(
        industry=account.industry, employee_count=account.employee_count, country=account.country,
        contact_personas=tuple(c.persona for c in cards if c.persona),
        trigger_dates=tuple(t.occurred_on for t in triggers)), today, rubric)
    return AccountResearch(
        id=account.id, name=account.name, domain=account.domain or "", website=account.website or "",
        industry=account.industry or "", employee_count=account.employee_count,
        country=account.country or "", region=account.region or "", city=account.city or "",
        source_label=label.name if label else "", icp_tier=account.icp_tier or "",
        likely_pain=account.likely_pain or "", buyer_roles=account.buyer_roles or "",
        research_notes=account.research_notes or "", first_line_ideas=account.first_line_ideas or "",
        notes=account.notes or "", icp_fit=fit,
        triggers=tuple(TriggerView(t.id, t.description, t.occurred_on, t.source or "",
                                   is_stale(t.occurred_on, today, rubric.trigger_max_age_days),
                                   age_label(t.occurred_on, today)) for t in triggers),
        contacts=cards, updated_at=account.updated_at, extra_fields=extra_pairs(account.extra_fields),
    )


def extra_pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    """(column, value) pairs of a record's `extra_fields` JSON; nothing when absent or damaged."""
    if not text:
        return ()
    try:
        data = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in data.items() if v not in (None, ""))


def _card(contact: m.Contact, account: m.Account, rep_region: str) -> ContactCard:
    phones = [p for p in contact.phones if p.deleted_at is None]
    views = tuple(PhoneView(format_for_display(p.e164, p.raw, rep_region, p.extension),
                            p.label or "", p.is_valid) for p in phones)
    zones = resolve_zones(contact.pinned_timezone, [p.e164 for p in phones if p.is_valid],
                          contact.country or account.country, contact.region or account.region)
    name = " ".join(p for p in (contact.first_name, contact.last_name) if p) or "(no name)"
    others = tuple(e for e in (contact.other_emails or "").splitlines() if e.strip())
    return ContactCard(contact.id, name, contact.title or "", contact.persona or "",
                       contact.email or "", views, contact.pinned_timezone, zones,
                       others, extra_pairs(contact.extra_fields))


# -- editing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldEdit:
    """Set one field of one account or contact. The inverse of an edit is another edit."""

    table: str  # "account" or "contact"
    record_id: uuid.UUID
    field: str
    value: Value


_TEXT = str
ACCOUNT_FIELDS: dict[str, type] = {
    "name": _TEXT, "domain": _TEXT, "industry": _TEXT, "employee_count": int, "country": _TEXT,
    "region": _TEXT, "city": _TEXT, "icp_tier": _TEXT, "likely_pain": _TEXT, "buyer_roles": _TEXT,
    "research_notes": _TEXT, "first_line_ideas": _TEXT, "notes": _TEXT,
}
CONTACT_FIELDS: dict[str, type] = {
    "title": _TEXT, "persona": _TEXT, "email": _TEXT, "pinned_timezone": _TEXT, "notes": _TEXT,
}
_REQUIRED = {("account", "name")}
ICP_TIERS = ("A", "B", "C")


def normalise(edit: FieldEdit) -> FieldEdit:
    """Validate and clean a value; raises `ValidationError` with a message for the rep."""
    fields = {"account": ACCOUNT_FIELDS, "contact": CONTACT_FIELDS}.get(edit.table)
    if fields is None or edit.field not in fields:
        raise ValidationError(f"{edit.field} of {edit.table} cannot be edited here.")
    value: Any = edit.value
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        if (edit.table, edit.field) in _REQUIRED:
            raise ValidationError(f"The {edit.table} {edit.field} cannot be empty.")
        return FieldEdit(edit.table, edit.record_id, edit.field, None)
    if fields[edit.field] is int:
        try:
            value = int(str(value).replace(",", "").replace(" ", ""))
        except ValueError:
            raise ValidationError(f"{edit.field.replace('_', ' ')} must be a whole number.") from None
        if value < 0:
            raise ValidationError(f"{edit.field.replace('_', ' ')} cannot be negative.")
    elif edit.field == "icp_tier":
        value = str(value).upper()
        if value not in ICP_TIERS:
            raise ValidationError("ICP tier is A, B or C.")
    elif edit.field == "country":
        value = str(value).upper()
        if len(value) != 2 or not value.isalpha():
            raise ValidationError("Country is a two-letter code such as US, CA or DE.")
    elif edit.field == "pinned_timezone" and not is_valid_zone(value):
        raise ValidationError(f"{value} is not a known time zone.")
    elif edit.field in ("domain", "email"):
        value = str(value).lower()
    return FieldEdit(edit.table, edit.record_id, edit.field, value)


def apply_edit(uow_factory: UowFactory, edit: FieldEdit, clock: Clock) -> tuple[FieldEdit, Changes]:
    """Save one field in one transaction. Returns (the edit that undoes it, what changed)."""
    edit = normalise(edit)
    with uow_factory() as uow:
        repo = uow.accounts if edit.table == "account" else uow.contacts
        record = repo.get(edit.record_id)
        if record is None:
            raise RecordNotFound(f"That {edit.table} no longer exists (it may have been deleted).")
        before = getattr(record, edit.field)
        inverse = FieldEdit(edit.table, edit.record_id, edit.field, before)
        if before == edit.value:
            return inverse, Changes()
        setattr(record, edit.field, edit.value)
        record.updated_at = clock.now()
        uow.commit()
    if edit.table == "account":
        return inverse, Changes(accounts=frozenset({edit.record_id}))
    account_ids = frozenset({record.account_id}) if getattr(record, "account_id", None) else frozenset()
    return inverse, Changes(contacts=frozenset({edit.record_id}), accounts=account_ids)


def pin_zone(contact_id: uuid.UUID, zone: str | None) -> FieldEdit:
    """The edit that pins a contact's zone (None unpins): the rep knows better than the number."""
    return FieldEdit("contact", contact_id, "pinned_timezone", zone)


class ResearchService:
    """`Workspace.research`: one account's research, and undoable field edits."""

    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def load(self, account_id: uuid.UUID, rep_region: str = "US") -> AccountResearch | None:
        with self._uow() as uow:
            return load_research(uow, account_id, self._clock.now().astimezone().date(), rep_region)

    def apply_edit(self, edit: FieldEdit) -> OpResult[FieldEdit]:
        """Save one field; the result's value is the edit that undoes it."""
        inverse, changes = apply_edit(self._uow, edit, self._clock)
        return OpResult(inverse, changes)
