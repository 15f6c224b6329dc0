"""The country of phone numbers written without a country code, when the file does not say.

A French list with no country column must not be read as American. Candidates are the regions
that the sample's e-mail and website addresses point to (".fr", ".co.uk"), the rep's own region
and the US; the one under which most national-format sample numbers are valid wins, with the
addresses as the tie-break. The reason is kept for the wizard's detection page and the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers

from sdrdesk.services.csv_import import values as v
from sdrdesk.services.csv_import.mapping import ColumnMapping, base_field

_TLD_REGION = {"uk": "GB", "eu": None, "su": None, "ac": None, "io": None, "co": None, "me": None,
               "tv": None, "ai": None, "ly": None, "fm": None, "gg": None, "to": None, "ws": None,
               "cc": None, "la": None, "is": None, "it": "IT"}
_SUPPORTED = frozenset(phonenumbers.SUPPORTED_REGIONS)


# Where exports most often come from (tried when nothing in the file names a country).
_COMMON = ("US", "CA", "GB", "IE", "FR", "DE", "AT", "CH", "BE", "NL", "LU", "ES", "PT", "IT", "DK",
           "SE", "NO", "FI", "PL", "CZ", "AU", "NZ", "IN", "SG", "ZA", "BR", "MX", "AR", "JP", "IL")


@dataclass(frozen=True)
class RegionGuess:
    region: str | None
    reason: str


def _tld_region(domain: str | None) -> str | None:
    if not domain:
        return None
    tld = domain.rsplit(".", 1)[-1]
    if len(tld) != 2:
        return None
    region = _TLD_REGION.get(tld, tld.upper())
    return region if region in _SUPPORTED else None


def _name(region: str) -> str:
    from sdrdesk.services.csv_import.countries import country_name

    return f"{country_name(region)} ({region})"


def infer_region(mapping: ColumnMapping, rows: Sequence[Sequence[str]], fallback: str | None) -> RegionGuess:
    """The default region for this file's numbers without a country code (`fallback`: the rep's)."""
    guess = _infer(mapping, rows, fallback)
    countries = [mapping.headers[i] for i, f in enumerate(mapping.fields)
                 if base_field(f) in ("contact.country", "account.country")]
    if countries:
        reason = guess.reason.replace("Numbers without a country code are", "Rows without a country are", 1)
        return RegionGuess(guess.region, f'Each row\'s numbers are read for its country (column '
                                         f'"{countries[0]}"). {reason}')
    return guess


def _infer(mapping: ColumnMapping, rows: Sequence[Sequence[str]], fallback: str | None) -> RegionGuess:
    columns: dict[str, list[int]] = {}
    for i, field in enumerate(mapping.fields):
        columns.setdefault(base_field(field), []).append(i)
    phones: list[str] = []
    votes: Counter[str] = Counter()
    for row in rows:
        def cells(name: str, row: Sequence[str] = row) -> list[str]:
            return [text for i in columns.get(name, ()) if i < len(row) and (text := v.clean(row[i]))]
        for cell in cells("contact.phone") + cells("account.phone"):
            for part in v.split_phones(cell):
                stripped = part.lstrip("'( ")
                if not stripped.startswith(("+", "00")) and sum(c.isdigit() for c in part) >= 6:
                    phones.append(part)
        for cell in cells("contact.email"):
            for email in v.split_emails(cell)[:1]:
                region = _tld_region(email.rpartition("@")[2])
                if region:
                    votes[region] += 1
        for cell in cells("account.website"):
            region = _tld_region(v.domain_of(cell))
            if region:
                votes[region] += 1
    fallback = (fallback or "").upper() or None
    candidates = [r for r, _ in votes.most_common(5)]
    for extra in (fallback, "US"):
        if extra and extra in _SUPPORTED and extra not in candidates:
            candidates.append(extra)
    if not phones:
        if votes:
            region, count = votes.most_common(1)[0]
            return RegionGuess(region, f"Numbers without a country code are read as {_name(region)}: "
                                       f"{count} sample e-mail/website address(es) end in .{region.lower()}.")
        if fallback:
            return RegionGuess(fallback, f"Numbers without a country code are read as {_name(fallback)} "
                                         "(your default region; the sample says nothing else).")
        return RegionGuess(None, "Numbers without a country code are kept as typed (no region known).")
    from sdrdesk.domain.phones import parse_strict

    def fits(region: str) -> int:
        count = 0
        for raw in phones:
            number, _own = parse_strict(raw, region)
            count += number is not None and phonenumbers.is_valid_number(number)
        return count

    scored = sorted(candidates, key=lambda r: (fits(r), votes[r], r == fallback), reverse=True)
    best = scored[0]
    valid = fits(best)
    if valid * 2 < len(phones):
        # Neither the addresses nor the rep's region explain the numbers: try the national
        # numbering of the countries exports most often come from, and take a clear winner.
        wide = sorted(((fits(r), r) for r in _COMMON if r not in candidates), reverse=True)
        if wide and wide[0][0] > valid and wide[0][0] * 2 >= len(phones) \
                and (len(wide) == 1 or wide[0][0] > wide[1][0]):
            best, valid = wide[0][1], wide[0][0]
    if valid == 0:
        return RegionGuess(fallback, f"None of the {len(phones)} sample number(s) without a country code "
                                     f"fits {', '.join(candidates)}: they are kept as typed and flagged.")
    why = f"{valid} of {len(phones)} sample numbers without a country code fit {_name(best)}"
    if votes[best]:
        why += f", and {votes[best]} e-mail/website address(es) end in .{best.lower()}"
    if fallback and best != fallback:
        why += f" (your default region is {fallback}: only {fits(fallback)} fit it)"
    return RegionGuess(best, f"Numbers without a country code are read as {_name(best)}: {why}.")
