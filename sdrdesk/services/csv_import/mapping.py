"""Column mapping: which sdrdesk field each column of a file feeds.

A mapping is guessed from header aliases, may be overridden by the user (wizard or
`--map`), and is remembered per header set (`header_key`) in `ImportMapping`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sdrdesk.domain.errors import ImportFileRejected
from sdrdesk.services.csv_import.aliases import (
    ACCOUNT_FIELDS,
    ALL_FIELDS,
    CONTACT_FIELDS,
    DROP,
    IGNORE,
    field_for_header,
    normalise_header,
    phone_label,
)

# Fields that may be fed by several columns; every other field takes its first column.
MULTI_FIELDS = {"contact.phone", "contact.email", "contact.notes", "account.notes"}
_PERSON_FIELDS = {"contact.first_name", "contact.last_name", "contact.full_name",
                  "contact.email", "contact.title", "contact.linkedin_url"}
_SHARED_TO_ACCOUNT = {
    "contact.country": "account.country", "contact.region": "account.region",
    "contact.city": "account.city", "contact.notes": "account.notes",
    "contact.phone": "account.phone", "contact.full_name": "account.name",
    "contact.external_id": "account.external_id", "contact.account_ref": "account.external_id",
}


def header_key(headers: Sequence[str]) -> str:
    """A stable key for a header set: same columns in the same order, whatever the case."""
    joined = "\x1f".join(normalise_header(h) or f"#{i}" for i, h in enumerate(headers))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def base_field(field: str) -> str:
    return field.split(":", 1)[0]


def is_valid_field(field: str) -> bool:
    return field in (IGNORE, DROP) or base_field(field) in ALL_FIELDS


@dataclass(frozen=True)
class ColumnMapping:
    headers: tuple[str, ...]
    fields: tuple[str, ...]  # one per column: a field name (phones may be "contact.phone:mobile"),
    # IGNORE (kept as an extra field of the record) or DROP (left out)
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # how the file was read and why (shown on the wizard's pages)
    guessed: bool = False  # from headers and samples, not the user's choice

    @property
    def key(self) -> str:
        return header_key(self.headers)

    def columns_for(self, field: str) -> list[int]:
        return [i for i, f in enumerate(self.fields) if base_field(f) == field]

    @property
    def mapped_fields(self) -> set[str]:
        return {base_field(f) for f in self.fields if f not in (IGNORE, DROP)}

    @property
    def kind(self) -> str:
        """accounts, contacts or both: what the file can create."""
        fields = self.mapped_fields
        has_people = bool(fields & _PERSON_FIELDS)
        has_accounts = "account.name" in fields or "record.is_company" in fields
        if has_people and has_accounts:
            return "both"
        return "contacts" if has_people else "accounts"

    @property
    def unmapped(self) -> list[str]:
        pairs = enumerate(zip(self.headers, self.fields, strict=True))
        return [h or f"(column {i + 1})" for i, (h, f) in pairs if f in (IGNORE, DROP)]

    @property
    def extra_columns(self) -> list[int]:
        """Columns kept as the record's extra fields."""
        return [i for i, f in enumerate(self.fields) if f == IGNORE]

    def to_json(self) -> dict[str, str]:
        return {h or f"#{i + 1}": f for i, (h, f) in enumerate(zip(self.headers, self.fields, strict=True))}

    def with_overrides(self, overrides: MappingABC[str, str | None]) -> ColumnMapping:
        """Apply {header or "#n" (1-based column): field or None} on top of this mapping."""
        fields = list(self.fields)
        by_name = {normalise_header(h): i for i, h in enumerate(self.headers) if h}
        for column, field in overrides.items():
            if column.startswith("#") and column[1:].isdigit():
                index = int(column[1:]) - 1
            else:
                index = by_name.get(normalise_header(column), -1)
            if not 0 <= index < len(fields):
                raise ImportFileRejected(
                    f'The mapping names a column "{column}" that the file does not have.')
            target = field or DROP
            if not is_valid_field(target):
                raise ImportFileRejected(
                    f'The mapping sends "{column}" to "{target}", which is not a field sdrdesk knows. '
                    f"Known fields: {', '.join(ALL_FIELDS)}, {IGNORE} (kept as an extra field), "
                    f"{DROP} (left out).")
            fields[index] = target
        return _finish(self.headers, fields, explicit=True)


def _label(headers: Sequence[str], index: int) -> str:
    return f'"{headers[index] or f"column {index + 1}"}"'


def _finish(headers: Sequence[str], fields: list[str], *, explicit: bool,
            found: Sequence[str] = ()) -> ColumnMapping:
    """Settle a guess (or check the user's mapping): which record each column describes.

    `found`: what the sample values revealed (e-mail columns under unknown headers), for the notes.
    """
    warnings: list[str] = []
    notes: list[str] = list(found)
    bare = [i for i, f in enumerate(fields)
            if f == "contact.full_name" and normalise_header(headers[i]) == "name"]
    # A bare "Name" column is a person only when other person columns sit beside it, or when a
    # column is plainly the company's name ("name" next to "company_name").
    mapped = {base_field(f) for i, f in enumerate(fields) if f not in (IGNORE, DROP) and i not in bare}
    person_columns = [i for i, f in enumerate(fields)
                      if base_field(f) in _PERSON_FIELDS and i not in bare]
    company_columns = [i for i, f in enumerate(fields) if f == "account.name"]
    if not explicit and not (mapped & _PERSON_FIELDS) and "record.is_company" not in mapped \
            and not (bare and company_columns):
        # A company list: location, phone and "Name" columns describe the account.
        for i, field in enumerate(fields):
            target = _SHARED_TO_ACCOUNT.get(base_field(field))
            if target:
                fields[i] = target
        named = f"{_label(headers, bare[0])} is the company's name" if bare else "every row is a company"
        notes.insert(0, "Read as a list of companies: no column holds a person's name, e-mail, job "
                        f"title or LinkedIn profile, so {named}.")
    elif not explicit and (mapped & _PERSON_FIELDS or bare):
        why = []
        if person_columns:
            why.append("person columns " + ", ".join(_label(headers, i) for i in person_columns[:4]))
        if bare and company_columns:
            why.append(f"a company column {_label(headers, company_columns[0])}")
        reading = "Read as people with their companies" if company_columns else "Read as people"
        if bare:
            reading += f": {_label(headers, bare[0])} is the person's name"
        notes.insert(0, f"{reading} (the file has {' and '.join(why) or 'person columns'}).")
    if not explicit:
        # Outlook writes the courtesy title ("Mr.") as "Title" beside "Job Title": the job wins.
        titles = [i for i, f in enumerate(fields) if f == "contact.title"]
        job = [i for i in titles if "job" in normalise_header(headers[i])]
        for i in titles:
            if job and i not in job:
                fields[i] = IGNORE
    seen: set[str] = set()
    for i, field in enumerate(fields):
        base = base_field(field)
        if field in (IGNORE, DROP) or base in MULTI_FIELDS:
            continue
        if base in seen:
            fields[i] = IGNORE
            warnings.append(f'"{headers[i]}" also looks like {base}; only the first such column is used '
                            "(this one is kept as an extra field).")
        seen.add(base)
    return ColumnMapping(tuple(headers), tuple(fields), tuple(warnings), tuple(notes), guessed=not explicit)


def _header_fields(headers: Sequence[str]) -> list[str]:
    fields: list[str] = []
    for header in headers:
        field = field_for_header(header) or IGNORE
        if field == "contact.phone":
            label = phone_label(header)
            field = f"contact.phone:{label}" if label else field
        elif field == IGNORE and normalise_header(header) in _DROPPED:
            field = DROP
        fields.append(field)
    return fields


_DROPPED = frozenset({"photo", "picture", "image", "avatar"})  # picture blobs are no extra field


def guess_mapping(headers: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> ColumnMapping:
    """The mapping that headers and sample values suggest together: a column of e-mails found from
    its values changes what "name" means next to "company_name"."""
    fields = _header_fields(headers)
    found: list[str] = []
    if rows:
        fields, found = _from_samples(headers, fields, rows)
    return _finish(headers, fields, explicit=False, found=found)


_LINKEDIN_PROFILE = ("linkedin.com/in/", "linkedin.com/pub/", "linkedin.com/sales/")


def _from_samples(headers: Sequence[str], fields: list[str],
                  rows: Sequence[Sequence[str]]) -> tuple[list[str], list[str]]:
    from sdrdesk.services.csv_import.values import clean, is_email

    fields = list(fields)
    found: list[str] = []
    has_email = any(base_field(f) == "contact.email" for f in fields)
    for i, field in enumerate(fields):
        values = [x for r in rows if i < len(r) and (x := clean(r[i]))]
        if not values:
            continue
        profiles = sum(1 for x in values if any(p in x.casefold() for p in _LINKEDIN_PROFILE))
        emails = sum(1 for x in values if is_email(x.lower().removeprefix("mailto:")))
        if base_field(field) in ("account.website", IGNORE) and profiles / len(values) >= 0.5:
            fields[i] = "contact.linkedin_url"
            found.append(f"{_label(headers, i)} holds LinkedIn profiles ({profiles} of {len(values)} "
                         "sample values).")
        elif field in (IGNORE, "contact.full_name") and not has_email and len(values) >= 2 \
                and emails / len(values) >= 0.8:
            fields[i] = "contact.email"
            has_email = True
            found.append(f"{_label(headers, i)} holds e-mail addresses ({emails} of {len(values)} "
                         "sample values).")
    return fields, found


def refine_with_samples(mapping: ColumnMapping, rows: Sequence[Sequence[str]]) -> ColumnMapping:
    """Correct a mapping with what the first rows hold (e.g. a "URL" column of profiles). A guessed
    mapping is guessed again from headers and values together."""
    if mapping.guessed:
        return guess_mapping(mapping.headers, rows)
    fields, found = _from_samples(mapping.headers, list(mapping.fields), rows)
    if fields == list(mapping.fields):
        return mapping
    return _finish(mapping.headers, fields, explicit=True, found=found)


def load_overrides(value: str) -> dict[str, str | None]:
    """`--map` takes inline JSON or a path to a JSON file: {"Header": "field" or null}."""
    text = value
    candidate = Path(value)
    if not value.lstrip().startswith("{") and candidate.exists():
        text = candidate.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileRejected(f"The column mapping is not valid JSON: {exc.msg}.") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ImportFileRejected('The column mapping must be a JSON object like {"Header": "contact.email"}.')
    return {k: (v if isinstance(v, str) else None) for k, v in data.items()}


__all__ = ["ACCOUNT_FIELDS", "CONTACT_FIELDS", "ColumnMapping", "guess_mapping", "header_key",
           "load_overrides"]
