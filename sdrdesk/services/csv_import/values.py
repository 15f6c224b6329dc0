"""Cell values as exports write them, turned into what sdrdesk stores. Pure functions, no I/O."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from urllib.parse import urlsplit

# What exports and spreadsheets write for "no value" (Northwind's NULL, MySQL's \N, Excel's #N/A),
# compared case-insensitively. Not "NA": that is Namibia in a country column.
NULL_TOKENS = frozenset({"null", "\\n", "n/a", "#n/a", "-", "--", "none", "(null)", "nil", "(none)",
                         "#value!", "#ref!", "n.a.", "—"})
_TEXT_MARKED = frozenset("=+-@\t\r(\uff1d\uff0b\uff0d\uff20")  # with csv_safe's full-width forms
# Addresses this plain form accepts are valid for email-validator too (dot-atoms, LDH labels, an
# alphabetic top-level domain); anything else (quoted parts, accents, odd labels) is asked of it.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_EMAIL = re.compile(
    rf"^{_ATOM}(?:\.{_ATOM})*@(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+[a-z]{{2,63}}$", re.IGNORECASE)
# Special-use names are a question of delivery, not syntax: "jane@doe.invalid" is well-formed.
_RESERVED_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
_EMAIL_SPLIT = re.compile(r"[,;\s]+")
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
_TRUE = frozenset({"1", "true", "yes", "y", "x", "company", "organisation", "organization", "vrai",
                   "ja", "oui"})


def clean(value: str) -> str:
    text = value.strip()
    if text.startswith('="') and text.endswith('"') and len(text) >= 3:
        text = text[2:-1]  # Excel's ="00123" keeps leading zeros: the value is what is inside
    if text[:1] == "'" and len(text) > 1 and (text[1] in _TEXT_MARKED or text[1].isdigit()):
        # A spreadsheet "keep as text" apostrophe (Apollo phones, our own formula-safe export).
        text = text[1:]
    return "" if len(text) <= 7 and text.casefold() in NULL_TOKENS else text


def json_list(value: str) -> list[tuple[str | None, str]] | None:
    """[(label, value)] from a JSON array cell (Krayin: [{"label": "work", "value": "..."}])."""
    if not value.startswith("["):
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    items: list[tuple[str | None, str]] = []
    for entry in data:
        if isinstance(entry, dict):
            raw = entry.get("value")
            label = entry.get("label")
            if raw not in (None, ""):
                items.append((str(label) if label else None, str(raw)))
        elif isinstance(entry, str | int | float) and str(entry).strip():
            items.append((None, str(entry)))
    return items


_PHONE_SPLIT = re.compile(r"\s*(?:/|;|\||,|\n|\s+or\s+|\s+ou\s+|\s+oder\s+|\s+et\s+)\s*", re.IGNORECASE)
_PHONE_SPLIT_HINT = re.compile(r"[/;|,\n]|\s(?:or|ou|oder|et)\s", re.IGNORECASE)


def split_phones(value: str) -> list[str]:
    """Two numbers in one cell ("03 88 80 34 49 / 03 88 80 89 30") are two; a short tail
    ("03 80 61 42 93/40 95", another ending) or a single number stays as written."""
    if not _PHONE_SPLIT_HINT.search(value):
        return [value]
    parts = [p for p in _PHONE_SPLIT.split(value) if p.strip()]
    if len(parts) > 1 and all(sum(c.isdigit() for c in p) >= 8 for p in parts):
        return parts
    return [value]


def split_emails(value: str) -> list[str]:
    """Every address in a cell: plain, `mailto:`-prefixed, several per cell, or a JSON array."""
    items = json_list(value)
    parts = [v for _label, v in items] if items is not None else _EMAIL_SPLIT.split(value)
    emails: list[str] = []
    for part in parts:
        text = part.strip().strip("<>").strip()
        if text.lower().startswith("mailto:"):
            text = text[7:].split("?", 1)[0]
        if text:
            emails.append(text.lower())
    return emails


def is_email(value: str) -> bool:
    """A syntactically valid address (email-validator's rules, no network): `o'brien@x.com` is."""
    if len(value) <= 254 and _PLAIN_EMAIL.match(value) and value.index("@") <= 64 and "--" not in value:
        return True
    return _validated(value)


@functools.lru_cache(maxsize=4096)
def _validated(value: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    head, dot, tld = value.rpartition(".")
    if dot and tld.lower() in _RESERVED_TLDS:
        value = f"{head}.com"  # syntax only: check the rest as if it were an ordinary name
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@functools.lru_cache(maxsize=16384)  # company websites repeat down a contacts file
def domain_of(website: str) -> str | None:
    """The bare host of a website cell ("https://www.Acme.com/about" -> "acme.com"), or None."""
    text = website.strip().strip("#").lower()
    if not text or " " in text:
        return None
    if "@" in text and "/" not in text:
        text = text.split("@", 1)[1]
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not _DOMAIN.match(host) or host.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
        return None
    # A page on a shared platform says nothing about which company it is: never dedupe on it.
    labels = host.split(".")
    if ".".join(labels[-2:]) in SHARED_HOSTS or ".".join(labels[-3:]) in SHARED_HOSTS:
        return None
    return host


_FILE_SUFFIXES = frozenset({"htm", "html", "php", "asp", "aspx", "jsp", "pdf", "txt", "csv"})
SHARED_HOSTS = frozenset({
    "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
    "google.com", "goo.gl", "bit.ly", "wikipedia.org", "github.com", "medium.com", "wordpress.com",
    "blogspot.com", "wixsite.com", "squarespace.com", "crunchbase.com", "angel.co", "xing.com",
    # Free mail and hosting: a shared address or site never identifies a company.
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "mail.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
    "t-online.de", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr",
    "yahoo.fr", "hotmail.fr", "libero.it", "protonmail.com", "proton.me", "yandex.ru", "mail.ru",
    "qq.com", "163.com", "comcast.net", "btinternet.com", "jimdo.com", "jimdofree.com", "weebly.com",
    "webnode.fr", "over-blog.com", "e-monsite.com", "business.site", "godaddysites.com",
    "myshopify.com", "github.io", "netlify.app", "vercel.app", "herokuapp.com", "wix.com",
    "canalblog.com", "pagesperso-orange.fr", "sites.google.com",
})


_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/en", "/en/"})


@functools.lru_cache(maxsize=16384)
def is_bare_site(website: str) -> bool:
    """True for a company's own site ("https://acme.com/"), False for a page deeper in a site."""
    text = website.strip().strip("#")
    if "//" not in text:
        text = "//" + text
    try:
        path = urlsplit(text).path
    except ValueError:
        return False
    return path.lower() in _HOME_PATHS


_PROFILE_PATHS = ("/in/", "/pub/")
_SALES_PATHS = ("/sales/lead/", "/sales/people/")


def linkedin_url(value: str) -> str | None:
    """A LinkedIn profile URL in one canonical form, so the same profile always compares equal.

    "linkedin.com/in/JDoe/?trk=x", "http://uk.linkedin.com/in/jdoe" -> "https://www.linkedin.com/in/jdoe"
    (profile names are case-insensitive); a Sales Navigator lead URL keeps its case-sensitive id
    but loses the search context after the first comma. Anything else is kept as entered.
    """
    text = value.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text if "//" in text else "//" + text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return text
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return text
    path = parts.path.rstrip("/")
    lower = path.lower() + "/"
    if lower.startswith(_PROFILE_PATHS):
        path = path.lower()
    elif lower.startswith(_SALES_PATHS):
        path = path.split(",", 1)[0]
    else:
        return text
    return f"https://www.linkedin.com{path}"


def split_full_name(full: str) -> tuple[str | None, str | None]:
    parts = full.split()
    if not parts:
        return None, None
    if len(parts) == 1:
        return None, parts[0]
    return " ".join(parts[:-1]), parts[-1]


def to_int(value: str) -> int | None:
    text = value.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("_", "")
    if text.endswith("+"):
        text = text[:-1]
    return int(text) if text.isdigit() and len(text) <= 12 else None


def to_float(value: str) -> float | None:
    text = value.replace(",", "").replace(" ", "").replace("$", "").replace("€", "").replace("£", "")
    try:
        return float(text)
    except ValueError:
        return None


def is_true(value: str) -> bool:
    return value.strip().casefold() in _TRUE


def _plain(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha())


def _clearly_different(a: str, b: str) -> bool:
    """Both known, and neither a short form of the other ("Rob"/"Robert", "J"/"John") nor a typo."""
    if not a or not b or a.startswith(b) or b.startswith(a):
        return False
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) < 75


def clearly_different_people(first: str | None, last: str | None, other_first: str | None,
                             other_last: str | None) -> bool:
    """Two rows sharing an e-mail are two people when their first names clearly differ (a shared
    team or family address, not the same person twice). A name in one word ("Ann", kept as the
    last name) is compared as a first name."""
    def given(first: str | None, last: str | None) -> str:
        return _plain(first) or _plain((last or "").split(" ", 1)[0])

    return _clearly_different(given(first, last), given(other_first, other_last))


def clearly_different_companies(name: str, other: str) -> bool:
    """Two companies on one website (an umbrella or city site) when their names clearly differ."""
    a, b = fuzzy_key(name), fuzzy_key(other)
    if not a or not b or a in b or b in a:
        return False
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(a, b) < 80


def company_key(name: str) -> str:
    """Case- and space-insensitive key for exact company-name matching."""
    return " ".join(name.casefold().split())


_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|corp|corporation|co|company|"
    r"group|the|and|und|et)\b")


@functools.lru_cache(maxsize=16384)  # company names repeat down a contacts file
def fuzzy_key(name: str) -> str:
    """Company name without legal suffixes and punctuation, for near-duplicate checks."""
    text = re.sub(r"[^\w\s]", " ", name.casefold())
    return " ".join(_SUFFIXES.sub(" ", text).split())


def digits_share(text: str) -> float:
    """How much of a cell is digits (a header made of numbers is a data row)."""
    stripped = text.strip()
    return sum(ch.isdigit() for ch in stripped) / len(stripped) if stripped else 0.0
