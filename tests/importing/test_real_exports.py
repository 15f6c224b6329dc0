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
from tests.importing.helpers import query, write_csv

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
    "Ragione sociale", "Azienda",
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


# ---- 4. the region of numbers without a code comes from the data, and says so --------------------
def test_a_french_list_without_a_country_column_is_read_as_france(
        uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "musees_sans_pays.csv", uow_factory, ImportOptions())
    assert report.rejected == 0
    france = "Numbers without a country code are read as France (FR)"
    assert any(d.startswith(france) for d in report.decisions)
    e164 = [row[0] for row in query(book_path, "SELECT e164 FROM contact_phones ORDER BY e164")]
    assert all(n.startswith("+33") for n in e164) and not any(n.startswith("+1") for n in e164)
    # A cell with two numbers is two phones of the same contact.
    two = query(book_path, "SELECT p.raw, p.position FROM contact_phones p JOIN contacts c ON c.id = "
                           "p.contact_id WHERE c.email = 'contact@musee-faience.fr' ORDER BY p.position")
    assert two == [("03 88 80 34 49", 0), ("03 88 80 89 30", 1)]
    assert report.phones == 7 and report.phones_invalid == 0


def test_a_region_that_numbers_do_not_fit_is_said(tmp_path: Path, uow_factory: UowFactory,
                                                  book_path: Path) -> None:
    report = import_csv(DATA / "musees_sans_pays.csv", uow_factory, ImportOptions(default_region="US"))
    assert report.phones_invalid == 7
    assert query(book_path, "SELECT count(*) FROM contact_phones WHERE e164 IS NOT NULL") == [(0,)]
    assert any("7 phone number(s) are not valid numbers" in w and "(US)" in w for w in report.warnings)


@pytest.mark.parametrize(("cell", "parts"), [
    ("03 88 80 34 49 / 03 88 80 89 30", ["03 88 80 34 49", "03 88 80 89 30"]),
    ("+33 1 42 68 53 00; +33 6 12 34 56 78", ["+33 1 42 68 53 00", "+33 6 12 34 56 78"]),
    ("03 80 61 42 93/40 95", ["03 80 61 42 93/40 95"]),  # another ending, not a second number
    ("(415) 555-0132 x12", ["(415) 555-0132 x12"]), ("04 74 36 72 06 (mairie)", ["04 74 36 72 06 (mairie)"]),
])
def test_two_numbers_in_a_cell(cell: str, parts: list[str]) -> None:
    from sdrdesk.services.csv_import.values import split_phones

    assert split_phones(cell) == parts


# ---- 5. country names from pycountry plus aliases; unknown ones are reported -----------------------
@pytest.mark.parametrize(("text", "code"), [
    ("Syrian Arab Republic", "SY"), ("Brunei Darussalam", "BN"), ("Holy See (Vatican City State)", "VA"),
    ("Lao People's Democratic Republic", "LA"), ("Slovakia (Slovak Republic)", "SK"),
    ("Kyrgyz Republic", "KG"), ("Palestinian Territory", "PS"), ("United States Virgin Islands", "VI"),
    ("Virgin Islands, U.S.", "VI"), ("Bolivia (Plurinational State of)", "BO"), ("Côte d'Ivoire", "CI"),
    ("Pays-Bas", "NL"), ("Estados Unidos", "US"), ("FRA", "FR"), ("Netherlands Antilles", "AN"),
])
def test_country_names_from_pycountry(text: str, code: str) -> None:
    from sdrdesk.services.csv_import.countries import to_iso2

    assert to_iso2(text) == code


def test_every_faker_country_of_the_datablist_file_resolves(uow_factory: UowFactory) -> None:
    import csv

    from sdrdesk.services.csv_import.countries import to_iso2
    from tests.conftest import shared_file

    path = shared_file("datablist/customers-1000.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        countries = {row["Country"] for row in csv.DictReader(handle)}
    assert {c for c in countries if to_iso2(c) is None} == set()
    report = import_csv(path, uow_factory, ImportOptions())
    assert not any("was not recognised" in w for w in report.warnings)


def test_an_unknown_country_is_a_warning_with_its_rows(tmp_path: Path, uow_factory: UowFactory,
                                                       book_path: Path) -> None:
    text = ("Name,Email,Country,Phone\nAnn Lee,ann@acme.example,Atlantis,(415) 555-0132\n"
            "Bo Ng,bo@acme.example,Germany,030 1234567\nCy Oh,cy@acme.example,Atlantis,555 0199\n")
    report = import_csv(write_csv(tmp_path / "c.csv", text), uow_factory, ImportOptions())
    assert any(w.startswith('Country "Atlantis" was not recognised (rows 1, 3)') for w in report.warnings)
    # Its rows' numbers are not read as the default region's.
    assert dict(query(book_path, "SELECT raw, coalesce(e164, '-') FROM contact_phones")) == {
        "(415) 555-0132": "-", "030 1234567": "+49301234567", "555 0199": "-"}


# ---- 6. placeholders are empty ---------------------------------------------------------------------
def test_placeholders_are_empty_not_data(uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "accounts_placeholders.csv", uow_factory, ImportOptions())
    assert (report.rows, report.imported, report.kind) == (5, 5, "accounts")
    rows = {r[0]: r[1:] for r in query(book_path,
                                       "SELECT name, industry, region, city, country FROM accounts")}
    assert rows["Acme Tools"] == (None, None, "Springfield", "US")
    assert rows["Borealis Freight"] == (None, None, "Tromsø", "NO")
    assert rows["Cedar & Pine"] == (None, None, None, "CA")
    assert rows["Dunmore Mills"] == ("Textiles", None, "Leeds", "GB")
    assert rows["Windhoek Craft"] == ("Crafts", "Khomas", "Windhoek", "NA")  # "NA" is Namibia


# ---- 7. possible duplicates shown and counted apart; skipped rows written with what they matched ----
def test_shared_addresses_and_sites_are_possible_duplicates(
        uow_factory: UowFactory, book_path: Path, report_dir: Path) -> None:
    from sdrdesk.services.csv_import import preview_csv

    path = DATA / "leads_shared_addresses.csv"
    preview = preview_csv(path, uow_factory, ImportOptions())
    assert [(p["row"], p["why"], p["choice"]) for p in preview.possible_duplicates] == [
        ("2", "same e-mail, different name", "keep_both")]
    assert 'contact "Ann Lee" <info@lee-family.example>' in preview.possible_duplicates[0]["matched"]
    report = import_csv(path, uow_factory, ImportOptions(report_dir=report_dir))
    assert (report.rows, report.imported, report.duplicates) == (7, 6, 1)
    assert (report.possible_duplicate_count, report.possible_duplicate_companies) == (1, 1)
    assert any("1 possible duplicate(s)" in line for line in report.summary_lines())
    companies = sorted(r[0] for r in query(book_path, "SELECT name FROM accounts"))
    assert companies == ["Kim Design", "Lee Bakery", "Musée des Beaux-Arts",
                         "Muséum d'Histoire Naturelle", "Park Plumbing"]  # free mail identifies no company
    assert query(book_path, "SELECT count(*) FROM accounts WHERE domain LIKE '%gmail%'") == [(0,)]
    # Every skipped row is written beside the rejects, with why and which record it matched.
    assert report.skipped_file is not None
    skipped = Path(report.skipped_file).read_text(encoding="utf-8-sig").splitlines()
    assert skipped[0].endswith("skipped because,matched record")
    assert skipped[1].startswith("Ann,Lee,info@lee-family.example") and "row 3: e-mail earlier in this file" \
        in skipped[1] and 'contact ' in skipped[1]


def test_possible_duplicates_can_be_skipped(uow_factory: UowFactory, report_dir: Path) -> None:
    report = import_csv(DATA / "leads_shared_addresses.csv", uow_factory,
                        ImportOptions(possible_duplicates="skip", report_dir=report_dir))
    assert (report.imported, report.duplicates, report.possible_duplicate_count) == (5, 2, 1)
    assert report.duplicate_reasons["possible duplicate: same e-mail, different name"] == 1
    text = Path(report.skipped_file).read_text(encoding="utf-8-sig")  # type: ignore[arg-type]
    assert "Tom,Lee" in text and "possible duplicate: same e-mail, different name" in text


# ---- 8. links to other records: external ids, linked by id, missing accounts said ------------------
def test_salesforce_contacts_link_to_accounts_imported_earlier(
        uow_factory: UowFactory, book_path: Path) -> None:
    accounts = import_csv(DATA / "sf_accounts.csv", uow_factory, ImportOptions())
    assert (accounts.kind, accounts.imported) == ("accounts", 3)
    contacts = import_csv(DATA / "sf_contacts.csv", uow_factory, ImportOptions())
    assert (contacts.imported, contacts.accounts_created, contacts.missing_account_refs) == (4, 0, 0)
    rows = query(book_path, "SELECT c.external_id, c.last_name, a.name, a.external_id FROM contacts c "
                            "JOIN accounts a ON a.id = c.account_id ORDER BY c.external_id")
    assert rows[0] == ("0035g00000Ab1aAAA", "O'Brien", "Harbour Analytics", "0015g00000QnX1aAAF")
    assert [r[2] for r in rows] == ["Harbour Analytics", "Harbour Analytics", "Weber Feinkost GmbH",
                                    "Lotus Systems"]
    again = import_csv(DATA / "sf_accounts.csv", uow_factory, ImportOptions())
    assert (again.imported, again.duplicates) == (0, 3)  # the same ids: the same records


def test_contacts_before_their_accounts_are_said_then_linked_on_update(
        uow_factory: UowFactory, book_path: Path) -> None:
    first = import_csv(DATA / "sf_contacts.csv", uow_factory, ImportOptions())
    assert (first.imported, first.missing_account_refs) == (4, 4)
    assert any(w.startswith("4 contact(s) refer to accounts this book does not have") and
               "import the accounts file first, then this one again" in w for w in first.warnings)
    import_csv(DATA / "sf_accounts.csv", uow_factory, ImportOptions())
    update = import_csv(DATA / "sf_contacts.csv", uow_factory, ImportOptions(policy="update"))
    assert (update.updated, update.imported, update.missing_account_refs) == (4, 0, 0)
    assert query(book_path, "SELECT count(*) FROM contacts WHERE account_id IS NULL") == [(0,)]


def test_hubspot_company_ids_without_the_companies(uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "hubspot_contacts.csv", uow_factory, ImportOptions())
    assert report.imported == 3
    # Maëlle's row names her company; the two others only by an id the book does not know.
    assert report.missing_account_refs == 2
    ids = query(book_path, "SELECT external_id FROM contacts ORDER BY external_id")
    assert ids == [("51",), ("52",), ("53",)]


# ---- 9. no column dropped: other e-mails are e-mails, the rest extra fields, exported back ------------
def test_second_emails_and_unmapped_columns_are_kept_and_exported(
        tmp_path: Path, uow_factory: UowFactory, book_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    import json

    from sdrdesk.services.csv_export import export_contacts

    report = import_csv(DATA / "crm_leads.csv", uow_factory, ImportOptions())
    assert report.imported == 3
    rows = {r[0]: r[1:] for r in query(book_path, "SELECT last_name, other_emails, extra_fields, notes "
                                                  "FROM contacts")}
    assert rows["Sato"][0] == "hana@sato-family.example" and rows["Sato"][2] is None
    assert json.loads(rows["Sato"][1]) == {"Lead Owner": "Sam Reed", "Lead Source": "Trade show",
                                           "Lead Status": "Contacted", "Deal Stage": "Discovery",
                                           "Rating": "Hot"}
    assert json.loads(rows["Petrov"][1]) == {"Lead Owner": "Kim Lo", "Lead Source": "Cold call",
                                             "Lead Status": "New", "Rating": "Warm"}  # empty cells left out
    out = tmp_path / "contacts.csv"
    export_contacts(uow_factory, out)
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert {"Other Emails", "Lead Owner", "Lead Source", "Deal Stage", "Rating"} <= set(header)
    _book, second = make_book(tmp_path / "copy.db")
    import_csv(out, second, ImportOptions())
    again = {r[0]: r[1:] for r in query(tmp_path / "copy.db",
                                        "SELECT last_name, other_emails, extra_fields FROM contacts")}
    assert again["Sato"][0] == "hana@sato-family.example"
    assert json.loads(again["Sato"][1]) == json.loads(rows["Sato"][1])


def test_crm_people_owner_source_and_stage_are_extra_fields(uow_factory: UowFactory, book_path: Path) -> None:
    import json

    import_csv(DATA / "crm_people_custom_emails.csv", uow_factory, ImportOptions())
    extra = query(book_path, "SELECT extra_fields FROM contacts WHERE last_name = 'Weber'")[0][0]
    assert json.loads(extra) == {"Lead Owner": "Sam Reed", "Lead Source": "Website", "Deal Stage": "New"}


# ---- 10. spreadsheet damage is named in the report -------------------------------------------------
def test_spreadsheet_damage_is_named_with_examples(uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "customers_spreadsheet_damaged.csv", uow_factory, ImportOptions())
    # phonenumbers still reads two of them (the E.164 is right); the scientific one lost digits.
    assert (report.imported, report.phones_invalid, report.spreadsheet_damaged_phones) == (5, 1, 3)
    warning = next(w for w in report.warnings if "damaged by a spreadsheet" in w)
    assert warning.startswith("3 phone number(s) look damaged by a spreadsheet")
    for example in ("3.3688E+10 (row 1, scientific notation)", "473734242 (row 2, leading zero lost)",
                    "-3012345678 (row 3, made negative)"):
        assert example in warning
    kept = dict(query(book_path, "SELECT raw, is_valid FROM contact_phones"))
    assert kept["3.3688E+10"] == 0 and kept["06 1234 5678"] == 1  # kept as typed, flagged
    assert kept["473734242"] == 1


@pytest.mark.parametrize(("raw", "region", "damage"), [
    ("3.3688E+10", "FR", "scientific notation"), ("4.47911E+11", None, "scientific notation"),
    ("-3012345678", "DE", "made negative"), ("473734242", "FR", "leading zero lost"),
    ("0473734242", "FR", None), ("12", "FR", None), ("(415) 555-0132", "US", None),
    ("4155550132", "US", None),
])
def test_spreadsheet_damage_kinds(raw: str, region: str | None, damage: str | None) -> None:
    from sdrdesk.services.csv_import.planning import spreadsheet_damage

    assert spreadsheet_damage(raw, region) == damage


# ---- 11. rows split by an unquoted delimiter are repaired when the rep accepts ------------------------
def test_northwind_split_addresses_are_offered_then_repaired(uow_factory: UowFactory,
                                                           book_path: Path) -> None:
    from sdrdesk.services.csv_import import preview_csv
    from tests.conftest import shared_file

    path = shared_file("northwind/customers.csv")
    preview = preview_csv(path, uow_factory, ImportOptions())
    assert (preview.rejected, preview.repairable_rows) == (24, 24)
    assert {"row": "7", "column": "address", "value": "24, place Kléber"} in preview.repairs
    assert any("24 row(s) had one field too many" in w and "they were rejected" in w
               for w in preview.warnings)
    accepted = preview_csv(path, uow_factory, ImportOptions(repair_splits=True))
    assert (accepted.rows, accepted.rejected) == (91, 0)
    report = import_csv(path, uow_factory, ImportOptions(repair_splits=True))
    assert (report.rows, report.imported, report.rejected) == (91, 91, 0)
    row = query(book_path, "SELECT a.name, c.city, c.country FROM contacts c JOIN accounts a ON "
                           "a.id = c.account_id WHERE a.name = 'Blondesddsl père et fils'")
    assert row == [("Blondesddsl père et fils", "Strasbourg", "FR")]


@pytest.mark.parametrize(("cells", "index"), [
    (["BLONP", "Blondel", "24", " place Kléber", "Strasbourg"], 2),
    (["7", "Pavlova", " Ltd.", "Melbourne"], 1),
    (["Ann", "Smith", "Jr.", "Boston"], 1),  # a text field and a short fragment
    (["Ann", " a", " b", "x"], None),  # two candidates: not clear, stays rejected
    (["1", "2", "3", "4"], None),
])
def test_which_split_is_repaired(cells: list[str], index: int | None) -> None:
    from sdrdesk.services.csv_import.planning import repair_split

    assert repair_split(cells, len(cells) - 1) == index


# ---- 12. a refused file creates nothing, and says what matched and what is missing -----------------
def test_a_refused_file_creates_no_book_and_lists_every_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sdrdesk.cli import main

    data = tmp_path / "fresh" / "data"
    assert main(["import", str(DATA / "opendata_equipements.csv"), "--data", str(data)]) == 1
    assert not (tmp_path / "fresh").exists()  # no book, no folder, no report
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no column for a person's name, an e-mail, a phone or a company name" in err
    assert 'Matched 3 of 16 columns: "Ville" as Company city, "Région" as Company state / region, ' \
           '"Pays" as Company country' in err
    assert '"Gestionnaire"' in err and '"Identifiant"' in err  # every column, not the first 12
    assert "Missing: a name (First Name, Last Name or Full Name), Email, Phone or Company column" in err


def test_a_refused_file_leaves_an_existing_book_as_it_was(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sdrdesk.cli import main

    book = tmp_path / "book.db"
    assert main(["import", str(DATA / "sf_accounts.csv"), "--data", str(book)]) == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["import", str(DATA / "opendata_equipements.csv"), "--data", str(book)]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert query(book, "SELECT count(*) FROM accounts") == [(3,)]


# ---- research shows what an import kept (read-only) -------------------------------------------------
def test_research_shows_other_emails_and_extra_fields(qapp, uow_factory: UowFactory) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from sdrdesk.services import research as rs
    from sdrdesk.ui.widgets.research_people import ResearchPeople

    import_csv(DATA / "sf_accounts.csv", uow_factory, ImportOptions())
    import_csv(DATA / "crm_leads.csv", uow_factory, ImportOptions())
    with uow_factory() as uow:
        account = next(a for a in uow.accounts.list() if a.name == "Kumo Robotics")
        found = rs.load_research(uow, account.id, datetime(2026, 12, 7, tzinfo=UTC).date())
        harbour = next(a for a in uow.accounts.list() if a.name == "Harbour Analytics")
        company = rs.load_research(uow, harbour.id, datetime(2026, 12, 7, tzinfo=UTC).date())
    assert found is not None and company is not None
    card = found.contacts[0]
    assert card.other_emails == ("hana@sato-family.example",)
    assert {("Lead Owner", "Sam Reed"), ("Deal Stage", "Discovery")} <= set(card.extra_fields)
    assert ("Type", "Customer") in company.extra_fields
    people = ResearchPeople(lambda: datetime(2026, 12, 7, 12, tzinfo=UTC), lambda *a: None)
    people.show_cards(found.contacts, card.id, company.extra_fields)
    text = people.details.text()
    assert 'Other e-mails: <a href="mailto:hana@sato-family.example">hana@sato-family.example</a>' in text
    assert "Lead Source: Trade show" in text
    assert "Company: Type: Customer" in text
    people.deleteLater()


def test_the_national_format_of_numbers_names_the_region_when_nothing_else_does(
        uow_factory: UowFactory, book_path: Path) -> None:
    report = import_csv(DATA / "italian_list_no_country.csv", uow_factory, ImportOptions())
    assert report.imported == 4 and report.phones_invalid == 0
    italy = "Numbers without a country code are read as Italy (IT): 4 of 4"
    assert any(d.startswith(italy) for d in report.decisions)
    assert sorted(r[0] for r in query(book_path, "SELECT e164 FROM contact_phones")) == [
        "+390117654321", "+390212345678", "+390698765432", "+393471234567"]


def test_an_update_adds_to_extra_fields_and_other_emails(tmp_path: Path, uow_factory: UowFactory,
                                                        book_path: Path) -> None:
    import json

    import_csv(DATA / "crm_leads.csv", uow_factory, ImportOptions())
    later = ("First Name,Last Name,Email,Other Email,Lead Status,Region Owner\n"
             "Hana,Sato,hana.sato@kumo-robotics.example,h.sato@kumo.example,Won,Aiko Mori\n")
    report = import_csv(write_csv(tmp_path / "later.csv", later), uow_factory, ImportOptions(policy="update"))
    assert report.updated == 1
    others, extra = query(book_path,
                          "SELECT other_emails, extra_fields FROM contacts WHERE last_name = 'Sato'")[0]
    assert others.splitlines() == ["hana@sato-family.example", "h.sato@kumo.example"]
    data = json.loads(extra)
    assert (data["Lead Status"], data["Region Owner"], data["Lead Owner"]) == ("Won", "Aiko Mori", "Sam Reed")
