"""`sdrdesk report weekly|monthly`: text, CSV and PDF from a book; one-line errors."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from sdrdesk.cli import main
from sdrdesk.storage.engine import open_book
from sdrdesk.storage.unit_of_work import uow_factory_for
from tests.metrics.helpers import make_known_book


@pytest.fixture
def known_path(tmp_path: Path) -> Path:
    path = tmp_path / "known.db"
    book = open_book(path)
    make_known_book(uow_factory_for(book.session_factory))
    book.close()
    return path


def test_monthly_report_prints_metrics_and_sources(known_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "monthly", "--data", str(known_path), "--zone", "America/New_York"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Monthly review · This month")
    assert "Calls" in out and "By source" in out and "Total" in out


def test_report_writes_csv_and_pdf(known_path: Path, tmp_path: Path, qapp, capsys) -> None:  # type: ignore[no-untyped-def]
    csv_out, pdf_out = tmp_path / "r.csv", tmp_path / "r.pdf"
    code = main(["report", "weekly", "--previous", "--data", str(known_path), "--zone", "UTC",
                 "--csv", str(csv_out), "--pdf", str(pdf_out)])
    assert code == 0, capsys.readouterr().err
    rows = list(csv.reader(csv_out.open(encoding="utf-8-sig")))
    assert rows[0][0] == "Weekly review"
    assert any(r[:2] == ["review by persona", "Total"] for r in rows)
    assert pdf_out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf_out), "-"], capture_output=True, text=True).stdout
        assert "Weekly review" in text and "Review by source label" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["report", "weekly", "--data", "{tmp}/none"], "there is no book at"),
    (["report", "weekly", "--data", "{book}", "--zone", "Mars/Base"], "unknown time zone"),
    (["report", "weekly", "--data", "{book}", "--csv", "{tmp}/missing/r.csv"], "does not exist"),
])
def test_errors_are_one_line(known_path: Path, tmp_path: Path, capsys, argv, message) -> None:  # type: ignore[no-untyped-def]
    args = [a.format(tmp=tmp_path, book=known_path) for a in argv]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sdrdesk report: ") and message in err


def test_generate_with_meetings_then_report(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "g.db"
    assert main(["generate", str(book), "--accounts", "10", "--contacts", "60", "--activities", "300",
                 "--meetings", "40"]) == 0
    capsys.readouterr()
    assert main(["report", "monthly", "--data", str(book), "--zone", "UTC"]) == 0
    out = capsys.readouterr().out
    assert "Meetings booked" in out and "By source" in out
