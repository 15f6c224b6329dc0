"""Country names or codes as written in exports ("Germany", "Deutschland", "DE", "Brunei
Darussalam", "Slovakia (Slovak Republic)") to ISO 3166 alpha-2.

Names come from a maintained source, `pycountry` (ISO 3166: names, official names, common names,
alpha-3 codes, and its translations in the languages exports are written in), plus the short forms
and old names CRMs write that ISO does not hold (`_ALIASES`). A name that is still unknown is the
caller's to report: never silence.
"""

from __future__ import annotations

import functools
import gettext
import re

from sdrdesk.services.csv_import.aliases import normalise_header

# Languages whose country names exports are seen in (pycountry ships the translations).
_LANGUAGES = ("fr", "de", "es", "it", "pt", "nl", "sv", "da", "fi", "pl", "ca", "nb_NO")

# Short forms, old names and the spellings of other country lists (Faker, World Bank, UN).
_ALIASES = {
    "uk": "GB", "greatbritain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northernireland": "GB", "republicofireland": "IE", "usa": "US", "us": "US",
    "unitedstatesofamerica": "US", "america": "US",
    "uae": "AE", "southkorea": "KR", "korea": "KR", "republicofkorea": "KR", "northkorea": "KP",
    "russia": "RU", "czechia": "CZ", "czechrepublic": "CZ", "holland": "NL", "thenetherlands": "NL",
    "vietnam": "VN", "ivorycoast": "CI", "turkey": "TR", "turkiye": "TR", "macau": "MO",
    "hongkongsar": "HK", "taiwanprovinceofchina": "TW", "syria": "SY", "iran": "IR", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "palestine": "PS",
    "palestinianterritory": "PS", "palestinianterritories": "PS", "occupiedpalestinianterritory": "PS",
    "vaticancity": "VA", "vatican": "VA", "holysee": "VA", "capeverde": "CV", "swaziland": "SZ",
    "burma": "MM", "brunei": "BN", "micronesia": "FM", "pitcairnislands": "PN",
    "kyrgyzrepublic": "KG", "slovakrepublic": "SK", "libyanarabjamahiriya": "LY",
    "unitedstatesvirginislands": "VI", "usvirginislands": "VI", "britishvirginislands": "VG",
    "unitedstatesminoroutlyingislands": "UM", "democraticrepublicofthecongo": "CD", "drc": "CD",
    "drcongo": "CD", "congokinshasa": "CD", "congobrazzaville": "CG", "republicofthecongo": "CG",
    "netherlandsantilles": "AN", "svalbardjanmayenislands": "SJ", "kosovo": "XK", "macedonia": "MK",
    "saintmartin": "MF", "stmartin": "MF", "saintbarthelemy": "BL", "reunion": "RE",
    "falklandislands": "FK", "sainthelena": "SH", "gambia": "GM", "bahamas": "BS", "easttimor": "TL",
    "deutschland": "DE", "osterreich": "AT", "schweiz": "CH", "suisse": "CH", "espana": "ES",
    "italia": "IT", "brasil": "BR", "mexique": "MX", "belgique": "BE", "belgie": "BE",
    "nederland": "NL", "sverige": "SE", "norge": "NO", "danmark": "DK", "suomi": "FI", "polska": "PL",
    "magyarorszag": "HU",
}


@functools.cache
def _table() -> dict[str, str]:
    """English names, official and common names, alpha-3 codes and the aliases (most files)."""
    return _build(translated=False)


@functools.cache
def _translated() -> dict[str, str]:
    """`_table` plus pycountry's translations: built only when a name is not English."""
    return _build(translated=True)


def _build(*, translated: bool) -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    translations = []
    for language in _LANGUAGES if translated else ():
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:
            continue
    records = [*pycountry.countries, *pycountry.historic_countries]
    for country in records:
        code = getattr(country, "alpha_2", None)
        if not code:
            continue
        names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
        names = [n for n in names if n]
        for name in list(names):
            names.extend(t.gettext(name) for t in translations)
        for name in names:
            table.setdefault(normalise_header(name), code)
            bare = _PARENS.sub("", name)  # "Holy See (Vatican City State)" -> "Holy See"
            if bare != name:
                table.setdefault(normalise_header(bare), code)
        alpha_3 = getattr(country, "alpha_3", None)
        if alpha_3:
            table.setdefault(alpha_3.lower(), code)
    for key, code in _ALIASES.items():
        table[normalise_header(key)] = code
    return table


_PARENS = re.compile(r"\s*\([^)]*\)\s*")


@functools.cache
def _codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | {"AN", "XK"}


@functools.lru_cache(maxsize=4096)
def to_iso2(text: str) -> str | None:
    """ISO 3166 alpha-2 for a country as written, or None when it is not recognised."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        upper = value.upper()
        return "GB" if upper == "UK" else upper if upper in _codes() else None
    key = normalise_header(value)
    if not key:
        return None
    code = _lookup(_table(), value, key)
    if code is None:
        code = _lookup(_translated(), value, key)  # "Allemagne", "Pays-Bas", "Estados Unidos"
    return code


def _lookup(table: dict[str, str], value: str, key: str) -> str | None:
    code = table.get(key)
    if code is None and "(" in value:
        # "Slovakia (Slovak Republic)": the name outside the brackets, or the one inside.
        code = table.get(normalise_header(_PARENS.sub(" ", value)))
        inner = re.search(r"\(([^)]*)\)", value)
        if code is None and inner:
            code = table.get(normalise_header(inner.group(1)))
    if code is None and "," in value:
        # "Korea, Republic of", "Virgin Islands, U.S.": the part before the comma.
        head, _, tail = value.partition(",")
        code = table.get(normalise_header(f"{tail} {head}")) or table.get(normalise_header(head))
    if code is None and key.startswith("the"):
        code = table.get(key[3:])
    return code


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 code ("FR" -> "France"), or the code itself."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", code) if country else code
