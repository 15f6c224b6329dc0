"""Generated CSVs never crash the importer and every row is accounted for; memory stays bounded."""

from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdrdesk.domain.errors import ImportFileRejected
from sdrdesk.services.csv_import import ImportOptions, import_csv
from sdrdesk.services.csv_import.detect import detect
from sdrdesk.services.csv_import.reader import CsvRecordReader
from sdrdesk.storage.unit_of_work import UowFactory

HEADERS = ["First Name", "Last Name", "Email", "Company", "Website", "Phone", "Mobile Phone", "Country",
           "Title", "Notes", "Is a company", "Related Company", "Name", "x", "Index", "Account: Phone"]
ALPHABET = st.characters(codec="cp1252", exclude_categories=("Cs",)) | st.sampled_from(
    list(",;\t|\"'\n\r @.+-()x0123456789\x00"))
CELL = st.one_of(
    st.text(ALPHABET, max_size=25),
    st.emails().map(lambda e: e[:60]),
    st.sampled_from(["+49 30 1234567", "(415) 555-0132 x12", "'+61 8 9256 5304", "0049 30 123", "NULL",
                     "Germany", "UK", "https://www.acme.com/", "[{\"label\": \"work\", \"value\": \"5454\"}]",
                     "TRUE", "1", ""]),
)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, str, list[str], list[list[str]]]:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8, unique=True))
    width = len(headers)
    rows = draw(st.lists(st.lists(CELL, min_size=max(0, width - 2), max_size=width + 2), max_size=25))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return delimiter, encoding, headers, rows


def _write(path: Path, delimiter: str, encoding: str, headers: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    # "\r\n" as terminator makes csv quote any cell holding either character (with "\n" alone it
    # leaves a bare "\r" unquoted, which every CR-aware reader rightly splits into two records).
    quoting = csv.QUOTE_ALL if len(rows) % 2 else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=quoting)
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))


def _data_rows(rows: list[list[str]]) -> int:
    return sum(1 for r in rows if any(c.replace("\x00", "").strip() for c in r))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files())
def test_generated_csvs_are_accounted_for(tmp_path: Path, uow_factory: UowFactory,
                                          data: tuple[str, str, list[str], list[list[str]]]) -> None:
    delimiter, encoding, headers, rows = data
    path = tmp_path / "gen.csv"
    _write(path, delimiter, encoding, headers, rows)
    try:
        # With the writer's own delimiter and encoding the row count is known exactly.
        codec = {"utf-16": None}.get(encoding, encoding)
        options = ImportOptions(delimiter=delimiter, encoding=codec, header_row=0,
                                report_dir=tmp_path / "out")
        report = import_csv(path, uow_factory, options)
    except ImportFileRejected as exc:
        assert exc.user_message
        return
    assert report.rows == _data_rows(rows)
    assert report.imported + report.updated + report.duplicates + report.rejected == report.rows
    if report.rejected:
        with open(report.rejects_file, encoding="utf-8-sig", newline="") as handle:  # type: ignore[arg-type]
            assert sum(1 for _ in csv.reader(handle, delimiter=delimiter)) == report.rejected + 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files(), policy=st.sampled_from(["skip", "update", "keep_both"]))
def test_generated_csvs_with_detection_never_crash(tmp_path: Path, uow_factory: UowFactory,
                                                   data: tuple[str, str, list[str], list[list[str]]],
                                                   policy: str) -> None:
    delimiter, encoding, headers, rows = data
    path = tmp_path / "gen.csv"
    _write(path, delimiter, encoding, headers, rows)
    try:
        detection = detect(path)
        expected = sum(1 for _ in CsvRecordReader(path, detection))
        report = import_csv(path, uow_factory, ImportOptions(policy=policy))
    except ImportFileRejected as exc:
        assert exc.user_message
        return
    assert report.rows == expected
    assert report.imported + report.updated + report.duplicates + report.rejected == report.rows


def _contacts_file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Company", "Phone", "Country"])
        for i in range(rows):
            writer.writerow([f"First{i}", f"Last{i}", f"p{i}@example.com", f"Company {i % 50}",
                             f"+49 30 {1000000 + i % 900}", "Germany"])
    return path


def _peak_import_bytes(path: Path, uow_factory: UowFactory) -> int:
    tracemalloc.start()
    try:
        report = import_csv(path, uow_factory, ImportOptions(batch_size=500))
        assert report.rows == report.imported
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file(tmp_path: Path, make_book) -> None:  # type: ignore[no-untyped-def]
    _b0, warm = make_book(tmp_path / "warm.db")
    _b1, uow_small = make_book(tmp_path / "small.db")
    _b2, uow_large = make_book(tmp_path / "large.db")
    _peak_import_bytes(_contacts_file(tmp_path / "warm.csv", 600), warm)  # phone metadata, country names
    peak_small = _peak_import_bytes(_contacts_file(tmp_path / "small.csv", 1_500), uow_small)
    peak_large = _peak_import_bytes(_contacts_file(tmp_path / "large.csv", 6_000), uow_large)
    # Four times the rows must not need anywhere near four times the memory (it is per batch).
    assert peak_large < peak_small * 1.5 + 1_000_000, (peak_small, peak_large)
    assert peak_large < 30_000_000


def test_reader_streams_a_large_file_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Email,Notes\n")
        line = "someone@example.com,\"" + "x" * 180 + "\"\n"
        for _ in range(50_000):  # ~10 MB, 40 times the detection sample
            handle.write(line)
    detection = detect(path)
    tracemalloc.start()
    try:
        count = sum(1 for _ in CsvRecordReader(path, detection))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 2_000_000, peak


@pytest.mark.parametrize("rows", [10_000, 40_000])  # within and beyond the detection sample
def test_an_unclosed_quote_is_refused_not_swallowed(tmp_path: Path, uow_factory: UowFactory,
                                                    rows: int) -> None:
    path = tmp_path / "q.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Email,Name\na@x.com,\"never closed\n")
        for i in range(rows):
            handle.write(f"p{i}@x.com,Person {i}\n")
    with pytest.raises(ImportFileRejected, match="never closed, from about line 2"):
        import_csv(path, uow_factory, ImportOptions())
