"""Issue 12: right on real exports the importer had never seen, one test (or a few) per class.

Files come from ../shared/data where one fits, else from tests/data/import (see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sdrdesk.services.csv_import import ImportOptions, guess_mapping, import_csv, inspect_file
from sdrdesk.services.csv_import.aliases import field_for_header
from sdrdesk.storage.unit_of_work import UowFactory
from tests.conftest import TEST_DATA
from tests.importing.helpers import query

DATA = TEST_DATA / "import"


# ---- 1. roles of columns: headers and sample values decide together ----------------------------
def test_name_next_to_company_name_is_a_person_when_a_column_holds_emails(
        uow_factory: UowFactory, book_path: Path) -> None:
    _detection, mapping = inspect_file(DATA / "crm_people_custom_emails.csv")
    assert mapping.fields[1:4] == ("contact.full_name", "account.name", "contact.email")
    assert "people with their companies" in mapping.notes[0] and '"name"' in mapping.notes[0]
    report = import_csv(DATA / "crm_people_custom_emails.csv", uow_factory, ImportOptions())
    assert (report.rows, report.imported, report.contacts_created, report.accounts_created) == (5, 5, 5, 5)
    assert any("people with their companies" in d for d in report.decisions)
    rows = query(book_path, "SELECT c.first_name, c.last_name, a.name FROM contacts c "
                            "JOIN accounts a ON a.id = c.account_id ORDER BY c.last_name")
    assert rows[0] == ("Maëlle", "Dupont", "Brasserie du Port")
    assert ("Jonas", "Weber", "Weber Feinkost GmbH") in rows


def test_a_column_of_emails_found_from_its_values_makes_name_a_person() -> None:
    headers = ["name", "company_name", "contact_info"]
    rows = [["Ann Lee", "Acme", "ann@acme.example"], ["Bo Ng", "Globex", "bo@globex.example"],
            ["Cy Oh", "Initech", "cy@initech.example"]]
    mapping = guess_mapping(headers, rows)
    assert mapping.fields == ("contact.full_name", "account.name", "contact.email")
    assert any('"contact_info" holds e-mail addresses (3 of 3' in n for n in mapping.notes)


def test_a_company_list_says_so() -> None:
    mapping = guess_mapping(["Name", "Website", "Country"], [["Acme", "acme.example", "France"]])
    assert mapping.fields[0] == "account.name"
    assert mapping.notes[0].startswith("Read as a list of companies") and '"Name"' in mapping.notes[0]


@pytest.mark.parametrize("header", [
    "company_name", "CompanyName", "companyLegalName", "Company-Name", "ORGANIZATION_NAME",
    "Raison sociale", "Société", "Nom de l'entreprise", "NOM DE LA SOCIETE", "Firma", "Firmenname",
    "Empresa", "Nombre de la empresa", "Razón social", "business_name", "employer name",
])
def test_company_name_headers_matched_by_words(header: str) -> None:
    assert field_for_header(header) == "account.name"


@pytest.mark.parametrize("header", ["company_phone", "Company City", "company_size", "No Company",
                                    "Company Type"])
def test_company_words_with_other_meanings_are_not_the_name(header: str) -> None:
    assert field_for_header(header) != "account.name"


# ---- 2. valid e-mails accepted: email-validator's syntax, no network ----------------------------
@pytest.mark.parametrize(("address", "valid"), [
    ("aoife.o'brien@harbour-analytics.example", True), ("d'arcy+sales@acme.co.uk", True),
    ("jörg@müller.de", True), ("ann@acme.test", True), ("a..b@acme.com", False),
    ("ann@localhost", False), ("ann@acme", False), (".ann@acme.com", False), ("ann@ac--me.com", False),
    ("ann@xn--zz.com", False), ("ann lee@acme.com", False),
])
def test_emails_checked_by_email_validator(address: str, valid: bool) -> None:
    from sdrdesk.services.csv_import.values import is_email

    assert is_email(address) is valid


def test_apostrophe_addresses_import(uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "crm_people_custom_emails.csv", uow_factory, ImportOptions())
    assert report.rejected == 0
    assert query(book_path, "SELECT email FROM contacts WHERE last_name = ?", "O'Brien") == [
        ("aoife.o'brien@harbour-analytics.example",)]


# ---- 3. no made-up numbers: E.164 only for the row's country or a number's own code --------------
def test_numbers_that_do_not_parse_for_the_rows_country_get_no_e164(
        uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "territory_accounts.csv", uow_factory, ImportOptions())
    assert (report.rows, report.imported) == (6, 6)
    phones = dict(query(book_path, "SELECT name, coalesce(phone_e164, '-') FROM accounts"))
    assert phones == {
        "Palmer Station Supply": "-",  # Antarctica has no numbering metadata: never "+415555..."
        "Wake Island Services": "-",
        "Norsk Polar AS": "+4722123456", "Pitcairn Stamps": "+6491234567",
        "Kiel Hafen GmbH": "+49431123456",
        "Boston Harbor Co": "+49301234567",  # the US international prefix 011 is a code of its own
    }


@pytest.mark.parametrize(("raw", "region", "e164", "valid"), [
    ("(415) 555-0132 x123", "AQ", None, False), ("(415) 555-0132 x123", None, None, False),
    ("04 70 12 34 56", "US", None, False), ("04 70 12 34 56", "FR", "+33470123456", True),
    ("0049 30 1234567", "US", "+49301234567", True), ("+49 30 1234567", "AQ", "+49301234567", True),
    ("+1 55501", None, None, False),  # its own code, but not even a possible number
])
def test_strict_parsing_in_the_domain_and_the_importer(raw: str, region: str | None, e164: str | None,
                                                      valid: bool) -> None:
    from sdrdesk.domain.phones import parse_phone
    from sdrdesk.services.csv_import.phones import parse_for_import

    info = parse_phone(raw, region)
    assert (info.e164, info.valid) == (e164, valid)
    assert info.timezones == () or valid
    row = parse_for_import(raw, region)
    assert (row["e164"], row["is_valid"]) == (e164, valid)
