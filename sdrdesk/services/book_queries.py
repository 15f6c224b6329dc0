"""The book's two big lists: ordered ids for a search + filters + sort, then rows a page at a time.

Ids are SQLite rowids: they are what the FTS5 tables key on, so a search needs no join to
learn them, and 300k ints are a few MB where 300k UUIDs would be several times that. Rows
carry the record's UUID, which is what the bus and the services speak.

Everything runs as plain SQL on the session's own sqlite3 connection: at 100k rows the ORM
would cost more than the query.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import threading
import uuid
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from sdrdesk.domain.phones import format_for_display, timezones_for_e164
from sdrdesk.storage.search import (
    ParsedQuery,
    QueryKind,
    fold,
    fts_available,
    install_fold_function,
    like_clause,
    name_index_available,
    parse_query,
    prefix_range,
)
from sdrdesk.storage.search import text_tier as text_tier  # for the UI, which imports no storage

if TYPE_CHECKING:  # no SQLAlchemy import for panes built before the first paint
    from sdrdesk.storage.unit_of_work import SqlUnitOfWork

NO_TIER = "-"  # the ICP-tier filter value meaning "not tiered yet"


@dataclass(frozen=True)
class BookFilters:
    source_label_id: uuid.UUID | None = None
    country: str | None = None
    icp_tier: str | None = None  # "A", "B", "C" or NO_TIER
    has_open_tasks: bool = False


@dataclass(frozen=True)
class FilterOptions:
    labels: tuple[tuple[uuid.UUID, str], ...]
    countries: tuple[str, ...]
    tiers: tuple[str, ...]


@dataclass(frozen=True)
class AccountRow:
    rowid: int
    id: uuid.UUID
    name: str
    domain: str
    industry: str
    employee_count: int | None
    country: str
    region: str
    city: str
    icp_tier: str
    source_label: str
    contact_count: int
    open_tasks: int

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.city, self.region, self.country) if p)


@dataclass(frozen=True)
class ContactRow:
    """One contact line. Phone display and zones are computed when painted, not when fetched:
    phonenumbers costs ~0.2 ms a number, too much for 200 rows per page on the GUI thread."""

    rowid: int
    id: uuid.UUID
    account_id: uuid.UUID | None
    name: str
    title: str
    persona: str
    email: str
    account_name: str
    country: str
    pinned_timezone: str | None
    phone_raw: str  # the primary number as entered
    phone_e164: str | None
    phone_extension: str | None

    def phone(self, rep_region: str) -> str:
        """The primary number in the rep's display format."""
        if not self.phone_raw:
            return ""
        return _display_phone(self.phone_e164, self.phone_raw, rep_region, self.phone_extension)

    @property
    def phone_zones(self) -> tuple[str, ...]:
        """Candidate zones of the primary number."""
        return _zones_of(self.phone_e164)


# Numbers repeat across pages (and zones depend on the number only): memoise, bounded.
_display_phone = lru_cache(maxsize=8192)(format_for_display)
_zones_of = lru_cache(maxsize=8192)(timezones_for_e164)


@dataclass(frozen=True)
class BookIds:
    query: ParsedQuery
    accounts: list[int]
    contacts: list[int] | None  # None in the early "accounts first" delivery of a full listing
    truncated: bool = False  # a short (1-2 letter) query listed only the first SHORT_LIMIT names
    suggestions: tuple[str, ...] = ()  # "Did you mean ...": closest names when little was found


RELEVANCE = "relevance"  # the sort key meaning "best match first" (name order with no query)
SHORT_LIMIT = 1000  # one or two letters list at most this many names per table
_NAME_FTS = {"accounts": "account_name_fts", "contacts": "contact_name_fts"}
_E164_FTS = {"accounts": "account_e164_fts", "contacts": "contact_e164_fts"}
_FIRST = itemgetter(0)


# -- sorting: column key -> SQL terms (ties broken by rowid so the order is total) ----------
# A term ending in "IS NULL" keeps unknown values last in both directions.
ACCOUNT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("a.name COLLATE NOCASE",),
    "domain": ("a.domain IS NULL", "a.domain COLLATE NOCASE"),
    "industry": ("a.industry IS NULL", "a.industry COLLATE NOCASE"),
    "employees": ("a.employee_count IS NULL", "a.employee_count"),
    "place": ("a.country IS NULL", "a.country", "a.city COLLATE NOCASE"),
    "icp": ("a.icp_tier IS NULL", "a.icp_tier"),
    "label": ("(SELECT name FROM source_labels s WHERE s.id = a.source_label_id) COLLATE NOCASE",),
    "updated": ("a.updated_at",),
}
CONTACT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("c.last_name COLLATE NOCASE", "c.first_name COLLATE NOCASE"),
    "title": ("c.title IS NULL", "c.title COLLATE NOCASE"),
    "persona": ("c.persona IS NULL", "c.persona"),
    "email": ("c.email IS NULL", "c.email"),
    "account": ("a.name IS NULL", "a.name COLLATE NOCASE"),
    "country": ("coalesce(c.country, a.country) IS NULL", "coalesce(c.country, a.country)"),
    "updated": ("c.updated_at",),
}
_CONTACT_SORTS_NEEDING_ACCOUNT = {"account", "country"}


def _order(sorts: dict[str, tuple[str, ...]], key: str, descending: bool, alias: str) -> str:
    terms = sorts.get(key) or next(iter(sorts.values()))
    direction = "DESC" if descending else "ASC"
    parts = [t if t.endswith("IS NULL") else f"{t} {direction}" for t in terms]
    return ", ".join([*parts, f"{alias}.rowid {direction}"])


def raw_connection(uow: SqlUnitOfWork) -> sqlite3.Connection:
    """The sqlite3 connection under the unit of work's session (same transaction)."""
    conn = uow.session.connection().connection.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


_OPEN_TASK_CONTACTS = ("SELECT t.contact_id FROM tasks t WHERE t.status = 'open' "
                       "AND t.deleted_at IS NULL")


def _text_search(conn: sqlite3.Connection, query: ParsedQuery, table: str, alias: str,
                 fts_table: str, fts_match: str, like_columns: Callable[[], list[str]], use_fts: bool | None,
                 where: list[str], params: list[object]) -> str:
    """The FROM source for a search of `table`: FTS5 when present, else a LIKE over columns.

    Adds the LIKE clause to `where`/`params` when it falls back; returns the FROM text.
    """
    if not query.searches or query.kind is QueryKind.SHORT:
        return f"{table} {alias}"
    if use_fts is None:
        use_fts = fts_available(conn)
    if use_fts and query.uses_name_index:
        fts_table = _E164_FTS[table]
        if not name_index_available(conn):  # a read-only book not yet at version 12
            where.append("0")
            return f"{table} {alias}"
    if use_fts:
        # CROSS JOIN pins the plan: walk the (usually small) match set, then look rows up.
        params.append(fts_match)
        return (f"(SELECT rowid AS r FROM {fts_table} WHERE {fts_table} MATCH ?) f "
                f"CROSS JOIN {table} {alias} ON {alias}.rowid = f.r")
    if query.uses_name_index:  # no FTS5: the stored E.164 text itself
        where.append(_E164_LIKE[table])
        params.append(f"+{query.terms[0]}%")
        return f"{table} {alias}"
    install_fold_function(conn)
    clause, like_params = like_clause(like_columns(), query)
    where.append(clause)
    params.extend(like_params)
    return f"{table} {alias}"


_E164_LIKE = {
    "accounts": "a.phone_e164 LIKE ?",
    "contacts": "EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id "
                "AND p.deleted_at IS NULL AND p.e164 LIKE ?)",
}


def _accented_letters() -> dict[str, tuple[str, ...]]:
    """ASCII letter -> the Latin letters that fold to it ("u" -> "ù", "ú", "û", "ü", "ū", ...)."""
    table: dict[str, list[str]] = {}
    for code in range(0xC0, 0x180):  # Latin-1 Supplement and Latin Extended-A
        letter = chr(code)
        base = fold(letter)
        if len(base) == 1 and base.isascii() and base.isalpha() and letter.islower():
            table.setdefault(base, []).append(letter)
    return {base: tuple(letters) for base, letters in table.items()}


_ACCENTED = _accented_letters()


def _nocase_key(text: str) -> bytes:
    """SQLite's NOCASE order: ASCII letters folded, everything else by its UTF-8 bytes."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in text).encode()


def _spellings(prefix: str) -> list[str]:
    """`prefix` (folded) and its spellings with accents, in NOCASE order. A name starts with a
    capital, so the first letter's accented forms come in both cases, the second's lower only;
    NOCASE folds ASCII only, which is why "mu" must also ask for "mü", "mú", "MÜ"..."""
    options = [(prefix[0], *_ACCENTED.get(prefix[0], ()),
                *(a.upper() for a in _ACCENTED.get(prefix[0], ())))]
    options += [(ch, *_ACCENTED.get(ch, ())) for ch in prefix[1:]]
    return sorted(("".join(letters) for letters in itertools.product(*options)), key=_nocase_key)


def _range(alias: str, column: str, prefix: str) -> tuple[str, list[object]]:
    low, high = prefix_range(prefix)
    return f"{alias}.{column} >= ? COLLATE NOCASE AND {alias}.{column} < ? COLLATE NOCASE", [low, high]


def _short_alternatives(alias: str, columns: tuple[str, ...],
                        terms: tuple[str, ...]) -> list[tuple[str, list[object]]]:
    """WHERE clauses for names starting with the typed letters, each one range on a NOCASE
    name index, in NOCASE order (the ranges are disjoint, so their rows follow each other):
    the plain spelling and every accented one. One small indexed query each: SQLite answers
    an OR of ranges over a partial index with a scan (seconds at 300k contacts).

    With one column the terms are joined ("j s" -> names starting "j s"); with two (first and
    last name) each term constrains its own column (plain spelling only)."""
    if len(columns) > 1 and len(terms) > 1:
        parts = [_range(alias, column, term) for column, term in zip(columns, terms, strict=False)]
        return [(" AND ".join(c for c, _ in parts), [v for _, values in parts for v in values])]
    return [_range(alias, columns[0], spelling) for spelling in _spellings(" ".join(terms))]


def _limited(conn: sqlite3.Connection, select: str, where: list[str], params: list[object], order: str,
             alternatives: list[tuple[str, list[object]]], found: list[int]) -> None:
    """Append to `found` the rows of each alternative in `order`, until SHORT_LIMIT."""
    for clause, values in alternatives:
        room = SHORT_LIMIT - len(found)
        if room <= 0:
            return
        sql = f"{select} WHERE {' AND '.join([*where, clause])} ORDER BY {order} LIMIT {room}"
        found.extend(r[0] for r in conn.execute(sql, [*params, *values]))


def _reordered(conn: sqlite3.Connection, table: str, alias: str, rowids: list[int], order: str) -> list[int]:
    """`rowids` in a column's order (the rep clicked a header while a short query is active)."""
    if not rowids:
        return []
    join = " LEFT JOIN accounts a ON a.id = c.account_id" if table == "contacts" and "a." in order else ""
    return [r[0] for r in conn.execute(
        f"SELECT {alias}.rowid FROM {table} {alias}{join} WHERE {alias}.rowid IN "
        f"({_placeholders(len(rowids))}) ORDER BY {order}", rowids)]


def account_ids(conn: sqlite3.Connection, query: ParsedQuery, filters: BookFilters = BookFilters(),
                sort: str = "name", descending: bool = False, *, use_fts: bool | None = None) -> list[int]:
    if not (query.searches or query.kind is QueryKind.ALL):
        return []
    where = ["a.deleted_at IS NULL"]
    params: list[object] = []
    source = _text_search(
        conn, query, "accounts", "a", "account_fts", query.fts_match() if query.searches else "",
        lambda: ["a.name", "a.domain", "a.website", "a.industry", "a.city", "a.region", "a.notes",
                 "a.research_notes", "a.extra_fields"], use_fts, where, params)
    if filters.source_label_id is not None:
        where.append("a.source_label_id = ?")
        params.append(filters.source_label_id.hex)
    if filters.country:
        where.append("a.country = ?")
        params.append(filters.country)
    if filters.icp_tier == NO_TIER:
        where.append("a.icp_tier IS NULL")
    elif filters.icp_tier:
        where.append("a.icp_tier = ?")
        params.append(filters.icp_tier)
    if filters.has_open_tasks:
        where.append("a.id IN (SELECT c.account_id FROM contacts c WHERE c.deleted_at IS NULL "
                     f"AND c.id IN ({_OPEN_TASK_CONTACTS}))")
    ranked = sort == RELEVANCE
    order = _order(ACCOUNT_SORTS, "name" if ranked else sort, descending and not ranked, "a")
    if query.kind is QueryKind.SHORT:
        found: list[int] = []
        name_order = _order(ACCOUNT_SORTS, "name", False, "a")
        _limited(conn, f"SELECT a.rowid FROM {source}", where, params, name_order,
                 _short_alternatives("a", ("name",), query.terms), found)
        return found if ranked else _reordered(conn, "accounts", "a", found, order)
    sql = f"SELECT a.rowid FROM {source} WHERE {' AND '.join(where)} ORDER BY {order}"
    ids = [r[0] for r in conn.execute(sql, params)]
    return by_relevance(ids, name_tiers(conn, "accounts", query)) if ranked else ids


def contact_ids(conn: sqlite3.Connection, query: ParsedQuery, filters: BookFilters = BookFilters(),
                sort: str = "name", descending: bool = False, *, use_fts: bool | None = None) -> list[int]:
    if not (query.searches or query.kind is QueryKind.ALL):
        return []
    where = ["c.deleted_at IS NULL"]
    params: list[object] = []
    phones = ("(SELECT group_concat(p.search_digits, ' ') FROM contact_phones p "
              "WHERE p.contact_id = c.id AND p.deleted_at IS NULL)")
    source = _text_search(
        conn, query, "contacts", "c", "contact_fts",
        query.fts_match(phone_column="phone") if query.searches else "",
        lambda: ([phones] if query.kind is QueryKind.PHONE else
                 ["c.first_name", "c.last_name", "c.title", "c.email", "c.other_emails", "c.notes",
                  "c.extra_fields", phones,
                  "(SELECT name || ' ' || coalesce(domain, '') FROM accounts x "
                  "WHERE x.id = c.account_id)"]),
        use_fts, where, params)
    if sort in _CONTACT_SORTS_NEEDING_ACCOUNT:
        source += " LEFT JOIN accounts a ON a.id = c.account_id"
    # Account-level filters as "account_id IN (indexed subquery)" rather than a join: SQLite
    # then walks the name index once and probes a small set (half the time at 300k contacts).
    if filters.source_label_id is not None:
        where.append("(c.source_label_id = ? OR (c.source_label_id IS NULL AND c.account_id IN "
                     "(SELECT id FROM accounts WHERE source_label_id = ?)))")
        params.extend([filters.source_label_id.hex] * 2)
    if filters.country:
        where.append("(c.country = ? OR (c.country IS NULL AND c.account_id IN "
                     "(SELECT id FROM accounts WHERE country = ?)))")
        params.extend([filters.country] * 2)
    if filters.icp_tier == NO_TIER:
        where.append("(c.account_id IS NULL OR c.account_id IN "
                     "(SELECT id FROM accounts WHERE icp_tier IS NULL))")
    elif filters.icp_tier:
        where.append("c.account_id IN (SELECT id FROM accounts WHERE icp_tier = ?)")
        params.append(filters.icp_tier)
    if filters.has_open_tasks:
        where.append(f"c.id IN ({_OPEN_TASK_CONTACTS})")
    ranked = sort == RELEVANCE
    order = _order(CONTACT_SORTS, "name" if ranked else sort, descending and not ranked, "c")
    if query.kind is QueryKind.SHORT:
        return _short_contacts(conn, query, source, where, params, order, ranked)
    sql = f"SELECT c.rowid FROM {source} WHERE {' AND '.join(where)} ORDER BY {order}"
    ids = [r[0] for r in conn.execute(sql, params)]
    return by_relevance(ids, name_tiers(conn, "contacts", query)) if ranked else ids


def _short_contacts(conn: sqlite3.Connection, query: ParsedQuery, source: str, where: list[str],
                    params: list[object], order: str, ranked: bool) -> list[int]:
    """People whose first name starts with the letters (as the name is shown), then those whose
    last name does; each alphabetical, at most SHORT_LIMIT in all. In the column's order when
    the rep sorted by one."""
    select = f"SELECT c.rowid FROM {source}"
    halves = [(columns, _short_alternatives("c", columns, query.terms))
              for columns in (("first_name", "last_name"), ("last_name", "first_name"))]
    found: list[int] = []
    for (first, second), alternatives in halves:
        name_order = f"c.{first} COLLATE NOCASE, c.{second} COLLATE NOCASE, c.rowid"
        half: list[int] = []
        _limited(conn, select, where, params, name_order, alternatives, half)
        found.extend(half)
    found = list(dict.fromkeys(found))[:SHORT_LIMIT]
    return found if ranked else _reordered(conn, "contacts", "c", found, order)


# -- relevance ------------------------------------------------------------------------------

def name_tiers(conn: sqlite3.Connection, table: str, query: ParsedQuery,
               vocabulary: Sequence[str] | None = None) -> dict[int, int]:
    """rowid -> tier for the rows whose name holds every typed word (lower is better):
    0 the name starts with the first word and every word is whole, 1 it starts with it,
    2 every word is a whole word of the name, 3 every word starts a word of the name.
    Rows matched elsewhere (e-mail or other e-mails, title, phone, company, notes, extra-field
    values) have no tier: they follow.

    Up to three queries of the small name index (migration 12), where bm25 over every match
    cost 2.5-5x the full-text lookup on the big book. With the names' `vocabulary` (sorted
    folded words) the whole-word query is skipped when it cannot differ from the prefix one
    (each word is a name word with no longer word after it) or must find nothing."""
    if query.kind is not QueryKind.TERMS or not name_index_available(conn):
        return {}
    fts = _NAME_FTS[table]
    sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?"
    anywhere, words, start = query.name_matches()

    def rowids(match: str) -> Iterator[int]:
        return map(_FIRST, conn.execute(sql, (match,)))  # C-level: ~2x a comprehension

    whole = _whole_words(query.terms, vocabulary)
    tiers = dict.fromkeys(rowids(anywhere), 2 if whole else 3)
    if not tiers:
        return tiers
    if whole is None:  # ask the index which names hold the words whole
        tiers.update(dict.fromkeys(rowids(words), 2))
        for r in rowids(start):
            tiers[r] -= 2
    else:  # one tier so far: the start of the name makes it 0 (whole words) or 1
        tiers.update(dict.fromkeys(rowids(start), 0 if whole else 1))
    return tiers


def _whole_words(terms: Sequence[str], vocabulary: Sequence[str] | None) -> bool | None:
    """True: every name matching the terms as prefixes holds them as whole words; False: none
    does (a term is no name word); None: unknown, ask the index."""
    if vocabulary is None or any(len(t) < 2 or t.isdigit() for t in terms):
        return None  # the vocabulary leaves such words out
    always = True
    for term in terms:
        at = bisect_left(vocabulary, term)
        if at == len(vocabulary) or vocabulary[at] != term:
            return False  # no name has this word whole
        if at + 1 < len(vocabulary) and vocabulary[at + 1].startswith(term):
            always = False  # "smith" and "smithson": some names hold only the longer word
    return True if always else None


def by_relevance(ordered: list[int], tiers: dict[int, int]) -> list[int]:
    """`ordered` (alphabetical) with the name matches first by tier; ties keep their order."""
    if not tiers:
        return ordered
    head = list(filter(tiers.__contains__, ordered))  # C-level filters: 300k ids in a few ms
    if len(set(tiers.values())) > 1:
        head.sort(key=tiers.__getitem__)  # stable: alphabetical within a tier
    if len(head) == len(ordered):
        return head
    return head + list(itertools.filterfalse(tiers.__contains__, ordered))


# -- the fast path: default order without a join ---------------------------------------------

_DEFAULT_ORDER = {
    "accounts": "SELECT rowid FROM accounts WHERE deleted_at IS NULL "
                "ORDER BY name COLLATE NOCASE, rowid",
    "contacts": "SELECT rowid FROM contacts WHERE deleted_at IS NULL "
                "ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, rowid",
}
_FTS_TABLE = {"accounts": "account_fts", "contacts": "contact_fts"}


@dataclass
class _Ranks:
    fingerprint: tuple[object, ...]
    ordered: array  # live rowids in the default order
    rank: array | None  # rank[rowid] = position in `ordered` (built on the first search)

    def ranks(self) -> array:
        if self.rank is None:
            top = max(self.ordered) if self.ordered else 0
            rank = array("q", [len(self.ordered)]) * (top + 1)  # unknown rows sort last
            for position, rowid in enumerate(self.ordered):
                rank[rowid] = position
            self.rank = rank
        return self.rank


class SortCache:
    """Each live row's position in the default (name) order, so a search sorts its matches
    in Python instead of joining every match back to its table.

    At 300k contacts that join plus sort costs 4-7x the FTS5 lookup itself (a random page
    read per match); sorting 20k rowids by a precomputed rank costs a few ms. The ranks are
    rebuilt (one covering-index scan) when the table changed: `PRAGMA data_version` on a
    private connection says whether anyone committed, then a cheap fingerprint (max rowid,
    newest update) says whether it was this table. `invalidate()` forces it (the pane calls
    it on every `Changes` naming accounts or contacts, which also covers equal timestamps).
    Thread-safe: two search workers may use it at once.
    """

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                                     check_same_thread=False)
        self._lock = threading.Lock()
        self._ranks: dict[str, _Ranks] = {}
        self._data_version: int | None = None
        self._fts: bool | None = None
        self._names: bool | None = None
        self._words: tuple[tuple[object, ...], list[str]] | None = None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._ranks.clear()

    def invalidate(self) -> None:
        with self._lock:
            self._ranks.clear()

    def _fresh(self, table: str) -> _Ranks:
        # The private connection (autocommit) always reads the newest commit, so ranks are never
        # older than the worker's snapshot: at worst they know a row the worker cannot see yet.
        conn = self._conn
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._data_version = version
            for name in list(self._ranks):
                if self._ranks[name].fingerprint != _fingerprint(conn, name):
                    del self._ranks[name]
        ranks = self._ranks.get(table)
        if ranks is None:
            fingerprint = _fingerprint(conn, table)
            ordered = array("q", (r[0] for r in conn.execute(_DEFAULT_ORDER[table])))
            ranks = self._ranks[table] = _Ranks(fingerprint, ordered, None)
        return ranks

    def prepare(self) -> None:
        """Build both tables' ranks now (a background job after the first listing), so the
        rep's first keystrokes do not pay for them."""
        with self._lock:
            for table in _DEFAULT_ORDER:
                self._fresh(table).ranks()

    def all_ids(self, table: str, descending: bool) -> list[int]:
        with self._lock:
            ordered = self._fresh(table).ordered
        ids = ordered.tolist()
        if descending:
            ids.reverse()
        return ids

    def matches(self, conn: sqlite3.Connection, table: str, match: str, descending: bool, *,
                fts_table: str | None = None) -> list[int]:
        """FTS5 matches of `match` (in the table's full-text index, or `fts_table`) in the
        default order. FTS rows are live rows only."""
        fts = fts_table or _FTS_TABLE[table]
        ids = list(map(_FIRST, conn.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?", (match,))))
        with self._lock:
            rank = self._fresh(table).ranks()
        size = len(rank)
        if not ids:
            return ids
        if max(ids) < size:
            ids.sort(key=rank.__getitem__, reverse=descending)  # C-level key: ~2x the lambda's speed
        else:  # a row newer than the ranks (committed meanwhile) goes last
            last = size + 1
            ids.sort(key=lambda r: rank[r] if r < size else last, reverse=descending)
        return ids

    def fts_available(self, conn: sqlite3.Connection) -> bool:
        """`storage.search.fts_available`, asked once per book instead of once per keystroke."""
        with self._lock:
            if self._fts is None:
                self._fts = fts_available(conn)
            return self._fts

    def name_words(self) -> list[str]:
        """The folded words of every account and contact name, sorted (for "Did you mean").

        Read from the name index's vocabulary (~0.1 s at 400k names: `BookService.warm_up_names`
        builds it after the ranks) and kept until a name table changes."""
        with self._lock:
            conn = self._conn
            fingerprint = (_fingerprint(conn, "accounts"), _fingerprint(conn, "contacts"))
            if self._words is None or self._words[0] != fingerprint:
                self._words = (fingerprint, _vocabulary(conn) if name_index_available(conn) else [])
            return self._words[1]

    def fresh_name_words(self) -> list[str] | None:
        """`name_words` if built (by the warm-up) and still current, else None: a search never
        waits for a rebuild."""
        with self._lock:
            if self._words is None:
                return None
            conn = self._conn
            fingerprint = (_fingerprint(conn, "accounts"), _fingerprint(conn, "contacts"))
            return self._words[1] if self._words[0] == fingerprint else None

    def name_index_available(self, conn: sqlite3.Connection) -> bool:
        with self._lock:
            if self._names is None:
                self._names = name_index_available(conn)
            return self._names


def _vocabulary(conn: sqlite3.Connection) -> list[str]:
    words: set[str] = set()
    for fts in _NAME_FTS.values():
        vocab = f"temp.vocab_{fts}"
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, {fts}, row)")
        words.update(t for (t,) in conn.execute(f"SELECT term FROM {vocab}")
                     if len(t) > 1 and not t.isdigit())
    return sorted(words)


def _fingerprint(conn: sqlite3.Connection, table: str) -> tuple[object, ...]:
    # Both are index lookups (rowid b-tree, updated_at index): microseconds at any size.
    return tuple(conn.execute(f"SELECT (SELECT max(rowid) FROM {table}), "
                              f"(SELECT max(updated_at) FROM {table})").fetchone())


def search_book(uow: SqlUnitOfWork, text: str, filters: BookFilters = BookFilters(), *,
                account_sort: tuple[str, bool] = ("name", False),
                contact_sort: tuple[str, bool] = ("name", False),
                cache: SortCache | None = None,
                accounts_first: Callable[[BookIds], None] | None = None) -> BookIds:
    """Both lists for what the rep typed. Runs on a worker thread with its own unit of work.

    With a `cache`, no filter and the default (name) order, lists come from `SortCache`;
    any filter or other order runs the general SQL below. For a full listing (nothing
    typed) `accounts_first` receives the accounts before the three times longer contact
    list is built, so the visible table fills sooner.
    """
    query = parse_query(text)
    conn = raw_connection(uow)
    use_fts = False
    if query.searches:
        use_fts = cache.fts_available(conn) if cache is not None else fts_available(conn)
    fast = (cache is not None and filters == BookFilters() and query.kind is not QueryKind.SHORT
            and (query.kind is QueryKind.ALL or use_fts)
            and (not query.uses_name_index or cache.name_index_available(conn)))

    def listing(table: str, sort: tuple[str, bool], general: Callable[[], list[int]]) -> list[int]:
        key, descending = sort
        if key == RELEVANCE and not query.searches:
            key, descending = "name", False  # nothing typed: alphabetical
        if not (fast and cache is not None and key in ("name", RELEVANCE)):
            return general() if key == sort[0] else general_by(table, key, descending)
        if query.kind is QueryKind.ALL:
            return cache.all_ids(table, descending)
        match = query.fts_match(phone_column="phone" if table == "contacts" else None)
        fts_table = _E164_FTS[table] if query.uses_name_index else None
        if key == "name":
            return cache.matches(conn, table, match, descending, fts_table=fts_table)
        ordered = cache.matches(conn, table, match, False, fts_table=fts_table)
        return by_relevance(ordered, name_tiers(conn, table, query, cache.fresh_name_words()))

    def general_by(table: str, key: str, descending: bool) -> list[int]:
        if table == "accounts":
            return account_ids(conn, query, filters, key, descending, use_fts=use_fts)
        return contact_ids(conn, query, filters, key, descending, use_fts=use_fts)

    accounts = listing("accounts", account_sort,
                       lambda: account_ids(conn, query, filters, *account_sort, use_fts=use_fts))
    if accounts_first is not None and query.kind is QueryKind.ALL:
        accounts_first(BookIds(query, accounts, None))
    contacts = listing("contacts", contact_sort,
                       lambda: contact_ids(conn, query, filters, *contact_sort, use_fts=use_fts))
    truncated = query.kind is QueryKind.SHORT and SHORT_LIMIT in (len(accounts), len(contacts))
    suggestions: tuple[str, ...] = ()
    if (query.kind is QueryKind.TERMS and len(accounts) + len(contacts) < FEW_RESULTS
            and cache is not None and use_fts and cache.name_index_available(conn)):
        suggestions = suggest_names(conn, query, cache.name_words())
    return BookIds(query=query, accounts=accounts, contacts=contacts, truncated=truncated,
                   suggestions=suggestions)


FEW_RESULTS = 3  # fewer matches than this: offer "Did you mean ..."
MAX_SUGGESTIONS = 3


def suggest_names(conn: sqlite3.Connection, query: ParsedQuery, words: Sequence[str]) -> tuple[str, ...]:
    """Closest names for a query that found (almost) nothing: each word that starts no name
    word is replaced by the most similar name word (rapidfuzz), and the names holding the
    corrected words are offered, names starting with them first. () when nothing is close."""
    from rapidfuzz import process  # only when a query found (almost) nothing
    from rapidfuzz.distance import DamerauLevenshtein  # a swapped pair ("jonh") is one edit

    corrected: list[str] = []
    for term in query.terms:
        start = bisect_left(words, term)
        if start < len(words) and words[start].startswith(term):
            corrected.append(term)  # already the start of a name word
            continue
        close = process.extract(term, words, scorer=DamerauLevenshtein.normalized_similarity,
                                score_cutoff=0.55, limit=8)
        if not close:
            continue  # a word no name resembles: leave it out
        # Equal scores: the same first letter, then the shorter word (what was being typed).
        best = max(close, key=lambda c: (round(c[1], 3), c[0][0] == term[0], -len(c[0])))
        corrected.append(best[0])
    if not corrected or tuple(corrected) == query.terms:
        return ()
    fixed = ParsedQuery(QueryKind.TERMS, tuple(dict.fromkeys(corrected)))
    _anywhere, _words, start_match = fixed.name_matches()
    found: list[str] = []
    for match in (start_match, _anywhere):
        for fts in (_NAME_FTS["contacts"], _NAME_FTS["accounts"]):
            # No ORDER BY: sorting every match of "Smith" to pick three cost 20-40 ms.
            for (name,) in conn.execute(f"SELECT DISTINCT trim(first || ' ' || rest) FROM {fts} "
                                        f"WHERE {fts} MATCH ? LIMIT ?",
                                        (match, MAX_SUGGESTIONS)):
                if name not in found:
                    found.append(name)
            if len(found) >= MAX_SUGGESTIONS:
                return tuple(found[:MAX_SUGGESTIONS])
    return tuple(found)


@dataclass(frozen=True)
class SearchHit:
    """One ranked result as the CLI and the quick switcher show it."""

    kind: str  # "account" or "contact"
    rowid: int
    id: uuid.UUID
    name: str
    company: str  # the contact's account; "" for an account
    matched: tuple[str, ...]  # which fields hold the typed words: "name", "e-mail", "notes"...
    account_id: uuid.UUID | None  # the account itself, or the contact's


EXTRA_FIELD = "extra field"  # an import's unmapped column (Lead Source, Deal Stage...)

_HIT_SQL = {
    "account": """
        SELECT a.rowid, a.id, a.name, '', a.id,
               a.name, coalesce(a.domain, '') || ' ' || coalesce(a.website, ''),
               a.industry, coalesce(a.city, '') || ' ' || coalesce(a.region, ''), NULL, NULL,
               coalesce(a.phone_e164, ''),
               coalesce(a.notes, '') || ' ' || coalesce(a.research_notes, ''), a.extra_fields
        FROM accounts a WHERE a.rowid IN ({marks})""",
    "contact": """
        SELECT c.rowid, c.id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')),
               coalesce(a.name, ''), c.account_id,
               trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')),
               coalesce(a.name, '') || ' ' || coalesce(a.domain, ''), NULL, NULL, c.title,
               coalesce(c.email, '') || ' ' || coalesce(c.other_emails, ''),
               (SELECT group_concat(coalesce(p.search_digits, '') || ' ' || coalesce(p.e164, ''), ' ')
                FROM contact_phones p WHERE p.contact_id = c.id AND p.deleted_at IS NULL),
               c.notes, c.extra_fields
        FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.rowid IN ({marks})""",
}
_HIT_FIELDS = {"account": ("name", "domain", "industry", "place", "title", "e-mail", "phone", "notes",
                           EXTRA_FIELD),
               "contact": ("name", "company", "industry", "place", "title", "e-mail", "phone", "notes",
                           EXTRA_FIELD)}


def search_hits(uow: SqlUnitOfWork, kind: str, rowids: Sequence[int], query: ParsedQuery) -> list[SearchHit]:
    """Rows for `rowids` (in their order) with the fields the query matched in each."""
    if not rowids:
        return []
    rows = {r[0]: r for r in raw_connection(uow).execute(
        _HIT_SQL[kind].format(marks=_placeholders(len(rowids))), list(rowids))}
    hits = []
    for rowid in rowids:
        row = rows.get(rowid)
        if row is None:
            continue
        fields = dict(zip(_HIT_FIELDS[kind], row[5:], strict=True))
        fields[EXTRA_FIELD] = _extra_values(fields[EXTRA_FIELD])
        hits.append(SearchHit(kind, rowid, uuid.UUID(row[1]), row[2] or "(no name)", row[3],
                              _matched_fields(fields, query), uuid.UUID(row[4]) if row[4] else None))
    return hits


def _extra_values(extra_fields: str | None) -> str | None:
    """The values of an `extra_fields` JSON object (what the index holds since migration 16);
    damaged text as it is, like the index."""
    if not extra_fields:
        return None
    try:
        data = json.loads(extra_fields)
    except ValueError:
        return extra_fields
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else [data]
    return " ".join(str(v) for v in items if v is not None and not isinstance(v, dict | list)) or None


def _matched_fields(fields: dict[str, str | None], query: ParsedQuery) -> tuple[str, ...]:
    if query.kind is QueryKind.PHONE:
        digits = query.terms[0]
        phone = fields.get("phone") or ""
        tokens = phone.replace("+", " ").split()
        if query.international:
            return ("phone",) if any(t.startswith("+" + digits) for t in phone.split()) else ()
        return ("phone",) if any(t.startswith(digits) for t in tokens) else ()
    if query.kind is QueryKind.SHORT:
        return ("name",)
    matched = []
    for label, text in fields.items():
        if not text:
            continue
        words = [fold(w) for w in re.findall(r"[^\W_]+", text)]
        if any(any(w.startswith(t) for w in words) for t in query.terms):
            matched.append(label)
    return tuple(matched)


def _placeholders(n: int) -> str:
    return ",".join("?" * n)


def account_rows(uow: SqlUnitOfWork, rowids: Sequence[int]) -> dict[int, AccountRow]:
    """One page of accounts (typically 200), keyed by rowid; tombstoned rows are left out.

    Runs on the GUI thread, so each count is an index-only lookup per row (the covering
    indexes from migration 2). SQLite has no statistics here: left to itself it walked every
    open task through the status index for each account (11 s a page at 60k tasks), so the
    join order is pinned with CROSS JOIN, and without the partial index `+status` keeps the
    status index out of it.
    """
    if not rowids:
        return {}
    conn = raw_connection(uow)
    # Pin the partial index: since the Today indexes (status first, migration 9) exist, the
    # planner otherwise walks every open task per account (3.4 s a page at 40k open tasks,
    # against 1-3 ms). Without the partial index, `+status` keeps the status indexes out.
    if _has_index(conn, "ix_tasks_open_contact"):
        tasks, status = "tasks t INDEXED BY ix_tasks_open_contact", "t.status"
    else:
        tasks, status = "tasks t", "+t.status"
    sql = f"""
        SELECT a.rowid, a.id, a.name, a.domain, a.industry, a.employee_count, a.country, a.region,
               a.city, a.icp_tier, s.name,
               (SELECT count(*) FROM contacts c WHERE c.account_id = a.id AND c.deleted_at IS NULL),
               (SELECT count(*) FROM contacts c CROSS JOIN {tasks} ON t.contact_id = c.id
                 WHERE c.account_id = a.id AND c.deleted_at IS NULL AND {status} = 'open'
                   AND t.deleted_at IS NULL)
        FROM accounts a LEFT JOIN source_labels s ON s.id = a.source_label_id
        WHERE a.rowid IN ({_placeholders(len(rowids))}) AND a.deleted_at IS NULL"""
    rows: dict[int, AccountRow] = {}
    for (rowid, hex_id, name, domain, industry, employees, country, region, city, tier, label,
         n_contacts, n_open) in conn.execute(sql, list(rowids)):
        rows[rowid] = AccountRow(rowid, uuid.UUID(hex_id), name or "", domain or "", industry or "",
                                 employees, country or "", region or "", city or "", tier or "",
                                 label or "", n_contacts, n_open)
    return rows


def _has_index(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        (name,)).fetchone() is not None


def contact_rows(uow: SqlUnitOfWork, rowids: Sequence[int]) -> dict[int, ContactRow]:
    if not rowids:
        return {}
    sql = f"""
        SELECT c.rowid, c.id, c.account_id, c.first_name, c.last_name, c.title, c.persona, c.email,
               coalesce(c.country, a.country), c.pinned_timezone, a.name, p.e164, p.raw, p.extension
        FROM contacts c
        LEFT JOIN accounts a ON a.id = c.account_id
        LEFT JOIN contact_phones p ON p.id = (
            SELECT id FROM contact_phones q WHERE q.contact_id = c.id AND q.deleted_at IS NULL
            ORDER BY q.position LIMIT 1)
        WHERE c.rowid IN ({_placeholders(len(rowids))}) AND c.deleted_at IS NULL"""
    rows: dict[int, ContactRow] = {}
    for (rowid, hex_id, account_hex, first, last, title, persona, email, country, pinned, account,
         e164, raw, extension) in raw_connection(uow).execute(sql, list(rowids)):
        rows[rowid] = ContactRow(
            rowid, uuid.UUID(hex_id), uuid.UUID(account_hex) if account_hex else None,
            " ".join(p for p in (first, last) if p) or "(no name)", title or "", persona or "",
            email or "", account or "", country or "", pinned, raw or "", e164, extension)
    return rows


def filter_options(uow: SqlUnitOfWork) -> FilterOptions:
    conn = raw_connection(uow)
    labels = tuple((uuid.UUID(i), n) for i, n in conn.execute(
        "SELECT id, name FROM source_labels WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE"))
    # DISTINCT over an indexed column is an index walk, cheap at 100k rows.
    countries = tuple(r[0] for r in conn.execute(
        "SELECT DISTINCT country FROM accounts WHERE country IS NOT NULL ORDER BY country"))
    tiers = tuple(r[0] for r in conn.execute(
        "SELECT DISTINCT icp_tier FROM accounts WHERE icp_tier IS NOT NULL ORDER BY icp_tier"))
    return FilterOptions(labels, countries, tiers)


def rowid_of(uow: SqlUnitOfWork, table: str, record_id: uuid.UUID) -> int | None:
    """The rowid of an account or contact (to select it in a list the bus named by UUID)."""
    if table not in ("accounts", "contacts"):
        raise ValueError(table)
    found = raw_connection(uow).execute(f"SELECT rowid FROM {table} WHERE id = ?",
                                        (record_id.hex,)).fetchone()
    return int(found[0]) if found else None

