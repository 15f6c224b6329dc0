"""Contacts without an e-mail are recognised on re-import: LinkedIn profile, name + company,
name + phone. A name alone, or two different e-mails, never merge two people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sdrdesk.services.csv_import import ImportOptions, import_csv, people, preview_csv, undo_last_import
from sdrdesk.services.csv_import.values import linkedin_url
from sdrdesk.storage.unit_of_work import UowFactory
from tests.conftest import shared_file
from tests.importing.helpers import dump_book, query, write_csv

# Sales Navigator-style list: no e-mails, a profile URL with tracking noise.
SALES_NAV = """First Name,Last Name,Title,Company,LinkedIn Profile URL
Ann,Lee,VP Sales,Acme Inc,https://www.linkedin.com/in/ann-lee-42/?trk=people
Bo,Ng,SDR Manager,Acme Inc,linkedin.com/in/BoNg
Cy,Oh,CRO,Globex,
"""


def _counts(report: Any) -> tuple[int, int, int, int]:
    assert report.accounted
    return report.imported, report.updated, report.duplicates, report.rejected


def test_reimporting_a_file_without_emails_creates_nobody_twice(tmp_path: Path, uow_factory: UowFactory,
                                                                book_path: Path) -> None:
    path = write_csv(tmp_path / "nav.csv", SALES_NAV)
    assert _counts(import_csv(path, uow_factory, ImportOptions())) == (3, 0, 0, 0)
    again = import_csv(path, uow_factory, ImportOptions())
    assert _counts(again) == (0, 0, 3, 0)
    assert query(book_path, "SELECT count(*) FROM contacts") == [(3,)]


def test_northwind_customers_twice(tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> None:
    path = shared_file("northwind/customers.csv")  # real export: names, companies, phones, no e-mail
    # Without its customerID column (which would recognise the rows by id, issue 12): names only.
    no_ids = {"customerID": None}
    first = import_csv(path, uow_factory, ImportOptions(overrides=no_ids))
    assert first.imported > 60 and first.rows == first.imported + first.rejected
    second = import_csv(path, uow_factory, ImportOptions(overrides=no_ids))
    assert _counts(second) == (0, 0, first.imported, first.rejected)
    assert second.duplicate_reasons == {people.SAME_COMPANY: first.imported}
    line = f"  duplicates {first.imported}: same name and company already in the book"
    assert line in second.summary_lines()
    assert query(book_path, "SELECT count(*) FROM contacts") == [(first.imported,)]


def test_linkedin_profile_identifies_a_person_whatever_the_spelling(tmp_path: Path, uow_factory: UowFactory,
                                                                   book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "nav.csv", SALES_NAV), uow_factory, ImportOptions())
    assert query(book_path, "SELECT linkedin_url FROM contacts WHERE last_name = 'Ng'") == [
        ("https://www.linkedin.com/in/bong",)]
    renamed = write_csv(tmp_path / "r.csv", "Full Name,Profile\nRobert Ng,http://uk.linkedin.com/in/bong/\n"
                                            "Ann Lee-Smith,https://linkedin.com/in/ANN-LEE-42\n")
    options = ImportOptions(overrides={"Profile": "contact.linkedin_url"})
    preview = preview_csv(renamed, uow_factory, options)
    assert [o.reason for o in preview.row_outcomes] == ["same LinkedIn profile already in the book"] * 2
    assert _counts(import_csv(renamed, uow_factory, options)) == (0, 0, 2, 0)


def test_same_name_needs_the_same_company_or_phone(tmp_path: Path, uow_factory: UowFactory,
                                                   book_path: Path) -> None:
    first = "First Name,Last Name,Company,Phone\nJohn,Smith,Acme Inc,+1 415 555 0132\n"
    import_csv(write_csv(tmp_path / "a.csv", first), uow_factory, ImportOptions())
    rows = ("First Name,Last Name,Company,Phone\n"
            "JOHN, smith ,Acme Inc,\n"  # same company, other case and spacing: the same person
            "John,Smith,,(415) 555-0132\n"  # no company, same number: the same person
            "John,Smith,Globex,\n"  # another company, no shared number: another John Smith
            "John,Smith,,\n")  # a name alone is never enough
    report = import_csv(write_csv(tmp_path / "b.csv", rows), uow_factory, ImportOptions(default_region="US"))
    assert _counts(report) == (2, 0, 2, 0)
    assert query(book_path, "SELECT count(*) FROM contacts WHERE last_name LIKE '%smith%'") == [(3,)]


def test_a_company_name_shared_by_two_towns_still_finds_its_people(tmp_path: Path, uow_factory: UowFactory,
                                                                   book_path: Path) -> None:
    book = ("First Name,Last Name,Company,Company City\n"
            "Ann,Lee,Musée archéologique,Lyon\nBo,Ng,Musée archéologique,Nantes\n")
    import_csv(write_csv(tmp_path / "a.csv", book), uow_factory, ImportOptions())
    assert query(book_path, "SELECT a.city FROM contacts c JOIN accounts a ON a.id = c.account_id "
                            "ORDER BY c.first_name") == [("Lyon",), ("Nantes",)]
    # A later list without towns: Bo works at one of the two, and is recognised.
    later = "First Name,Last Name,Company\nBo,Ng,Musée archéologique\nCy,Oh,Musée archéologique\n"
    report = import_csv(write_csv(tmp_path / "b.csv", later), uow_factory, ImportOptions())
    assert _counts(report) == (1, 0, 1, 0)


def test_within_one_file_the_second_row_is_a_duplicate(tmp_path: Path, uow_factory: UowFactory) -> None:
    rows = "First Name,Last Name,Company\nAnn,Lee,Acme\nAnn,Lee,Acme\nAnn,Lee,Globex\n"
    report = import_csv(write_csv(tmp_path / "a.csv", rows), uow_factory, ImportOptions(batch_size=2))
    assert _counts(report) == (2, 0, 1, 0)
    assert report.duplicate_reasons == {"same name and company earlier in this file": 1}
    one_batch = import_csv(write_csv(tmp_path / "b.csv", rows.replace("Ann", "Bo")), uow_factory,
                           ImportOptions())
    assert _counts(one_batch) == (2, 0, 1, 0)


def test_a_later_export_with_emails_fills_them_in_and_undo_takes_them_out(
        tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "nav.csv", SALES_NAV), uow_factory, ImportOptions())
    before = dump_book(book_path)
    apollo = ("First Name,Last Name,Email,Company,Title\n"
              "Ann,Lee,ann@acme.com,Acme Inc,VP Sales EMEA\n"
              "Cy,Oh,cy@globex.com,Globex,\n"
              "Dee,Ra,dee@acme.com,Acme Inc,AE\n")
    path = write_csv(tmp_path / "apollo.csv", apollo)
    skipped = import_csv(path, uow_factory, ImportOptions(policy="skip"))
    assert _counts(skipped) == (1, 0, 2, 0)
    undo_last_import(uow_factory)
    assert dump_book(book_path) == before
    updated = import_csv(path, uow_factory, ImportOptions(policy="update"))
    assert _counts(updated) == (1, 2, 0, 0)
    assert query(book_path, "SELECT first_name, email, title FROM contacts ORDER BY first_name") == [
        ("Ann", "ann@acme.com", "VP Sales EMEA"), ("Bo", None, "SDR Manager"), ("Cy", "cy@globex.com", "CRO"),
        ("Dee", "dee@acme.com", "AE")]
    undo_last_import(uow_factory)
    assert dump_book(book_path) == before


def test_two_different_emails_are_two_people(tmp_path: Path, uow_factory: UowFactory) -> None:
    header = "Full Name,Email,Company,LinkedIn\n"
    first = header + "Ann Lee,ann@acme.com,Acme,linkedin.com/in/annlee\n"
    import_csv(write_csv(tmp_path / "a.csv", first), uow_factory, ImportOptions())
    other = header + "Ann Lee,ann.lee@other.org,Acme,linkedin.com/in/annlee\n"
    report = import_csv(write_csv(tmp_path / "b.csv", other), uow_factory, ImportOptions(policy="update"))
    assert _counts(report) == (1, 0, 0, 0)


def test_keep_both_never_matches(tmp_path: Path, uow_factory: UowFactory) -> None:
    path = write_csv(tmp_path / "nav.csv", SALES_NAV)
    import_csv(path, uow_factory, ImportOptions())
    assert _counts(import_csv(path, uow_factory, ImportOptions(policy="keep_both"))) == (3, 0, 0, 0)


@pytest.mark.parametrize(("cell", "expected"), [
    ("linkedin.com/in/JDoe/?trk=x", "https://www.linkedin.com/in/jdoe"),
    ("http://uk.linkedin.com/in/jdoe#about", "https://www.linkedin.com/in/jdoe"),
    # Sales Navigator ids are case-sensitive; the search context after the comma is not identity.
    ("https://www.linkedin.com/sales/lead/ACwAAB12xY,NAME_SEARCH,q9Zk",
     "https://www.linkedin.com/sales/lead/ACwAAB12xY"),
    # Not a person's page, or not LinkedIn: as entered.
    ("https://www.linkedin.com/company/acme", "https://www.linkedin.com/company/acme"),
    ("https://example.com/in/jdoe", "https://example.com/in/jdoe"),
    ("http://[::1", "http://[::1"),  # not a URL urllib can split: as entered
    ("   ", None),
])
def test_linkedin_urls_are_stored_in_one_form(cell: str, expected: str | None) -> None:
    assert linkedin_url(cell) == expected


def test_identity_lookups_use_the_indexes(tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "nav.csv", SALES_NAV), uow_factory, ImportOptions())
    values = "WITH k(first, last, key) AS (VALUES ('a', 'b', 'c')) "
    plans = {
        "ix_contacts_live_linkedin": "SELECT id FROM contacts WHERE deleted_at IS NULL "
                                     "AND linkedin_url IS NOT NULL AND linkedin_url IN ('x', 'y')",
        # One name can have hundreds of contacts: a name is looked up from its company's side...
        "ix_contacts_account_id": values + people._BY_ACCOUNT,
        # ... or from its number's side; a row with a new e-mail only among contacts without one.
        "ix_contact_phones_e164": values + people._BY_PHONE,
        "ix_contacts_no_email_name": values + people._NO_EMAIL,
    }
    for index, sql in plans.items():
        detail = " ".join(str(r[-1]) for r in query(book_path, "EXPLAIN QUERY PLAN " + sql))
        assert f"USING INDEX {index}" in detail, detail
