"""`sdrdesk import` on the command line, header aliases of common exports, country names."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sdrdesk.cli import main
from sdrdesk.services.csv_import.countries import to_iso2
from sdrdesk.services.csv_import.mapping import guess_mapping
from tests.conftest import shared_file
from tests.importing.helpers import write_csv


def test_cli_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book.db"
    code = main(["import", str(shared_file("northwind/customers.csv")), "--data", str(book), "--json",
                 "--source", "Northwind", "--report-dir", str(tmp_path / "out")])
    assert code == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    keys = ("rows", "imported", "updated", "duplicates", "rejected", "encoding", "delimiter")
    assert {k: report[k] for k in keys} == {"rows": 91, "imported": 67, "updated": 0, "duplicates": 0,
                                            "rejected": 24, "encoding": "utf-8", "delimiter": ","}
    assert Path(report["rejects_file"]).is_file()
    assert (report["bom"], report["encoding_label"], report["delimiter_name"]) == (False, "UTF-8", "comma")
    assert report["source_label"] == "Northwind"
    conn = sqlite3.connect(book)
    assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (67,)
    conn.close()


def test_cli_global_data_option_and_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "global.db"
    code = main(["--data", str(book), "import", str(shared_file("thunderbird/csv_semicolon.csv"))])
    assert code == 0
    out = capsys.readouterr().out
    assert "2 data rows" in out and "imported 2" in out
    assert book.is_file()


def test_cli_map_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_csv(tmp_path / "x.csv", "Who,Reach\nAnn Lee,ann@x.com\n")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Who": "contact.full_name", "Reach": "contact.email"}), encoding="utf-8")
    assert main(["import", str(src), "--data", str(tmp_path / "b.db"), "--map", str(mapping), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 1
    inline = '{"Who": "contact.full_name", "Reach": "contact.email"}'
    assert main(["import", str(src), "--data", str(tmp_path / "b.db"), "--map", inline, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["duplicates"] == 1
    # The mapping is remembered for files with the same columns: no --map needed next time.
    other = write_csv(tmp_path / "y.csv", "Who,Reach\nBo Ng,bo@x.com\n")
    assert main(["import", str(other), "--data", str(tmp_path / "b.db"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 1
    # ... but not in another book.
    assert main(["import", str(other), "--data", str(tmp_path / "c.db"), "--json"]) == 1
    assert "has no column for a person" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"PK\x03\x04[Content_Types].xml xl/workbook.xml", "Excel workbook"),
    (b"a,b\n", "no data rows"),
])
def test_cli_refused_file_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                                         message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    book = tmp_path / "book.db"
    assert main(["import", str(path), "--data", str(book), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and captured.err.startswith("sdrdesk import: ")


def test_cli_missing_file_and_bad_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.csv"), "--data", str(tmp_path / "b.db")]) == 1
    assert "not found" in capsys.readouterr().err
    src = write_csv(tmp_path / "x.csv", "Email\nann@x.com\n")
    assert main(["import", str(src), "--data", str(tmp_path / "b.db"), "--map", "{not json"]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_cli_undo_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "b.db"
    src = write_csv(tmp_path / "x.csv", "Email,Company\nann@x.com,Acme\n")
    assert main(["import", str(src), "--data", str(book)]) == 0
    assert main(["import", str(src), "--data", str(book), "--undo-last", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(out)["contacts_removed"] == 1
    assert main(["import", str(src), "--data", str(book), "--undo-last"]) == 1
    assert "no import to undo" in capsys.readouterr().err
    # Undo needs no file; an import without one says what is missing.
    assert main(["import", str(src), "--data", str(book)]) == 0
    assert main(["import", "--undo-last", "--data", str(book)]) == 0
    assert main(["import", "--data", str(book)]) == 1
    assert "name the CSV file" in capsys.readouterr().err


@pytest.mark.parametrize(("headers", "expected"), [
    # Salesforce API names (Lead / Contact objects)
    (["FirstName", "LastName", "Company", "MobilePhone", "MailingCountry", "Title", "Email"],
     ["contact.first_name", "contact.last_name", "account.name", "contact.phone:mobile", "contact.country",
      "contact.title", "contact.email"]),
    # Salesforce report style
    (["Account: Account Name", "Account: Phone", "Contact: First Name", "Contact: Email", "Account: Website"],
     ["account.name", "account.phone", "contact.first_name", "contact.email", "account.website"]),
    # Apollo
    (["First Name", "Last Name", "Title", "Company", "Email", "Work Direct Phone", "Mobile Phone",
      "Corporate Phone", "Person Linkedin Url", "Website", "# Employees", "Company Country", "Company Phone"],
     ["contact.first_name", "contact.last_name", "contact.title", "account.name", "contact.email",
      "contact.phone:direct", "contact.phone:mobile", "contact.phone:corporate", "contact.linkedin_url",
      "account.website", "account.employee_count", "account.country", "account.phone"]),
    # HubSpot
    (["First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title", "Country/Region",
      "State/Region", "Website URL"],
     ["contact.first_name", "contact.last_name", "contact.email", "contact.phone", "account.name",
      "contact.title", "contact.country", "contact.region", "account.website"]),
    # LinkedIn Sales Navigator-style
    (["First Name", "Last Name", "Title", "Company", "LinkedIn Profile URL", "Location"],
     ["contact.first_name", "contact.last_name", "contact.title", "account.name", "contact.linkedin_url",
      "contact.city"]),
    # Thunderbird
    (["First Name", "Display Name", "Primary Email", "Work Phone", "Mobile Number", "Organization",
      "Fax Number"],
     ["contact.first_name", "contact.full_name", "contact.email", "contact.phone:work",
      "contact.phone:mobile", "account.name", "ignore"]),
    # Odoo
    (["Name", "Company Type", "Related Company", "Phone", "Email"],
     ["contact.full_name", "record.is_company", "record.parent_company", "contact.phone", "contact.email"]),
    # Outlook: "Title" is the courtesy title when "Job Title" is there too
    (["First Name", "Title", "Last Name", "Company", "Job Title", "Business Phone", "Business Phone 2",
      "Mobile Phone", "E-mail Address", "E-mail 2 Address", "Business City", "Business Country/Region"],
     ["contact.first_name", "ignore", "contact.last_name", "account.name", "contact.title",
      "contact.phone:work", "contact.phone:work", "contact.phone:mobile", "contact.email", "contact.email",
      "contact.city", "contact.country"]),
    # Google Contacts
    (["Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
      "Organization 1 - Name", "Organization 1 - Title"],
     ["contact.first_name", "contact.last_name", "contact.email", "ignore", "contact.phone",
      "account.name", "contact.title"]),
    # Pipedrive
    (["Person - Name", "Person - Email - Work", "Person - Phone - Mobile", "Organization - Name",
      "Do Not Phone"],
     ["contact.full_name", "contact.email", "contact.phone:mobile", "account.name", "ignore"]),
    # Unknown names that still say what they hold
    (["Contact Person", "Work Phone Number", "Business E-mail"],
     ["ignore", "contact.phone:work", "contact.email"]),
    # A company list: "Name" and location columns describe the account
    (["Name", "Website", "Country", "Phone", "Industry"],
     ["account.name", "account.website", "account.country", "account.phone", "account.industry"]),
])
def test_header_aliases(headers: list[str], expected: list[str]) -> None:
    assert list(guess_mapping(headers).fields) == expected


def test_only_the_first_of_two_single_value_columns_is_used() -> None:
    mapping = guess_mapping(["Company", "Organization", "Email"])
    assert mapping.fields == ("account.name", "ignore", "contact.email")
    assert mapping.warnings


@pytest.mark.parametrize(("text", "code"), [
    ("Germany", "DE"), ("Deutschland", "DE"), ("DE", "DE"), ("de", "DE"), ("United Kingdom", "GB"),
    ("UK", "GB"), ("U.S.A.", "US"), ("United States", "US"), ("Allemagne", "DE"), ("España", "ES"),
    ("Korea, Republic of", "KR"), ("Macao", "MO"), ("", None), ("Atlantis", None),
])
def test_country_names(text: str, code: str | None) -> None:
    assert to_iso2(text) == code


def test_cli_export_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book.db"
    source = shared_file("salesforce-lwc-recipes/Accounts-Contacts.csv")
    assert main(["import", str(source), "--data", str(book)]) == 0
    out = tmp_path / "contacts.csv"
    assert main(["export", "contacts", str(out), "--data", str(book)]) == 0
    assert "wrote 6 contacts" in capsys.readouterr().out
    assert main(["import", str(out), "--data", str(tmp_path / "copy.db"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["rows"], report["imported"]) == (6, 6)
    assert main(["export", "accounts", str(tmp_path / "a.csv"), "--data", str(tmp_path / "none.db")]) == 1
    assert "no book" in capsys.readouterr().err



def test_samples_correct_the_guess() -> None:
    from sdrdesk.services.csv_import.mapping import refine_with_samples

    # LinkedIn's Connections.csv calls the profile link "URL"; a "Contact" column full of addresses.
    headers = ["First Name", "Last Name", "URL", "Contact", "Company"]
    rows = [["Ann", "Lee", "https://www.linkedin.com/in/annlee", "ann@acme.com", "Acme"],
            ["Bo", "Ng", "https://www.linkedin.com/in/bong", "mailto:bo@globex.com", "Globex"]]
    mapping = refine_with_samples(guess_mapping(headers), rows)
    assert mapping.fields == ("contact.first_name", "contact.last_name", "contact.linkedin_url",
                              "contact.email", "account.name")


def test_shared_platform_websites_never_merge_companies() -> None:
    from sdrdesk.services.csv_import.values import domain_of

    assert domain_of("https://www.linkedin.com/company/acme") is None
    assert domain_of("https://acme.wordpress.com/") is None
    assert domain_of("https://WWW.Acme.co.uk/about") == "acme.co.uk"
    assert domain_of("#FORMAGGI.HTM#") is None  # Northwind's Access hyperlink syntax
