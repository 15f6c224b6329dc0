"""Country names or codes as written in exports ("Germany", "Deutschland", "DE", "U.K.") to ISO alpha-2.

Names come from phonenumbers' own locale table (English, German, French, Spanish, ...; a
generated copy in `countries_data.py`), plus the short forms CRMs write that no locale table holds.
"""

from __future__ import annotations

import functools

import phonenumbers

from sdrdesk.services.csv_import.aliases import normalise_header

_EXTRA = {
    "uk": "GB", "gb": "GB", "greatbritain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northernireland": "GB", "usa": "US", "us": "US", "unitedstatesofamerica": "US",
    "america": "US", "uae": "AE", "southkorea": "KR", "korea": "KR", "republicofkorea": "KR",
    "northkorea": "KP", "russia": "RU", "russianfederation": "RU", "czechia": "CZ",
    "czechrepublic": "CZ", "holland": "NL", "thenetherlands": "NL", "vietnam": "VN",
    "ivorycoast": "CI", "cotedivoire": "CI", "turkey": "TR", "turkiye": "TR", "macau": "MO",
    "hongkongsar": "HK", "taiwanprovinceofchina": "TW", "syria": "SY", "iran": "IR",
    "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "palestine": "PS", "vaticancity": "VA", "holysee": "VA", "capeverde": "CV",
    "swaziland": "SZ", "eswatini": "SZ", "burma": "MM", "myanmar": "MM", "brunei": "BN",
    "micronesia": "FM", "saintkittsandnevis": "KN", "saintlucia": "LC",
    "saintvincentandthegrenadines": "VC", "pitcairnislands": "PN", "pitcairn": "PN",
    "bouvetisland": "BV", "heardislandandmcdonaldislands": "HM",
    "unitedstatesminoroutlyingislands": "UM", "britishindianoceanterritory(chagosarchipelago)": "IO",
    "libyanarabjamahiriya": "LY", "congo": "CG", "democraticrepublicofthecongo": "CD",
    "drc": "CD", "antarctica": "AQ", "frenchsouthernterritories": "TF",
    "netherlandsantilles": "AN", "svalbardandjanmayen": "SJ", "svalbardjanmayenislands": "SJ",
    "westernsahara": "EH", "kosovo": "XK", "deutschland": "DE", "osterreich": "AT",
    "schweiz": "CH", "suisse": "CH", "espana": "ES", "italia": "IT", "brasil": "BR",
    "mexique": "MX", "belgique": "BE", "belgie": "BE", "nederland": "NL", "sverige": "SE",
    "norge": "NO", "danmark": "DK", "suomi": "FI", "polska": "PL", "magyarorszag": "HU",
}


@functools.cache
def _table() -> dict[str, str]:
    # countries_data.NAMES was generated with:
    #   {normalise_header(n): code for code, names in LOCALE_DATA.items() if len(code) == 2
    #    for lang, n in names.items() if lang in LANGS}  ("*xx" means "as language xx")
    from sdrdesk.services.csv_import.countries_data import NAMES

    table = dict(NAMES)
    for key, code in _EXTRA.items():
        table[normalise_header(key)] = code
    return table


_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS) | {"AQ", "BV", "HM", "TF", "UM", "AN", "XK", "PN", "GS"}


@functools.lru_cache(maxsize=4096)
def to_iso2(text: str) -> str | None:
    """ISO 3166 alpha-2 for a country as written, or None when it is not recognised."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha() and value.upper() in _REGIONS:
        return "GB" if value.upper() == "UK" else value.upper()
    key = normalise_header(value)
    if not key:
        return None
    code = _table().get(key)
    if code is None and "," in value:
        # "Korea, Republic of", "Iran, Islamic Republic of"
        code = _table().get(normalise_header(value.split(",")[0]))
    if code is None and key.startswith("the"):
        code = _table().get(key[3:])
    return code
