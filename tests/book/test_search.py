"""Search over the book: safe FTS5 terms, accents, e-mail and phone fragments, filters, sorting."""

from __future__ import annotations

import uuid

import pytest

from sdrdesk.services import book_queries as bq
from sdrdesk.services.book_queries import BookFilters, SortCache
from sdrdesk.services.workspace import Workspace
from sdrdesk.storage import models as m
from sdrdesk.storage.search import QueryKind, parse_query

from .conftest import Seeded

SYNTAX_ONLY = ['"', "*", "AND (", "-", "()", "NEAR(", '" OR "', "^", ":", "'", "  "]


@pytest.mark.parametrize("text", SYNTAX_ONLY)
def test_punctuation_and_fts_syntax_parse_to_nothing(text: str) -> None:
    kind = parse_query(text).kind
    assert kind in (QueryKind.NOTHING, QueryKind.ALL)
    assert kind is QueryKind.ALL if not text.strip() else kind is QueryKind.NOTHING


def test_words_become_quoted_prefix_terms_with_accents_folded() -> None:
    parsed = parse_query('Müller AND vp*')
    assert parsed.kind is QueryKind.TERMS
    assert parsed.terms == ("muller", "vp")  # upper-case AND is syntax someone typed: dropped
    assert parsed.fts_match() == '"muller"* "vp"*'
    assert parse_query("Sand and Sea").terms == ("sand", "and", "sea")  # lower-case: a word


def test_phone_looking_input_becomes_digits_for_the_phone_column() -> None:
    parsed = parse_query("(416) 555-0199")
    assert parsed.kind is QueryKind.PHONE and parsed.terms == ("4165550199",)
    assert parsed.fts_match(phone_column="phone") == 'phone : "4165550199"*'
    typed_with_plus = parse_query("+1 (416) 555-0199")  # E.164 digits, for the E.164 index only
    assert typed_with_plus.international and typed_with_plus.uses_name_index
    assert typed_with_plus.fts_match(phone_column="phone") == '"14165550199"*'
    assert parse_query("j").kind is QueryKind.SHORT


def _names(ws: Workspace, text: str, cache: SortCache | None = None, **kw) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    with ws.uow_factory() as uow:
        found = bq.search_book(uow, text, cache=cache, **kw)
        accounts = bq.account_rows(uow, found.accounts)
        contacts = bq.contact_rows(uow, found.contacts)
    return ([accounts[r].name for r in found.accounts], [contacts[r].name for r in found.contacts])


@pytest.fixture(params=["sql", "cache"])
def cache(request, workspace: Workspace):  # type: ignore[no-untyped-def]
    """Every search test runs through both paths: general SQL and the name-rank cache."""
    if request.param == "sql":
        yield None
        return
    sort_cache = SortCache(workspace.path)
    yield sort_cache
    sort_cache.close()


def test_partial_name_finds_people_and_companies(workspace: Workspace, cache) -> None:  # type: ignore[no-untyped-def]
    accounts, contacts = _names(workspace, "north", cache)
    assert accounts == ["Northwind Analytics Inc."]
    assert contacts == ["Nora Body", "Jane Doe"]  # Nora by her northwind.io e-mail; by last name
    _, contacts = _names(workspace, "Jür", cache)
    assert contacts == ["Jürgen Müller"]


def test_muller_typed_without_accent_finds_mueller(workspace: Workspace, cache) -> None:  # type: ignore[no-untyped-def]
    accounts, contacts = _names(workspace, "Muller", cache)
    assert accounts == ["Müller Logistik AG"]
    assert contacts == ["Jürgen Müller"]
    assert _names(workspace, "MÜLL", cache)[1] == ["Jürgen Müller"]


def test_email_fragment_finds_the_contact(workspace: Workspace, cache) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, "jane.doe@north", cache)[1] == ["Jane Doe"]
    assert _names(workspace, "doe@northwind", cache)[1] == ["Jane Doe"]


@pytest.mark.parametrize("typed", ["4165550199", "416 555 0199", "(416) 555-01", "+1 416 555 0199", "416555"])
def test_phone_typed_as_national_or_e164_digits(workspace: Workspace, cache, typed: str) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, typed, cache)[1] == ["Jane Doe"]  # not the tombstoned 416-555-0123


def test_german_number_found_with_trunk_zero_or_without(workspace: Workspace, cache) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, "030 1234567", cache)[1] == ["Jürgen Müller"]
    assert _names(workspace, "+49 30 1234567", cache)[1] == ["Jürgen Müller"]


@pytest.mark.parametrize("text", SYNTAX_ONLY[:-1])
def test_syntax_input_returns_nothing_and_never_raises(workspace: Workspace, cache, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, text, cache) == ([], [])


def test_notes_title_and_domain_are_searchable(workspace: Workspace, cache) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, "after lunch", cache)[1] == ["Jane Doe"]
    assert _names(workspace, "revenue operations", cache)[1] == ["Jürgen Müller"]
    assert _names(workspace, "outbackfreight", cache)[0] == ["Outback Freight Pty Ltd"]
    # A contact is found by its company's name too.
    assert _names(workspace, "outback", cache)[1] == ["Bruce Wilson"]


def test_tombstoned_records_are_never_found_or_listed(workspace: Workspace, seeded: Seeded, cache) -> None:  # type: ignore[no-untyped-def]
    assert _names(workspace, "zombie", cache) == ([], [])
    assert _names(workspace, "ghost", cache) == ([], [])
    accounts, contacts = _names(workspace, "", cache)
    assert "Zombie Corp" not in accounts and "Gary Ghost" not in contacts
    assert accounts == sorted(accounts, key=str.casefold)
    assert contacts == ["Nora Body", "Jane Doe", "Jürgen Müller", "Bruce Wilson"]  # by last name


def test_like_fallback_matches_fts_results(workspace: Workspace) -> None:
    with workspace.uow_factory() as uow:
        conn = bq.raw_connection(uow)
        for text in ("Muller", "jane.doe@north", "4165550199", "vp of sales", "northwind"):
            query = parse_query(text)
            assert bq.contact_ids(conn, query, use_fts=False) == bq.contact_ids(conn, query, use_fts=True)
            assert bq.account_ids(conn, query, use_fts=False) == bq.account_ids(conn, query, use_fts=True)


def test_filters_narrow_both_lists(workspace: Workspace, seeded: Seeded) -> None:
    assert _names(workspace, "", filters=BookFilters(country="DE")) == (
        ["Müller Logistik AG"], ["Jürgen Müller"])
    assert _names(workspace, "", filters=BookFilters(icp_tier="C"))[0] == ["Outback Freight Pty Ltd"]
    assert _names(workspace, "", filters=BookFilters(icp_tier=bq.NO_TIER))[0] == ["Mystery Co"]
    by_label = _names(workspace, "", filters=BookFilters(source_label_id=seeded.label_trade_show))
    assert by_label == (["Müller Logistik AG"], ["Jürgen Müller"])
    # Only Jane has an open task (Bruce's is done).
    assert _names(workspace, "", filters=BookFilters(has_open_tasks=True)) == (
        ["Northwind Analytics Inc."], ["Jane Doe"])
    assert _names(workspace, "jane", filters=BookFilters(country="DE")) == ([], [])


def test_sorting_happens_in_sql_both_ways(workspace: Workspace) -> None:
    by_size, _ = _names(workspace, "", account_sort=("employees", True))
    assert by_size == ["Müller Logistik AG", "Northwind Analytics Inc.", "Outback Freight Pty Ltd",
                       "Mystery Co"]  # unknown size last
    _, by_title = _names(workspace, "", contact_sort=("title", False))
    assert by_title[0] == "Jürgen Müller"  # "Head of Revenue Operations"
    names_desc, _ = _names(workspace, "", account_sort=("name", True))
    assert names_desc == sorted(names_desc, key=str.casefold, reverse=True)


def test_sort_cache_follows_renames_and_new_rows(workspace: Workspace, seeded: Seeded) -> None:
    cache = SortCache(workspace.path)
    try:
        assert _names(workspace, "", cache)[0][0] == "Mystery Co"
        with workspace.uow_factory() as uow:
            account = uow.accounts.get(seeded.mystery)
            assert account is not None
            account.name = "Aardvark Mystery Co"
            uow.accounts.add(m.Account(name="Zulu Systems", country="US"))
            uow.commit()
        # Another connection committed: data_version + fingerprint notice without invalidate().
        accounts, _ = _names(workspace, "", cache)
        assert accounts[0] == "Aardvark Mystery Co" and accounts[-1] == "Zulu Systems"
        assert _names(workspace, "mystery", cache)[0] == ["Aardvark Mystery Co"]
        assert _names(workspace, "zulu", cache)[0] == ["Zulu Systems"]
    finally:
        cache.close()


def test_rowid_of_and_filter_options(workspace: Workspace, seeded: Seeded) -> None:
    with workspace.uow_factory() as uow:
        options = bq.filter_options(uow)
        rowid = bq.rowid_of(uow, "contacts", seeded.jane)
        assert rowid is not None
        assert bq.contact_rows(uow, [rowid])[rowid].id == seeded.jane
        assert bq.rowid_of(uow, "accounts", uuid.uuid4()) is None
    assert options.countries == ("AU", "CA", "DE", "US")  # the tombstoned US account still counts
    assert options.tiers == ("A", "B", "C")
    assert [name for _id, name in options.labels] == ["Inbound webinar", "Trade show Berlin"]


@pytest.mark.parametrize("descending", [False, True])
def test_every_sortable_column_sorts_with_and_without_filters(workspace: Workspace, descending: bool) -> None:
    with workspace.uow_factory() as uow:
        for key in bq.ACCOUNT_SORTS:
            found = bq.search_book(uow, "", account_sort=(key, descending))
            assert len(found.accounts) == 4, key
        for key in bq.CONTACT_SORTS:
            found = bq.search_book(uow, "o", contact_sort=(key, descending))  # too short: no search
            assert found.contacts == []
            found = bq.search_book(uow, "", BookFilters(country="CA"), contact_sort=(key, descending))
            assert len(found.contacts) == 1, key


@pytest.mark.parametrize("with_partial_index", [True, False])
def test_account_rows_count_live_contacts_and_open_tasks(workspace: Workspace, seeded: Seeded,
                                                         with_partial_index: bool) -> None:
    with workspace.uow_factory() as uow:
        conn = bq.raw_connection(uow)
        if not with_partial_index:  # a book migrated before the index existed must still work
            conn.execute("DROP INDEX ix_tasks_open_contact")
        found = bq.search_book(uow, "")
        rows = {r.id: r for r in bq.account_rows(uow, found.accounts).values()}
    assert (rows[seeded.northwind].contact_count, rows[seeded.northwind].open_tasks) == (1, 1)
    assert (rows[seeded.outback].contact_count, rows[seeded.outback].open_tasks) == (1, 0)  # task done
    assert rows[seeded.northwind].source_label == "Inbound webinar"
    assert rows[seeded.northwind].place == "Toronto, ON, CA"


def test_account_rows_count_open_tasks_through_the_partial_index(workspace: Workspace,
                                                                  seeded: Seeded) -> None:
    # With Today's status-first indexes (migration 9) the planner preferred them and walked every
    # open task for each account: 3.4 s a page on the 100k book instead of 1-3 ms.
    with workspace.uow_factory() as uow:
        conn = bq.raw_connection(uow)
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        try:
            bq.account_rows(uow, bq.search_book(uow, "").accounts)
        finally:
            conn.set_trace_callback(None)
        page_sql = next(q for q in statements if "FROM accounts a LEFT JOIN source_labels" in q)
        plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + page_sql))
    assert "ix_tasks_open_contact" in plan
    assert "ix_tasks_callable" not in plan and "ix_tasks_open_due" not in plan


def test_rows_newer_than_the_ranks_sort_last_rather_than_fail(workspace: Workspace, seeded: Seeded,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache = SortCache(workspace.path)
    try:
        with cache._lock:
            stale = cache._fresh("contacts")
        stale.ranks()
        with workspace.uow_factory() as uow:
            uow.contacts.add(m.Contact(first_name="Aaron", last_name="Aardvark", email="aaron@northwind.io"))
            uow.commit()
        monkeypatch.setattr(cache, "_fresh", lambda _table: stale)  # as if committed mid-search
        assert _names(workspace, "northwind", cache)[1] == ["Nora Body", "Jane Doe", "Aaron Aardvark"]
    finally:
        cache.close()


@pytest.mark.parametrize("sort", [("name", False), (bq.RELEVANCE, False)])
def test_one_or_two_letters_fold_accents_both_ways(workspace: Workspace, cache, sort) -> None:  # type: ignore[no-untyped-def]
    for typed in ("mu", "mü", "MÜ", "Mu"):
        accounts, contacts = _names(workspace, typed, cache, account_sort=sort, contact_sort=sort)
        assert accounts == ["Müller Logistik AG"], typed
        assert contacts == ["Jürgen Müller"], typed  # by last name
    assert _names(workspace, "ju", cache, account_sort=sort, contact_sort=sort)[1] == ["Jürgen Müller"]
    assert _names(workspace, "m", cache, account_sort=sort, contact_sort=sort)[0] == [
        "Mystery Co", "Müller Logistik AG"]  # NOCASE order: plain letters, then accented spellings
