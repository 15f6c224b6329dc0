"""Relevance on a small hand-built book: what the rep meant comes first.

Name prefix beats notes, whole word beats a word that only starts the same, ties are
alphabetical; one and two letters search names only; `+CC` means that country's numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.services import book_queries as bq
from sdrdesk.services.book_queries import RELEVANCE, BookFilters
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage import models as m

from .conftest import NOW

RANKED = (RELEVANCE, False)


def _phone(contact: m.Contact, raw: str, region: str) -> m.ContactPhone:
    info = parse_phone(raw, region)
    return m.ContactPhone(contact=contact, position=0, raw=raw, e164=info.e164, extension=info.extension,
                          is_valid=info.valid, number_type=info.number_type, region=info.region,
                          search_digits=search_tokens(info.e164, raw))


@pytest.fixture
def ranked_book(book, uow_factory, book_path: Path) -> Iterator[Workspace]:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        s = uow.session
        accounts = {name: m.Account(name=name, industry=industry, notes=notes) for name, industry, notes in [
            ("Alpine Freight", "Logistics", "Long-time partner of summit logistics firms"),
            ("Summit Media", "Logistics", None),  # "log" only in its industry
            ("Summit Logistics GmbH", "Transport", None),
            ("Summit Logistics AG", "Transport", None),  # tie with GmbH: alphabetical
            ("Big Summit Logistics", "Transport", None),  # whole words, not at the start
            ("Sunrise Ltd", "Energy", None),  # starts with "sun" but "sun" is not a word of it
            ("Sun Corp", "Energy", None),
            ("Rain Inc", "Weather", "Sun sensors"),  # notes only
            ("Big Sunset Co", "Travel", None),  # a word starting with "sun", not at the start
            ("Mare Nostrum", "Shipping", "Sells mostly mid-market"),
        ]}
        s.add_all(accounts.values())
        s.flush()
        people = [("John", "Okafor", "Sun Corp", "+44 20 7946 0958", "GB"),
                  ("Jane", "Johnson", "Summit Media", "+33 1 42 68 53 00", "FR"),
                  ("Maria", "Jonker", "Rain Inc", "(416) 555-0199", "CA"),
                  ("Ada", "Marsh", "Alpine Freight", "+61 412 345 678", "AU")]
        for first, last, company, number, region in people:
            contact = m.Contact(first_name=first, last_name=last, account_id=accounts[company].id,
                                email=f"{first.lower()}@example.com")
            s.add(contact)
            s.flush()
            s.add(_phone(contact, number, region))
        uow.commit()
    ws = open_workspace(book_path, FakeClock(NOW))
    yield ws
    ws.close()


NO_FILTER = BookFilters()


def _ranked(ws: Workspace, text: str, cache: bool = True,
            filters: BookFilters = NO_FILTER) -> tuple[list[str], list[str]]:
    if cache:
        ws.browse.warm_up()  # the name ranks and words, as the pane warms them after opening
        ws.browse.warm_up_names()
    found = ws.browse.search(text, filters, RANKED, RANKED) if cache else None
    with ws.uow_factory() as uow:
        if found is None:  # the general SQL path (no sort cache)
            found = bq.search_book(uow, text, filters, account_sort=RANKED, contact_sort=RANKED)
        accounts = bq.account_rows(uow, found.accounts)
        contacts = bq.contact_rows(uow, found.contacts or [])
    return [accounts[r].name for r in found.accounts], [contacts[r].name for r in found.contacts or []]


@pytest.mark.parametrize("cache", [True, False], ids=["sort-cache", "sql"])
def test_name_prefix_beats_industry_and_notes_and_ties_are_alphabetical(ranked_book: Workspace,
                                                                        cache: bool) -> None:
    accounts, _ = _ranked(ranked_book, "summit log", cache)
    assert accounts == ["Summit Logistics AG", "Summit Logistics GmbH",  # start of the name, ties A-Z
                        "Big Summit Logistics",  # every word in the name, not at its start
                        "Alpine Freight", "Summit Media"]  # only via notes or industry: after, A-Z


@pytest.mark.parametrize("cache", [True, False], ids=["sort-cache", "sql"])
def test_whole_word_beats_a_word_that_only_starts_the_same(ranked_book: Workspace, cache: bool) -> None:
    accounts, contacts = _ranked(ranked_book, "sun", cache)
    assert accounts == ["Sun Corp", "Sunrise Ltd", "Big Sunset Co", "Rain Inc"]
    assert contacts == ["John Okafor"]  # by his company (Sun Corp), not by Rain Inc's notes


def test_a_filter_keeps_the_ranking(ranked_book: Workspace) -> None:
    with ranked_book.uow_factory() as uow:
        conn = bq.raw_connection(uow)
        ids = bq.account_ids(conn, bq.parse_query("summit log"), BookFilters(), RELEVANCE)
        names = bq.account_rows(uow, ids)
    assert [names[r].name for r in ids][:2] == ["Summit Logistics AG", "Summit Logistics GmbH"]


def test_clicking_a_column_still_sorts_by_it(ranked_book: Workspace) -> None:
    found = ranked_book.browse.search("summit log", BookFilters(), ("name", True), ("name", False))
    with ranked_book.uow_factory() as uow:
        rows = bq.account_rows(uow, found.accounts)
    names = [rows[r].name for r in found.accounts]
    assert names == sorted(names, key=str.casefold, reverse=True)


@pytest.mark.parametrize("cache", [True, False], ids=["sort-cache", "sql"])
def test_one_or_two_letters_search_names_only(ranked_book: Workspace, cache: bool) -> None:
    accounts, contacts = _ranked(ranked_book, "ma", cache)
    assert accounts == ["Mare Nostrum"]  # not every account whose notes say "mid-market"
    assert contacts == ["Maria Jonker", "Ada Marsh"]  # first name first (as shown), then last name
    accounts, contacts = _ranked(ranked_book, "j", cache)
    assert accounts == []
    assert contacts == ["Jane Johnson", "John Okafor", "Maria Jonker"]
    assert _ranked(ranked_book, "J O", cache)[1] == ["John Okafor"]  # initials: first and last


@pytest.mark.parametrize("cache", [True, False], ids=["sort-cache", "sql"])
def test_plus_country_code_means_that_country(ranked_book: Workspace, cache: bool) -> None:
    assert _ranked(ranked_book, "+44", cache)[1] == ["John Okafor"]  # never the +33 number
    assert _ranked(ranked_book, "+33", cache)[1] == ["Jane Johnson"]
    assert _ranked(ranked_book, "+61 4", cache)[1] == ["Ada Marsh"]
    assert _ranked(ranked_book, "+1", cache)[1] == ["Maria Jonker"]
    assert _ranked(ranked_book, "+4", cache)[1] == ["John Okafor"]  # a prefix of +44, not of +33


@pytest.mark.parametrize("pasted", ["+44 (0)20 7946 0958", "tel:+442079460958", "020 7946 0958",
                                    "+1 416-555-0199 ext. 12", "416.555.0199", "(416) 555-0199 x 7",
                                    "+33 1 42 68 53 00", "01 42 68 53 00", "0412 345 678"])
def test_a_pasted_number_in_any_format_finds_its_contact(ranked_book: Workspace, pasted: str) -> None:
    assert len(_ranked(ranked_book, pasted)[1]) == 1, pasted


def test_the_name_index_follows_renames_tombstones_and_numbers(ranked_book: Workspace) -> None:
    with ranked_book.uow_factory() as uow:
        sun = uow.session.query(m.Account).filter_by(name="Sun Corp").one()
        sun.name = "Moon Corp"
        jane = uow.session.query(m.Contact).filter_by(first_name="Jane").one()
        jane.phones[0].deleted_at = NOW
        maria = uow.session.query(m.Contact).filter_by(first_name="Maria").one()
        maria.deleted_at = NOW
        uow.commit()
    ranked_book.browse.records_changed()
    assert _ranked(ranked_book, "moon")[0] == ["Moon Corp"]
    assert _ranked(ranked_book, "sun")[0] == ["Sunrise Ltd", "Big Sunset Co", "Rain Inc"]
    assert _ranked(ranked_book, "+33")[1] == []
    assert _ranked(ranked_book, "+1")[1] == []


def test_a_typo_that_finds_nothing_suggests_the_closest_names(ranked_book: Workspace) -> None:
    found = ranked_book.browse.search("Jonh", NO_FILTER, RANKED, RANKED)
    assert (found.accounts, found.contacts) == ([], [])
    assert found.suggestions[0] == "John Okafor"
    assert ranked_book.browse.search("okafr", NO_FILTER, RANKED, RANKED).suggestions == ("John Okafor",)
    assert set(ranked_book.browse.search("sumit logistcs", NO_FILTER, RANKED, RANKED).suggestions[:2]) == {
        "Summit Logistics AG", "Summit Logistics GmbH"}  # names starting with the corrected words first
    assert ranked_book.browse.search("xqzvw", NO_FILTER, RANKED, RANKED).suggestions == ()  # nothing close
    assert ranked_book.browse.search("okafor", NO_FILTER, RANKED, RANKED).suggestions == ()  # found


def test_the_status_line_offers_the_suggestions(qapp) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.ui.widgets.book_table import search_status

    found = bq.BookIds(bq.parse_query("jonh"), [], [], suggestions=("John Okafor", "Johnson Freight"))
    assert search_status(found) == "No matches. Did you mean John Okafor, Johnson Freight?"


def test_cli_prints_the_same_ranked_results(ranked_book: Workspace,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from sdrdesk import cli

    path = str(ranked_book.path)
    assert cli.main(["search", "summit log", "--data", path, "--limit", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["name"]) for r in out["results"]] == [
        ("account", "Summit Logistics AG"), ("account", "Summit Logistics GmbH"),
        ("account", "Big Summit Logistics")]
    assert out["results"][0]["matched"] == ["name"] and out["accounts"] == 5
    assert cli.main(["search", "+44", "--data", path]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "0 accounts, 1 contacts"
    assert lines[1].startswith("contact ") and lines[1].endswith("John Okafor  (Sun Corp)  [phone]")
    assert cli.main(["search", "jonh", "--data", path]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("Did you mean John Okafor")
    assert cli.main(["search", "x", "--data", str(ranked_book.path.parent / "missing.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sdrdesk search: there is no book at") and err.count("\n") == 1


def test_without_fts5_the_fallback_agrees(ranked_book: Workspace) -> None:
    with ranked_book.uow_factory() as uow:
        conn = bq.raw_connection(uow)
        for text in ("+44", "+33", "+1", "ma", "j", "J O", "summit log", "sun"):
            query = bq.parse_query(text)
            for ids in (bq.contact_ids, bq.account_ids):
                assert ids(conn, query, NO_FILTER, RELEVANCE, use_fts=False) == \
                    ids(conn, query, NO_FILTER, RELEVANCE, use_fts=True), (text, ids.__name__)


def test_a_restored_contact_is_found_by_name_and_number_again(ranked_book: Workspace) -> None:
    with ranked_book.uow_factory() as uow:
        maria = uow.session.query(m.Contact).filter_by(first_name="Maria").one()
        maria.deleted_at = NOW
        uow.commit()
    assert _ranked(ranked_book, "+1")[1] == [] and _ranked(ranked_book, "jonker")[1] == []
    with ranked_book.uow_factory() as uow:
        maria = uow.session.query(m.Contact).filter_by(first_name="Maria").one()
        maria.deleted_at = None
        maria.phones[0].e164 = "+14165550100"  # a corrected number
        uow.commit()
    assert _ranked(ranked_book, "+1 416 555 0100")[1] == ["Maria Jonker"]
    assert _ranked(ranked_book, "+1 416 555 0199")[1] == []
    assert _ranked(ranked_book, "jonker")[1] == ["Maria Jonker"]


def test_contacts_written_after_their_phones_are_found_by_country_code(tmp_path: Path) -> None:
    # The generator (and a rep-file merge) insert phones before their contact: migration 17
    # indexes the numbers when the contact row arrives. Before it, `+44` found no contact.
    import sqlite3

    from sdrdesk.services.book_generator import BookSize, write_book

    path = tmp_path / "generated.db"
    write_book(path, BookSize(accounts=30, contacts=120, activities=0), seed=5)
    conn = sqlite3.connect(path)
    try:
        indexed = conn.execute("SELECT count(*) FROM contact_e164_fts").fetchone()[0]
        with_numbers = conn.execute("SELECT count(DISTINCT contact_id) FROM contact_phones "
                                    "WHERE e164 IS NOT NULL AND deleted_at IS NULL").fetchone()[0]
        code = conn.execute("SELECT substr(e164, 2, 2) FROM contact_phones WHERE e164 LIKE '+44%' "
                            "OR e164 LIKE '+33%' OR e164 LIKE '+49%' LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    assert with_numbers > 0 and indexed == with_numbers
    ws = open_workspace(path, FakeClock(NOW))
    try:
        assert _ranked(ws, f"+{code}")[1], f"+{code} found no contact"
    finally:
        ws.close()
