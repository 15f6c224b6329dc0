"""Turn one CSV record into a plan for an account or a contact, or into a reason to reject it.

Pure Python with no database: cells are cleaned, e-mails checked, phones parsed (against the
row's country or the default region), the company and its domain worked out. The importer
then decides, per plan, whether it is new, a duplicate or an update.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sdrdesk.services.csv_import import values as v
from sdrdesk.services.csv_import.aliases import IGNORE
from sdrdesk.services.csv_import.countries import to_iso2
from sdrdesk.services.csv_import.mapping import ColumnMapping, base_field
from sdrdesk.services.csv_import.phones import parse_for_import
from sdrdesk.services.csv_import.reader import Record

_SCIENTIFIC = re.compile(r"^[+-]?\d(?:[.,]\d+)?[eE]\+?\d{1,3}$")
_NEGATIVE = re.compile(r"^-\d[\d .]{5,}$")


def repair_split(cells: list[str], width: int) -> int | None:
    """Where a row one field too long was split by an unquoted delimiter: the index `i` such that
    joining cells i and i+1 gives a row of the header's width, or None when no join is clear.

    A field after the delimiter that starts with a space ("24, place Kléber", "Pavlova, Ltd.")
    is the clearest sign; failing that, a text field followed by a short fragment ("Smith,Jr.").
    Exactly one candidate must exist, or the row stays rejected.
    """
    if len(cells) != width + 1:
        return None
    spaced = [i for i in range(width) if cells[i + 1][:1] == " " and cells[i].strip()
              and cells[i + 1].strip()]
    if len(spaced) == 1:
        return spaced[0]
    if spaced:
        return None
    fragments = [i for i in range(width) if any(ch.isalpha() for ch in cells[i])
                 and 0 < len(cells[i + 1].strip()) <= 4 and cells[i + 1].strip().rstrip(".").isalpha()
                 and cells[i + 1].strip()[:1].isupper()]
    return fragments[0] if len(fragments) == 1 else None


def spreadsheet_damage(raw: str, region: str | None) -> str | None:
    """How a spreadsheet changed a phone number, if it looks like it did: shown as scientific
    notation (3.3688E+10), made negative (a "-" read as minus), or its leading zero dropped
    (473734242 for 04 73 73 42 42)."""
    text = raw.strip()
    if _SCIENTIFIC.match(text):
        return "scientific notation"
    if _NEGATIVE.match(text):
        return "made negative"
    # A national number written without its trunk "0" that is valid with it: phonenumbers still
    # reads it (E.164 is right), but the cell was a number in a spreadsheet.
    if text.isdigit() and 6 <= len(text) <= 14 and _trunk_zero(region) \
            and parse_for_import("0" + text, region)["is_valid"]:
        return "leading zero lost"
    return None


@functools.lru_cache(maxsize=512)
def _trunk_zero(region: str | None) -> bool:
    """Whether numbers of `region` are written nationally with a leading "0" (FR, DE, GB; not US)."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region or "", None)
    return metadata is not None and metadata.national_prefix == "0"


_EXTRA_MAX = 2000  # a longer unmapped value is a picture or a blob, not a field a rep reads


@dataclass(slots=True)
class Plan:
    number: int
    cells: list[str]
    record: str  # "account" or "contact"
    label: str
    account: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    email: str | None = None
    phones: list[dict[str, Any]] = field(default_factory=list)
    account_ref: str | None = None  # the company's id in the source system (a contact row's)


class RowPlanner:
    def __init__(self, mapping: ColumnMapping, default_region: str | None, *, delimiter: str = ",",
                 repair_splits: bool = False) -> None:
        self.default_region = default_region
        self.delimiter = delimiter
        self.repair_splits = repair_splits  # the rep accepted joining rows split by a stray delimiter
        self.headers = mapping.headers
        # Rows one field too long that joining two neighbours fixes: {"row", "column", "value"}.
        self.repairs: list[dict[str, str]] = []
        self.repairable = 0
        # Country cells no name matched: {as written: [row numbers]} (a warning, never silence).
        self.unknown_countries: dict[str, list[int]] = {}
        self.damaged = 0  # phone numbers a spreadsheet mangled, and a few of them
        self.damaged_examples: list[str] = []
        self.width = len(mapping.headers)
        self.single: dict[str, int] = {}
        self.multi: dict[str, list[tuple[int, str | None]]] = {}
        for index, f in enumerate(mapping.fields):
            if f == IGNORE:
                continue
            base = base_field(f)
            label = f.split(":", 1)[1] if ":" in f else None
            self.multi.setdefault(base, []).append((index, label))
            self.single.setdefault(base, index)
        # Columns no field takes: kept as the record's extra fields, {header: value}.
        self.extras = [(i, mapping.headers[i] or f"column {i + 1}") for i in mapping.extra_columns]
        self.long_extras: dict[str, int] = {}  # values too long to keep, per column

    def _get(self, cells: list[str], name: str) -> str:
        index = self.single.get(name)
        return v.clean(cells[index]) if index is not None else ""

    def _all(self, cells: list[str], name: str) -> list[tuple[str, str | None]]:
        clean = v.clean
        return [(text, label) for i, label in self.multi.get(name, ()) if (text := clean(cells[i]))]

    def _phone(self, raw: str, region: str | None, label: str | None, position: int,
               number: int = 0) -> dict[str, Any]:
        phone = {**parse_for_import(raw, region), "label": label, "position": position}
        if raw[:1] == "-" or raw.isdigit() or "E+" in raw or "e+" in raw:
            damage = spreadsheet_damage(raw, region)
            if damage:
                self.damaged += 1
                if len(self.damaged_examples) < 5:
                    self.damaged_examples.append(f"{raw} (row {number}, {damage})")
        return phone

    def plan(self, record: Record) -> Plan | str:
        """Turn one record into a plan, or return the reason it is rejected."""
        if record.error:
            return record.error
        cells = record.cells
        if len(cells) > self.width:
            extra = cells[self.width:]
            if any(c.strip() for c in extra):
                split = repair_split(cells, self.width) if len(cells) == self.width + 1 else None
                if split is None:
                    return (f"has {len(cells)} fields but the header has {self.width} "
                            "(a delimiter inside an unquoted value?)")
                self.repairable += 1
                joined = cells[split] + self.delimiter + cells[split + 1]
                if len(self.repairs) < 200:
                    self.repairs.append({"row": str(record.number), "value": joined,
                                         "column": self.headers[split] or f"column {split + 1}"})
                if not self.repair_splits:
                    return (f"has {len(cells)} fields but the header has {self.width}; joining "
                            f'"{cells[split]}" and "{cells[split + 1]}" would fit the columns '
                            "(accept the repair to import it)")
                cells = [*cells[:split], joined, *cells[split + 2:]]
            else:
                cells = cells[:self.width]
        elif len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        clean = v.clean
        values = {name: clean(cells[index]) for name, index in self.single.items()}
        get = values.get  # called as get(name, ""): a missing field is empty
        company = get("account.name", "")
        parent = get("record.parent_company", "")
        is_company = "record.is_company" in self.single and v.is_true(get("record.is_company", ""))
        first, last = get("contact.first_name", ""), get("contact.last_name", "")
        full = get("contact.full_name", "")
        if not (first or last) and full:
            first, last = v.split_full_name(full)
        emails: list[str] = []
        for cell, _label in self._all(cells, "contact.email"):
            emails.extend(v.split_emails(cell))
        for email in emails[:1]:
            if not v.is_email(email):
                return f'e-mail "{email}" is not a valid address'
        email = emails[0] if emails else None
        extra_emails = [e for e in emails[1:] if v.is_email(e)]
        contact_country = self._country(get("contact.country", ""), record.number) \
            if "contact.country" in self.single else None
        account_country = self._country(get("account.country", ""), record.number) \
            if "account.country" in self.single else None
        region = contact_country or account_country
        if region is None:
            # A country that was written but not recognised is no reason to read numbers as US.
            unknown = get("contact.country", "") or get("account.country", "")
            region = None if unknown else self.default_region
        phone_cells: list[tuple[str | None, str]] = []
        for cell, label in self._all(cells, "contact.phone"):
            items = v.json_list(cell)
            if items is not None:
                phone_cells.extend((lbl or label, raw) for lbl, raw in items)
            else:
                phone_cells.extend((label, part) for part in v.split_phones(cell))
        website = get("account.website", "")
        account: dict[str, Any] | None = None
        account_name = company or (full if is_company else "") or ""
        if is_company and not account_name:
            account_name = " ".join(p for p in (first, last) if p)
        company_row = is_company or not (first or last or email or phone_cells)
        if is_company or company or (company_row and website):
            account_phone = get("account.phone", "")
            if is_company and not account_phone and phone_cells:
                account_phone = phone_cells[0][1]
            if not account_name and website:
                account_name = v.domain_of(website) or website
            if account_name:
                account = {
                    "name": account_name, "website": website or None,
                    "domain": v.domain_of(website) if website else None,
                    # Only a bare site ("acme.com/") identifies the company; a page on a shared
                    # site ("ain.fr/musees/bugey") does not, so such rows also need the name to match.
                    "domain_key": v.domain_of(website) if website and v.is_bare_site(website) else None,
                    "industry": get("account.industry", "") or None,
                    "employee_count": v.to_int(get("account.employee_count", "")),
                    "annual_revenue": v.to_float(get("account.annual_revenue", ""))
                    if get("account.annual_revenue", "") else None,
                    "country": account_country or (contact_country if company_row else None),
                    "region": get("account.region", "") or (get("contact.region", "") if company_row
                                                               else "") or None,
                    "city": get("account.city", "") or (get("contact.city", "") if company_row
                                                           else "") or None,
                    "notes": "\n".join(c for c, _ in self._all(cells, "account.notes")) or None,
                    "phone_raw": None, "phone_e164": None,
                    "external_id": get("account.external_id", "")[:100] or None,
                    "extra_fields": None,
                }
                if account_phone:
                    account["phone_raw"] = account_phone
                    account["phone_e164"] = parse_for_import(account_phone, region)["e164"]
        extra = self._extra(cells) if self.extras else None
        if is_company:
            if account is None:
                return "the row is marked as a company but has no company name"
            account["extra_fields"] = extra
            return Plan(record.number, record.cells, "account", account_name, account=account)
        has_person = bool(first or last or email or phone_cells)
        account_ref = get("contact.account_ref", "")[:100] or None
        if not has_person:
            if account is None:
                return "has no name, e-mail, phone or company to import"
            account["extra_fields"] = extra
            return Plan(record.number, record.cells, "account", account["name"], account=account)
        if account is None and parent:
            account = {"name": parent, "domain": None, "domain_key": None, "website": None}
        notes = [c for c, _ in self._all(cells, "contact.notes")]
        contact = {
            "first_name": first or None, "last_name": last or None,
            "title": get("contact.title", "") or None, "email": email,
            "linkedin_url": v.linkedin_url(get("contact.linkedin_url", "")),
            "country": contact_country, "region": get("contact.region", "") or None,
            "city": get("contact.city", "") or None, "notes": "\n".join(notes) or None,
            "external_id": get("contact.external_id", "")[:100] or None, "extra_fields": extra,
            "other_emails": "\n".join(dict.fromkeys(e for e in extra_emails if e != email)) or None,
        }
        phones: list[dict[str, Any]] = []
        seen: dict[str, dict[str, Any]] = {}
        for label, raw in phone_cells:
            phone = self._phone(raw, region, label, len(phones), record.number)
            key = phone["e164"] or v.clean(raw)
            if key in seen:
                # Apollo repeats a number under "First Phone" and "Work Direct Phone": one phone,
                # with the more telling label.
                seen[key]["label"] = seen[key]["label"] or label
                continue
            seen[key] = phone
            phones.append(phone)
        extension = get("contact.phone_extension", "")
        if extension and phones and not phones[0]["extension"]:
            phones[0]["extension"] = extension[:20]  # a separate column (Northwind employees)
        label = " ".join(p for p in (first, last) if p) or email or (phones[0]["raw"] if phones else "")
        return Plan(record.number, record.cells, "contact", label, account=account, contact=contact,
                    email=email, phones=phones, account_ref=account_ref)

    def _extra(self, cells: list[str]) -> str | None:
        """JSON text of the row's unmapped, non-empty cells; None when there are none."""
        data = {}
        clean = v.clean
        for index, header in self.extras:
            text = clean(cells[index])
            if not text:
                continue
            if len(text) > _EXTRA_MAX:
                self.long_extras[header] = self.long_extras.get(header, 0) + 1
                continue
            data[header] = text
        return json.dumps(data, ensure_ascii=False) if data else None

    def _country(self, text: str, number: int) -> str | None:
        if not text:
            return None
        code = to_iso2(text)
        if code is None:
            rows = self.unknown_countries.setdefault(text, [])
            if len(rows) < 20:
                rows.append(number)
        return code

