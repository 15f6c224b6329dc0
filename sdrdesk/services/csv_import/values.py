"""Cell values as exports write them, turned into what sdrdesk stores. Pure functions, no I/O."""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import urlsplit

# Tokens database exports write for "no value" (Northwind's NULL, MySQL's \N).
NULL_TOKENS = frozenset({"NULL", "\\N"})
_TEXT_MARKED = frozenset("=+-@\t\r(\uff1d\uff0b\uff0d\uff20")  # with csv_safe's full-width forms
_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.]{2,}$")
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
    return "" if text in NULL_TOKENS else text


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
    return bool(_EMAIL.match(value))


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
    shared = ".".join(host.split(".")[-2:])
    return None if shared in SHARED_HOSTS else host


_FILE_SUFFIXES = frozenset({"htm", "html", "php", "asp", "aspx", "jsp", "pdf", "txt", "csv"})
SHARED_HOSTS = frozenset({
    "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
    "google.com", "goo.gl", "bit.ly", "wikipedia.org", "github.com", "medium.com", "wordpress.com",
    "blogspot.com", "wixsite.com", "squarespace.com", "crunchbase.com", "angel.co", "xing.com",
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com",
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


def company_key(name: str) -> str:
    """Case- and space-insensitive key for exact company-name matching."""
    return " ".join(name.casefold().split())


_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|corp|corporation|co|company|"
    r"group|the|and|und|et)\b")


def fuzzy_key(name: str) -> str:
    """Company name without legal suffixes and punctuation, for near-duplicate checks."""
    text = re.sub(r"[^\w\s]", " ", name.casefold())
    return " ".join(_SUFFIXES.sub(" ", text).split())


def digits_share(text: str) -> float:
    """How much of a cell is digits (a header made of numbers is a data row)."""
    stripped = text.strip()
    return sum(ch.isdigit() for ch in stripped) / len(stripped) if stripped else 0.0
