"""`sdrdesk import FILE --enrol SEQUENCE`: the imported contacts are enrolled, on a real CSV."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sdrdesk.cli import main

CSV = """First Name,Last Name,Company,Email,Phone,Country,State
Ana,Lima,Maple Freight,ana@maple.example,+1 416 555 0101,CA,ON
Bo,Berg,Maple Freight,bo@maple.example,+1 416 555 0102,CA,ON
Cy,Diaz,Nova Labs,cy@nova.example,+1 617 555 0103,US,MA
"""


def test_import_then_enrol_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "people.csv"
    src.write_text(CSV, encoding="utf-8")
    book = tmp_path / "book.db"
    assert main(["import", str(src), "--data", str(book), "--enrol", "Inbound", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["enrolled"]["sequence"] == "Inbound - webinar follow-up"
    assert report["enrolled"]["enrolled"] == 3
    conn = sqlite3.connect(book)
    try:
        tasks = conn.execute("SELECT channel FROM tasks WHERE status = 'open'").fetchall()
    finally:
        conn.close()
    assert tasks == [("email",)] * 3  # the sequence's first step


def test_an_unknown_sequence_is_refused_before_importing(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "people.csv"
    src.write_text(CSV, encoding="utf-8")
    book = tmp_path / "book.db"
    assert main(["import", str(src), "--data", str(book), "--enrol", "Nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sdrdesk import: no sequence called “Nope”") and err.count("\n") == 1
    assert not book.exists()  # a refused import leaves nothing behind (issue 12)


def test_daily_cap_option_spreads_the_first_tasks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "people.csv"
    src.write_text(CSV, encoding="utf-8")
    book = tmp_path / "book.db"
    assert main(["import", str(src), "--data", str(book), "--enrol", "Inbound", "--daily-cap", "email=1",
                 "--daily-cap", "call=5", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["enrolled"]["enrolled"] == 3
    assert sorted(report["enrolled"]["first_due"].values()) == [1, 1, 1]  # one e-mail a day


@pytest.mark.parametrize("bad", ["fax=3", "email=0", "email", "call=many"])
def test_a_bad_daily_cap_is_refused_before_importing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     bad: str) -> None:
    src = tmp_path / "people.csv"
    src.write_text(CSV, encoding="utf-8")
    book = tmp_path / "book.db"
    assert main(["import", str(src), "--data", str(book), "--enrol", "Inbound", "--daily-cap", bad]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"sdrdesk import: --daily-cap “{bad}”") and err.count("\n") == 1
    assert not book.exists()
