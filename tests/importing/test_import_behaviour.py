"""Duplicates and policies, undo, cancel, a file vanishing mid-import, decoding errors, mappings."""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.domain.errors import ImportFileRejected, RecordNotFound
from sdrdesk.services.csv_import import (
    ImportOptions,
    guess_mapping,
    import_csv,
    last_import,
    preview_csv,
    remember_mapping,
    remembered_mapping,
    undo_last_import,
)
from sdrdesk.storage.unit_of_work import UowFactory
from tests.conftest import shared_file
from tests.importing.helpers import dump_book, query, write_csv

PEOPLE = """First Name,Last Name,Email,Company,Website,Phone,Country
Ann,Lee,ann@acme.com,Acme Inc,https://www.acme.com/,+49 30 1234567,Germany
Bo,Ng,bo@acme.com,Acme Inc,acme.com,020 7946 0958,United Kingdom
Cy,Oh,cy@globex.com,Globex,globex.com,(415) 555-0132 x12,US
"""


def test_phones_kept_as_entered_with_e164_type_and_extension(tmp_path: Path, uow_factory: UowFactory,
                                                            book_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PEOPLE)
    report = import_csv(path, uow_factory, ImportOptions(default_region="US"))
    assert (report.rows, report.imported, report.accounts_created) == (3, 3, 2)
    phones = query(book_path, "SELECT c.email, p.raw, p.e164, p.is_valid, p.number_type, p.extension, "
                              "p.region FROM contacts c JOIN contact_phones p ON p.contact_id = c.id "
                              "ORDER BY c.email")
    assert phones == [
        ("ann@acme.com", "+49 30 1234567", "+49301234567", 1, "fixed_line", None, "DE"),
        # Parsed against the row's country (GB), not the default region: the trunk 0 is understood.
        ("bo@acme.com", "020 7946 0958", "+442079460958", 1, "fixed_line", None, "GB"),
        ("cy@globex.com", "(415) 555-0132 x12", "+14155550132", 1, "fixed_line_or_mobile", "12", "US"),
    ]
    digits = query(book_path, "SELECT search_digits FROM contact_phones WHERE raw = '020 7946 0958'")[0][0]
    assert set(digits.split()) >= {"02079460958", "442079460958", "2079460958"}


def test_invalid_numbers_are_flagged_never_rejected(tmp_path: Path, uow_factory: UowFactory,
                                                   book_path: Path) -> None:
    text = ("Name,Email,Phone\nAnn Lee,ann@x.com,12\nBo Ng,bo@x.com,call reception\n"
            "Cy Oh,cy@x.com,'+61 8 9256 5304\n")
    report = import_csv(write_csv(tmp_path / "p.csv", text), uow_factory, ImportOptions())
    assert (report.imported, report.rejected, report.phones, report.phones_invalid) == (3, 0, 3, 2)
    rows = dict(query(book_path, "SELECT raw, coalesce(e164, '-') || is_valid FROM contact_phones"))
    # Apollo's leading "keep as text" apostrophe is a spreadsheet marker, not part of the number.
    assert rows == {"12": "-0", "call reception": "-0", "+61 8 9256 5304": "+61892565304" + "1"}


def test_rejects_have_reasons_and_counts_add_up(tmp_path: Path, uow_factory: UowFactory) -> None:
    text = ("First Name,Last Name,Email,Company\n"
            "Ann,Lee,not-an-address,Acme\n"
            ",,,\n"  # blank: not a data row
            ",,,,surplus\n"
            "Bo,Ng,bo@x.com\n"  # short row: trailing fields empty
            ",,,\n")
    report_dir = tmp_path / "out"
    path = write_csv(tmp_path / "in.csv", text)
    report = import_csv(path, uow_factory, ImportOptions(report_dir=report_dir))
    assert (report.rows, report.imported, report.rejected) == (3, 1, 2)
    assert report.rejects_file is not None and report.rejects_file.endswith("-rejects.csv")
    assert Path(report.rejects_file).parent == report_dir
    assert report.report_file is not None and Path(report.report_file).stem + "-rejects" == Path(
        report.rejects_file).stem
    lines = Path(report.rejects_file).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "First Name,Last Name,Email,Company,error"
    # Data rows are numbered from the first under the header; the line is the file's own line.
    assert lines[1].startswith('Ann,Lee,not-an-address,Acme,"row 1 (line 2): e-mail ""not-an-address"" is')
    assert lines[2].startswith(",,,,row 2 (line 4): has 5 fields but the header has 4")
    assert lines[2].endswith(",surplus")  # the extra cell is kept, after the error column


def test_rejects_file_reimports_after_fixing(tmp_path: Path, uow_factory: UowFactory) -> None:
    text = "First Name,Email\nAnn,ann-at-x.com\nBo,bo@x.com\n"
    report = import_csv(write_csv(tmp_path / "in.csv", text), uow_factory,
                        ImportOptions(report_dir=tmp_path / "out"))
    assert report.rejected == 1
    rejects = Path(report.rejects_file)  # type: ignore[arg-type]
    fixed = rejects.read_text(encoding="utf-8-sig").replace("ann-at-x.com", "ann@x.com")
    again = import_csv(write_csv(tmp_path / "fixed.csv", fixed), uow_factory, ImportOptions())
    assert (again.rows, again.imported, again.rejected) == (1, 1, 0)
    assert "error" in again.unmapped_columns


def test_duplicate_policies(tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", PEOPLE)
    import_csv(first, uow_factory, ImportOptions())
    changed = write_csv(tmp_path / "b.csv", PEOPLE.replace("Ann,Lee", "Ann,Lee-Smith")
                        .replace("ACME", "ACME") + "Di,Ra,ANN@acme.com,,,,\n")
    skip = import_csv(changed, uow_factory, ImportOptions(policy="skip"))
    # Di shares Ann's address but is clearly someone else: a possible duplicate, kept (issue 12).
    assert (skip.rows, skip.imported, skip.duplicates, skip.possible_duplicate_count) == (4, 1, 3, 1)
    update = import_csv(changed, uow_factory, ImportOptions(policy="update"))
    # Ann changed; Bo, Cy and Di (imported by the skip run) hold nothing new.
    assert (update.updated, update.duplicates, update.imported) == (1, 3, 0)
    assert query(book_path, "SELECT last_name FROM contacts WHERE email = 'ann@acme.com' "
                            "ORDER BY last_name") == [("Lee-Smith",), ("Ra",)]
    keep = import_csv(changed, uow_factory, ImportOptions(policy="keep_both"))
    assert keep.imported == 4
    assert query(book_path, "SELECT count(*) FROM contacts WHERE email = 'ann@acme.com'") == [(4,)]


def test_within_file_duplicate_emails_and_domains(tmp_path: Path, uow_factory: UowFactory) -> None:
    text = "Email,Name\nA@X.com,Ann\na@x.com,Ann again\nb@x.com,Bo\n"
    report = import_csv(write_csv(tmp_path / "c.csv", text), uow_factory, ImportOptions())
    assert (report.imported, report.duplicates) == (2, 1)
    assert report.duplicate_reasons == {"e-mail earlier in this file": 1}
    accounts = ("Company,Website\nAcme,acme.com\nACME Corp,https://www.acme.com/\nGlobex,\nglobex ,\n"
                # A page deeper in a site is not the company's own domain: the name must match too.
                "Acme Museum,https://acme.com/museum\nAcme,https://acme.com/about\n")
    report = import_csv(write_csv(tmp_path / "a.csv", accounts), uow_factory, ImportOptions())
    assert (report.kind, report.imported, report.duplicates) == ("accounts", 3, 3)
    assert report.duplicate_reasons == {"company earlier in this file": 3}


def test_near_duplicate_company_names_are_flagged(tmp_path: Path, uow_factory: UowFactory) -> None:
    import_csv(write_csv(tmp_path / "a.csv", "Company\nAcme Robotics Inc\n"), uow_factory, ImportOptions())
    path = write_csv(tmp_path / "b.csv", "Company\n\"ACME Robotics, Ltd.\"\nAcme Robotic\nZeta\n")
    report = import_csv(path, uow_factory, ImportOptions())
    assert report.imported == 3  # flagged, not merged: the user decides
    assert report.near_duplicate_count == 2
    assert {d["similar_to"] for d in report.near_duplicates} == {"Acme Robotics Inc"}


def test_undo_restores_updates_and_removes_creations(tmp_path: Path, demo_book_file: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.db"
    shutil.copy(demo_book_file, path)
    _book, uow_factory = make_book(path)
    email, first = query(path, "SELECT email, first_name FROM contacts WHERE email IS NOT NULL LIMIT 1")[0]
    before = dump_book(path)
    text = (f"Email,First Name,Last Name,Title,Phone,Company\n{email},{first}X,Changed,CEO,+44 20 7946 0958,"
            "Brand New Co\nnew@person.com,New,Person,CTO,+1 415 555 0132,Brand New Co\n")
    report = import_csv(write_csv(tmp_path / "u.csv", text), uow_factory,
                        ImportOptions(policy="update", source_label="Undo test"))
    assert (report.updated, report.imported) == (1, 1)
    assert dump_book(path) != before
    latest = last_import(uow_factory)
    assert latest is not None and str(latest.import_run_id) == report.import_run_id
    result, changes = undo_last_import(uow_factory)
    assert (result.contacts_removed, result.accounts_removed, result.records_restored) == (1, 1, 1)
    assert changes.book_reloaded
    assert dump_book(path) == before
    assert query(path, "SELECT status FROM import_runs") == [("undone",)]
    with pytest.raises(RecordNotFound):
        undo_last_import(uow_factory)


def test_undo_of_a_plain_import_leaves_the_book_as_before(tmp_path: Path, uow_factory: UowFactory,
                                                         book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory, ImportOptions(source_label="First"))
    before = dump_book(book_path)
    import_csv(shared_file("datablist/people-1000.csv"), uow_factory, ImportOptions())
    undo_last_import(uow_factory)
    assert dump_book(book_path) == before
    assert query(book_path, "SELECT count(*) FROM contacts") == [(3,)]


def test_cancel_leaves_no_partial_import(tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory, ImportOptions())
    before = dump_book(book_path)
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        token.cancel()

    report_dir = tmp_path / "out"
    with pytest.raises(OperationCancelled):
        import_csv(shared_file("datablist/customers-1000.csv"), uow_factory,
                   ImportOptions(batch_size=100, report_dir=report_dir), progress=progress, cancel=token)
    assert seen and 0 < seen[0][0] <= seen[0][1]
    assert dump_book(book_path) == before
    assert query(book_path, "SELECT count(*) FROM import_runs") == [(1,)]
    assert not report_dir.exists() or list(report_dir.iterdir()) == []


class _VanishingFile(io.RawIOBase):
    """A file that fails like a network share dropping after `limit` bytes."""

    def __init__(self, path: Path, limit: int) -> None:
        self._data = path.read_bytes()
        self._pos = 0
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._limit:
            raise OSError(5, "Input/output error")
        chunk = self._data[self._pos:self._pos + min(len(buffer), 4096)]
        buffer[:len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


def test_file_vanishing_mid_import_changes_nothing(tmp_path: Path, uow_factory: UowFactory,
                                                   book_path: Path) -> None:
    before = dump_book(book_path)
    source = shared_file("datablist/customers-1000.csv")
    report_dir = tmp_path / "out"
    with pytest.raises(ImportFileRejected, match="could not be read to the end") as info:
        import_csv(source, uow_factory, ImportOptions(batch_size=50, report_dir=report_dir),
                   opener=lambda p: _VanishingFile(p, 100_000))
    assert "Nothing was imported" in info.value.user_message
    assert dump_book(book_path) == before
    assert query(book_path, "SELECT count(*) FROM import_runs") == [(0,)]
    assert not report_dir.exists() or list(report_dir.iterdir()) == []


def test_bad_bytes_after_the_sample_reject_only_their_row(tmp_path: Path, uow_factory: UowFactory) -> None:
    lines = [b"Email,Name"] + [f"p{i}@x.com,Person {i}".encode() for i in range(12_000)]
    lines[11_000] = b"bad@x.com,M\xfcller"  # cp1252 byte deep inside a UTF-8 file
    path = tmp_path / "late.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = import_csv(path, uow_factory, ImportOptions(report_dir=tmp_path / "out"))
    assert (report.encoding, report.rows, report.rejected) == ("utf-8", 12_000, 1)
    assert report.reject_reasons and "not valid UTF-8" in next(iter(report.reject_reasons))


def test_preview_changes_nothing_and_lists_outcomes(tmp_path: Path, uow_factory: UowFactory,
                                                    book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory, ImportOptions())
    before = dump_book(book_path)
    text = PEOPLE + "Di,Ra,bad-email,,,,\nEd,Yo,ed@initech.com,Initech,initech.com,,\n"
    preview = preview_csv(write_csv(tmp_path / "b.csv", text), uow_factory, ImportOptions(), max_rows=4)
    assert preview.status == "preview" and preview.rows == 4
    assert [o.outcome for o in preview.row_outcomes] == ["duplicate", "duplicate", "duplicate", "rejected"]
    assert dump_book(book_path) == before


def test_mapping_overrides_and_remembered_mappings(tmp_path: Path, uow_factory: UowFactory,
                                                   book_path: Path) -> None:
    text = "Who,Where,Reach\nAnn Lee,Acme,ann@acme.com\n"
    path = write_csv(tmp_path / "m.csv", text)
    with pytest.raises(ImportFileRejected):
        import_csv(path, uow_factory, ImportOptions())
    mapping = guess_mapping(("Who", "Where", "Reach")).with_overrides(
        {"Who": "contact.full_name", "#2": "account.name", "REACH": "contact.email"})
    remember_mapping(uow_factory, mapping)
    remembered = remembered_mapping(uow_factory, ("Who", "Where", "Reach"))
    assert remembered is not None and remembered.fields == mapping.fields
    report = import_csv(path, uow_factory, ImportOptions(mapping=remembered))
    assert report.imported == 1
    names = query(book_path, "SELECT first_name, last_name, email FROM contacts")
    assert names == [("Ann", "Lee", "ann@acme.com")]
    with pytest.raises(ImportFileRejected, match="not a field"):
        mapping.with_overrides({"Who": "contact.shoe_size"})
    with pytest.raises(ImportFileRejected, match="does not have"):
        mapping.with_overrides({"Nope": "contact.email"})


def test_source_label_is_recorded(tmp_path: Path, uow_factory: UowFactory, book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory, ImportOptions(source_label="Apollo Q3"))
    rows = query(book_path,
                 "SELECT DISTINCT s.name FROM contacts c JOIN source_labels s ON s.id = c.source_label_id")
    assert rows == [("Apollo Q3",)]
    runs = query(book_path,
                 "SELECT s.name FROM import_runs r JOIN source_labels s ON s.id = r.source_label_id")
    assert runs == [("Apollo Q3",)]


def test_a_busy_book_is_reported_and_left_unchanged(tmp_path: Path, uow_factory: UowFactory,
                                                    book_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sdrdesk.domain.errors import DatabaseOpenError
    from sdrdesk.storage import engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(book_path, timeout=0.05)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the book
    try:
        with pytest.raises(DatabaseOpenError, match="busy"):
            import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory,
                       ImportOptions(report_dir=tmp_path / "out"))
    finally:
        blocker.rollback()
        blocker.close()
    assert query(book_path, "SELECT count(*) FROM import_runs") == [(0,)]


def test_a_file_without_a_header_row_says_so(tmp_path: Path, uow_factory: UowFactory) -> None:
    path = write_csv(tmp_path / "nohead.csv", "Ann,Lee,ann@x.com\nBo,Ng,bo@x.com\n")
    with pytest.raises(ImportFileRejected, match="looks like data, not column names"):
        import_csv(path, uow_factory, ImportOptions())


def test_excel_text_formulas_keep_leading_zeros(tmp_path: Path, uow_factory: UowFactory,
                                                book_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", 'Email,Phone,Title\nann@x.com,"=""0301234567""","=""007"""\n')
    import_csv(path, uow_factory, ImportOptions(default_region="DE"))
    assert query(book_path, "SELECT c.title, p.raw, p.e164 FROM contacts c JOIN contact_phones p "
                         "ON p.contact_id = c.id") == [("007", "0301234567", "+49301234567")]


def test_ordered_ids_are_unique_version_7_and_sorted_by_time() -> None:
    from sdrdesk.services.csv_import.ids import ordered_id

    ids = [ordered_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7}
    stamps = [i.int >> 80 for i in ids]
    assert stamps == sorted(stamps)


def test_undo_refuses_when_imported_records_are_in_use(tmp_path: Path, uow_factory: UowFactory,
                                                       book_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.domain.errors import ValidationError
    from sdrdesk.storage import models as m

    import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory, ImportOptions())
    with uow_factory() as uow:
        contact = uow.contacts.by_email("ann@acme.com")
        assert contact is not None
        uow.activities.add(m.Activity(contact_id=contact.id, kind="call", occurred_at=fake_clock.now()))
        uow.commit()
    before = dump_book(book_path)
    with pytest.raises(ValidationError, match="cannot be undone"):
        undo_last_import(uow_factory)
    assert dump_book(book_path) == before
    assert query(book_path, "SELECT status FROM import_runs") == [("done",)]


def test_a_number_repeated_in_two_columns_is_one_phone(tmp_path: Path, uow_factory: UowFactory,
                                                       book_path: Path) -> None:
    text = ("Email,First Phone,Work Direct Phone,Mobile Phone\n"
            "ann@x.com,'+61 8 9256 5304,'+61 8 9256 5304,'+61 412 345 678\n")
    import_csv(write_csv(tmp_path / "apollo.csv", text), uow_factory, ImportOptions())
    rows = query(book_path, "SELECT raw, label, position FROM contact_phones ORDER BY position")
    assert rows == [("+61 8 9256 5304", "direct", 0), ("+61 412 345 678", "mobile", 1)]


def test_update_never_creates_a_company_it_does_not_link(tmp_path: Path, uow_factory: UowFactory,
                                                         book_path: Path) -> None:
    import_csv(write_csv(tmp_path / "a.csv", PEOPLE), uow_factory, ImportOptions())
    changed = "Email,Title,Company\nann@acme.com,CEO,Other Co\n"  # Ann already works at Acme Inc
    report = import_csv(write_csv(tmp_path / "b.csv", changed), uow_factory, ImportOptions(policy="update"))
    assert (report.updated, report.accounts_created) == (1, 0)
    assert query(book_path, "SELECT count(*) FROM accounts WHERE name = 'Other Co'") == [(0,)]
    assert query(book_path, "SELECT c.title, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id "
                         "WHERE c.email = 'ann@acme.com'") == [("CEO", "Acme Inc")]


def test_same_company_name_in_another_town_is_another_company(tmp_path: Path, uow_factory: UowFactory,
                                                              book_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", "Company,City\nMusée archéologique,Lyon\n")
    import_csv(first, uow_factory, ImportOptions(default_region="FR"))
    second = write_csv(tmp_path / "b.csv",
                       "Company,City\nMusée archéologique,Dijon\nMusée archéologique,lyon\n"
                       "Musée archéologique,\nMusée archéologique,Dijon\n")
    report = import_csv(second, uow_factory, ImportOptions(default_region="FR"))
    # Dijon is new; Lyon (any case), the row without a town and Dijon's repeat are duplicates.
    assert (report.rows, report.imported, report.duplicates) == (4, 1, 3)
    towns = query(book_path, "SELECT city FROM accounts WHERE deleted_at IS NULL ORDER BY city")
    assert towns == [("Dijon",), ("Lyon",)]
