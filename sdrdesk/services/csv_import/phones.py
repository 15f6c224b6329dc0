"""Phone parsing tuned for bulk import: the same rules as `domain.phones.parse_phone`.

One `phonenumbers.parse` per number gives everything an import stores (E.164, validity, type,
region, extension and the search digits); the domain function also computes time zones and
parses twice for search tokens, which at 100k rows costs more than the rest of the import.
`tests/importing/test_phones_agree.py` checks both agree on 1,130 real numbers. Validity comes
from `number_type` alone: `is_valid_number` is that type being known for the region the number
maps to, which is how `number_type` picks its metadata (phonenumberutil.py), so one call decides both.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from sdrdesk.domain.phones import digits_only, parse_strict  # also turns on phonenumbers' pattern cache

_LEADING_APOSTROPHE = re.compile(r"^\s*'")
_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line", PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile", PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate", PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip", PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager", PhoneNumberType.UAN: "uan", PhoneNumberType.VOICEMAIL: "voicemail",
}


# Exports repeat numbers (company switchboards, re-imported lists); validity and type cost ~200 us
# per number, so remember recent ones. Bounded, and results are immutable per (raw, region).
@functools.lru_cache(maxsize=8192)  # ~6 MB at most
def _cached(raw: str, region: str | None) -> tuple[tuple[str, Any], ...]:
    return tuple(_parse_row(raw, region).items())


def parse_for_import(raw: str, region: str | None) -> dict[str, Any]:
    """Column values of a `ContactPhone` for `raw` (kept exactly), parsed against `region`."""
    return dict(_cached(raw, region))


def _parse_row(raw: str, region: str | None) -> dict[str, Any]:
    text = _LEADING_APOSTROPHE.sub("", raw).strip()
    row: dict[str, Any] = {"raw": raw, "e164": None, "extension": None, "is_valid": False,
                           "number_type": "unknown", "region": None}
    number, own_code = parse_strict(text, (region or "").upper() or None) \
        if any(c.isdigit() for c in text) else (None, False)
    if number is None:
        row["search_digits"] = digits_only(raw) or None
        return row
    kind = phonenumbers.number_type(number)
    valid = kind != PhoneNumberType.UNKNOWN  # what is_valid_number decides, computed once
    tokens = {digits_only(raw)}
    if valid or (own_code and phonenumbers.is_possible_number(number)):
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        row["e164"] = e164
        tokens.add(e164[1:])
        tokens.add(str(number.national_number))
        plain = number
        if number.extension:
            plain = copy.copy(number)
            plain.extension = None
        tokens.add(digits_only(phonenumbers.format_number(plain, PhoneNumberFormat.NATIONAL)))
    row["extension"] = number.extension or None
    if valid:
        row["is_valid"] = True
        row["number_type"] = _TYPE_NAMES.get(kind, "unknown")
        row["region"] = phonenumbers.region_code_for_number(number)
    row["search_digits"] = " ".join(sorted(t for t in tokens if t)) or None
    return row
