"""Turning what a rep types into a safe full-text query (SQLite FTS5), with a LIKE fallback.

User text never reaches FTS5 syntax: it is cut into words (letters and digits only, the way
the `unicode61` tokenizer cuts them) and each word becomes a quoted prefix term, so `"`, `*`,
`AND (`, `-` or `NEAR(` can never raise a syntax error. Input with no word left matches
nothing. Phone-looking input ("(416) 555-0199", "+49 30 1234") collapses to its digits and
matches the contact's phone column, which holds the raw, E.164 and national digit strings.
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
_MIN_PHONE_DIGITS = 3
MAX_TERMS = 8  # a pasted paragraph must not become a 200-term query


class QueryKind(Enum):
    ALL = "all"  # nothing typed: list everything
    TERMS = "terms"  # a normal search
    PHONE = "phone"  # digits of a phone number
    TOO_SHORT = "too_short"  # one letter: wait for more (a 1-letter prefix matches most rows)
    NOTHING = "nothing"  # punctuation / syntax only: matches no row


@dataclass(frozen=True)
class ParsedQuery:
    kind: QueryKind
    terms: tuple[str, ...] = ()  # folded (lowercase, no accents) words; digits for PHONE

    @property
    def searches(self) -> bool:
        return self.kind in (QueryKind.TERMS, QueryKind.PHONE)

    def fts_match(self, phone_column: str | None = None) -> str:
        """The FTS5 MATCH expression: every word as a quoted prefix term, all required."""
        if not self.searches:
            raise ValueError(f"a {self.kind.value} query has no MATCH expression")
        if self.kind is QueryKind.PHONE and phone_column:
            return f'{phone_column} : "{self.terms[0]}"*'
        return " ".join(f'"{term}"*' for term in self.terms)


def fold(text: str) -> str:
    """Lowercase without diacritics ("Müller" -> "muller"), like `remove_diacritics 2`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def parse_query(text: str) -> ParsedQuery:
    stripped = (text or "").strip()
    if not stripped:
        return ParsedQuery(QueryKind.ALL)
    if _PHONEISH.fullmatch(stripped):
        digits = re.sub(r"\D", "", stripped)
        if len(digits) >= _MIN_PHONE_DIGITS:
            return ParsedQuery(QueryKind.PHONE, (digits,))
    words = [w for w in _WORD.findall(stripped) if w not in _OPERATORS]
    terms = tuple(dict.fromkeys(fold(w) for w in words if fold(w)))[:MAX_TERMS]
    if not terms:
        return ParsedQuery(QueryKind.NOTHING)
    if len(terms) == 1 and len(terms[0]) < 2:
        return ParsedQuery(QueryKind.TOO_SHORT, terms)
    return ParsedQuery(QueryKind.TERMS, terms)


# -- availability and the LIKE fallback ---------------------------------------------------

def fts_available(conn: sqlite3.Connection) -> bool:
    """True when this SQLite has FTS5 and the book carries its index tables."""
    try:
        conn.execute("SELECT rowid FROM account_fts LIMIT 0").fetchall()
        conn.execute("SELECT rowid FROM contact_fts LIMIT 0").fetchall()
    except sqlite3.OperationalError:  # "no such module: fts5" or "no such table"
        return False
    return True


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
