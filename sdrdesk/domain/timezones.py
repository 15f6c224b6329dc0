"""Which time zone(s) a prospect is in, and how sure we are.

Order of evidence: a zone the rep pinned wins; else the zones of the contact's phone numbers;
else the account's country/region. Several candidate zones are reported as ambiguous, never
collapsed to the first: a wrong local time is worse than "3 possible zones".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sdrdesk.domain.phones import timezones_for_e164

# Countries with one zone, and regions (ISO 3166-2 subdivision codes as exports write them)
# of the multi-zone countries our reps call most.
_COUNTRY_ZONES: dict[str, str] = {
    "GB": "Europe/London", "DE": "Europe/Berlin", "FR": "Europe/Paris", "IE": "Europe/Dublin",
    "NL": "Europe/Amsterdam", "BE": "Europe/Brussels", "ES": "Europe/Madrid", "IT": "Europe/Rome",
    "CH": "Europe/Zurich", "AT": "Europe/Vienna", "SE": "Europe/Stockholm", "NO": "Europe/Oslo",
    "DK": "Europe/Copenhagen", "FI": "Europe/Helsinki", "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon", "IN": "Asia/Kolkata", "SG": "Asia/Singapore", "JP": "Asia/Tokyo",
    "NZ": "Pacific/Auckland", "IL": "Asia/Jerusalem", "ZA": "Africa/Johannesburg",
}
_REGION_ZONES: dict[str, dict[str, str]] = {
    "US": {
        "NY": "America/New_York", "MA": "America/New_York", "GA": "America/New_York",
        "FL": "America/New_York", "NJ": "America/New_York", "PA": "America/New_York",
        "VA": "America/New_York", "NC": "America/New_York", "OH": "America/New_York",
        "DC": "America/New_York", "IL": "America/Chicago", "TX": "America/Chicago",
        "MN": "America/Chicago", "WI": "America/Chicago", "MO": "America/Chicago",
        "CO": "America/Denver", "UT": "America/Denver", "AZ": "America/Phoenix",
        "CA": "America/Los_Angeles", "WA": "America/Los_Angeles", "OR": "America/Los_Angeles",
        "NV": "America/Los_Angeles", "HI": "Pacific/Honolulu", "AK": "America/Anchorage",
    },
    "CA": {
        "ON": "America/Toronto", "QC": "America/Toronto", "BC": "America/Vancouver",
        "AB": "America/Edmonton", "MB": "America/Winnipeg", "SK": "America/Regina",
        "NS": "America/Halifax", "NB": "America/Moncton", "NL": "America/St_Johns",
        "PE": "America/Halifax",
    },
    "AU": {
        "NSW": "Australia/Sydney", "VIC": "Australia/Melbourne", "QLD": "Australia/Brisbane",
        "WA": "Australia/Perth", "SA": "Australia/Adelaide", "TAS": "Australia/Hobart",
        "ACT": "Australia/Sydney", "NT": "Australia/Darwin",
    },
}


_PREFERRED: frozenset[str] = frozenset(_COUNTRY_ZONES.values()) | frozenset(
    zone for regions in _REGION_ZONES.values() for zone in regions.values())


# Which year's rules decide "same clock"; rules rarely change, and a fixed year keeps the
# domain free of wall-clock reads.
_SAMPLE_YEAR = 2026


@lru_cache(maxsize=1024)
def _offset_signature(zone: str, year: int) -> tuple[float, ...]:
    """UTC offsets of `zone` twice a month for a year around `year`: equal signatures keep
    the same clock in practice (London, Jersey, Guernsey and the Isle of Man do)."""
    tz = ZoneInfo(zone)
    samples = []
    for y in (year, year + 1):
        for month in range(1, 13):
            for day in (1, 15):
                offset = datetime(y, month, day, 12, tzinfo=UTC).astimezone(tz).utcoffset()
                samples.append(offset.total_seconds() if offset is not None else 0.0)
    return tuple(samples)


def merge_equivalent_zones(zones: Iterable[str], year: int = _SAMPLE_YEAR) -> tuple[str, ...]:
    """Drop zones whose clock matches one already kept; the best-known zone of a group wins."""
    return _merge_equivalent_zones(tuple(zones), year)


@lru_cache(maxsize=4096)  # a book's numbers map to a few hundred distinct zone lists
def _merge_equivalent_zones(zones: tuple[str, ...], year: int) -> tuple[str, ...]:
    groups: dict[tuple[float, ...], list[str]] = {}
    for zone in zones:
        if not is_valid_zone(zone):
            continue
        groups.setdefault(_offset_signature(zone, year), []).append(zone)
    kept = []
    for members in groups.values():
        preferred = [z for z in members if z in _PREFERRED]
        kept.append(preferred[0] if preferred else members[0])
    return tuple(kept)


@dataclass(frozen=True)
class ZoneResolution:
    zones: tuple[str, ...]
    source: str  # "pinned", "phone", "region", "unknown"

    @property
    def known(self) -> bool:
        return bool(self.zones)

    @property
    def ambiguous(self) -> bool:
        return len(self.zones) > 1

    @property
    def single(self) -> str | None:
        return self.zones[0] if len(self.zones) == 1 else None


@lru_cache(maxsize=2048)  # ZoneInfo keeps only 8 zones strongly: re-reading tzdata cost ~20 us a call
def is_valid_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zones_for_place(country: str | None, region: str | None) -> tuple[str, ...]:
    code = (country or "").strip().upper()
    if code in _COUNTRY_ZONES:
        return (_COUNTRY_ZONES[code],)
    regions = _REGION_ZONES.get(code)
    if regions and region:
        zone = regions.get(region.strip().upper())
        if zone:
            return (zone,)
    return ()


def resolve_zones(pinned: str | None, phone_e164s: Iterable[str | None],
                  country: str | None = None, region: str | None = None) -> ZoneResolution:
    if is_valid_zone(pinned):
        return ZoneResolution((pinned,), "pinned")  # type: ignore[arg-type]
    from_phones: list[str] = []
    for e164 in phone_e164s:
        for zone in timezones_for_e164(e164):
            if zone not in from_phones:
                from_phones.append(zone)
    if from_phones:
        return ZoneResolution(merge_equivalent_zones(from_phones), "phone")
    place = zones_for_place(country, region)
    if place:
        return ZoneResolution(place, "region")
    return ZoneResolution((), "unknown")


def city_of(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def local_time_label(resolution: ZoneResolution, now: datetime) -> str:
    """What the rep sees: "14:05 Toronto", "3 possible zones" or "unknown"."""
    if not resolution.known:
        return "unknown"
    if resolution.ambiguous:
        return f"{len(resolution.zones)} possible zones"
    zone = resolution.zones[0]
    local = now.astimezone(ZoneInfo(zone))
    return f"{local:%H:%M} {city_of(zone)}"
