"""Recognise a person already in the book when the row's e-mail does not.

Many exports carry no e-mail at all (LinkedIn Sales Navigator lists, Northwind-style customer
tables, phone lists), and a later export of the same people often adds e-mails to them. Without
another key, importing such a file twice would double every contact. A row is the same person
as a live contact when:

- both carry the same LinkedIn profile (the URL as `linkedin_url` normalises it), or
- both have the same first and last name (case and spacing aside) and either work for the same
  company (the row's company is that contact's account) or share a phone number (E.164).

A name alone is never enough (two John Smiths are two people), and a row whose e-mail is new
only matches a contact that has no e-mail: two different addresses mean two people. A few
queries per batch, each starting from the most selective side, since one name can have
hundreds of contacts: LinkedIn URLs through a partial index; for rows with a new e-mail, the
e-mail-less contacts of that name (`ix_contacts_no_email_name`, partial); for rows without
one, the contacts of every book account their company could be (`ix_contacts_account_id`;
one name can be several companies in several towns) and of their numbers
(`ix_contact_phones_e164`).
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
_CHUNK = 300  # rows per lookup: three parameters each, well under SQLite's variable limit


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
class Candidate:
    """What a row offers to be recognised by (its e-mail, if any, is not in the book)."""
    contact: dict[str, Any]
    email: str | None
    account_ids: frozenset[uuid.UUID]  # the book's accounts the row's company could be
    phones: set[str]  # the row's numbers, E.164


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
    def load(cls, conn: Connection, rows: Iterable[Candidate]) -> PeopleLookup:
        """The contacts that the rows not already matched by e-mail could be."""
        lookup = cls()
        profiles: set[str] = set()
        keys: dict[str, set[tuple[str, str, str]]] = {_BY_ACCOUNT: set(), _BY_PHONE: set(), _NO_EMAIL: set()}
        for row in rows:
            contact = row.contact
            if contact.get("linkedin_url"):
                profiles.add(contact["linkedin_url"])
            last = contact.get("last_name")
            if not last:
                continue
            first = contact.get("first_name") or ""
            if row.email:  # only a contact without an e-mail can be this person: few per name
                keys[_NO_EMAIL].add((first, last, ""))
                continue
            # A company has few contacts, and a number few owners; a name can have hundreds.
            keys[_BY_ACCOUNT].update((first, last, account_id.hex) for account_id in row.account_ids)
            keys[_BY_PHONE].update((first, last, e164) for e164 in row.phones)
        found: dict[uuid.UUID | None, KnownPerson] = {}
        if profiles:
            marks = ", ".join("?" * len(profiles))
            for found_row in conn.exec_driver_sql(
                    "SELECT id, account_id, email, import_run_id, linkedin_url FROM contacts "
                    f"WHERE deleted_at IS NULL AND linkedin_url IS NOT NULL AND linkedin_url IN ({marks})",
                    tuple(profiles)):
                lookup.by_profile.setdefault(found_row[4], _person(found, found_row))
        # Same name, and (checked in `match`) the same company or a shared number.
        listed: set[uuid.UUID | None] = set()
        for select, triples in keys.items():
            for found_row in _same_name(conn, select, sorted(triples)):
                person = _person(found, found_row)
                if found_row[6] is not None:
                    person.phones.add(found_row[6])
                key = person_key(found_row[4], found_row[5])
                if key is not None and person.id not in listed:
                    listed.add(person.id)
                    lookup.by_name.setdefault(key, []).append(person)
        return lookup

    def match(self, contact: dict[str, Any], email: str | None, phones: Iterable[str],
              account_ids: frozenset[uuid.UUID]) -> Match | None:
        """The known person this row is, if any (`account_ids`: what its company is in the book)."""
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
            if person.account_id in account_ids:
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


_SAME_NAME = ("c.deleted_at IS NULL AND c.last_name = k.last COLLATE NOCASE "
              "AND coalesce(c.first_name, '') = k.first COLLATE NOCASE")
_COLUMNS = "c.id, c.account_id, c.email, c.import_run_id, c.first_name, c.last_name"
_BY_ACCOUNT = (f"SELECT {_COLUMNS}, NULL FROM k JOIN contacts c INDEXED BY ix_contacts_account_id "
               f"ON c.account_id = k.key WHERE {_SAME_NAME}")
_BY_PHONE = (f"SELECT {_COLUMNS}, p.e164 FROM k JOIN contact_phones p INDEXED BY ix_contact_phones_e164 "
             f"ON p.e164 = k.key JOIN contacts c ON c.id = p.contact_id "
             f"WHERE p.deleted_at IS NULL AND {_SAME_NAME}")
_NO_EMAIL = (f"SELECT {_COLUMNS}, p.e164 FROM k JOIN contacts c INDEXED BY ix_contacts_no_email_name "
             "ON c.last_name = k.last COLLATE NOCASE "
             "LEFT JOIN contact_phones p ON p.contact_id = c.id AND p.deleted_at IS NULL "
             f"WHERE c.email IS NULL AND {_SAME_NAME}")


def _same_name(conn: Connection, select: str, keys: list[tuple[str, str, str]]) -> Iterator[Any]:
    """Rows of `select` for (first, last, key) triples: key is an account id, an E.164 number or ""."""
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        values = ", ".join("(?, ?, ?)" for _ in chunk)
        yield from conn.exec_driver_sql(f"WITH k(first, last, key) AS (VALUES {values}) {select}",
                                        tuple(v for triple in chunk for v in triple))


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
