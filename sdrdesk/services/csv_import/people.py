"""Recognise a person already in the book when the row's e-mail does not.

Many exports carry no e-mail at all (LinkedIn Sales Navigator lists, Northwind-style customer
tables, phone lists), and a later export of the same people often adds e-mails to them. Without
another key, importing such a file twice would double every contact. A row is the same person
as a live contact when:

- both carry the same LinkedIn profile (the URL as `linkedin_url` normalises it), or
- both have the same first and last name (case and spacing aside) and either work for the same
  company (the row's company is that contact's account) or share a phone number (E.164).

A name alone is never enough (two John Smiths are two people), and a row whose e-mail is new
only matches a contact that has no e-mail: two different addresses mean two people. One lookup
per batch: LinkedIn URLs through a partial index, names through the contacts' name indexes
(`ix_contacts_live_name`, and `ix_contacts_no_email_name` for rows that have an e-mail).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

SAME_PROFILE = "same LinkedIn profile already in the book"
SAME_COMPANY = "same name and company already in the book"
SAME_PHONE = "same name and phone number already in the book"
_CHUNK = 400  # name pairs per lookup: two parameters each, well under SQLite's variable limit


def person_key(first: str | None, last: str | None) -> str | None:
    """Case- and space-insensitive key of a name; None without a last name (too weak to match)."""
    if not last:
        return None
    return " ".join(f"{first or ''} {last}".casefold().split())


@dataclass(slots=True)
class KnownPerson:
    id: uuid.UUID
    account_id: uuid.UUID | None
    email: str | None
    run_id: uuid.UUID | None  # the import that created it
    phones: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Match:
    person: KnownPerson
    reason: str


class PeopleLookup:
    """The live contacts a batch's rows could be, loaded with one query per kind of key."""

    def __init__(self) -> None:
        self.by_profile: dict[str, KnownPerson] = {}
        self.by_name: dict[str, list[KnownPerson]] = {}

    @classmethod
    def load(cls, conn: Connection, rows: Iterable[tuple[dict[str, Any], bool]]) -> PeopleLookup:
        """`rows`: (contact values, has a new e-mail) of each row not already matched by e-mail."""
        lookup = cls()
        profiles: set[str] = set()
        names: dict[bool, set[tuple[str, str]]] = {False: set(), True: set()}
        for contact, has_email in rows:
            if contact.get("linkedin_url"):
                profiles.add(contact["linkedin_url"])
            if contact.get("last_name"):
                names[has_email].add((contact.get("first_name") or "", contact["last_name"]))
        found: dict[uuid.UUID | None, KnownPerson] = {}
        listed: set[uuid.UUID | None] = set()
        if profiles:
            marks = ", ".join("?" * len(profiles))
            for row in conn.exec_driver_sql(
                    "SELECT id, account_id, email, import_run_id, linkedin_url FROM contacts "
                    f"WHERE deleted_at IS NULL AND linkedin_url IS NOT NULL AND linkedin_url IN ({marks})",
                    tuple(profiles)):
                person = _person(found, row)
                lookup.by_profile.setdefault(row[4], person)
        for with_email, pairs in names.items():
            # Rows with a new e-mail can only be a contact without one (partial index on those).
            where = "c.deleted_at IS NULL AND c.email IS NULL" if with_email else "c.deleted_at IS NULL"
            with_first = sorted(p for p in pairs if p[0])
            last_only = sorted(p for p in pairs if not p[0])
            rows_found = [*_by_name(conn, with_first, "c.first_name = k.first COLLATE NOCASE", where),
                          *_by_name(conn, last_only, "c.first_name IS NULL", where)]
            for row in rows_found:
                person = _person(found, row)
                key = person_key(row[4], row[5])
                if key is not None and person.id not in listed:
                    listed.add(person.id)
                    lookup.by_name.setdefault(key, []).append(person)
        named = [p for people in lookup.by_name.values() for p in people]
        for start in range(0, len(named), _CHUNK):
            chunk = named[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            by_id = {p.id.hex: p for p in chunk if p.id is not None}
            for contact_id, e164 in conn.exec_driver_sql(
                    "SELECT contact_id, e164 FROM contact_phones WHERE deleted_at IS NULL "
                    f"AND e164 IS NOT NULL AND contact_id IN ({marks})", tuple(by_id)):
                by_id[contact_id].phones.add(e164)
        return lookup

    def match(self, contact: dict[str, Any], email: str | None, phones: Iterable[str],
              account_id: uuid.UUID | None) -> Match | None:
        """The known person this row is, if any (`account_id`: the row's company in the book)."""
        profile = contact.get("linkedin_url")
        if profile and profile in self.by_profile:
            person = self.by_profile[profile]
            if not (email and person.email and person.email != email):
                return Match(person, SAME_PROFILE)
        key = person_key(contact.get("first_name"), contact.get("last_name"))
        if key is None:
            return None
        numbers = set(phones)
        for person in self.by_name.get(key, ()):
            if email and person.email:
                continue  # two different addresses: two people
            if account_id is not None and person.account_id == account_id:
                return Match(person, SAME_COMPANY)
            if numbers & person.phones:
                return Match(person, SAME_PHONE)
        return None

    def add(self, person: KnownPerson, contact: dict[str, Any]) -> None:
        """Remember a contact created earlier in this batch (not yet visible to the queries)."""
        if contact.get("linkedin_url"):
            self.by_profile.setdefault(contact["linkedin_url"], person)
        key = person_key(contact.get("first_name"), contact.get("last_name"))
        if key is not None:
            self.by_name.setdefault(key, []).append(person)


def _by_name(conn: Connection, pairs: list[tuple[str, str]], first_clause: str,
             where: str) -> Iterator[Any]:
    """Live contacts named as one of `pairs` (first, last), through the (last, first) name indexes."""
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start:start + _CHUNK]
        values = ", ".join("(?, ?)" for _ in chunk)
        yield from conn.exec_driver_sql(
            f"WITH k(first, last) AS (VALUES {values}) "
            "SELECT c.id, c.account_id, c.email, c.import_run_id, c.first_name, c.last_name "
            f"FROM k JOIN contacts c ON c.last_name = k.last COLLATE NOCASE AND {first_clause} WHERE {where}",
            tuple(v for pair in chunk for v in pair))


def _person(found: dict[uuid.UUID | None, KnownPerson], row: Any) -> KnownPerson:
    """One object per contact, whichever query found it (id, account_id, email, import_run_id)."""
    person = found.get(_id(row[0]))
    if person is None:
        person = found[_id(row[0])] = KnownPerson(_id(row[0]), _id(row[1]), row[2], _id(row[3]))
    return person


def _id(value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)
