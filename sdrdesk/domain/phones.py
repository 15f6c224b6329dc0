"""Phone numbers: kept exactly as entered, plus what `phonenumbers` can tell about them.

An invalid number is flagged, never dropped. Time zones are a tuple because one number can
map to several zones (mobiles, toll-free, NANP non-geographic): callers treat more than one
zone as ambiguous instead of picking the first.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from phonenumbers import timezone as pn_timezone  # eager on purpose: 2 ms, used everywhere
from phonenumbers.re_util import enable_pattern_cache

# Numbers from many countries need more metadata patterns than `re` keeps cached (512); without
# this, phonenumbers recompiles them on every number (imports 3x slower, time zones ~20 %).
enable_pattern_cache()

_UNKNOWN_TZ = "Etc/Unknown"

_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

# Spreadsheet exports (Apollo and others) prefix phones with an apostrophe so Excel keeps
# them as text; it is not part of the number.
_LEADING_APOSTROPHE = re.compile(r"^\s*'")
_NON_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True)
class PhoneInfo:
    raw: str
    e164: str | None
    valid: bool
    number_type: str
    extension: str | None
    region: str | None
    timezones: tuple[str, ...]

    @property
    def digits(self) -> str:
        return digits_only(self.raw)


def digits_only(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def parse_phone(raw: str, default_region: str | None = "US") -> PhoneInfo:
    """Parse `raw` against `default_region` (ISO 3166 alpha-2). Never raises on bad input."""
    text = _LEADING_APOSTROPHE.sub("", raw or "").strip()
    empty = PhoneInfo(raw=raw or "", e164=None, valid=False, number_type="unknown",
                      extension=None, region=None, timezones=())
    if not text or not any(ch.isdigit() for ch in text):
        return empty
    region = (default_region or "").upper() or None
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        # "001-..." style international prefixes and other oddities: retry as international.
        try:
            number = phonenumbers.parse("+" + digits_only(text), None)
        except NumberParseException:
            return empty
    if not phonenumbers.is_valid_number(number) and text.lstrip("(").startswith("00"):
        # "00" is the international call prefix in most of the world ("001-541-...").
        with contextlib.suppress(NumberParseException):
            number = phonenumbers.parse("+" + text.lstrip("(")[2:], None)
    possible = phonenumbers.is_possible_number(number)
    valid = phonenumbers.is_valid_number(number)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164) if possible else None
    zones = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != _UNKNOWN_TZ)
    return PhoneInfo(
        raw=raw,
        e164=e164,
        valid=valid,
        number_type=_TYPE_NAMES.get(phonenumbers.number_type(number), "unknown") if valid else "unknown",
        extension=number.extension or None,
        region=phonenumbers.region_code_for_number(number) if valid else None,
        timezones=zones if valid else (),
    )


@lru_cache(maxsize=65536)  # ~0.4 ms a number; Today and the research pane ask again every minute
def timezones_for_e164(e164: str | None) -> tuple[str, ...]:
    """Candidate IANA zones for a stored E.164 number; empty when unknown or invalid."""
    if not e164:
        return ()
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return ()
    # An invalid number has no type, and phonenumbers answers it with the unknown zone alone.
    return tuple(z for z in pn_timezone.time_zones_for_number(number) if z != _UNKNOWN_TZ)


def format_for_display(e164: str | None, raw: str, rep_region: str = "US",
                       extension: str | None = None) -> str:
    """National format for the rep's own region, international otherwise; raw when unparsable."""
    if not e164:
        return raw
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return raw
    same_region = phonenumbers.region_code_for_number(number) == rep_region.upper()
    fmt = PhoneNumberFormat.NATIONAL if same_region else PhoneNumberFormat.INTERNATIONAL
    text = phonenumbers.format_number(number, fmt)
    return f"{text} ext. {extension}" if extension else text


def search_tokens(e164: str | None, raw: str) -> str:
    """Digit strings under which a number is found: raw digits, E.164 digits, national digits."""
    tokens = {digits_only(raw)}
    if e164:
        tokens.add(digits_only(e164))
        try:
            number = phonenumbers.parse(e164, None)
            tokens.add(str(number.national_number))
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            tokens.add(digits_only(national))  # keeps a trunk prefix: 030..., 020..., 0412...
        except NumberParseException:
            pass
    return " ".join(sorted(t for t in tokens if t))
