"""Phone numbers: kept exactly as entered, plus what `phonenumbers` can tell about them.

An invalid number is flagged, never dropped. Time zones are a tuple because one number can
map to several zones (mobiles, toll-free, NANP non-geographic): callers treat more than one
zone as ambiguous instead of picking the first.
"""

from __future__ import annotations

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


_SUPPORTED = frozenset(phonenumbers.SUPPORTED_REGIONS)


def parse_strict(text: str, region: str | None) -> tuple[phonenumbers.PhoneNumber | None, bool]:
    """(number, written with its own country code) for an already cleaned `text`, or (None, False).

    A number written with "+" or the "00" international prefix is parsed as it says. Any other
    number is parsed only for `region`, and only when phonenumbers has metadata for it: never by
    putting "+" before all its digits, which turns a US number with an extension in a row of a
    small territory into a "valid" German one.
    """
    stripped = text.lstrip("( ")
    own_code = stripped.startswith(("+", "00", "\uff0b"))
    try:
        if stripped.startswith("00"):
            return phonenumbers.parse("+" + stripped[2:], None), True
        if own_code:
            return phonenumbers.parse(text, None), True
        if region not in _SUPPORTED:
            return None, False
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None, False
    # An international call prefix of the region ("011 49 ..." in the US) is a code of its own.
    return number, number.country_code != phonenumbers.country_code_for_region(region)


def strict_e164(number: phonenumbers.PhoneNumber, own_code: bool, valid: bool) -> str | None:
    """E.164 only for a number valid for its region, or written with its own code and possible."""
    if valid or (own_code and phonenumbers.is_possible_number(number)):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return None


def parse_phone(raw: str, default_region: str | None = "US") -> PhoneInfo:
    """Parse `raw` against `default_region` (ISO 3166 alpha-2). Never raises on bad input.

    A number that does not parse for the region (and has no "+"/"00" code of its own) is kept as
    typed with no E.164 and no time zone (`parse_strict`)."""
    text = _LEADING_APOSTROPHE.sub("", raw or "").strip()
    empty = PhoneInfo(raw=raw or "", e164=None, valid=False, number_type="unknown",
                      extension=None, region=None, timezones=())
    if not text or not any(ch.isdigit() for ch in text):
        return empty
    region = (default_region or "").upper() or None
    number, own_code = parse_strict(text, region)
    if number is None:
        return empty
    valid = phonenumbers.is_valid_number(number)
    e164 = strict_e164(number, own_code, valid)
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
