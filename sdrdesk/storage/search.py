"""Turning what a rep types into a safe full-text query (SQLite FTS5), with a LIKE fallback.

User text never reaches FTS5 syntax: it is cut into words (letters and digits only, the way
the `unicode61` tokenizer cuts them) and each word becomes a quoted prefix term, so `"`, `*`,
`AND (`, `-` or `NEAR(` can never raise a syntax error. Input with no word left matches
nothing. Phone-looking input ("(416) 555-0199", "+49 30 1234") collapses to its digits and
matches the contact's phone column, which holds the raw, E.164 and national digit strings.
A number typed with `+` means E.164: it matches the E.164 index only (migration 12), so
`+44` never finds a `+33` number. A pasted number keeps working with a
`tel:` prefix, an extension ("x 12", "ext. 12") or the UK-style "(0)" after the country code.
One or two letters search names only (`QueryKind.SHORT`): a name-ordered range scan, never
the whole text index, where a 1-letter prefix matches most rows.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from enum import Enum

# Uppercase boolean operators are FTS syntax typed on purpose (or pasted): drop them rather
# than search for "and*" (which would find every Anderson). Lowercase words are words.
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_WORD = re.compile(r"[^\W_]+")
_PHONEISH = re.compile(r"[\d\s\-().+/]+")
_TEL_PREFIX = re.compile(r"^(?:tel|phone|call|callto)\s*:\s*", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#|;ext=)\s*\d{1,6}\s*$", re.IGNORECASE)
_TRUNK_AFTER_CC = re.compile(r"^\+(\d{1,3})[\s\-.]*\(0\)")  # "+44 (0)20 7946 0958"
SHORT_LETTERS = 2  # up to this many letters in all: names only
_MIN_PHONE_DIGITS = 3
MAX_TERMS = 8  # a pasted paragraph must not become a 200-term query


class QueryKind(Enum):
    ALL = "all"  # nothing typed: list everything
    TERMS = "terms"  # a normal search
    PHONE = "phone"  # digits of a phone number (`international`: typed with +, E.164 only)
    SHORT = "short"  # one or two letters: names only, by a name-ordered range scan
    NOTHING = "nothing"  # punctuation / syntax only: matches no row


@dataclass(frozen=True)
class ParsedQuery:
    kind: QueryKind
    terms: tuple[str, ...] = ()  # folded (lowercase, no accents) words; digits for PHONE
    international: bool = False  # PHONE typed with "+": match E.164 prefixes only

    @property
    def searches(self) -> bool:
        return self.kind in (QueryKind.TERMS, QueryKind.PHONE, QueryKind.SHORT)

    @property
    def uses_name_index(self) -> bool:
        """Answered from the name index (migration 12) rather than the full-text index."""
        return self.kind is QueryKind.PHONE and self.international

    def fts_match(self, phone_column: str | None = None) -> str:
        """The FTS5 MATCH expression: every word as a quoted prefix term, all required.

        For an international number it is meant for the E.164 index (migration 12)."""
        if not self.searches:
            raise ValueError(f"a {self.kind.value} query has no MATCH expression")
        if self.kind is QueryKind.PHONE and self.international:
            return f'"{self.terms[0]}"*'  # for the E.164 index (one column)
        if self.kind is QueryKind.PHONE and phone_column:
            return f'{phone_column} : "{self.terms[0]}"*'
        return " ".join(f'"{term}"*' for term in self.terms)

    def name_matches(self) -> tuple[str, str, str]:
        """MATCH expressions over the name index (columns `first`, `rest`), for ranking: (every
        term starts a word of the name, every term is a whole word of it, the first word starts
        with the first term and the name holds the others)."""
        prefixes = " ".join(f'"{t}"*' for t in self.terms)
        words = " ".join(f'"{t}"' for t in self.terms)
        start = " ".join([f'first : "{self.terms[0]}"*', *(f'"{t}"*' for t in self.terms[1:])])
        return prefixes, words, start


def fold(text: str) -> str:
    """Lowercase without diacritics ("Müller" -> "muller"), like `remove_diacritics 2`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _phone_query(text: str) -> ParsedQuery | None:
    """A number as typed or pasted, or None when `text` is not one."""
    number = _TEL_PREFIX.sub("", text).strip()
    if any(ch.isalpha() for ch in number):
        number = _EXTENSION.sub("", number)  # the extension is not part of the stored number
    number = _TRUNK_AFTER_CC.sub(r"+\1 ", number)
    if not number or not _PHONEISH.fullmatch(number):
        return None
    digits = re.sub(r"\D", "", number)
    international = number.lstrip().startswith("+")
    if len(digits) >= _MIN_PHONE_DIGITS or (international and digits):
        return ParsedQuery(QueryKind.PHONE, (digits,), international=international)
    return None


def parse_query(text: str) -> ParsedQuery:
    stripped = (text or "").strip()
    if not stripped:
        return ParsedQuery(QueryKind.ALL)
    phone = _phone_query(stripped)
    if phone is not None:
        return phone
    words = [w for w in _WORD.findall(stripped) if w not in _OPERATORS]
    terms = tuple(dict.fromkeys(fold(w) for w in words if fold(w)))[:MAX_TERMS]
    if not terms:
        return ParsedQuery(QueryKind.NOTHING)
    if sum(len(t) for t in terms) <= SHORT_LETTERS:
        return ParsedQuery(QueryKind.SHORT, terms)
    return ParsedQuery(QueryKind.TERMS, terms)


def text_tier(text: str, query: ParsedQuery) -> int | None:
    """The name tier of `book_queries.name_tiers` for any text (a command's title): 0 starts
    with the first word and every word is whole, 1 starts with it, 2 every word whole, 3 every
    word starts a word; None when a word is missing. Same rules, no index."""
    words = [fold(w) for w in _WORD.findall(text)]
    if not query.terms or not words:
        return None
    if not all(any(w.startswith(t) for w in words) for t in query.terms):
        return None
    whole = all(t in words for t in query.terms)
    starts = words[0].startswith(query.terms[0])
    return (0 if whole else 1) if starts else (2 if whole else 3)


def prefix_range(prefix: str) -> tuple[str, str]:
    """(low, high) with `low <= x < high` for every x starting with `prefix` (NOCASE order)."""
    low = prefix.lower()
    return low, low[:-1] + chr(ord(low[-1]) + 1)


# -- availability and the LIKE fallback ---------------------------------------------------

def fts_available(conn: sqlite3.Connection) -> bool:
    """True when this SQLite has FTS5 and the book carries its index tables."""
    try:
        conn.execute("SELECT rowid FROM account_fts LIMIT 0").fetchall()
        conn.execute("SELECT rowid FROM contact_fts LIMIT 0").fetchall()
    except sqlite3.OperationalError:  # "no such module: fts5" or "no such table"
        return False
    return True


def name_index_available(conn: sqlite3.Connection) -> bool:
    """True when the book carries the name and E.164 indexes of migration 12 (a read-only
    book opened without migrating may not)."""
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('account_name_fts', "
                        "'contact_name_fts', 'account_e164_fts', 'contact_e164_fts')").fetchone()[0] == 4


FOLD_FUNCTION = "sdr_fold"


def install_fold_function(conn: sqlite3.Connection) -> None:
    """Make `sdr_fold(text)` available to SQL so the LIKE fallback also ignores accents."""
    conn.create_function(FOLD_FUNCTION, 1, lambda v: fold(v) if isinstance(v, str) else v,
                         deterministic=True)


def like_clause(expressions: list[str], query: ParsedQuery) -> tuple[str, list[str]]:
    """A WHERE fragment requiring every term inside the folded concatenation of `expressions`.

    Slow (a scan) but correct; used only where FTS5 is missing.
    """
    haystack = " || ' ' || ".join(f"coalesce({e}, '')" for e in expressions)
    parts = []
    params: list[str] = []
    for term in query.terms:
        parts.append(f"{FOLD_FUNCTION}({haystack}) LIKE ? ESCAPE '\\'")
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    return " AND ".join(parts) or "1", params
